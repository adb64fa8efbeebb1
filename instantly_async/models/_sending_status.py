"""Why a campaign or subsequence is (not) sending: the two sending-status endpoints.

The vendor marks no field of these objects as required and allows extra keys,
so every field is optional.  Counts are ``number`` in the spec: typed ``float``,
they hold the value as sent (an ``int`` stays an ``int``, a fraction is never
rounded).  The timestamps are plain strings in the spec, so they are loose
(see :data:`LOOSE`): one that does not parse is ``None``, raw in ``extra``.
"""

import datetime

import attrs

from ._base import LOOSE, Model
from ._enums import DiagnosticsStatus


@attrs.define(kw_only=True)
class IssueTracking(Model):
    """How long the current sending issue has lasted."""

    current_status_code: str | None = None
    """The current state as a code, e.g. ``"healthy"`` (free string in the spec)."""
    issue_first_seen_at: datetime.datetime | None = attrs.field(default=None, metadata=LOOSE)
    consecutive_loops_with_issue: float | None = None
    """Sending cycles in a row that hit the issue."""
    last_healthy_send_at: datetime.datetime | None = attrs.field(default=None, metadata=LOOSE)


@attrs.define(kw_only=True)
class UnavailableAccounts(Model):
    """Sending accounts that cannot send now, by reason."""

    daily_limit_hit: float | None = None
    slow_ramp_limit_hit: float | None = None
    disconnected: float | None = None
    global_gap_not_met: float | None = None


@attrs.define(kw_only=True)
class AccountsSummary(Model):
    """Counts of the connected sending accounts."""

    total_connected: float | None = None
    available: float | None = None
    unavailable: UnavailableAccounts | None = None


@attrs.define(kw_only=True)
class DailyLimitState(Model):
    """The campaign's daily limit and today's sends against it."""

    limit: float | None = None
    sent: float | None = None
    limit_hit: bool | None = None


@attrs.define(kw_only=True)
class NewLeadLimit(Model):
    """The daily new-lead limit (``daily_max_leads``) and today's count against it."""

    enabled: bool | None = None
    limit: float | None = None
    contacted: float | None = None
    limit_hit: bool | None = None


@attrs.define(kw_only=True)
class ScheduleStatus(Model):
    """Whether now is inside the sending schedule."""

    in_schedule: bool | None = None


@attrs.define(kw_only=True)
class SendOneByOne(Model):
    """One-by-one sending settings."""

    enabled: bool | None = None
    single_account_per_wait_gap: bool | None = None


@attrs.define(kw_only=True)
class FollowUpsWaiting(Model):
    """Follow-up emails waiting for their delay to pass."""

    count: float | None = None
    earliest_wait_time_seconds: float | None = None
    """Seconds until the first of them is due."""


@attrs.define(kw_only=True)
class EspRoutingStatus(Model):
    """State of provider matching / routing."""

    enabled: bool | None = None
    waiting_for_match: bool | None = None
    connected_esps: list[float] | None = None
    """Provider codes of the connected accounts (the codes are undocumented)."""


@attrs.define(kw_only=True)
class DomainLimiter(Model):
    """State of the per-company (domain) limit."""

    active: bool | None = None
    domains_at_limit: float | None = None


@attrs.define(kw_only=True)
class LeadsStatus(Model):
    """Why leads were not ready or were skipped."""

    no_leads_ready: bool | None = None
    account_unavailable_skips: float | None = None
    delay_not_met_skips: float | None = None


@attrs.define(kw_only=True)
class Diagnostics(Model):
    """Detailed sending diagnostics.

    ``campaign_id``, ``last_updated``, ``status`` and ``issue_tracking`` are
    always sent in practice; the other parts may be missing (e.g. out of schedule).
    ``subsequence_id`` is only set for a subsequence.
    """

    campaign_id: str | None = None
    subsequence_id: str | None = None
    last_updated: datetime.datetime | None = attrs.field(default=None, metadata=LOOSE)
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
class SendingSummary(Model):
    """A human-readable account of the sending state."""

    status: str | None = None
    """Free string (not the diagnostics enum); holds the reason for drafts and paused ones."""
    status_message: str | None = None
    issue_started_at: datetime.datetime | None = attrs.field(default=None, metadata=LOOSE)
    last_healthy_send_at: datetime.datetime | None = attrs.field(default=None, metadata=LOOSE)
    ai_summary: str | None = None
    """Only filled when asked for with ``with_ai_summary``."""


@attrs.define(kw_only=True)
class SendingStatus(Model):
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
