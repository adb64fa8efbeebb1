"""The Subsequence model: a follow-up sequence a campaign runs when conditions are met."""

from __future__ import annotations

from datetime import datetime

import attrs

from ._campaign import AutoVariantSelect
from ._enums import CampaignStatus, CrmStatus, DailyLimitMode, LeadActivity
from ._schedule import Schedule
from ._sequence import Sequence


@attrs.define(kw_only=True)
class Conditions:
    """What moves a lead into the subsequence.

    ``crm_status``: lead interest statuses (built-in, or a custom label's value
    in -30000..30000); ``lead_activity``: opens, clicks, completion without
    reply; ``reply_contains``: text in the lead's reply.
    """

    crm_status: list[CrmStatus] | None = None
    lead_activity: list[LeadActivity] | None = None
    reply_contains: str | None = None


@attrs.define(kw_only=True)
class Subsequence:
    """A campaign subsequence.

    Read-only: ``id``, ``workspace``, ``status``, ``timestamp_created``,
    ``timestamp_leads_updated``.  Without ``subsequence_schedule`` it uses the
    parent campaign's.  ``daily_limit`` applies when ``daily_limit_mode`` is
    ``custom``; ``ignore_account_daily_limit`` keeps sending when the sending
    accounts have hit their own daily limits.
    """

    id: str
    parent_campaign: str
    workspace: str
    status: CampaignStatus
    name: str
    conditions: Conditions
    timestamp_created: datetime
    timestamp_leads_updated: datetime
    subsequence_schedule: Schedule | None = None
    sequences: list[Sequence] | None = None
    auto_variant_select: AutoVariantSelect | None = None
    daily_limit_mode: DailyLimitMode | None = None
    daily_limit: int | None = None
    ignore_account_daily_limit: bool | None = None
