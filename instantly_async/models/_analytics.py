"""Results of the analytics endpoints."""

from __future__ import annotations

from datetime import date

import attrs

from ._enums import CampaignStatus


@attrs.define(kw_only=True)
class CampaignAnalytics:
    """Totals for one campaign over the requested dates.

    ``*_unique_by_step`` fields count unique leads per step; ``leads_count``
    is absent when ``exclude_total_leads_count`` was set.
    """

    campaign_id: str
    campaign_name: str
    campaign_status: CampaignStatus
    campaign_is_evergreen: bool | None = None
    leads_count: int | None = None
    contacted_count: int | None = None
    emails_sent_count: int | None = None
    new_leads_contacted_count: int | None = None
    open_count: int | None = None
    open_count_unique: int | None = None
    open_count_unique_by_step: int | None = None
    reply_count: int | None = None
    reply_count_unique: int | None = None
    reply_count_unique_by_step: int | None = None
    reply_count_automatic: int | None = None
    reply_count_automatic_unique: int | None = None
    reply_count_automatic_unique_by_step: int | None = None
    link_click_count: int | None = None
    link_click_count_unique: int | None = None
    link_click_count_unique_by_step: int | None = None
    bounced_count: int | None = None
    unsubscribed_count: int | None = None
    completed_count: int | None = None
    total_opportunities: int | None = None
    total_opportunity_value: float | None = None


@attrs.define(kw_only=True)
class AnalyticsOverview:
    """Totals across the selected campaigns.

    With ``expand_crm_events`` the opportunity, interested, meeting and closed
    totals count every interest-status event, not the first per contact.
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
class DailyAnalytics:
    """One day's counts."""

    date: date
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
class StepAnalytics:
    """Counts for one step and variant (zero-based, as strings; null for totals).

    Used by campaigns and subsequences alike; the opportunity fields are only
    filled by campaign analytics with ``include_opportunities_count``.
    """

    step: str | None
    variant: str | None
    sent: int = 0
    opened: int = 0
    unique_opened: int = 0
    replies: int = 0
    unique_replies: int = 0
    replies_automatic: int = 0
    unique_replies_automatic: int = 0
    clicks: int = 0
    unique_clicks: int = 0
    opportunities: int | None = None
    unique_opportunities: int | None = None
    meetings_booked: int | None = None
    won: int | None = None


@attrs.define(kw_only=True)
class SubsequenceAnalytics:
    """Counts for one subsequence of a campaign."""

    subsequence_id: str
    emails_sent: int = 0
    unique_opens: int = 0
    unique_replies: int = 0
