"""The client-wide 429 pause, synchronised on server-side events, never on sleeps.

A 429 holds back every caller of the client until its Retry-After has passed.
A later 429 may extend the pause, never shorten it, and a caller already
waiting out the pause must honour an extension that arrives while it waits.
The checks are lower bounds on when requests reach the server: load can only
make requests later, so they hold on a busy machine.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from aiohttp import web

from instantly_async import AsyncInstantly, RetryPolicy

from ._waiting import awaiting, client_paused, wait_until
from .conftest import API_KEY, serve_route
from .conftest import minimal_campaign as campaign

# Retries would otherwise wait their own backoff; keep that negligible so only
# the pause decides when a request leaves.
POLICY = RetryPolicy(max_retries=3, initial_delay=0.001, max_delay=0.001)


def too_many(retry_after: float) -> web.Response:
    return web.json_response(
        {"statusCode": 429, "error": "Too Many Requests", "message": "Rate limit exceeded"},
        status=429,
        headers={"Retry-After": str(retry_after)},
    )


def paused(client: AsyncInstantly) -> bool:
    return client_paused(client)


class Script:
    """Per-id attempt counts and arrival times; handlers are scripted per test."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.attempts: Counter[str] = Counter()
        self.arrivals: dict[str, list[float]] = {}

    def arrive(self, request: web.Request) -> tuple[str, int]:
        item_id = request.match_info["id"]
        self.attempts[item_id] += 1
        self.arrivals.setdefault(item_id, []).append(self.loop.time())
        return item_id, self.attempts[item_id]


async def test_a_later_429_with_a_shorter_retry_after_does_not_shorten_the_pause() -> None:
    long_pause = 0.6
    script = Script()
    b_in_flight, release_b = asyncio.Event(), asyncio.Event()
    long_sent: list[float] = []

    async def handler(request: web.Request) -> web.Response:
        item_id, attempt = script.arrive(request)
        if item_id == "a" and attempt == 1:
            await b_in_flight.wait()  # b is on the wire before the long pause starts
            long_sent.append(script.loop.time())
            return too_many(long_pause)
        if item_id == "b" and attempt == 1:
            b_in_flight.set()
            await release_b.wait()
            return too_many(0.01)  # arrives after the long one: must not cut it short
        return web.json_response(campaign(item_id))

    async with (
        serve_route("GET", "/api/v2/campaigns/{id}", handler) as base,
        AsyncInstantly(
            api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=POLICY
        ) as client,
    ):
        a = asyncio.ensure_future(client.campaigns.get("a"))
        b = asyncio.ensure_future(client.campaigns.get("b"))
        await wait_until(lambda: paused(client), "the long 429 to start the pause")
        release_b.set()
        got = await asyncio.gather(a, b)
    assert [c.id for c in got] == ["a", "b"]
    assert script.attempts == {"a": 2, "b": 2}
    # b's retry waited out the whole long pause, not its own 0.01 s.
    b_retry = script.arrivals["b"][1]
    assert b_retry >= long_sent[0] + long_pause, (b_retry - long_sent[0], long_pause)


async def test_a_429_arriving_while_a_caller_waits_extends_that_callers_wait() -> None:
    short_pause, long_pause = 0.2, 0.7
    script = Script()
    b_in_flight, release_b = asyncio.Event(), asyncio.Event()
    long_sent: list[float] = []

    async def handler(request: web.Request) -> web.Response:
        item_id, attempt = script.arrive(request)
        if item_id == "a" and attempt == 1:
            await b_in_flight.wait()
            return too_many(short_pause)
        if item_id == "b" and attempt == 1:
            b_in_flight.set()
            await release_b.wait()
            long_sent.append(script.loop.time())
            return too_many(long_pause)
        return web.json_response(campaign(item_id))

    async with (
        serve_route("GET", "/api/v2/campaigns/{id}", handler) as base,
        AsyncInstantly(
            api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=POLICY
        ) as client,
    ):
        a = asyncio.ensure_future(client.campaigns.get("a"))
        b = asyncio.ensure_future(client.campaigns.get("b"))
        await wait_until(lambda: paused(client), "the short 429 to start the pause")
        # c arrives during the short pause and waits it out...
        c = asyncio.ensure_future(client.campaigns.get("c"))
        await wait_until(lambda: awaiting(c, "acquire"), "c to wait out the pause")
        assert "c" not in script.attempts
        # ...when b's 429 extends the pause: c must look again after its sleep.
        release_b.set()
        got = await asyncio.gather(a, b, c)
    assert [x.id for x in got] == ["a", "b", "c"]
    assert script.attempts == {"a": 2, "b": 2, "c": 1}
    for item_id, times in script.arrivals.items():
        later = times[1:] if item_id != "c" else times
        assert all(t >= long_sent[0] + long_pause for t in later), (item_id, times, long_sent)


async def test_a_429_holds_back_callers_that_start_during_the_pause() -> None:
    pause = 0.4
    script = Script()
    sent: list[float] = []

    async def handler(request: web.Request) -> web.Response:
        item_id, attempt = script.arrive(request)
        if item_id == "a" and attempt == 1:
            sent.append(script.loop.time())
            return too_many(pause)
        return web.json_response(campaign(item_id))

    async with (
        serve_route("GET", "/api/v2/campaigns/{id}", handler) as base,
        AsyncInstantly(
            api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=POLICY
        ) as client,
    ):
        a = asyncio.ensure_future(client.campaigns.get("a"))
        await wait_until(lambda: paused(client), "the 429 to start the pause")
        others = [asyncio.ensure_future(client.campaigns.get(f"x{i}")) for i in range(5)]
        got = await asyncio.gather(a, *others)
        assert not paused(client)  # and the pause ends
    assert [c.id for c in got] == ["a", *(f"x{i}" for i in range(5))]
    firsts = [times[0] for item_id, times in script.arrivals.items() if item_id != "a"]
    assert len(firsts) == 5 and min(firsts) >= sent[0] + pause
    assert script.arrivals["a"][1] >= sent[0] + pause
