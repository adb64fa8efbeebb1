"""The Subsequence model: follow-up emails a campaign sends when a lead meets conditions."""

import datetime

import attrs

from ._base import LOOSE, Model
from ._campaign import AutoVariantSelect
from ._enums import CampaignStatus, CrmStatus, DailyLimitMode, LeadActivity
from ._schedule import Schedule
from ._sequence import Sequence


@attrs.define(kw_only=True)
class Conditions(Model):
    """What moves a lead into a subsequence."""

    crm_status: list[CrmStatus] | None = attrs.field(default=None, metadata=LOOSE)
    """Lead interest statuses: built-in ones or a custom label's value (-30000..30000).

    Loose: ``number`` items in the spec.  ``None`` when one is not an integer (e.g.
    ``1.5``); the raw list is then in ``extra['crm_status']``."""
    lead_activity: list[LeadActivity] | None = None
    reply_contains: str | None = None
    """Text to look for in the lead's reply."""


@attrs.define(kw_only=True)
class Subsequence(Model):
    """A campaign subsequence (``CampaignSubsequence`` in the API).

    Read-only: ``id``, ``workspace``, ``status``, ``timestamp_created``,
    ``timestamp_leads_updated``; ``parent_campaign`` cannot be changed.
    """

    id: str
    parent_campaign: str
    """Id of the campaign the subsequence belongs to."""
    workspace: str
    status: CampaignStatus
    name: str
    conditions: Conditions
    timestamp_created: datetime.datetime
    timestamp_leads_updated: datetime.datetime
    subsequence_schedule: Schedule | None = None
    """Omitted on create: the parent campaign's schedule is used."""
    sequences: list[Sequence] | None = None
    """Only the first element is used."""
    auto_variant_select: AutoVariantSelect | None = None
    daily_limit_mode: DailyLimitMode | None = None
    daily_limit: float | None = None
    """Used when ``daily_limit_mode`` is custom."""
    ignore_account_daily_limit: bool | None = None
    """Keep sending even when the sending accounts hit their own daily limits."""
