"""The 30 Campaign and CampaignSubsequence operations, over the in-memory store.

Each operation takes an already routed, parsed and (optionally) validated
:class:`Call` and returns a :class:`Reply`; transport concerns (auth, rate
limits, faults, body parsing) live in ``_app``.
"""

from __future__ import annotations

import http
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from . import _analytics as analytics
from ._recording import FakeStats
from ._records import (
    CAMPAIGN_COPY_FIELDS,
    SUBSEQUENCE_COPY_FIELDS,
    campaign_defaults,
    clone,
    subsequence_defaults,
)
from ._state import JSONObj, Store, page

__all__ = [
    "ABSENT",
    "NO_BODY",
    "ApiError",
    "Call",
    "Operations",
    "Reply",
    "envelope",
    "reason_phrase",
]

ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT"})()
NO_BODY: Any = type("NoBody", (), {"__repr__": lambda self: "NO_BODY"})()

SHARE_SECONDS = 7 * 24 * 3600
DEFAULT_LIMIT = 100

# Server-managed campaign fields: never taken from a request body.
_CAMPAIGN_READ_ONLY = frozenset(
    {
        "id",
        "status",
        "timestamp_created",
        "timestamp_updated",
        "organization",
        "not_sending_status",
        "core_variables",
        "custom_variables",
    }
)
_SUBSEQUENCE_READ_ONLY = frozenset(
    {"id", "timestamp_created", "workspace", "status", "timestamp_leads_updated"}
)


def reason_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def envelope(status: int, message: str) -> JSONObj:
    """The vendor's (Fastify's) error body."""
    return {"statusCode": status, "error": reason_phrase(status), "message": message}


class ApiError(Exception):
    """An error answer raised from inside an operation."""

    def __init__(self, status: int, payload: JSONObj) -> None:
        super().__init__(status, payload)
        self.status = status
        self.payload = payload


def _not_found(message: str = "Resource not found") -> ApiError:
    return ApiError(404, envelope(404, message))


class Call(NamedTuple):
    item_id: str | None
    query: dict[str, Any]
    body: Any


class Reply(NamedTuple):
    status: int
    payload: Any


def _body_object(body: Any) -> JSONObj:
    # With validation off a client may send anything; treat non-objects as empty.
    return body if isinstance(body, dict) else {}


def _limit(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 100:
        return value
    return DEFAULT_LIMIT


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class Operations:
    """Implements each operationId; ``handlers`` maps operationId to its callable."""

    def __init__(
        self, store: Store, stats: FakeStats, *, cursor_on_last_page: Callable[[], bool]
    ) -> None:
        self.store = store
        self.stats = stats
        self._cursor_on_last_page = cursor_on_last_page
        self.handlers: dict[str, Callable[[Call], Reply]] = {
            "createCampaign": self.create_campaign,
            "listCampaign": self.list_campaigns,
            "getCampaign": self.get_campaign,
            "patchCampaign": self.patch_campaign,
            "deleteCampaign": self.delete_campaign,
            "activateCampaign": self.activate_campaign,
            "pauseCampaign": self.pause_campaign,
            "searchByContact": self.search_by_contact,
            "getCampaignAnalytics": self.campaign_analytics,
            "getCampaignAnalyticsOverview": self.campaign_analytics_overview,
            "getDailyCampaignAnalytics": self.campaign_analytics_daily,
            "getCampaignStepsAnalytics": self.campaign_analytics_steps,
            "shareCampaign": self.share_campaign,
            "createFromExport": self.create_from_export,
            "exportCampaign": self.export_campaign,
            "duplicate": self.duplicate_campaign,
            "countLaunched": self.count_launched,
            "addVariables": self.add_variables,
            "getCampaignSendingStatus": self.campaign_sending_status,
            "createCampaignSubsequence": self.create_subsequence,
            "listCampaignSubsequence": self.list_subsequences,
            "getCampaignSubsequence": self.get_subsequence,
            "patchCampaignSubsequence": self.patch_subsequence,
            "deleteCampaignSubsequence": self.delete_subsequence,
            "duplicateSubsequence": self.duplicate_subsequence,
            "pauseSubsequence": self.pause_subsequence,
            "resumeSubsequence": self.resume_subsequence,
            "getSubsequenceAnalytics": self.subsequence_analytics,
            "getSubsequenceStepsAnalytics": self.subsequence_steps_analytics,
            "getSubsequenceSendingStatus": self.subsequence_sending_status,
        }

    # -- shared helpers ------------------------------------------------------------

    def _campaign(self, campaign_id: str | None) -> JSONObj:
        campaign = self.store.campaigns.get(campaign_id or "")
        if campaign is None:
            raise _not_found()
        return campaign

    def _subsequence(self, sub_id: str | None) -> JSONObj:
        subsequence = self.store.subsequences.get(sub_id or "")
        if subsequence is None:
            raise _not_found()
        return subsequence

    def new_campaign(self, fields: JSONObj) -> JSONObj:
        store = self.store
        campaign = campaign_defaults(
            campaign_id=store.new_id(), now=store.now(), organization=store.organization_id
        )
        campaign.update(fields)
        return store.put_campaign(campaign)

    def new_subsequence(self, parent: JSONObj, fields: JSONObj) -> JSONObj:
        store = self.store
        subsequence = subsequence_defaults(
            subsequence_id=store.new_id(),
            parent=parent["id"],
            now=store.now(),
            workspace=store.workspace_id,
        )
        # Without its own schedule a subsequence follows its campaign's.
        if isinstance(parent.get("campaign_schedule"), dict):
            subsequence["subsequence_schedule"] = clone(parent["campaign_schedule"])
        subsequence.update(fields)
        return store.put_subsequence(subsequence)

    def _set_status(self, record: JSONObj, status: int, transition: str) -> None:
        if record.get("status") != status:
            record["status"] = status
            self.stats.transitions[transition] += 1

    def _selected(self, ids: list[str] | None) -> list[tuple[JSONObj, bool]]:
        store = self.store
        if ids is None:
            chosen = [store.campaigns[i] for i in store.campaign_ids() if i in store.campaigns]
        else:
            chosen = [store.campaigns[i] for i in dict.fromkeys(ids) if i in store.campaigns]
        return [(c, c["id"] in store.launched) for c in chosen]

    @staticmethod
    def _window(query: JSONObj, *, vendor_envelope: bool) -> analytics.DateWindow:
        window, problem = analytics.parse_window(query.get("start_date"), query.get("end_date"))
        if problem is not None or window is None:
            message = problem or "Invalid date range"
            # Campaign analytics answer a bare {message}; subsequence steps the envelope.
            payload = envelope(400, message) if vendor_envelope else {"message": message}
            raise ApiError(400, payload)
        return window

    # -- campaigns -------------------------------------------------------------------

    def create_campaign(self, call: Call) -> Reply:
        fields = {k: v for k, v in _body_object(call.body).items() if k not in _CAMPAIGN_READ_ONLY}
        campaign = self.new_campaign(fields)
        self.stats.transitions["campaign.create"] += 1
        return Reply(200, campaign)

    def list_campaigns(self, call: Call) -> Reply:
        q = call.query
        filters: list[Callable[[JSONObj], bool]] = []
        search = _text(q.get("search"))
        if search is not None:
            needle = search.lower()
            filters.append(lambda c: needle in str(c.get("name", "")).lower())
        tag_text = _text(q.get("tag_ids"))
        if tag_text is not None:
            wanted = {t.strip() for t in tag_text.split(",") if t.strip()}
            tags = self.store.campaign_tags
            filters.append(lambda c: not wanted.isdisjoint(tags.get(c["id"], ())))
        if "status" in q:
            status = q["status"]
            filters.append(lambda c: c.get("status") == status)
        if "exclude_status" in q:
            excluded = q["exclude_status"]
            filters.append(lambda c: c.get("status") != excluded)
        agent = _text(q.get("ai_sales_agent_id"))
        if agent is not None:
            filters.append(lambda c: c.get("ai_sdr_id") == agent)
        keep: Callable[[JSONObj], bool] | None = None
        if len(filters) == 1:
            keep = filters[0]
        elif filters:
            keep = lambda c: all(f(c) for f in filters)  # noqa: E731
        result = page(
            self.store.campaign_ids(),
            self.store.campaigns,
            starting_after=_text(q.get("starting_after")),
            limit=_limit(q.get("limit")),
            keep=keep,
            cursor_on_last_page=self._cursor_on_last_page(),
        )
        return Reply(200, result)

    def get_campaign(self, call: Call) -> Reply:
        return Reply(200, self._campaign(call.item_id))

    def patch_campaign(self, call: Call) -> Reply:
        campaign = self._campaign(call.item_id)
        changed = False
        for key, value in _body_object(call.body).items():
            if key in _CAMPAIGN_READ_ONLY:
                continue
            if campaign.get(key, ABSENT) != value:
                changed = True
            campaign[key] = value
        if changed:
            campaign["timestamp_updated"] = self.store.now()
            self.stats.transitions["campaign.update"] += 1
        return Reply(200, campaign)

    def delete_campaign(self, call: Call) -> Reply:
        self._campaign(call.item_id)
        campaign = self.store.delete_campaign(str(call.item_id))
        self.stats.transitions["campaign.delete"] += 1
        return Reply(200, campaign)

    def activate_campaign(self, call: Call) -> Reply:
        campaign = self._campaign(call.item_id)
        if campaign.get("status") != 1:
            self._set_status(campaign, 1, "campaign.activate")
            campaign["timestamp_updated"] = self.store.now()
        self.store.launched.add(campaign["id"])
        return Reply(200, campaign)

    def pause_campaign(self, call: Call) -> Reply:
        campaign = self._campaign(call.item_id)
        if campaign.get("status") != 2:
            self._set_status(campaign, 2, "campaign.pause")
            campaign["timestamp_updated"] = self.store.now()
        return Reply(200, campaign)

    def search_by_contact(self, call: Call) -> Reply:
        q = call.query
        email = _text(q.get("search"))
        store = self.store
        holders = store.leads_by_email.get(email.strip().lower(), set()) if email else set()
        items = [store.campaigns[i] for i in holders if i in store.campaigns]
        column = q.get("sort_column") or "timestamp_created"

        def sort_key(c: JSONObj) -> tuple[int, Any, str]:
            value = c.get(column)
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                return (1, 0, c["id"])
            if isinstance(value, str):
                return (0, value.lower(), c["id"])
            return (0, value, c["id"])

        try:
            items.sort(key=sort_key, reverse=q.get("sort_order") == "desc")
        except TypeError:
            # A column mixing numbers and strings: fall back to creation order.
            items.sort(key=lambda c: c["id"], reverse=q.get("sort_order") == "desc")
        return Reply(200, {"items": items})

    def _analytics_ids(self, q: JSONObj) -> list[str] | None:
        single = _text(q.get("id"))
        if single is not None:
            return [single]
        many = q.get("ids")
        if isinstance(many, list) and many:
            return [str(i) for i in many]
        return None

    def campaign_analytics(self, call: Call) -> Reply:
        q = call.query
        self._window(q, vendor_envelope=False)
        leads = self.store.leads_by_campaign
        rows = [
            analytics.campaign_row(
                campaign,
                launched=launched,
                extra_leads=len(leads.get(campaign["id"], ())),
                exclude_total_leads_count=q.get("exclude_total_leads_count") is True,
            )
            for campaign, launched in self._selected(self._analytics_ids(q))
        ]
        return Reply(200, rows)

    def campaign_analytics_overview(self, call: Call) -> Reply:
        q = call.query
        self._window(q, vendor_envelope=False)
        selected = self._selected(self._analytics_ids(q))
        if "campaign_status" in q:
            wanted = q["campaign_status"]
            selected = [(c, launched) for c, launched in selected if c.get("status") == wanted]
        return Reply(
            200, analytics.overview(selected, expand_crm_events=q.get("expand_crm_events") is True)
        )

    def campaign_analytics_daily(self, call: Call) -> Reply:
        q = call.query
        window = self._window(q, vendor_envelope=False)
        campaign_id = _text(q.get("campaign_id"))
        selected = self._selected([campaign_id] if campaign_id else None)
        if "campaign_status" in q:
            wanted = q["campaign_status"]
            selected = [(c, launched) for c, launched in selected if c.get("status") == wanted]
        return Reply(200, analytics.daily_rows(selected, window))

    def campaign_analytics_steps(self, call: Call) -> Reply:
        q = call.query
        self._window(q, vendor_envelope=False)
        campaign_id = _text(q.get("campaign_id"))
        selected = self._selected([campaign_id] if campaign_id else None)
        rows = analytics.step_rows(
            selected, include_opportunities_count=q.get("include_opportunities_count") is True
        )
        return Reply(200, rows)

    def share_campaign(self, call: Call) -> Reply:
        campaign = self._campaign(call.item_id)
        self.store.shared_until[campaign["id"]] = time.time() + SHARE_SECONDS
        return Reply(204, NO_BODY)

    def create_from_export(self, call: Call) -> Reply:
        source = self._campaign(call.item_id)
        if self.store.shared_until.get(source["id"], 0.0) < time.time():
            raise ApiError(403, {"message": "The requested campaign not shared"})
        campaign = self.new_campaign(
            {k: clone(source[k]) for k in CAMPAIGN_COPY_FIELDS if k in source}
        )
        self.stats.transitions["campaign.create"] += 1
        return Reply(200, campaign)

    def export_campaign(self, call: Call) -> Reply:
        return Reply(200, self._campaign(call.item_id))

    def duplicate_campaign(self, call: Call) -> Reply:
        source = self._campaign(call.item_id)
        body = _body_object(call.body)
        name = body.get("name", ABSENT)
        if name is ABSENT:
            name = f"{source.get('name', '')} (copy)"
        elif not isinstance(name, str) or not name.strip():
            # The spec's 400 example; reachable here only with an empty name.
            raise ApiError(400, {"message": "New campaign name is required"})
        fields = {k: clone(source[k]) for k in CAMPAIGN_COPY_FIELDS if k in source}
        fields["name"] = name
        campaign = self.new_campaign(fields)
        self.stats.transitions["campaign.create"] += 1
        return Reply(200, campaign)

    def count_launched(self, call: Call) -> Reply:
        campaigns = self.store.campaigns
        return Reply(200, {"count": sum(1 for i in self.store.launched if i in campaigns)})

    def add_variables(self, call: Call) -> Reply:
        campaign = self._campaign(call.item_id)
        names = _body_object(call.body).get("variables")
        custom = campaign.get("custom_variables")
        custom = dict(custom) if isinstance(custom, dict) else {}
        for name in names if isinstance(names, list) else []:
            if isinstance(name, str):
                custom.setdefault(name, "")
        campaign["custom_variables"] = custom
        campaign["timestamp_updated"] = self.store.now()
        return Reply(200, campaign)

    def campaign_sending_status(self, call: Call) -> Reply:
        campaign = self._campaign(call.item_id)
        return Reply(
            200,
            analytics.sending_status(
                campaign,
                subsequence=None,
                with_ai_summary=call.query.get("with_ai_summary") is True,
                now=self.store.now(),
            ),
        )

    # -- subsequences --------------------------------------------------------------------

    def _parent(self, campaign_id: Any) -> JSONObj:
        parent = self.store.campaigns.get(campaign_id) if isinstance(campaign_id, str) else None
        if parent is None:
            raise _not_found("Campaign not found")
        return parent

    def create_subsequence(self, call: Call) -> Reply:
        body = _body_object(call.body)
        parent = self._parent(body.get("parent_campaign"))
        fields = {
            k: v
            for k, v in body.items()
            if k not in _SUBSEQUENCE_READ_ONLY and k != "parent_campaign"
        }
        subsequence = self.new_subsequence(parent, fields)
        self.stats.transitions["subsequence.create"] += 1
        return Reply(200, subsequence)

    def list_subsequences(self, call: Call) -> Reply:
        q = call.query
        store = self.store
        parent = _text(q.get("parent_campaign"))
        filters: list[Callable[[JSONObj], bool]] = []
        if parent is not None:
            filters.append(lambda s: s.get("parent_campaign") == parent)
        excluded = _text(q.get("parent_campaign_not"))
        if excluded is not None:
            filters.append(lambda s: s.get("parent_campaign") != excluded)
        search = _text(q.get("search"))
        if search is not None:
            needle = search.lower()
            filters.append(lambda s: needle in str(s.get("name", "")).lower())
        keep: Callable[[JSONObj], bool] | None = None
        if len(filters) == 1:
            keep = filters[0]
        elif filters:
            keep = lambda s: all(f(s) for f in filters)  # noqa: E731
        result = page(
            store.subsequence_ids(parent),
            store.subsequences,
            starting_after=_text(q.get("starting_after")),
            limit=_limit(q.get("limit")),
            keep=keep,
            cursor_on_last_page=self._cursor_on_last_page(),
        )
        return Reply(200, result)

    def get_subsequence(self, call: Call) -> Reply:
        return Reply(200, self._subsequence(call.item_id))

    def patch_subsequence(self, call: Call) -> Reply:
        subsequence = self._subsequence(call.item_id)
        changed = False
        for key, value in _body_object(call.body).items():
            if key in _SUBSEQUENCE_READ_ONLY or key == "parent_campaign":
                continue
            if subsequence.get(key, ABSENT) != value:
                changed = True
            subsequence[key] = value
        if changed:
            self.stats.transitions["subsequence.update"] += 1
        return Reply(200, subsequence)

    def delete_subsequence(self, call: Call) -> Reply:
        self._subsequence(call.item_id)
        subsequence = self.store.delete_subsequence(str(call.item_id))
        self.stats.transitions["subsequence.delete"] += 1
        return Reply(200, subsequence)

    def duplicate_subsequence(self, call: Call) -> Reply:
        source = self._subsequence(call.item_id)
        body = _body_object(call.body)
        target = self._parent(body.get("parent_campaign"))
        fields = {k: clone(source[k]) for k in SUBSEQUENCE_COPY_FIELDS if k in source}
        name = body.get("name")
        if isinstance(name, str) and name:
            fields["name"] = name
        subsequence = self.new_subsequence(target, fields)
        self.stats.transitions["subsequence.create"] += 1
        return Reply(200, subsequence)

    def pause_subsequence(self, call: Call) -> Reply:
        subsequence = self._subsequence(call.item_id)
        self._set_status(subsequence, 2, "subsequence.pause")
        return Reply(200, subsequence)

    def resume_subsequence(self, call: Call) -> Reply:
        subsequence = self._subsequence(call.item_id)
        self._set_status(subsequence, 1, "subsequence.resume")
        return Reply(200, subsequence)

    def subsequence_analytics(self, call: Call) -> Reply:
        campaign_id = _text(call.query.get("campaign_id"))
        subs = self.store.subsequences_of(campaign_id) if campaign_id else []
        return Reply(200, [analytics.subsequence_row(s) for s in subs])

    def subsequence_steps_analytics(self, call: Call) -> Reply:
        subsequence = self._subsequence(call.item_id)
        self._window(call.query, vendor_envelope=True)
        return Reply(200, analytics.subsequence_step_rows(subsequence))

    def subsequence_sending_status(self, call: Call) -> Reply:
        subsequence = self._subsequence(call.item_id)
        parent = self.store.campaigns.get(subsequence.get("parent_campaign", ""))
        if parent is None:
            raise _not_found("Campaign not found")
        return Reply(
            200,
            analytics.sending_status(
                parent,
                subsequence=subsequence,
                with_ai_summary=call.query.get("with_ai_summary") is True,
                now=self.store.now(),
            ),
        )
