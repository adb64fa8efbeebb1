"""Why a campaign or subsequence is (not) sending: the two sending-status endpoints.

The vendor marks no field of these objects as required and allows extra keys,
so every field is optional.
"""

import datetime

import attrs

from ._enums import DiagnosticsStatus


@attrs.define(kw_only=True)
class IssueTracking:
    """How long the current sending issue has lasted."""

    current_status_code: str | None = None
    """The current state as a code, e.g. ``"healthy"`` (free string in the spec)."""
    issue_first_seen_at: datetime.datetime | None = None
    consecutive_loops_with_issue: int | None = None
    """Sending cycles in a row that hit the issue."""
    last_healthy_send_at: datetime.datetime | None = None


@attrs.define(kw_only=True)
class UnavailableAccounts:
    """Sending accounts that cannot send now, by reason."""

    daily_limit_hit: int | None = None
    slow_ramp_limit_hit: int | None = None
    disconnected: int | None = None
    global_gap_not_met: int | None = None


@attrs.define(kw_only=True)
class AccountsSummary:
    """Counts of the connected sending accounts."""

    total_connected: int | None = None
    available: int | None = None
    unavailable: UnavailableAccounts | None = None


@attrs.define(kw_only=True)
class DailyLimitState:
    """The campaign's daily limit and today's sends against it."""

    limit: int | None = None
    sent: int | None = None
    limit_hit: bool | None = None


@attrs.define(kw_only=True)
class NewLeadLimit:
    """The daily new-lead limit (``daily_max_leads``) and today's count against it."""

    enabled: bool | None = None
    limit: int | None = None
    contacted: int | None = None
    limit_hit: bool | None = None


@attrs.define(kw_only=True)
class ScheduleStatus:
    """Whether now is inside the sending schedule."""

    in_schedule: bool | None = None


@attrs.define(kw_only=True)
class SendOneByOne:
    """One-by-one sending settings."""

    enabled: bool | None = None
    single_account_per_wait_gap: bool | None = None


@attrs.define(kw_only=True)
class FollowUpsWaiting:
    """Follow-up emails waiting for their delay to pass."""

    count: int | None = None
    earliest_wait_time_seconds: float | None = None
    """Seconds until the first of them is due."""


@attrs.define(kw_only=True)
class EspRoutingStatus:
    """State of provider matching / routing."""

    enabled: bool | None = None
    waiting_for_match: bool | None = None
    connected_esps: list[int] | None = None
    """Provider codes of the connected accounts (the codes are undocumented)."""


@attrs.define(kw_only=True)
class DomainLimiter:
    """State of the per-company (domain) limit."""

    active: bool | None = None
    domains_at_limit: int | None = None


@attrs.define(kw_only=True)
class LeadsStatus:
    """Why leads were not ready or were skipped."""

    no_leads_ready: bool | None = None
    account_unavailable_skips: int | None = None
    delay_not_met_skips: int | None = None


@attrs.define(kw_only=True)
class Diagnostics:
    """Detailed sending diagnostics.

    ``campaign_id``, ``last_updated``, ``status`` and ``issue_tracking`` are
    always sent in practice; the other parts may be missing (e.g. out of schedule).
    ``subsequence_id`` is only set for a subsequence.
    """

    campaign_id: str | None = None
    subsequence_id: str | None = None
    last_updated: datetime.datetime | None = None
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
    """A human-readable account of the sending state."""

    status: str | None = None
    """Free string (not the diagnostics enum); holds the reason for drafts and paused ones."""
    status_message: str | None = None
    issue_started_at: datetime.datetime | None = None
    last_healthy_send_at: datetime.datetime | None = None
    ai_summary: str | None = None
    """Only filled when asked for with ``with_ai_summary``."""


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
        """``diagnostics.status`` if set, else ``summary.status`` (as plain strings)."""
        if self.diagnostics is not None and self.diagnostics.status is not None:
            return str(self.diagnostics.status.value)
        return self.summary.status if self.summary is not None else None
