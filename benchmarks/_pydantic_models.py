"""Pydantic v2 models of the same shape as ``instantly_async.models`` (Campaign and its parts).

The comparison point for the models scenario: same fields, same optionality,
same enum types (the SDK's open enums), the same leniency about unknown keys
(pydantic's default ``extra="ignore"``) and about schedule dates (the date
part of a date-time string is accepted, as the SDK's converter does).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field

from instantly_async.models import (
    AutoVariantTrigger,
    CampaignStatus,
    DelayUnit,
    EspProvider,
    LimitMode,
    LimitScope,
    NotSendingStatus,
    RoutingAction,
    StepType,
)


def _date_part(value: Any) -> Any:
    # "2025-09-13T12:09:51.520Z" means the calendar date 2025-09-13, as in the SDK.
    return value[:10] if isinstance(value, str) else value


ScheduleDate = Annotated[date, BeforeValidator(_date_part)]


class Timing(BaseModel):
    from_: str = Field(alias="from")
    to: str


class ScheduleSlot(BaseModel):
    name: str
    timing: Timing
    days: dict[str, bool]
    timezone: str


class Schedule(BaseModel):
    schedules: list[ScheduleSlot]
    start_date: ScheduleDate | None = None
    end_date: ScheduleDate | None = None


class Variant(BaseModel):
    subject: str
    body: str
    v_disabled: bool | None = None


class Step(BaseModel):
    type: StepType
    delay: float
    variants: list[Variant]
    delay_unit: DelayUnit | None = None
    pre_delay: float | None = None
    pre_delay_unit: DelayUnit | None = None


class Sequence(BaseModel):
    steps: list[Step]


class AutoVariantSelect(BaseModel):
    trigger: AutoVariantTrigger


class CompanyLimitOverride(BaseModel):
    mode: LimitMode
    daily_limit: int | None = None
    scope: LimitScope | None = None


class ProviderRoutingRule(BaseModel):
    action: RoutingAction | None = None
    recipient_esp: list[EspProvider] | None = None
    sender_esp: list[EspProvider] | None = None


class Campaign(BaseModel):
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
