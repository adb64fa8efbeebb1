"""Deterministic analytics and sending-status documents.

Numbers are derived from record ids (and dates), so the same store always
answers the same, while different campaigns get different, plausible numbers:
unique counts never exceed totals, replies never exceed opens, and a campaign
that was never launched has sent nothing.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any

__all__ = [
    "DateWindow",
    "campaign_row",
    "daily_rows",
    "overview",
    "parse_window",
    "sending_status",
    "step_rows",
    "subsequence_row",
    "subsequence_step_rows",
]

JSONObj = dict[str, Any]

_MASK = (1 << 64) - 1
_MAX_DAILY_ROWS = 366


class _Mix:
    """A tiny splitmix64 stream seeded from text: cheap and stable across runs."""

    __slots__ = ("_state",)

    def __init__(self, *parts: object) -> None:
        self._state = zlib.crc32("|".join(map(str, parts)).encode()) * 0x9E3779B97F4A7C15 & _MASK

    def below(self, bound: int) -> int:
        """A number in ``[0, bound]``."""
        self._state = (self._state + 0x9E3779B97F4A7C15) & _MASK
        z = self._state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        z ^= z >> 31
        return z % (bound + 1) if bound > 0 else 0

    def between(self, low: int, high: int) -> int:
        return low + self.below(high - low)


# -- date windows ---------------------------------------------------------------


class DateWindow:
    __slots__ = ("end", "start")

    def __init__(self, start: date | None, end: date | None) -> None:
        self.start = start
        self.end = end

    def days(self) -> list[date]:
        end = self.end or datetime.now(timezone.utc).date()
        start = self.start or end - timedelta(days=6)
        count = (end - start).days + 1
        # Long windows keep their most recent days; nobody wants 20,000 rows.
        first = max(0, count - _MAX_DAILY_ROWS)
        return [start + timedelta(days=i) for i in range(first, count)]


def _parse_instant(text: str) -> datetime | None:
    # Date-only values mean UTC midnight, per the vendor docs.
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), timezone.utc)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_window(start: Any, end: Any) -> tuple[DateWindow | None, str | None]:
    """Parse ``start_date``/``end_date``; the second item is the vendor's complaint."""
    instants: list[datetime | None] = []
    for name, raw in (("start_date", start), ("end_date", end)):
        if raw is None or raw == "":
            instants.append(None)
            continue
        instant = _parse_instant(raw) if isinstance(raw, str) else None
        if instant is None:
            return None, f"{name} must be a date (YYYY-MM-DD) or an ISO-8601 timestamp"
        instants.append(instant)
    first, last = instants
    if first is not None and last is not None and first > last:
        return None, "Start Date must be earlier than End Date"
    return DateWindow(
        first.astimezone(timezone.utc).date() if first else None,
        last.astimezone(timezone.utc).date() if last else None,
    ), None


# -- campaign analytics ------------------------------------------------------------


def _engagement(mix: _Mix, contacted: int) -> JSONObj:
    open_u = mix.below(contacted)
    open_step = open_u + mix.below(open_u // 2)
    opens = open_step + mix.below(open_u)
    reply_u = mix.below(open_u // 3)
    reply_step = reply_u + mix.below(reply_u // 3)
    replies = reply_step + mix.below(reply_u // 2)
    auto_u = mix.below(reply_u // 4)
    auto_step = auto_u + mix.below(auto_u // 3)
    autos = auto_step + mix.below(auto_u // 2)
    click_u = mix.below(open_u // 2)
    click_step = click_u + mix.below(click_u // 3)
    clicks = click_step + mix.below(click_u)
    return {
        "open_count": opens,
        "open_count_unique": open_u,
        "open_count_unique_by_step": open_step,
        "reply_count": replies,
        "reply_count_unique": reply_u,
        "reply_count_unique_by_step": reply_step,
        "reply_count_automatic": autos,
        "reply_count_automatic_unique": auto_u,
        "reply_count_automatic_unique_by_step": auto_step,
        "link_click_count": clicks,
        "link_click_count_unique": click_u,
        "link_click_count_unique_by_step": click_step,
    }


def _campaign_numbers(campaign: JSONObj, launched: bool, extra_leads: int) -> JSONObj:
    mix = _Mix("campaign", campaign.get("id"))
    leads = mix.between(100, 2000)
    contacted = mix.between(leads // 4, leads) if launched else 0
    numbers = _engagement(mix, contacted)
    reply_u = numbers["reply_count_unique"]
    opportunities = mix.below(reply_u)
    pl_value = campaign.get("pl_value")
    value_each = pl_value if isinstance(pl_value, (int, float)) and pl_value > 0 else 100
    numbers.update(
        leads_count=(leads if launched else 0) + extra_leads,
        contacted_count=contacted,
        emails_sent_count=contacted + mix.below(contacted * 2),
        new_leads_contacted_count=mix.below(contacted),
        bounced_count=mix.below(contacted // 20),
        unsubscribed_count=mix.below(contacted // 50),
        completed_count=mix.below(contacted),
        total_opportunities=opportunities,
        total_opportunity_value=float(opportunities * value_each),
    )
    return numbers


def campaign_row(
    campaign: JSONObj, *, launched: bool, extra_leads: int, exclude_total_leads_count: bool
) -> JSONObj:
    """One item of ``GET /campaigns/analytics``."""
    numbers = _campaign_numbers(campaign, launched, extra_leads)
    if exclude_total_leads_count:
        # The field stays (the schema requires it); the vendor skips counting.
        numbers["leads_count"] = 0
    status = campaign.get("status")
    return {
        "campaign_name": str(campaign.get("name", "")),
        "campaign_id": str(campaign.get("id")),
        "campaign_status": status if isinstance(status, (int, float)) else 0,
        "campaign_is_evergreen": bool(campaign.get("is_evergreen")),
        **numbers,
    }


_OVERVIEW_KEYS = (
    "open_count",
    "open_count_unique",
    "open_count_unique_by_step",
    "link_click_count",
    "link_click_count_unique",
    "link_click_count_unique_by_step",
    "reply_count",
    "reply_count_unique",
    "reply_count_unique_by_step",
    "reply_count_automatic",
    "reply_count_automatic_unique",
    "reply_count_automatic_unique_by_step",
    "bounced_count",
    "unsubscribed_count",
    "completed_count",
    "emails_sent_count",
    "contacted_count",
    "new_leads_contacted_count",
    "total_opportunities",
    "total_opportunity_value",
)


def overview(campaigns: Iterable[tuple[JSONObj, bool]], *, expand_crm_events: bool) -> JSONObj:
    """``GET /campaigns/analytics/overview``: totals over the selected campaigns."""
    totals: JSONObj = dict.fromkeys(_OVERVIEW_KEYS, 0)
    totals["total_opportunity_value"] = 0.0
    for campaign, launched in campaigns:
        numbers = _campaign_numbers(campaign, launched, 0)
        for key in _OVERVIEW_KEYS:
            totals[key] += numbers[key]
    opportunities = totals["total_opportunities"]
    # Counting every CRM event instead of the first per contact only adds events.
    factor = 2 if expand_crm_events else 1
    totals["total_opportunities"] = opportunities * factor
    totals["total_interested"] = opportunities * factor
    totals["total_meeting_booked"] = opportunities // 2 * factor
    totals["total_meeting_completed"] = opportunities // 4 * factor
    totals["total_closed"] = opportunities // 8 * factor
    return totals


def daily_rows(campaigns: list[tuple[JSONObj, bool]], window: DateWindow) -> list[JSONObj]:
    """``GET /campaigns/analytics/daily``: one row per day of the window."""
    launched_ids = [str(c.get("id")) for c, launched in campaigns if launched]
    rows: list[JSONObj] = []
    for day in window.days():
        stamp = day.isoformat()
        sent = contacted = new = opened = u_opened = replies = u_replies = 0
        autos = u_autos = clicks = u_clicks = opps = u_opps = 0
        for campaign_id in launched_ids:
            mix = _Mix("daily", campaign_id, stamp)
            c = mix.below(40)
            contacted += c
            new += mix.below(c)
            sent += c + mix.below(c)
            uo = mix.below(c)
            u_opened += uo
            opened += uo + mix.below(uo)
            ur = mix.below(uo // 2)
            u_replies += ur
            replies += ur + mix.below(ur // 2)
            ua = mix.below(ur // 3)
            u_autos += ua
            autos += ua + mix.below(ua)
            uc = mix.below(uo // 3)
            u_clicks += uc
            clicks += uc + mix.below(uc)
            uop = mix.below(ur // 2)
            u_opps += uop
            opps += uop + mix.below(uop)
        rows.append(
            {
                "date": stamp,
                "sent": sent,
                "contacted": contacted,
                "new_leads_contacted": new,
                "opened": opened,
                "unique_opened": u_opened,
                "replies": replies,
                "unique_replies": u_replies,
                "replies_automatic": autos,
                "unique_replies_automatic": u_autos,
                "clicks": clicks,
                "unique_clicks": u_clicks,
                "opportunities": opps,
                "unique_opportunities": u_opps,
            }
        )
    return rows


def _steps_of(record: JSONObj) -> list[tuple[str, str]]:
    # Only the first sequence is ever used by the vendor.
    sequences = record.get("sequences")
    if not isinstance(sequences, list) or not sequences or not isinstance(sequences[0], dict):
        return []
    steps = sequences[0].get("steps")
    keys: list[tuple[str, str]] = []
    for step_no, step in enumerate(steps if isinstance(steps, list) else []):
        variants = step.get("variants") if isinstance(step, dict) else None
        for variant_no in range(len(variants) if isinstance(variants, list) else 0):
            keys.append((str(step_no), str(variant_no)))
    return keys


def _step_numbers(seed: str, step: str, variant: str, active: bool) -> JSONObj:
    mix = _Mix("step", seed, step, variant)
    sent = mix.between(20, 400) if active else 0
    u_opened = mix.below(sent)
    u_replies = mix.below(u_opened // 3)
    u_autos = mix.below(u_replies // 3)
    u_clicks = mix.below(u_opened // 2)
    return {
        "sent": sent,
        "opened": u_opened + mix.below(u_opened),
        "unique_opened": u_opened,
        "replies": u_replies + mix.below(u_replies // 2),
        "unique_replies": u_replies,
        "replies_automatic": u_autos + mix.below(u_autos),
        "unique_replies_automatic": u_autos,
        "clicks": u_clicks + mix.below(u_clicks),
        "unique_clicks": u_clicks,
    }


_STEP_COUNTERS = (
    "sent",
    "opened",
    "unique_opened",
    "replies",
    "unique_replies",
    "replies_automatic",
    "unique_replies_automatic",
    "clicks",
    "unique_clicks",
)


def step_rows(
    campaigns: list[tuple[JSONObj, bool]], *, include_opportunities_count: bool
) -> list[JSONObj]:
    """``GET /campaigns/analytics/steps``: one row per (step, variant), summed."""
    rows: dict[tuple[str, str], JSONObj] = {}
    for campaign, launched in campaigns:
        for step, variant in _steps_of(campaign):
            numbers = _step_numbers(str(campaign.get("id")), step, variant, launched)
            row = rows.get((step, variant))
            if row is None:
                rows[(step, variant)] = {"step": step, "variant": variant, **numbers}
            else:
                for key in _STEP_COUNTERS:
                    row[key] += numbers[key]
    result = [rows[key] for key in sorted(rows, key=lambda k: (int(k[0]), int(k[1])))]
    if include_opportunities_count:
        for row in result:
            u_opps = row["unique_replies"] // 2
            row["opportunities"] = u_opps + u_opps // 3
            row["unique_opportunities"] = u_opps
            row["meetings_booked"] = u_opps // 2
            row["won"] = u_opps // 5
    return result


# -- subsequences ------------------------------------------------------------------


def subsequence_row(subsequence: JSONObj) -> JSONObj:
    """One item of ``GET /subsequences/analytics``."""
    active = subsequence.get("status", 0) != 0
    mix = _Mix("subsequence", subsequence.get("id"))
    sent = mix.between(10, 500) if active else 0
    opens = mix.below(sent)
    return {
        "subsequence_id": str(subsequence.get("id")),
        "emails_sent": sent,
        "unique_opens": opens,
        "unique_replies": mix.below(opens // 3),
    }


def subsequence_step_rows(subsequence: JSONObj) -> list[JSONObj]:
    active = subsequence.get("status", 0) != 0
    seed = str(subsequence.get("id"))
    return [
        {"step": step, "variant": variant, **_step_numbers(seed, step, variant, active)}
        for step, variant in _steps_of(subsequence)
    ]


# -- sending status ----------------------------------------------------------------

_STATUS_CODES = {
    0: "campaign_draft",
    1: "healthy",
    2: "campaign_paused",
    3: "campaign_completed",
    4: "campaign_running_subsequences",
    -99: "campaign_account_suspended",
    -1: "campaign_accounts_unhealthy",
    -2: "campaign_bounce_protect",
}

_STATUS_MESSAGES = {
    "campaign_draft": "The campaign is a draft and has not been launched.",
    "healthy": "Sending normally.",
    "campaign_paused": "The campaign is paused.",
    "campaign_completed": "The campaign has completed.",
    "campaign_running_subsequences": "Only subsequences are still sending.",
    "campaign_account_suspended": "Sending is blocked: the account is suspended.",
    "campaign_accounts_unhealthy": "Paused: the sending accounts are unhealthy.",
    "campaign_bounce_protect": "Paused by bounce protection.",
}

# The starter kit: drafts and paused campaigns report no diagnostics at all.
_NO_DIAGNOSTICS = frozenset({"campaign_draft", "campaign_paused", "campaign_completed"})


def _status_code(campaign: JSONObj, subsequence: JSONObj | None) -> str:
    if subsequence is not None and subsequence.get("status") != 1:
        return _STATUS_CODES.get(subsequence.get("status", 0), "campaign_paused")
    status = campaign.get("status", 0)
    if subsequence is not None and status == 4:
        return "healthy"
    return _STATUS_CODES.get(status, "campaign_paused")


def sending_status(
    campaign: JSONObj, *, subsequence: JSONObj | None, with_ai_summary: bool, now: str
) -> JSONObj:
    """``GET /campaigns/{id}/sending-status`` (and the subsequence variant)."""
    code = _status_code(campaign, subsequence)
    healthy = code == "healthy"
    since = str(campaign.get("timestamp_updated") or now)
    summary: JSONObj = {
        "status": code,
        "status_message": _STATUS_MESSAGES[code],
        "issue_started_at": None if healthy or code in _NO_DIAGNOSTICS else since,
        "last_healthy_send_at": now if healthy else None,
    }
    if with_ai_summary:
        summary["ai_summary"] = f"{_STATUS_MESSAGES[code]} No action is needed."
    if code in _NO_DIAGNOSTICS:
        return {"diagnostics": None, "summary": summary}

    accounts = campaign.get("email_list")
    connected = len(accounts) if isinstance(accounts, list) else 0
    daily_limit = campaign.get("daily_limit")
    max_leads = campaign.get("daily_max_leads")
    routing = campaign.get("provider_routing_rules")
    diagnostics: JSONObj = {
        "campaign_id": str(campaign.get("id")),
        "last_updated": now,
        "status": code,
        "issue_tracking": {
            "current_status_code": None if healthy else code,
            "issue_first_seen_at": None if healthy else since,
            "consecutive_loops_with_issue": 0 if healthy else 3,
            "last_healthy_send_at": now if healthy else None,
        },
        "accounts_summary": {
            "total_connected": connected,
            "available": connected,
            "unavailable": {
                "daily_limit_hit": 0,
                "slow_ramp_limit_hit": 0,
                "disconnected": 0,
                "global_gap_not_met": 0,
            },
        },
        "campaign_daily_limit": {
            "limit": daily_limit if isinstance(daily_limit, (int, float)) else 0,
            "sent": 0,
            "limit_hit": False,
        },
        "new_lead_limit": {
            "enabled": isinstance(max_leads, int),
            "limit": max_leads if isinstance(max_leads, int) else None,
            "contacted": 0,
            "limit_hit": False,
        },
        "schedule_status": {"in_schedule": True},
        "send_one_by_one": {"enabled": False, "single_account_per_wait_gap": False},
        "follow_ups_waiting": {"count": 0, "earliest_wait_time_seconds": None},
        "esp_routing_status": {
            "enabled": bool(routing),
            "waiting_for_match": False,
            "connected_esps": [],
        },
        "domain_limiter": {"active": False, "domains_at_limit": 0},
        "leads_status": {
            "no_leads_ready": False,
            "account_unavailable_skips": 0,
            "delay_not_met_skips": 0,
        },
    }
    if subsequence is not None:
        diagnostics = {
            "campaign_id": diagnostics["campaign_id"],
            "subsequence_id": str(subsequence.get("id")),
            **{k: v for k, v in diagnostics.items() if k != "campaign_id"},
        }
    return {"diagnostics": diagnostics, "summary": summary}
