"""Ids that are valid but need escaping reach the server as one escaped path segment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web

from instantly_async import AsyncInstantly

from .conftest import API_KEY, FAST_RETRY, STAMP
from .conftest import minimal_campaign as campaign

# Each is a legal id for the SDK (no '/', '?', '#', '\\', '%', control characters),
# and each would change the URL's meaning, or break the request line, unescaped.
IDS = ["a b", "é", "a;b", "a+b", "a&b=c", "a:b@c", "日本", "a'b\"c", "a,b!$*()"]


def subsequence(item_id: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "parent_campaign": "c1",
        "workspace": "w1",
        "status": 1,
        "name": "S",
        "conditions": {},
        "timestamp_created": STAMP,
        "timestamp_leads_updated": STAMP,
    }


class Recorder:
    """A server with the id routes; records each request's raw path and matched id."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []  # (method, raw_path, match_info["id"])

    async def campaign(self, request: web.Request) -> web.Response:
        self.seen.append((request.method, request.raw_path, request.match_info["id"]))
        return web.json_response(campaign(request.match_info["id"]))

    async def subsequence(self, request: web.Request) -> web.Response:
        self.seen.append((request.method, request.raw_path, request.match_info["id"]))
        return web.json_response(subsequence(request.match_info["id"]))


@pytest.fixture
async def recorder() -> AsyncIterator[tuple[Recorder, AsyncInstantly]]:
    rec = Recorder()
    app = web.Application()
    app.router.add_get("/api/v2/campaigns/{id}", rec.campaign)
    app.router.add_delete("/api/v2/campaigns/{id}", rec.campaign)
    app.router.add_post("/api/v2/campaigns/{id}/pause", rec.campaign)
    app.router.add_post("/api/v2/subsequences/{id}/resume", rec.subsequence)
    app.router.add_get("/api/v2/subsequences/{id}", rec.subsequence)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with AsyncInstantly(
            api_key=API_KEY, base_url=base, retry_policy=FAST_RETRY, rate_limit=None
        ) as client:
            yield rec, client
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("item_id", IDS)
async def test_each_id_arrives_as_one_escaped_segment(
    recorder: tuple[Recorder, AsyncInstantly], item_id: str
) -> None:
    rec, client = recorder
    segment = quote(item_id, safe="")
    assert segment != item_id  # the case is only worth having if escaping is needed
    got = [
        await client.campaigns.get(item_id),
        await client.campaigns.pause(item_id),
        await client.campaigns.delete(item_id),
    ]
    subs = [
        await client.subsequences.get(item_id),
        await client.subsequences.resume(item_id),
    ]
    assert rec.seen == [
        ("GET", f"/api/v2/campaigns/{segment}", item_id),
        ("POST", f"/api/v2/campaigns/{segment}/pause", item_id),
        ("DELETE", f"/api/v2/campaigns/{segment}", item_id),
        ("GET", f"/api/v2/subsequences/{segment}", item_id),
        ("POST", f"/api/v2/subsequences/{segment}/resume", item_id),
    ]
    # The id round-trips: what the server matched is what comes back in the model.
    assert [c.id for c in got] == [item_id] * 3 and [s.id for s in subs] == [item_id] * 2


async def test_plain_ids_are_sent_as_they_are(recorder: tuple[Recorder, AsyncInstantly]) -> None:
    rec, client = recorder
    ids = ["019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b", "a.b_c~d-e", "A1"]
    for item_id in ids:
        await client.campaigns.get(item_id)
    assert rec.seen == [("GET", f"/api/v2/campaigns/{i}", i) for i in ids]


async def test_an_object_with_an_id_is_escaped_the_same_way(
    recorder: tuple[Recorder, AsyncInstantly],
) -> None:
    rec, client = recorder
    fetched = await client.campaigns.get("a b")
    await client.campaigns.pause(fetched)  # the model itself, not its id
    assert [raw for _, raw, _ in rec.seen] == [
        "/api/v2/campaigns/a%20b",
        "/api/v2/campaigns/a%20b/pause",
    ]
