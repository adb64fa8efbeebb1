"""Rows and totals returned by the analytics endpoints."""

import datetime

import attrs

from ._base import LOOSE, Model
from ._enums import CampaignStatus


@attrs.define(kw_only=True)
class CampaignAnalytics(Model):
    """Totals for one campaign over the requested dates (``GET /campaigns/analytics``).

    ``*_unique`` counts leads once; ``*_unique_by_step`` counts a lead once per step.
    """

    campaign_name: str
    campaign_id: str
    campaign_status: CampaignStatus | None = attrs.field(metadata=LOOSE)
    """Loose: a plain ``number`` in the spec.  ``None`` when it is not an integer
    code (e.g. ``1.5``); the raw value is then in ``extra['campaign_status']``."""
    campaign_is_evergreen: bool | None
    contacted_count: int
    emails_sent_count: int
    new_leads_contacted_count: int
    open_count: int
    reply_count: int
    link_click_count: int
    bounced_count: int
    unsubscribed_count: int
    completed_count: int
    total_opportunities: int
    total_opportunity_value: float
    leads_count: int | None = None
    """Required by the spec, but left optional: ``exclude_total_leads_count`` asks the
    API to skip it."""
    open_count_unique: int | None = None
    open_count_unique_by_step: int | None = None
    reply_count_unique: int | None = None
    reply_count_unique_by_step: int | None = None
    reply_count_automatic: int | None = None
    """Automatic replies (out-of-office and the like)."""
    reply_count_automatic_unique: int | None = None
    reply_count_automatic_unique_by_step: int | None = None
    link_click_count_unique: int | None = None
    link_click_count_unique_by_step: int | None = None


@attrs.define(kw_only=True)
class AnalyticsOverview(Model):
    """Totals across the selected campaigns (``GET /campaigns/analytics/overview``).

    With ``expand_crm_events`` the opportunity, interested, meeting and closed
    totals count every interest-status event, not only the first per contact.
    """

    open_count: int | None = None
    open_count_unique: int | None = None
    open_count_unique_by_step: int | None = None
    link_click_count: int | None = None
    link_click_count_unique: int | None = None
    link_click_count_unique_by_step: int | None = None
    reply_count: int | None = None
    reply_count_unique: int | None = None
    reply_count_unique_by_step: int | None = None
    reply_count_automatic: int | None = None
    reply_count_automatic_unique: int | None = None
    reply_count_automatic_unique_by_step: int | None = None
    bounced_count: int | None = None
    unsubscribed_count: int | None = None
    completed_count: int | None = None
    emails_sent_count: int | None = None
    contacted_count: int | None = None
    new_leads_contacted_count: int | None = None
    total_opportunities: int | None = None
    total_opportunity_value: float | None = None
    total_interested: int | None = None
    total_meeting_booked: int | None = None
    total_meeting_completed: int | None = None
    total_closed: int | None = None


@attrs.define(kw_only=True)
class DailyAnalytics(Model):
    """One day's counts (``GET /campaigns/analytics/daily``).  No field is required by the spec."""

    date: datetime.date | None = attrs.field(default=None, metadata=LOOSE)
    """Loose: a plain string in the spec ("YYYY-MM-DD").  ``None`` with the raw
    value in ``extra['date']`` when it is anything else."""
    sent: int | None = None
    contacted: int | None = None
    new_leads_contacted: int | None = None
    opened: int | None = None
    unique_opened: int | None = None
    replies: int | None = None
    unique_replies: int | None = None
    replies_automatic: int | None = None
    unique_replies_automatic: int | None = None
    clicks: int | None = None
    unique_clicks: int | None = None
    opportunities: int | None = None
    unique_opportunities: int | None = None


@attrs.define(kw_only=True)
class _StepCounts(Model):
    """The counts every step-analytics row has, campaign or subsequence."""

    step: str | None
    """Zero-based step number as a string; ``None`` for a total row."""
    variant: str | None
    """Zero-based variant number as a string (0 = A); ``None`` for a total row."""
    sent: int
    opened: int
    unique_opened: int
    replies: int
    unique_replies: int
    replies_automatic: int
    unique_replies_automatic: int
    clicks: int
    unique_clicks: int


@attrs.define(kw_only=True)
class StepAnalytics(_StepCounts):
    """Counts for one step and variant of a campaign (``GET /campaigns/analytics/steps``).

    The opportunity fields are only sent with ``include_opportunities_count``.
    """

    opportunities: int | None = None
    unique_opportunities: int | None = None
    meetings_booked: int | None = None
    won: int | None = None


@attrs.define(kw_only=True)
class SubsequenceStepAnalytics(_StepCounts):
    """Counts for one step and variant of a subsequence.

    Rows of ``GET /subsequences/{id}/analytics/steps``: the campaign row's counts
    without the opportunity fields.
    """


@attrs.define(kw_only=True)
class SubsequenceAnalytics(Model):
    """Counts for one subsequence of a campaign (``GET /subsequences/analytics``)."""

    subsequence_id: str
    emails_sent: float
    """A ``number`` in the spec: whole in practice, kept as sent (never rounded)."""
    unique_opens: float
    unique_replies: float
