"""Typed models of everything the Campaign and Subsequence operations take or return.

attrs classes whose field names are the JSON keys (``from_`` is ``from``); the SDK's
converter ignores unknown keys and the enums are open, so new server fields and
values never break parsing.
"""

from ._analytics import (
    AnalyticsOverview,
    CampaignAnalytics,
    DailyAnalytics,
    StepAnalytics,
    SubsequenceAnalytics,
    SubsequenceStepAnalytics,
)
from ._campaign import AutoVariantSelect, Campaign, CompanyLimitOverride, ProviderRoutingRule
from ._enums import (
    TIMEZONES,
    AutoVariantTrigger,
    CampaignStatus,
    CrmStatus,
    DailyLimitMode,
    DelayUnit,
    DiagnosticsStatus,
    EspProvider,
    LeadActivity,
    LimitMode,
    LimitScope,
    NotSendingStatus,
    RoutingAction,
    SortOrder,
    StepType,
)
from ._schedule import Schedule, ScheduleSlot, Timing
from ._sending_status import (
    AccountsSummary,
    DailyLimitState,
    Diagnostics,
    DomainLimiter,
    EspRoutingStatus,
    FollowUpsWaiting,
    IssueTracking,
    LeadsStatus,
    NewLeadLimit,
    ScheduleStatus,
    SendingStatus,
    SendingSummary,
    SendOneByOne,
    UnavailableAccounts,
)
from ._sequence import Sequence, Step, Variant
from ._subsequence import Conditions, Subsequence

__all__ = [
    "TIMEZONES",
    "AccountsSummary",
    "AnalyticsOverview",
    "AutoVariantSelect",
    "AutoVariantTrigger",
    "Campaign",
    "CampaignAnalytics",
    "CampaignStatus",
    "CompanyLimitOverride",
    "Conditions",
    "CrmStatus",
    "DailyAnalytics",
    "DailyLimitMode",
    "DailyLimitState",
    "DelayUnit",
    "Diagnostics",
    "DiagnosticsStatus",
    "DomainLimiter",
    "EspProvider",
    "EspRoutingStatus",
    "FollowUpsWaiting",
    "IssueTracking",
    "LeadActivity",
    "LeadsStatus",
    "LimitMode",
    "LimitScope",
    "NewLeadLimit",
    "NotSendingStatus",
    "ProviderRoutingRule",
    "RoutingAction",
    "Schedule",
    "ScheduleSlot",
    "ScheduleStatus",
    "SendOneByOne",
    "SendingStatus",
    "SendingSummary",
    "Sequence",
    "SortOrder",
    "Step",
    "StepAnalytics",
    "StepType",
    "Subsequence",
    "SubsequenceAnalytics",
    "SubsequenceStepAnalytics",
    "Timing",
    "UnavailableAccounts",
    "Variant",
]
