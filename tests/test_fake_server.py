"""The fake Instantly server, exercised over real HTTP with a plain aiohttp client.

Every JSON answer that the vendor document declares is checked against the
document's response schema (see ``Api.call``).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from instantly_async.testing import RANDOM_KINDS, FakeInstantly
from instantly_async.testing._ratelimit import SlidingWindowLimiter
from instantly_async.testing._schema import SchemaCompiler, SchemaViolation, format_error
from instantly_async.testing._spec import load_spec, strip_docs

from ._waiting import wait_until

# A byte-for-byte copy of ../shared/api/openapi.json (docs and examples included),
# so a fresh clone checks the shipped slice against the vendor's document.
SHARED_SPEC = Path(__file__).resolve().parent / "vendor" / "openapi.json"
ID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
NO_BODY = ("Content-Type",)  # aiohttp would otherwise send application/octet-stream
_UNSET: Any = object()

# The spec declares activate/pause 400 with a copy-pasted 404 envelope (statusCode
# enum [404]); our 400s there (e.g. FST_ERR_CTP_EMPTY_JSON_BODY) rightly say 400.
_KNOWN_SPEC_BUGS = {("activateCampaign", 400), ("pauseCampaign", 400)}


def schedule(start: str = "09:00", end: str = "17:00") -> dict[str, Any]:
    return {
        "schedules": [
            {
                "name": "Work hours",
                "timing": {"from": start, "to": end},
                "days": {"1": True, "2": True, "3": True},
                "timezone": "Etc/GMT+12",
            }
        ]
    }


def steps(*variant_flags: bool) -> list[dict[str, Any]]:
    variants = [
        {"subject": f"S{i}", "body": "Hi", "v_disabled": off} for i, off in enumerate(variant_flags)
    ]
    return [{"steps": [{"type": "email", "delay": 2, "variants": variants}]}]


def campaign_body(**fields: Any) -> dict[str, Any]:
    return {"name": "Launch", "campaign_schedule": schedule(), **fields}


class Resp:
    def __init__(self, status: int, body: bytes, headers: Any, op_id: str | None) -> None:
        self.status = status
        self.body = body
        self.headers = headers
        self.op_id = op_id
        try:
            self.json: Any = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self) -> str:
        return f"<Resp {self.status} {self.body[:200]!r}>"


class Api:
    """A thin aiohttp wrapper that also checks each answer against the spec."""

    def __init__(self, session: aiohttp.ClientSession, fake: FakeInstantly) -> None:
        self.session = session
        self.fake = fake
        self.spec = load_spec()
        self.validated: set[str] = set()

    async def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = _UNSET,
        data: bytes | str | None = None,
        params: Any = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
        check: bool = True,
    ) -> Resp:
        if not path.startswith("/api"):
            path = "/api/v2" + path
        kwargs: dict[str, Any] = {"params": params, "headers": headers}
        if json_body is not _UNSET:
            kwargs["json"] = json_body
        elif data is not None:
            kwargs["data"] = data
        else:
            kwargs["skip_auto_headers"] = NO_BODY
        if timeout is not None:
            kwargs["timeout"] = aiohttp.ClientTimeout(total=timeout)
        async with self.session.request(method, self.fake.base_url + path, **kwargs) as r:
            body = await r.read()
            match = self.spec.router.match(method, path)
            resp = Resp(r.status, body, r.headers, match[0].operation_id if match else None)
        if check:
            self._check(resp)
        return resp

    def _check(self, resp: Resp) -> None:
        op_id = resp.op_id
        if op_id is None or (op_id, resp.status) in _KNOWN_SPEC_BUGS:
            return
        if resp.status not in self.spec.operations[op_id].responses:
            return
        if resp.status == 204:
            assert resp.body == b""
            return
        assert resp.headers["Content-Type"].startswith("application/json")
        try:
            self.spec.response_check(op_id, resp.status)(resp.json)
        except SchemaViolation as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(
                f"{op_id} {resp.status}: {format_error('response', exc)}: {resp.body[:300]!r}"
            )
        if resp.status == 200:
            self.validated.add(op_id)

    async def get(self, path: str, **kw: Any) -> Resp:
        return await self.call("GET", path, **kw)

    async def post(self, path: str, json_body: Any = _UNSET, **kw: Any) -> Resp:
        return await self.call("POST", path, json_body=json_body, **kw)

    async def patch(self, path: str, json_body: Any = _UNSET, **kw: Any) -> Resp:
        return await self.call("PATCH", path, json_body=json_body, **kw)

    async def delete(self, path: str, **kw: Any) -> Resp:
        return await self.call("DELETE", path, **kw)


@pytest.fixture
def fake() -> FakeInstantly:
    return FakeInstantly()


@pytest.fixture
async def api(fake: FakeInstantly) -> AsyncIterator[Api]:
    async with (
        fake.run(),
        aiohttp.ClientSession(headers={"Authorization": "Bearer test-key"}) as session,
    ):
        yield Api(session, fake)


def envelope(status: int, error: str, message: str) -> dict[str, Any]:
    return {"statusCode": status, "error": error, "message": message}


async def pages(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every page of a list endpoint, following cursors until none or an empty page."""
    out: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(10_000):
        query = dict(params)
        if cursor:
            query["starting_after"] = cursor
        r = await api.get(path, params=query)
        assert r.status == 200, r
        out.append(r.json)
        cursor = r.json.get("next_starting_after")
        if not cursor or not r.json["items"]:
            return out
    raise AssertionError("pagination did not end")


# -- auth, routing, errors -------------------------------------------------------------


async def test_auth_is_required_and_checked(api: Api) -> None:
    url = api.fake.base_url + "/api/v2/campaigns"
    async with aiohttp.ClientSession() as bare:
        cases = [None, "Bearer wrong", "Basic dGVzdC1rZXk=", "Bearer "]
        for header in cases:
            headers = {} if header is None else {"Authorization": header}
            async with bare.get(url, headers=headers) as r:
                assert r.status == 401
                body = await r.json()
                assert body["statusCode"] == 401 and body["error"] == "Unauthorized"
                assert body["message"]
        async with bare.get(url, headers={"Authorization": "bearer test-key"}) as r:
            assert r.status == 200
    assert api.fake.stats.by_status[401] == 4
    assert api.fake.stats.calls["listCampaign"] == 1


async def test_auth_comes_before_routing(api: Api) -> None:
    async with (
        aiohttp.ClientSession() as bare,
        bare.get(api.fake.base_url + "/api/v2/nowhere") as r,
    ):
        assert r.status == 401


async def test_unknown_route_and_unknown_ids(api: Api) -> None:
    r = await api.get("/api/v2/nowhere")
    assert r.status == 404
    assert r.json == envelope(404, "Not Found", "Route GET:/api/v2/nowhere not found")
    r = await api.call("PUT", "/campaigns")
    assert r.status == 404
    missing = "01900000-0000-7000-8000-000000000000"
    not_found = envelope(404, "Not Found", "Resource not found")
    for method, path in [
        ("GET", f"/campaigns/{missing}"),
        ("DELETE", f"/campaigns/{missing}"),
        ("POST", f"/campaigns/{missing}/activate"),
        ("POST", f"/campaigns/{missing}/pause"),
        ("POST", f"/campaigns/{missing}/share"),
        ("POST", f"/campaigns/{missing}/export"),
        ("POST", f"/campaigns/{missing}/from-export"),
        ("GET", f"/campaigns/{missing}/sending-status"),
        ("GET", f"/subsequences/{missing}"),
        ("POST", f"/subsequences/{missing}/pause"),
        ("GET", f"/subsequences/{missing}/analytics/steps"),
    ]:
        r = await api.call(method, path)
        assert (r.status, r.json) == (404, not_found), (method, path)
    r = await api.patch(f"/campaigns/{missing}", {"name": "x"})
    assert (r.status, r.json) == (404, not_found)
    r = await api.post("/subsequences", {"parent_campaign": missing, "name": "n", "conditions": {}})
    assert (r.status, r.json) == (404, envelope(404, "Not Found", "Campaign not found"))


async def test_literal_routes_win_over_id_routes(api: Api) -> None:
    api.fake.seed_campaigns(2)
    r = await api.get("/campaigns/analytics")
    assert r.status == 200 and isinstance(r.json, list) and len(r.json) == 2
    r = await api.get("/campaigns/count-launched")
    assert r.json == {"count": 2}
    r = await api.get("/subsequences/analytics")
    assert r.status == 400
    assert r.json["message"] == "querystring must have required property 'campaign_id'"
    # Other methods on a literal path fall through to the {id} template.
    r = await api.patch("/campaigns/analytics", {"name": "x"})
    assert r.status == 404 and r.json["message"] == "Resource not found"


# -- campaigns -------------------------------------------------------------------------


async def test_create_get_patch_delete_campaign(api: Api) -> None:
    fake = api.fake
    r = await api.post("/campaigns", campaign_body(sequences=steps(False), pl_value=250))
    assert r.status == 200
    c = r.json
    assert ID_RE.match(c["id"]) and TS_RE.match(c["timestamp_created"])
    assert c["status"] == 0 and c["timestamp_created"] == c["timestamp_updated"]
    assert c["not_sending_status"] is None and c["organization"]
    assert c["name"] == "Launch" and c["pl_value"] == 250
    # Fastify's Ajv runs with useDefaults: the step gains its default units.
    step = c["sequences"][0]["steps"][0]
    assert step["delay_unit"] == "days" and step["pre_delay_unit"] == "days"
    assert fake.campaigns[c["id"]] == c
    assert fake.stats.transitions["campaign.create"] == 1

    r = await api.get(f"/campaigns/{c['id']}")
    assert r.json == c

    await asyncio.sleep(0.002)
    r = await api.patch(f"/campaigns/{c['id']}", {"name": "Renamed", "pl_value": None})
    patched = r.json
    assert patched["name"] == "Renamed" and patched["pl_value"] is None
    assert patched["timestamp_updated"] > c["timestamp_updated"]
    untouched = {k: v for k, v in c.items() if k not in ("name", "pl_value", "timestamp_updated")}
    assert {k: patched[k] for k in untouched} == untouched
    r = await api.patch(f"/campaigns/{c['id']}", {"email_list": ["a@x.io", "b@x.io"]})
    r = await api.patch(f"/campaigns/{c['id']}", {"email_list": ["c@x.io"]})
    assert r.json["email_list"] == ["c@x.io"]  # arrays replace, never merge

    sub = fake.add_subsequence(c["id"])
    r = await api.delete(f"/campaigns/{c['id']}")
    assert r.status == 200 and r.json["id"] == c["id"] and r.json["name"] == "Renamed"
    assert c["id"] not in fake.campaigns and sub["id"] not in fake.subsequences
    assert (await api.get(f"/campaigns/{c['id']}")).status == 404
    assert fake.stats.transitions["campaign.delete"] == 1


async def test_create_ignores_nothing_and_keeps_everything_sent(api: Api) -> None:
    body = campaign_body(
        is_evergreen=True,
        email_gap=5,
        daily_max_leads=0,
        auto_variant_select={"trigger": "open_rate"},
        limit_emails_per_company_override={"mode": "custom", "daily_limit": 3},
        provider_routing_rules=[
            {"action": "send", "recipient_esp": ["google"], "sender_esp": ["all"]}
        ],
        ai_sdr_id="agent-1",
        cc_list=["boss@x.io"],
    )
    r = await api.post("/campaigns", body)
    assert r.status == 200
    for key, value in body.items():
        assert r.json[key] == value, key


async def test_activate_pause_transitions_and_count_launched(api: Api) -> None:
    fake = api.fake
    c = (await api.post("/campaigns", campaign_body())).json
    assert (await api.get("/campaigns/count-launched")).json == {"count": 0}
    r = await api.post(f"/campaigns/{c['id']}/activate")
    assert r.status == 200 and r.json["status"] == 1
    assert (await api.post(f"/campaigns/{c['id']}/activate")).json["status"] == 1
    for _ in range(3):
        r = await api.post(f"/campaigns/{c['id']}/pause")
        assert r.json["status"] == 2
    await api.post(f"/campaigns/{c['id']}/activate")
    assert fake.campaigns[c["id"]]["status"] == 1
    assert fake.stats.transitions["campaign.activate"] == 2
    assert fake.stats.transitions["campaign.pause"] == 1
    assert fake.stats.calls["pauseCampaign"] == 3
    fake.seed_campaigns(2)  # seeded active: launched
    fake.add_campaign(status=0)  # a draft: not launched
    assert (await api.get("/campaigns/count-launched")).json == {"count": 3}


async def test_duplicate_campaign(api: Api) -> None:
    fake = api.fake
    src = fake.add_campaign(name="Spring", status=1, sequences=steps(False), pl_value=9)
    r = await api.post(f"/campaigns/{src['id']}/duplicate")
    assert r.status == 200
    dup = r.json
    assert dup["name"] == "Spring (copy)" and dup["status"] == 0 and dup["id"] > src["id"]
    assert dup["sequences"] == src["sequences"] and dup["pl_value"] == 9
    assert dup["sequences"] is not fake.campaigns[src["id"]]["sequences"]
    r = await api.post(f"/campaigns/{src['id']}/duplicate", {"name": "Summer"})
    assert r.json["name"] == "Summer"
    r = await api.post(f"/campaigns/{src['id']}/duplicate", {})
    assert r.json["name"] == "Spring (copy)"
    r = await api.post(f"/campaigns/{src['id']}/duplicate", {"name": "  "})
    assert (r.status, r.json) == (400, {"message": "New campaign name is required"})
    assert len(fake.campaigns) == 4
    assert fake.stats.transitions["campaign.create"] == 3


async def test_share_export_and_from_export(api: Api) -> None:
    fake = api.fake
    src = fake.add_campaign(name="Template", status=2)
    r = await api.post(f"/campaigns/{src['id']}/from-export")
    assert (r.status, r.json) == (403, {"message": "The requested campaign not shared"})
    r = await api.post(f"/campaigns/{src['id']}/share")
    assert r.status == 204 and r.body == b""
    r = await api.post(f"/campaigns/{src['id']}/from-export")
    assert r.status == 200
    assert r.json["name"] == "Template" and r.json["status"] == 0 and r.json["id"] != src["id"]
    r = await api.post(f"/campaigns/{src['id']}/export")
    assert r.status == 200 and r.json == fake.campaigns[src["id"]]
    other = fake.add_campaign()
    fake.share_campaign(other["id"], seconds=-1)  # a share that already expired
    assert (await api.post(f"/campaigns/{other['id']}/from-export")).status == 403


async def test_add_variables(api: Api) -> None:
    c = api.fake.add_campaign()
    r = await api.post(f"/campaigns/{c['id']}/variables", {"variables": ["firstName", "city"]})
    assert r.status == 200 and set(r.json["custom_variables"]) == {"firstName", "city"}
    r = await api.post(f"/campaigns/{c['id']}/variables", {"variables": ["city", "plan"]})
    assert set(r.json["custom_variables"]) == {"firstName", "city", "plan"}
    r = await api.post(f"/campaigns/{c['id']}/variables", {})
    assert r.status == 400 and r.json["message"] == "body must have required property 'variables'"


async def test_campaign_sending_status(api: Api) -> None:
    fake = api.fake
    draft = fake.add_campaign()
    paused = fake.add_campaign(status=2)
    active = fake.add_campaign(status=1, email_list=["a@x.io", "b@x.io"])
    r = await api.get(f"/campaigns/{draft['id']}/sending-status")
    assert r.json["diagnostics"] is None and r.json["summary"]["status"] == "campaign_draft"
    assert "ai_summary" not in r.json["summary"]
    r = await api.get(f"/campaigns/{paused['id']}/sending-status")
    assert r.json["diagnostics"] is None and r.json["summary"]["status"] == "campaign_paused"
    r = await api.get(
        f"/campaigns/{active['id']}/sending-status", params={"with_ai_summary": "true"}
    )
    diagnostics = r.json["diagnostics"]
    assert diagnostics["status"] == "healthy" and diagnostics["campaign_id"] == active["id"]
    assert {"campaign_id", "last_updated", "status", "issue_tracking"} <= set(diagnostics)
    assert diagnostics["accounts_summary"]["total_connected"] == 2
    assert isinstance(r.json["summary"]["ai_summary"], str)
    r = await api.get(
        f"/campaigns/{active['id']}/sending-status", params={"with_ai_summary": "yes"}
    )
    assert r.status == 400
    assert r.json["message"] == "querystring/with_ai_summary must be boolean"


async def test_search_by_contact(api: Api) -> None:
    fake = api.fake
    b = fake.add_campaign(name="Bravo")
    a = fake.add_campaign(name="alpha")
    c = fake.add_campaign(name="Charlie")
    for campaign in (a, b):
        fake.add_lead(campaign["id"], "Lead@Example.com")
    fake.add_lead(c["id"], "other@example.com")
    r = await api.get("/campaigns/search-by-contact", params={"search": "lead@example.com"})
    assert [x["id"] for x in r.json["items"]] == [b["id"], a["id"]]  # timestamp_created asc
    assert "next_starting_after" not in r.json
    params = {"search": "LEAD@example.com", "sort_column": "name", "sort_order": "desc"}
    r = await api.get("/campaigns/search-by-contact", params=params)
    assert [x["name"] for x in r.json["items"]] == ["Bravo", "alpha"]
    r = await api.get("/campaigns/search-by-contact", params={"search": "nobody@example.com"})
    assert r.json == {"items": []}


# -- campaign analytics ----------------------------------------------------------------


async def test_campaign_analytics(api: Api) -> None:
    fake = api.fake
    live = fake.seed_campaigns(3)
    draft = fake.add_campaign(status=0)
    fake.add_lead(draft["id"], "x@y.z")
    r = await api.get("/campaigns/analytics")
    assert [row["campaign_id"] for row in r.json] == [*(c["id"] for c in live), draft["id"]]
    again = await api.get("/campaigns/analytics")
    assert again.json == r.json  # deterministic
    rows = {row["campaign_id"]: row for row in r.json}
    assert rows[draft["id"]]["emails_sent_count"] == 0 and rows[draft["id"]]["leads_count"] == 1
    for c in live:
        row = rows[c["id"]]
        assert row["contacted_count"] > 0
        assert row["open_count_unique"] <= row["open_count_unique_by_step"] <= row["open_count"]
        assert row["reply_count_unique"] <= row["open_count_unique"]
    r = await api.get("/campaigns/analytics", params={"id": live[1]["id"]})
    assert [row["campaign_id"] for row in r.json] == [live[1]["id"]]
    r = await api.get(
        "/campaigns/analytics", params=[("ids", live[0]["id"]), ("ids", live[2]["id"])]
    )
    assert [row["campaign_id"] for row in r.json] == [live[0]["id"], live[2]["id"]]
    # A single value is still an array.
    r = await api.get("/campaigns/analytics", params={"ids": live[2]["id"]})
    assert [row["campaign_id"] for row in r.json] == [live[2]["id"]]
    r = await api.get("/campaigns/analytics", params={"exclude_total_leads_count": "true"})
    assert all(row["leads_count"] == 0 for row in r.json)
    bad = {"start_date": "2024-02-01", "end_date": "2024-01-31T23:59:59.999Z"}
    for path in (
        "/campaigns/analytics",
        "/campaigns/analytics/overview",
        "/campaigns/analytics/daily",
        "/campaigns/analytics/steps",
    ):
        r = await api.get(path, params=bad)
        assert (r.status, r.json) == (400, {"message": "Start Date must be earlier than End Date"})
    r = await api.get("/campaigns/analytics", params={"start_date": "yesterday"})
    assert r.status == 400 and set(r.json) == {"message"}


async def test_campaign_analytics_overview_daily_steps(api: Api) -> None:
    fake = api.fake
    live = fake.seed_campaigns(2, sequences=steps(False, False))
    assert live[0]["sequences"] is not live[1]["sequences"]
    paused = fake.add_campaign(status=2)
    fake.add_campaign(status=0)
    r = await api.get("/campaigns/analytics/overview")
    overview = r.json
    rows = (await api.get("/campaigns/analytics")).json
    assert overview["emails_sent_count"] == sum(row["emails_sent_count"] for row in rows) > 0
    r = await api.get("/campaigns/analytics/overview", params={"expand_crm_events": "true"})
    assert r.json["total_opportunities"] == 2 * overview["total_opportunities"]
    r = await api.get("/campaigns/analytics/overview", params={"campaign_status": "2"})
    paused_row = next(row for row in rows if row["campaign_id"] == paused["id"])
    assert r.json["emails_sent_count"] == paused_row["emails_sent_count"]
    r = await api.get("/campaigns/analytics/overview", params={"campaign_status": "0"})
    assert r.json["emails_sent_count"] == 0  # a draft never sent anything
    params = {"start_date": "2024-01-01", "end_date": "2024-01-07T12:00:00Z"}
    r = await api.get("/campaigns/analytics/daily", params=params)
    assert [row["date"] for row in r.json] == [f"2024-01-0{d}" for d in range(1, 8)]
    r2 = await api.get(
        "/campaigns/analytics/daily", params={**params, "campaign_id": live[0]["id"]}
    )
    assert all(a["sent"] >= b["sent"] for a, b in zip(r.json, r2.json, strict=True))
    r = await api.get("/campaigns/analytics/steps", params={"campaign_id": live[0]["id"]})
    assert [(row["step"], row["variant"]) for row in r.json] == [("0", "0"), ("0", "1")]
    assert "opportunities" not in r.json[0]
    r = await api.get(
        "/campaigns/analytics/steps",
        params={"campaign_id": live[0]["id"], "include_opportunities_count": "true"},
    )
    assert {"opportunities", "unique_opportunities", "meetings_booked", "won"} <= set(r.json[0])


# -- subsequences ----------------------------------------------------------------------


async def test_subsequence_lifecycle(api: Api) -> None:
    fake = api.fake
    parent = fake.add_campaign(status=1, campaign_schedule=schedule("08:00", "12:00"))
    other = fake.add_campaign()
    body = {
        "parent_campaign": parent["id"],
        "name": "Openers",
        "conditions": {"lead_activity": [2]},
    }
    r = await api.post("/subsequences", body)
    assert r.status == 200
    sub = r.json
    assert sub["status"] == 0 and sub["parent_campaign"] == parent["id"] and ID_RE.match(sub["id"])
    assert sub["workspace"] and TS_RE.match(sub["timestamp_leads_updated"])
    assert sub["subsequence_schedule"] == parent["campaign_schedule"]  # inherited

    r = await api.get(f"/subsequences/{sub['id']}")
    assert r.json == sub
    r = await api.patch(
        f"/subsequences/{sub['id']}", {"name": "Clickers", "daily_limit_mode": "custom"}
    )
    assert r.json["name"] == "Clickers" and r.json["daily_limit_mode"] == "custom"
    r = await api.patch(f"/subsequences/{sub['id']}", {"parent_campaign": other["id"]})
    assert r.status == 400 and r.json["message"] == "body must NOT have additional properties"

    r = await api.post(f"/subsequences/{sub['id']}/resume")
    assert r.json["status"] == 1
    r = await api.post(f"/subsequences/{sub['id']}/resume")
    r = await api.post(f"/subsequences/{sub['id']}/pause")
    assert r.json["status"] == 2
    assert fake.stats.transitions["subsequence.resume"] == 1
    assert fake.stats.transitions["subsequence.pause"] == 1

    r = await api.post(f"/subsequences/{sub['id']}/duplicate", {"parent_campaign": other["id"]})
    dup = r.json
    assert (
        dup["parent_campaign"] == other["id"] and dup["name"] == "Clickers" and dup["status"] == 0
    )
    r = await api.post(
        f"/subsequences/{sub['id']}/duplicate", {"parent_campaign": other["id"], "name": "Copy"}
    )
    assert r.json["name"] == "Copy"
    r = await api.post(f"/subsequences/{sub['id']}/duplicate", {"parent_campaign": "nope"})
    assert (r.status, r.json["message"]) == (404, "Campaign not found")
    r = await api.post(f"/subsequences/{sub['id']}/duplicate", {"name": "x"})
    assert r.json["message"] == "body must have required property 'parent_campaign'"

    r = await api.delete(f"/subsequences/{sub['id']}")
    assert r.status == 200 and r.json["id"] == sub["id"]
    assert (await api.get(f"/subsequences/{sub['id']}")).status == 404
    assert sorted(s["name"] for s in fake.subsequences.values()) == ["Clickers", "Copy"]
    assert fake.stats.transitions["subsequence.create"] == 3
    assert fake.stats.transitions["subsequence.delete"] == 1


async def test_subsequence_list_filters(api: Api) -> None:
    fake = api.fake
    a, b = fake.add_campaign(), fake.add_campaign()
    subs_a = fake.seed_subsequences(a["id"], 3, name="Alpha")
    subs_b = fake.seed_subsequences(b["id"], 2, name="Beta")
    r = await api.get("/subsequences", params={"parent_campaign": a["id"]})
    assert [s["id"] for s in r.json["items"]] == [s["id"] for s in subs_a]
    r = await api.get("/subsequences", params={"parent_campaign_not": a["id"]})
    assert [s["id"] for s in r.json["items"]] == [s["id"] for s in subs_b]
    r = await api.get("/subsequences", params={"search": "beta 2"})
    assert [s["id"] for s in r.json["items"]] == [subs_b[1]["id"]]
    r = await api.get("/subsequences")
    assert len(r.json["items"]) == 5
    r = await api.get("/subsequences", params={"parent_campaign": a["id"], "limit": 2})
    assert len(r.json["items"]) == 2 and r.json["next_starting_after"] == subs_a[1]["id"]


async def test_subsequence_status_and_analytics(api: Api) -> None:
    fake = api.fake
    parent = fake.add_campaign(status=1)
    sub = fake.add_subsequence(parent["id"], status=1, sequences=steps(False, True))
    idle = fake.add_subsequence(parent["id"])
    r = await api.get(f"/subsequences/{sub['id']}/sending-status")
    assert r.json["diagnostics"]["subsequence_id"] == sub["id"]
    assert r.json["diagnostics"]["campaign_id"] == parent["id"]
    r = await api.get(
        f"/subsequences/{idle['id']}/sending-status", params={"with_ai_summary": "true"}
    )
    assert r.json["diagnostics"] is None and "ai_summary" in r.json["summary"]
    r = await api.get("/subsequences/analytics", params={"campaign_id": parent["id"]})
    assert [row["subsequence_id"] for row in r.json] == [sub["id"], idle["id"]]
    assert r.json[1]["emails_sent"] == 0
    r = await api.get(f"/subsequences/{sub['id']}/analytics/steps")
    assert [(row["step"], row["variant"]) for row in r.json] == [("0", "0"), ("0", "1")]
    params = {"start_date": "2024-01-02", "end_date": "2024-01-01T10:00:00Z"}
    r = await api.get(f"/subsequences/{sub['id']}/analytics/steps", params=params)
    assert r.status == 400
    assert r.json == envelope(400, "Bad Request", "Start Date must be earlier than End Date")
    # The same UTC calendar day is a valid (inclusive) range.
    params = {"start_date": "2024-01-01T18:00:00Z", "end_date": "2024-01-01"}
    assert (
        await api.get(f"/subsequences/{sub['id']}/analytics/steps", params=params)
    ).status == 400
    params = {"start_date": "2024-01-01", "end_date": "2024-01-01"}
    assert (
        await api.get(f"/subsequences/{sub['id']}/analytics/steps", params=params)
    ).status == 200


# -- pagination ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 100, 101, 250])
async def test_campaign_pagination(api: Api, count: int) -> None:
    seeded = api.fake.seed_campaigns(count)
    result = await pages(api, "/campaigns", limit=100)
    ids = [c["id"] for page in result for c in page["items"]]
    assert ids == [c["id"] for c in seeded]
    assert len(result) == max(1, -(-count // 100))
    assert "next_starting_after" not in result[-1]
    for page in result[:-1]:
        assert page["next_starting_after"] == page["items"][-1]["id"]
    # No limit given: the fake pages by 100 as well.
    assert [len(p["items"]) for p in await pages(api, "/campaigns")] == [
        len(p["items"]) for p in result
    ]


async def test_small_pages_and_subsequence_pagination(api: Api) -> None:
    parent = api.fake.add_campaign()
    subs = api.fake.seed_subsequences(parent["id"], 23)
    result = await pages(api, "/subsequences", parent_campaign=parent["id"], limit=5)
    assert [len(p["items"]) for p in result] == [5, 5, 5, 5, 3]
    assert [s["id"] for p in result for s in p["items"]] == [s["id"] for s in subs]


async def test_cursor_on_last_page_quirk(api: Api) -> None:
    api.fake.cursor_on_last_page = True
    r = await api.get("/campaigns")
    assert r.json == {"items": []}
    seeded = api.fake.seed_campaigns(5)
    r = await api.get("/campaigns", params={"limit": 5})
    assert r.json["next_starting_after"] == seeded[-1]["id"]
    r = await api.get("/campaigns", params={"limit": 5, "starting_after": seeded[-1]["id"]})
    assert r.json == {"items": []}
    result = await pages(api, "/campaigns", limit=2)
    assert [len(p["items"]) for p in result] == [2, 2, 1, 0]


async def test_cursor_is_stable_under_concurrent_changes(api: Api) -> None:
    fake = api.fake
    seeded = fake.seed_campaigns(10)
    first = (await api.get("/campaigns", params={"limit": 4})).json
    # Deleting seen and unseen items, and adding new ones, never repeats an item.
    await api.delete(f"/campaigns/{seeded[0]['id']}")
    await api.delete(f"/campaigns/{seeded[3]['id']}")  # the cursor itself
    await api.delete(f"/campaigns/{seeded[5]['id']}")
    added = fake.add_campaign()
    rest = await pages(api, "/campaigns", limit=4, starting_after=first["next_starting_after"])
    later = [c["id"] for p in rest for c in p["items"]]
    expected = [c["id"] for c in seeded[4:] if c["id"] != seeded[5]["id"]] + [added["id"]]
    assert later == expected


async def test_list_filters(api: Api) -> None:
    fake = api.fake
    a = fake.add_campaign(name="Spring Launch", status=1, ai_sdr_id="agent-7")
    b = fake.add_campaign(name="summer launch", status=2)
    c = fake.add_campaign(name="Autumn", status=0)
    fake.tag_campaign(a["id"], "t1")
    fake.tag_campaign(c["id"], "t2")

    async def ids(**params: Any) -> list[str]:
        r = await api.get("/campaigns", params=params)
        assert r.status == 200, r
        return [x["id"] for x in r.json["items"]]

    assert await ids(search="LAUNCH") == [a["id"], b["id"]]
    assert await ids(tag_ids="t2, t1") == [a["id"], c["id"]]
    assert await ids(tag_ids="t9") == []
    assert await ids(status="2") == [b["id"]]
    assert await ids(exclude_status="2") == [a["id"], c["id"]]
    assert await ids(ai_sales_agent_id="agent-7") == [a["id"]]
    assert await ids(search="launch", exclude_status="1") == [b["id"]]
    assert "t1" not in json.dumps(fake.campaigns[a["id"]])  # tags stay hidden


async def test_ten_thousand_campaigns_page_quickly(api: Api) -> None:
    started = time.perf_counter()
    seeded = api.fake.seed_campaigns(10_000)
    r = await api.get("/campaigns", params={"limit": 100, "starting_after": seeded[9_949]["id"]})
    assert [c["id"] for c in r.json["items"]] == [c["id"] for c in seeded[9_950:]]
    assert "next_starting_after" not in r.json
    r = await api.get("/campaigns", params={"limit": 1, "status": "0"})  # a full scan, no match
    assert r.json == {"items": []}
    # Not a benchmark: a bound a quadratic scan of 10,000 records could not meet.
    assert time.perf_counter() - started < 30.0


# -- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"campaign_schedule": schedule()}, "body must have required property 'name'"),
        ({"name": "x"}, "body must have required property 'campaign_schedule'"),
        (campaign_body(name=7), "body/name must be string"),
        (campaign_body(pl_value="7"), "body/pl_value must be number,null"),
        (campaign_body(daily_max_leads=1.5), "body/daily_max_leads must be integer,null"),
        (campaign_body(daily_max_leads=-1), "body/daily_max_leads must be >= 0"),
        (campaign_body(status=1), "body must NOT have additional properties"),
        (
            campaign_body(campaign_schedule=schedule(start="9:00")),
            "body/campaign_schedule/schedules/0/timing/from must match pattern "
            '"^([01][0-9]|2[0-3]):([0-5][0-9])$"',
        ),
        (
            campaign_body(campaign_schedule={"schedules": []}),
            "body/campaign_schedule/schedules must NOT have fewer than 1 items",
        ),
        (
            campaign_body(
                campaign_schedule={
                    "schedules": [{**schedule()["schedules"][0], "timezone": "Europe/London"}]
                }
            ),
            "body/campaign_schedule/schedules/0/timezone"
            " must be equal to one of the allowed values",
        ),
        (
            campaign_body(
                campaign_schedule={"schedules": [{**schedule()["schedules"][0], "days": {}}]}
            ),
            "body/campaign_schedule/schedules/0/days must NOT have fewer than 1 properties",
        ),
        (
            campaign_body(auto_variant_select={}),
            "body/auto_variant_select must have required property 'trigger'",
        ),
        (
            campaign_body(limit_emails_per_company_override={"mode": "custom", "daily_limit": 0}),
            "body/limit_emails_per_company_override/daily_limit must be >= 1",
        ),
        (
            campaign_body(sequences=[{"steps": [{"type": "sms", "delay": 1, "variants": []}]}]),
            "body/sequences/0/steps/0/type must be equal to one of the allowed values",
        ),
        ([], "body must be object"),
        (None, "body must be object"),
    ],
)
async def test_create_campaign_validation(api: Api, body: Any, message: str) -> None:
    if body is None:  # aiohttp's json=None sends no body at all
        r = await api.post("/campaigns", data=b"null", headers={"Content-Type": "application/json"})
    else:
        r = await api.post("/campaigns", body)
    assert r.status == 400
    assert r.json == {
        "statusCode": 400,
        "code": "FST_ERR_VALIDATION",
        "error": "Bad Request",
        "message": message,
    }
    assert api.fake.campaigns == {}
    assert api.fake.stats.calls["createCampaign"] == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"name": "n", "conditions": {}, "sequences": steps(True, True)},
            "body/sequences/0/steps/0/variants must contain at least 1 valid item(s)",
        ),
        (
            {"name": "n", "conditions": {}, "sequences": steps(*[False] * 27)},
            "body/sequences/0/steps/0/variants must NOT have more than 26 items",
        ),
        (
            {"name": "n", "conditions": {}, "sequences": steps()},
            "body/sequences/0/steps/0/variants must NOT have fewer than 1 items",
        ),
        (
            {"name": "n", "conditions": {"crm_status": [1, 30001]}},
            "body/conditions/crm_status/1 must be <= 30000",
        ),
        (
            {"name": "n", "conditions": {"lead_activity": [3]}},
            "body/conditions/lead_activity/0 must be equal to one of the allowed values",
        ),
        ({"name": "n"}, "body must have required property 'conditions'"),
        (
            {"name": "n", "conditions": {}, "daily_limit_mode": "sometimes"},
            "body/daily_limit_mode must be equal to one of the allowed values",
        ),
    ],
)
async def test_create_subsequence_validation(api: Api, body: dict[str, Any], message: str) -> None:
    parent = api.fake.add_campaign()
    r = await api.post("/subsequences", {"parent_campaign": parent["id"], **body})
    assert (r.status, r.json["message"]) == (400, message)


async def test_one_enabled_variant_is_enough(api: Api) -> None:
    parent = api.fake.add_campaign()
    body = {
        "parent_campaign": parent["id"],
        "name": "n",
        "conditions": {},
        "sequences": steps(True, False),
    }
    assert (await api.post("/subsequences", body)).status == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "0"}, "querystring/limit must be >= 1"),
        ({"limit": "101"}, "querystring/limit must be <= 100"),
        ({"limit": "ten"}, "querystring/limit must be integer"),
        ({"limit": "1.5"}, "querystring/limit must be integer"),
        ([("limit", "1"), ("limit", "2")], "querystring/limit must be integer"),
        ({"status": "5"}, "querystring/status must be equal to one of the allowed values"),
        ({"exclude_status": "x"}, "querystring/exclude_status must be number"),
    ],
)
async def test_list_query_validation(api: Api, params: Any, message: str) -> None:
    r = await api.get("/campaigns", params=params)
    assert (r.status, r.json["message"]) == (400, message)


async def test_limit_bounds_are_inclusive(api: Api) -> None:
    api.fake.seed_campaigns(3)
    assert len((await api.get("/campaigns", params={"limit": "1"})).json["items"]) == 1
    assert len((await api.get("/campaigns", params={"limit": "100"})).json["items"]) == 3


async def test_patch_validation(api: Api) -> None:
    c = api.fake.add_campaign()
    r = await api.patch(f"/campaigns/{c['id']}", {})
    assert r.json["message"] == "body must NOT have fewer than 1 properties"
    r = await api.patch(f"/campaigns/{c['id']}", {"ai_sdr_id": "x"})  # settable on create only
    assert r.json["message"] == "body must NOT have additional properties"
    r = await api.patch(f"/campaigns/{c['id']}", {"open_tracking": None})  # not nullable
    assert r.json["message"] == "body/open_tracking must be boolean"
    r = await api.patch(f"/campaigns/{c['id']}", {"link_tracking": None})  # nullable
    assert r.status == 200 and r.json["link_tracking"] is None


async def test_fastify_body_parsing_quirks(api: Api) -> None:
    c = api.fake.add_campaign(status=1)
    json_type = {"Content-Type": "application/json"}
    r = await api.post(f"/campaigns/{c['id']}/pause", data=b"", headers=json_type)
    assert r.status == 400
    assert r.json == {
        "statusCode": 400,
        "code": "FST_ERR_CTP_EMPTY_JSON_BODY",
        "error": "Bad Request",
        "message": "Body cannot be empty when content-type is set to 'application/json'",
    }
    assert api.fake.campaigns[c["id"]]["status"] == 1
    r = await api.delete(f"/campaigns/{c['id']}", data=b"", headers=json_type)
    assert r.json["code"] == "FST_ERR_CTP_EMPTY_JSON_BODY"
    r = await api.post("/campaigns", data=b'{"name": ', headers=json_type)
    assert r.status == 400 and r.json == envelope(
        400, "Bad Request", "Unexpected end of JSON input"
    )
    r = await api.post("/campaigns", data=b'{"name" 1}', headers=json_type)
    assert r.json["message"] == "Unexpected token 1 in JSON at position 8"
    r = await api.post("/campaigns", data=b'{"name": NaN}', headers=json_type)
    assert r.status == 400
    # aiohttp labels a bodyless POST application/octet-stream unless told not to.
    async with api.session.post(f"{api.fake.base_url}/api/v2/campaigns/{c['id']}/pause") as raw:
        assert raw.status == 415
        assert (await raw.json())["code"] == "FST_ERR_CTP_INVALID_MEDIA_TYPE"
    # A JSON body on a body-less operation is parsed and ignored.
    assert (await api.post(f"/campaigns/{c['id']}/pause", {})).status == 200
    # DELETE's body schema is null.
    r = await api.delete(f"/campaigns/{c['id']}", json_body={"force": True})
    assert r.json["message"] == "body must be null"
    r = await api.delete(f"/campaigns/{c['id']}", data=b"null", headers=json_type)
    assert r.status == 200


async def test_validation_can_be_turned_off(api: Api) -> None:
    api.fake.validate = False
    body = {"name": "loose", "campaign_schedule": {}, "extra": 1}
    r = await api.post("/campaigns", body, check=False)
    assert r.status == 200 and r.json["extra"] == 1
    r = await api.get("/campaigns", params={"limit": "1000"}, check=False)
    assert r.status == 200 and len(r.json["items"]) == 1
    # Parsing problems are not validation: they still answer 400.
    r = await api.post("/campaigns", data=b"", headers={"Content-Type": "application/json"})
    assert r.status == 400


# -- rate limit ------------------------------------------------------------------------


async def test_burst_over_the_per_second_limit(api: Api) -> None:
    fake = api.fake
    # A small limit, so the burst reaches the server within one second on any machine.
    fake.rate_limit = (20, 6000)
    c = fake.add_campaign(status=1)
    results = await asyncio.gather(*(api.get(f"/campaigns/{c['id']}") for _ in range(30)))
    statuses = Counter(r.status for r in results)
    assert statuses == {200: 20, 429: 10}
    assert fake.stats.rate_limited == 10
    limited = next(r for r in results if r.status == 429)
    assert limited.json == envelope(429, "Too Many Requests", "Rate limit exceeded")
    assert "Retry-After" not in limited.headers


async def test_per_minute_window_and_retry_after(api: Api) -> None:
    fake = api.fake
    fake.rate_limit = (1000, 120)
    fake.rate_limit_retry_after = 1.5
    results = await asyncio.gather(*(api.get("/campaigns") for _ in range(150)))
    assert Counter(r.status for r in results) == {200: 120, 429: 30}
    assert {r.headers.get("Retry-After") for r in results if r.status == 429} == {"1.5"}


async def test_rate_limit_applies_before_auth(api: Api) -> None:
    fake = api.fake
    fake.rate_limit = (3, 100)
    statuses = []
    async with aiohttp.ClientSession() as bare:
        for _ in range(5):
            async with bare.get(fake.base_url + "/api/v2/campaigns") as r:
                statuses.append(r.status)
    assert statuses == [401, 401, 401, 429, 429]


def test_sliding_windows() -> None:
    limiter = SlidingWindowLimiter(2, 3)
    assert [limiter.try_acquire(t) for t in (0.0, 0.1, 0.2)] == [True, True, False]
    # Rejections consume nothing: 1.0 s after the first admission there is room.
    assert limiter.try_acquire(1.0) is True
    assert limiter.try_acquire(1.05) is False  # minute window: 3 admitted
    assert limiter.try_acquire(59.9) is False
    assert limiter.try_acquire(60.0) is True  # the 0.0 admission left the minute window


# -- faults ----------------------------------------------------------------------------


async def test_fail_next_before_and_after(api: Api) -> None:
    fake = api.fake
    c = fake.add_campaign(status=1)
    fake.faults.fail_next(1, 500)
    r = await api.post(f"/campaigns/{c['id']}/pause")
    assert r.status == 500
    assert r.json == envelope(500, "Internal Server Error", "Internal Server Error")
    assert fake.campaigns[c["id"]]["status"] == 1  # the operation never ran
    fake.faults.fail_next(1, 503, phase="after")
    r = await api.post(f"/campaigns/{c['id']}/pause")
    assert r.status == 503 and r.json["error"] == "Service Unavailable"
    assert fake.campaigns[c["id"]]["status"] == 2  # it ran, then failed
    assert fake.stats.transitions["campaign.pause"] == 1
    assert fake.stats.calls["pauseCampaign"] == 1 and fake.stats.attempts["pauseCampaign"] == 2
    assert fake.stats.faults["fail"] == 2
    assert (await api.post(f"/campaigns/{c['id']}/pause")).status == 200


async def test_fail_next_filters_and_raw_bodies(api: Api) -> None:
    fake = api.fake
    c = fake.add_campaign(status=1)
    fake.faults.fail_next(2, 502, method="GET", path_prefix="/api/v2/subsequences")
    assert (await api.get("/campaigns")).status == 200
    assert (await api.post(f"/campaigns/{c['id']}/pause")).status == 200
    assert (await api.get("/subsequences")).status == 502
    assert (await api.get("/subsequences")).status == 502
    assert (await api.get("/subsequences")).status == 200

    fake.faults.fail_next(
        1, 502, body="<html><h1>Bad gateway</h1></html>", content_type="text/html"
    )
    r = await api.get("/campaigns")
    assert (
        r.status == 502 and r.headers["Content-Type"].startswith("text/html") and b"<h1>" in r.body
    )
    fake.faults.fail_next(1, 200, body=b'{"items": [')
    r = await api.get("/campaigns", check=False)
    assert r.status == 200 and r.body == b'{"items": ['
    fake.faults.fail_next(1, 500, body=b"", content_type=None)
    r = await api.get("/campaigns")
    assert r.status == 500 and r.body == b"" and "Content-Type" not in r.headers
    fake.faults.fail_next(1, 429, headers={"Retry-After": "7"})
    r = await api.get("/campaigns")
    assert r.status == 429 and r.headers["Retry-After"] == "7"
    assert r.json["message"] == "Rate limit exceeded"
    assert fake.stats.rate_limited == 0  # injected, not the limiter
    # Several queued faults hit requests in arrival order.
    fake.faults.fail_next(1, 500)
    fake.faults.fail_next(1, 504)
    results = await asyncio.gather(*(api.get("/campaigns") for _ in range(3)))
    assert sorted(r.status for r in results) == [200, 500, 504]
    assert fake.faults.pending == 0


async def test_drop_next_before_and_after(api: Api) -> None:
    fake = api.fake
    c = fake.add_campaign(status=1)
    fake.faults.drop_next(1)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.post(f"/campaigns/{c['id']}/pause")
    assert fake.campaigns[c["id"]]["status"] == 1
    fake.faults.drop_next(1, phase="after")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.post(f"/campaigns/{c['id']}/pause")
    assert fake.campaigns[c["id"]]["status"] == 2
    assert fake.stats.dropped == 2 and fake.stats.faults["drop"] == 2
    dropped = [rec for rec in fake.requests if rec.dropped]
    assert len(dropped) == 2 and all(rec.status is None for rec in dropped)
    assert (await api.get(f"/campaigns/{c['id']}")).status == 200


async def test_aiohttp_silently_retries_dropped_idempotent_requests(api: Api) -> None:
    # Worth knowing when testing an SDK's retry counting: aiohttp resends a GET or
    # DELETE once by itself when the server drops the connection.
    fake = api.fake
    fake.faults.drop_next(1, method="GET")
    r = await api.get("/campaigns")
    assert r.status == 200
    assert fake.stats.requests == 2 and fake.stats.dropped == 1


async def test_delay_next_and_latency(api: Api) -> None:
    fake = api.fake
    c = fake.add_campaign(status=1)
    fake.faults.delay_next(1, 0.3, path_prefix="/api/v2/campaigns/")
    with pytest.raises(asyncio.TimeoutError):
        await api.post(f"/campaigns/{c['id']}/pause", timeout=0.1)
    # The server still finishes the work after the client gave up.
    await wait_until(lambda: fake.campaigns[c["id"]]["status"] == 2, "the paused campaign")
    assert fake.stats.faults["delay"] == 1

    fake.faults.latency = 0.3
    started = time.perf_counter()
    await asyncio.gather(*(api.get("/campaigns") for _ in range(5)))
    elapsed = time.perf_counter() - started
    # Concurrent requests wait in parallel: one latency, not five (1.5 s) in a row.
    assert 0.3 <= elapsed < 1.2
    fake.faults.clear()
    assert fake.faults.latency == 0.0


@pytest.mark.parametrize("kind", RANDOM_KINDS)
async def test_each_random_fault_kind(api: Api, kind: str) -> None:
    fake = api.fake
    c = fake.add_campaign(status=1)
    fake.faults.random(1.0, kinds=[kind])
    url = f"/campaigns/{c['id']}/pause"
    if kind.startswith("drop"):
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await api.post(url)
    else:
        r = await api.post(url)
        expected_status = {"html": 502, "empty": 503, "truncated": 500, "after_500": 500}.get(kind)
        assert r.status == (expected_status or int(kind))
        if kind == "html":
            assert r.headers["Content-Type"].startswith("text/html") and r.json is None
        elif kind == "empty":
            assert r.body == b""
        elif kind == "truncated":
            assert r.body.startswith(b"{") and r.json is None
        else:
            assert r.json["statusCode"] == r.status
    ran = kind in ("drop_after", "after_500")
    assert fake.campaigns[c["id"]]["status"] == (2 if ran else 1)
    assert fake.stats.faults == {kind: 1}


async def test_random_faults_are_seeded_and_accounted(fake: FakeInstantly) -> None:
    async def statuses(seed: int) -> tuple[list[int], Counter[str]]:
        local = FakeInstantly()
        local.faults.random(0.3, kinds=("500", "503", "429"), seed=seed)
        async with (
            local.run() as base_url,
            aiohttp.ClientSession(headers={"Authorization": "Bearer test-key"}) as session,
        ):
            out = []
            for _ in range(60):
                async with session.get(base_url + "/api/v2/campaigns") as r:
                    out.append(r.status)
        return out, local.stats.faults

    first, faults = await statuses(7)
    again, _ = await statuses(7)
    other, _ = await statuses(8)
    assert first == again and first != other
    assert sum(s != 200 for s in first) == sum(faults.values()) > 0
    assert Counter(str(s) for s in first if s != 200) == faults
    fake.faults.random(0)
    assert fake.faults.take("GET", "/api/v2/campaigns") == (None, None)


def test_fault_arguments_are_checked(fake: FakeInstantly) -> None:
    with pytest.raises(ValueError):
        fake.faults.random(1.5)
    with pytest.raises(ValueError):
        fake.faults.random(0.5, kinds=["teapot"])
    with pytest.raises(ValueError):
        fake.faults.fail_next(1, phase="during")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        fake.faults.drop_next(-1)


# -- observation -----------------------------------------------------------------------


async def test_request_log_and_stats() -> None:
    fake = FakeInstantly(request_log_size=3)
    async with (
        fake.run() as base_url,
        aiohttp.ClientSession(headers={"Authorization": "Bearer test-key"}) as session,
    ):
        async with session.post(
            base_url + "/api/v2/campaigns?x=1&x=2",
            json=campaign_body(sequences=steps(False)),
            headers={"X-Trace": "t1"},
        ) as r:
            assert r.status == 200
        record = fake.requests[-1]
        assert (record.method, record.path, record.query) == (
            "POST",
            "/api/v2/campaigns",
            {"x": ["1", "2"]},
        )
        assert (
            record.headers["x-trace"] == "t1"
            and record.headers["AUTHORIZATION"] == "Bearer test-key"
        )
        # Exactly what the client sent, without the defaults the server filled in.
        assert record.json == campaign_body(sequences=steps(False))
        stored = next(iter(fake.campaigns.values()))
        assert stored["sequences"][0]["steps"][0]["delay_unit"] == "days"
        assert record.operation_id == "createCampaign" and record.status == 200
        for _ in range(4):
            async with session.get(base_url + "/api/v2/campaigns") as r:
                await r.read()
        assert len(fake.requests) == 3 and fake.requests[0].json is None
    assert fake.stats.requests == 5 and fake.stats.by_status == {200: 5}
    assert fake.stats.calls == {"createCampaign": 1, "listCampaign": 4}
    fake.stats.reset()
    assert fake.stats.requests == 0 and not fake.stats.calls and not fake.stats.by_status


# -- the spec itself -------------------------------------------------------------------


async def test_every_operation_answers_per_its_response_schema(api: Api) -> None:
    fake = api.fake
    parent = fake.add_campaign(status=1, sequences=steps(False, False), email_list=["a@x.io"])
    fake.add_lead(parent["id"], "lead@x.io")
    c = (await api.post("/campaigns", campaign_body(sequences=steps(False)))).json
    sub = (
        await api.post(
            "/subsequences",
            {"parent_campaign": parent["id"], "name": "S", "conditions": {"crm_status": [1]}},
        )
    ).json
    await api.get("/campaigns", params={"limit": 1})
    await api.get(f"/campaigns/{c['id']}")
    await api.patch(f"/campaigns/{c['id']}", {"daily_limit": 30})
    await api.post(f"/campaigns/{c['id']}/activate")
    await api.post(f"/campaigns/{c['id']}/pause")
    await api.get("/campaigns/search-by-contact", params={"search": "lead@x.io"})
    await api.get("/campaigns/analytics")
    await api.get("/campaigns/analytics/overview")
    await api.get("/campaigns/analytics/daily")
    await api.get("/campaigns/analytics/steps", params={"include_opportunities_count": "true"})
    assert (await api.post(f"/campaigns/{c['id']}/share")).status == 204
    api.validated.add("shareCampaign")  # 204: nothing to validate but the empty body
    await api.post(f"/campaigns/{c['id']}/from-export")
    await api.post(f"/campaigns/{c['id']}/export")
    await api.post(f"/campaigns/{c['id']}/duplicate", {"name": "D"})
    await api.get("/campaigns/count-launched")
    await api.post(f"/campaigns/{c['id']}/variables", {"variables": ["firstName"]})
    await api.get(f"/campaigns/{parent['id']}/sending-status", params={"with_ai_summary": "true"})
    await api.get("/subsequences", params={"parent_campaign": parent["id"]})
    await api.get(f"/subsequences/{sub['id']}")
    await api.patch(f"/subsequences/{sub['id']}", {"conditions": {"reply_contains": "yes"}})
    await api.post(f"/subsequences/{sub['id']}/resume")
    await api.post(f"/subsequences/{sub['id']}/pause")
    await api.post(f"/subsequences/{sub['id']}/duplicate", {"parent_campaign": c["id"]})
    await api.get(f"/subsequences/{sub['id']}/sending-status")
    await api.get("/subsequences/analytics", params={"campaign_id": parent["id"]})
    await api.get(f"/subsequences/{sub['id']}/analytics/steps")
    await api.delete(f"/subsequences/{sub['id']}")
    await api.delete(f"/campaigns/{c['id']}")
    assert api.validated == set(api.spec.operations)
    assert len(api.validated) == 30


def test_shipped_openapi_matches_the_vendor_slice() -> None:
    vendor = json.loads(SHARED_SPEC.read_text(encoding="utf-8"))
    shipped = load_spec().document
    assert shipped == strip_docs(vendor)
    assert shipped["paths"] == strip_docs(vendor["paths"])
    assert shipped["components"]["schemas"] == strip_docs(vendor["components"]["schemas"])


def test_schema_validator_keywords() -> None:
    doc = {
        "components": {"schemas": {"Pet": {"type": "object", "required": ["id"]}}},
    }
    compile_ = SchemaCompiler(doc).compile

    def error(schema: Any, value: Any) -> str | None:
        try:
            compile_(schema)(value)
        except SchemaViolation as exc:
            return format_error("body", exc)
        return None

    assert error({"enum": [True]}, 1) == "body must be equal to one of the allowed values"
    assert error({"enum": [1]}, True) == "body must be equal to one of the allowed values"
    assert error({"enum": [1]}, 1.0) is None
    assert error({"type": "integer"}, 2.0) is None
    assert error({"type": "number"}, False) == "body must be number"
    assert error({"type": ["string", "null"]}, None) is None
    assert error({"not": {"required": ["a"]}}, {"a": 1}) == "body must NOT be valid"
    assert error({"items": {"$ref": "#/components/schemas/Pet"}}, [{"id": 1}, {}]) == (
        "body/1 must have required property 'id'"
    )
    assert (
        error({"properties": {"a/b": {"type": "string"}}}, {"a/b": 1}) == "body/a~1b must be string"
    )
    assert error({"additionalProperties": {"type": "string"}}, {"k": 1}) == "body/k must be string"
    assert (
        error({"type": "object", "properties": {"a": {"type": "string"}}}, "x")
        == "body must be object"
    )
    # ``type`` is checked before ``enum``, ``required`` before ``properties``.
    assert error({"type": "string", "enum": ["a"]}, 5) == "body must be string"
    schema = {"required": ["b"], "properties": {"a": {"type": "string"}}}
    assert error(schema, {"a": 1}) == "body must have required property 'b'"
    nullable = {"type": ["null", "number"], "enum": [1, 2]}
    assert error(nullable, None) == "body must be equal to one of the allowed values"
    SchemaCompiler(doc, nullable_enums=True).compile(nullable)(None)


# -- lifecycle -------------------------------------------------------------------------


async def test_run_closes_even_on_error() -> None:
    fake = FakeInstantly()
    with pytest.raises(RuntimeError, match="boom"):
        async with fake.run() as base_url:
            assert base_url.startswith("http://127.0.0.1:")
            raise RuntimeError("boom")
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            async with session.get(base_url + "/api/v2/campaigns"):
                pass
    with pytest.raises(RuntimeError):
        _ = fake.base_url


async def test_start_close_restart() -> None:
    fake = FakeInstantly(api_key="k2")
    fake.seed_campaigns(2)
    first = await fake.start()
    with pytest.raises(RuntimeError):
        await fake.start()
    await fake.close()
    await fake.close()
    second = await fake.start()
    try:
        assert fake.base_url == second
        async with (
            aiohttp.ClientSession(headers={"Authorization": "Bearer k2"}) as session,
            session.get(second + "/api/v2/campaigns") as r,
        ):
            assert len((await r.json())["items"]) == 2
    finally:
        await fake.close()
    assert first.startswith("http://127.0.0.1:")


async def test_close_does_not_wait_for_slow_handlers() -> None:
    fake = FakeInstantly()
    fake.faults.delay_next(1, 30)
    async with aiohttp.ClientSession() as session:
        async with fake.run() as base_url:
            task = asyncio.ensure_future(session.post(base_url + "/api/v2/campaigns"))
            await wait_until(lambda: fake.stats.requests == 1, "the slow request to arrive")
            started = time.perf_counter()
        assert time.perf_counter() - started < 2
        with pytest.raises(aiohttp.ClientError):
            await task
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]


async def test_app_runs_under_aiohttp_test_server() -> None:
    fake = FakeInstantly()
    fake.seed_campaigns(1)
    async with (
        TestServer(fake.app) as server,
        aiohttp.ClientSession(headers={"Authorization": "Bearer test-key"}) as session,
        session.get(server.make_url("/api/v2/campaigns")) as r,
    ):
        assert r.status == 200 and len((await r.json())["items"]) == 1


async def test_command_line_server() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "instantly_async.testing",
        "--port",
        "0",
        "--seed-campaigns",
        "3",
        "--rate-limit",
        "100,6000",
        "--api-key",
        "cli-key",
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 15)).decode()
        match = re.match(
            r"fake Instantly listening on (http://127\.0\.0\.1:\d+) with API key cli-key ", line
        )
        assert match, line
        async with (
            aiohttp.ClientSession(headers={"Authorization": "Bearer cli-key"}) as session,
            session.get(match.group(1) + "/api/v2/campaigns") as r,
        ):
            assert len((await r.json())["items"]) == 3
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
