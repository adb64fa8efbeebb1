"""The Campaign model and the nested objects it has (``AutoVariantSelect`` is shared)."""

import datetime
from typing import Any

import attrs

from ._base import LOOSE, Model
from ._enums import (
    AutoVariantTrigger,
    CampaignStatus,
    EspProvider,
    LimitMode,
    LimitScope,
    NotSendingStatus,
    RoutingAction,
)
from ._schedule import Schedule
from ._sequence import Sequence


@attrs.define(kw_only=True)
class AutoVariantSelect(Model):
    """Automatic A/Z winner selection (campaigns and subsequences).

    Setting the parent's ``auto_variant_select`` to ``None`` turns it off.
    """

    trigger: AutoVariantTrigger


@attrs.define(kw_only=True)
class CompanyLimitOverride(Model):
    """``limit_emails_per_company_override``: overrides the workspace's per-company limit."""

    mode: LimitMode
    daily_limit: float | None = None
    """Emails per company (domain) per day, at least 1; used when ``mode`` is custom."""
    scope: LimitScope | None = None


@attrs.define(kw_only=True)
class ProviderRoutingRule(Model):
    """One of ``provider_routing_rules``: send (or not) between sender and recipient ESPs."""

    action: RoutingAction | None = None
    recipient_esp: list[EspProvider] | None = None
    sender_esp: list[EspProvider] | None = None


@attrs.define(kw_only=True)
class Campaign(Model):
    """An email campaign.

    Read-only (set by the API, ignored on create/update): ``id``, ``status``,
    ``timestamp_created``, ``timestamp_updated``, ``not_sending_status``,
    ``core_variables``, ``custom_variables``, ``organization``.
    """

    id: str
    name: str
    status: CampaignStatus
    campaign_schedule: Schedule
    timestamp_created: datetime.datetime | None = attrs.field(metadata=LOOSE)
    """Loose: a plain string in the spec.  ``None`` when it did not parse as an
    ISO-8601 date-time; the raw value is then in ``extra['timestamp_created']``."""
    timestamp_updated: datetime.datetime | None = attrs.field(metadata=LOOSE)
    """Loose, as ``timestamp_created``."""
    pl_value: float | None = None
    """Value of each positive lead."""
    is_evergreen: bool | None = None
    sequences: list[Sequence] | None = None
    """Only the first element is used."""
    email_gap: float | None = None
    """Minutes between emails."""
    random_wait_max: float | None = None
    """Maximum extra random wait between emails, in minutes."""
    text_only: bool | None = None
    first_email_text_only: bool | None = None
    email_list: list[str] | None = None
    """Email addresses of the sending accounts."""
    daily_limit: float | None = None
    """The campaign's daily sending limit."""
    stop_on_reply: bool | None = None
    email_tag_list: list[str] | None = None
    """Ids of tags selecting the sending accounts."""
    link_tracking: bool | None = None
    open_tracking: bool | None = None
    stop_on_auto_reply: bool | None = None
    daily_max_leads: int | None = None
    """Maximum new leads contacted per day."""
    prioritize_new_leads: bool | None = None
    auto_variant_select: AutoVariantSelect | None = None
    match_lead_esp: bool | None = None
    """Send from an account on the same email provider as the lead."""
    not_sending_status: NotSendingStatus | None = None
    """Why an active campaign is not sending right now, if it is not."""
    stop_for_company: bool | None = None
    """On a reply, stop for every lead of the same company (domain)."""
    core_variables: dict[str, Any] | None = None
    custom_variables: dict[str, Any] | None = None
    insert_unsubscribe_header: bool | None = None
    allow_risky_contacts: bool | None = None
    """Send to risky contacts too (off: they are skipped)."""
    disable_bounce_protect: bool | None = None
    limit_emails_per_company_override: CompanyLimitOverride | None = None
    cc_list: list[str] | None = None
    bcc_list: list[str] | None = None
    organization: str | None = None
    """Id of the owning organization (workspace)."""
    owned_by: str | None = None
    """Id of the owning user."""
    ai_sdr_id: str | None = None
    """Id of the AI Sales Agent that created the campaign (settable on create only)."""
    provider_routing_rules: list[ProviderRoutingRule] | None = None
