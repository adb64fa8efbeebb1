"""The Campaign model and the objects only campaigns have."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

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
class AutoVariantSelect:
    """Automatic A/Z winner selection by a metric (``None`` on the parent turns it off)."""

    trigger: AutoVariantTrigger


@attrs.define(kw_only=True)
class CompanyLimitOverride:
    """Overrides the workspace's limit of emails per company (domain)."""

    mode: LimitMode
    daily_limit: int | None = None
    scope: LimitScope | None = None


@attrs.define(kw_only=True)
class ProviderRoutingRule:
    """Send (or not) from senders of some providers to recipients of others."""

    action: RoutingAction | None = None
    recipient_esp: list[EspProvider] | None = None
    sender_esp: list[EspProvider] | None = None


@attrs.define(kw_only=True)
class Campaign:
    """An email campaign.

    Read-only fields (set by the API): ``id``, ``status``, ``timestamp_created``,
    ``timestamp_updated``, ``not_sending_status``, ``core_variables``,
    ``custom_variables``, ``organization``.  ``sequences``: only the first is used.
    Numbers: ``email_gap`` and ``random_wait_max`` are minutes; ``pl_value`` is
    the value of each positive lead.
    """

    id: str
    name: str
    status: CampaignStatus
    campaign_schedule: Schedule
    timestamp_created: datetime
    timestamp_updated: datetime
    pl_value: float | None = None
    is_evergreen: bool | None = None
    sequences: list[Sequence] | None = None
    email_gap: float | None = None
    random_wait_max: float | None = None
    text_only: bool | None = None
    first_email_text_only: bool | None = None
    email_list: list[str] | None = None
    daily_limit: int | None = None
    stop_on_reply: bool | None = None
    email_tag_list: list[str] | None = None
    link_tracking: bool | None = None
    open_tracking: bool | None = None
    stop_on_auto_reply: bool | None = None
    daily_max_leads: int | None = None
    prioritize_new_leads: bool | None = None
    auto_variant_select: AutoVariantSelect | None = None
    match_lead_esp: bool | None = None
    not_sending_status: NotSendingStatus | None = None
    stop_for_company: bool | None = None
    core_variables: dict[str, Any] | None = None
    custom_variables: dict[str, Any] | None = None
    insert_unsubscribe_header: bool | None = None
    allow_risky_contacts: bool | None = None
    disable_bounce_protect: bool | None = None
    limit_emails_per_company_override: CompanyLimitOverride | None = None
    cc_list: list[str] | None = None
    bcc_list: list[str] | None = None
    organization: str | None = None
    owned_by: str | None = None
    ai_sdr_id: str | None = None
    provider_routing_rules: list[ProviderRoutingRule] | None = None
