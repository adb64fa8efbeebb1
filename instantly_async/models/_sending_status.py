"""Why a campaign or subsequence is (not) sending: the sending-status endpoints."""

from __future__ import annotations

from datetime import datetime

import attrs

from ._enums import DiagnosticsStatus


@attrs.define(kw_only=True)
class IssueTracking:
    current_status_code: str | None = None
    issue_first_seen_at: datetime | None = None
    consecutive_loops_with_issue: int | None = None
    last_healthy_send_at: datetime | None = None


@attrs.define(kw_only=True)
class UnavailableAccounts:
    daily_limit_hit: int | None = None
    slow_ramp_limit_hit: int | None = None
    disconnected: int | None = None
    global_gap_not_met: int | None = None


@attrs.define(kw_only=True)
class AccountsSummary:
    total_connected: int | None = None
    available: int | None = None
    unavailable: UnavailableAccounts | None = None


@attrs.define(kw_only=True)
class DailyLimitState:
    limit: int | None = None
    sent: int | None = None
    limit_hit: bool | None = None


@attrs.define(kw_only=True)
class NewLeadLimit:
    enabled: bool | None = None
    limit: int | None = None
    contacted: int | None = None
    limit_hit: bool | None = None


@attrs.define(kw_only=True)
class ScheduleStatus:
    in_schedule: bool | None = None


@attrs.define(kw_only=True)
class SendOneByOne:
    enabled: bool | None = None
    single_account_per_wait_gap: bool | None = None


@attrs.define(kw_only=True)
class FollowUpsWaiting:
    count: int | None = None
    earliest_wait_time_seconds: float | None = None


@attrs.define(kw_only=True)
class EspRoutingStatus:
    enabled: bool | None = None
    waiting_for_match: bool | None = None
    connected_esps: list[int] | None = None


@attrs.define(kw_only=True)
class DomainLimiter:
    active: bool | None = None
    domains_at_limit: int | None = None


@attrs.define(kw_only=True)
class LeadsStatus:
    no_leads_ready: bool | None = None
    account_unavailable_skips: int | None = None
    delay_not_met_skips: int | None = None


@attrs.define(kw_only=True)
class Diagnostics:
    """Detailed sending diagnostics; parts may be missing when out of schedule."""

    campaign_id: str | None = None
    subsequence_id: str | None = None
    last_updated: datetime | None = None
    status: DiagnosticsStatus | None = None
    issue_tracking: IssueTracking | None = None
    accounts_summary: AccountsSummary | None = None
    campaign_daily_limit: DailyLimitState | None = None
    new_lead_limit: NewLeadLimit | None = None
    schedule_status: ScheduleStatus | None = None
    send_one_by_one: SendOneByOne | None = None
    follow_ups_waiting: FollowUpsWaiting | None = None
    esp_routing_status: EspRoutingStatus | None = None
    domain_limiter: DomainLimiter | None = None
    leads_status: LeadsStatus | None = None


@attrs.define(kw_only=True)
class SendingSummary:
    """A short account of the sending state (``ai_summary`` only when asked for)."""

    status: str | None = None
    status_message: str | None = None
    issue_started_at: datetime | None = None
    last_healthy_send_at: datetime | None = None
    ai_summary: str | None = None


@attrs.define(kw_only=True)
class SendingStatus:
    """Sending diagnostics and summary; both ``None`` when there is no data.

    For drafts and paused campaigns ``diagnostics`` is ``None`` and the reason
    is in ``summary.status``; :attr:`status` reads whichever is there.
    """

    diagnostics: Diagnostics | None = None
    summary: SendingSummary | None = None

    @property
    def status(self) -> str | None:
        if self.diagnostics is not None and self.diagnostics.status is not None:
            return str(self.diagnostics.status.value)
        return self.summary.status if self.summary is not None else None
