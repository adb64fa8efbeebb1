"""client.metrics: calls, attempts, retries, 429s and time spent waiting, shared by views."""

from __future__ import annotations

import asyncio

import attrs
import pytest
from aiohttp import web

import instantly_async as ia
from instantly_async import AsyncInstantly, ClientMetrics, RateLimit, RetryPolicy
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY, FAST_RETRY, serve_route


async def test_a_fresh_client_has_done_nothing(client: AsyncInstantly) -> None:
    assert client.metrics == ClientMetrics(
        requests=0, attempts=0, retries=0, rate_limited=0, limiter_wait=0.0
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        client.metrics.requests = 5  # type: ignore[misc]


async def test_calls_and_attempts_count_and_views_share_them(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(5, status=1)]
    await asyncio.gather(*(client.campaigns.get(i) for i in ids))
    view = client.with_options(timeout=5)
    await view.campaigns.pause(ids[0])
    # Two dropped connections, retried (pause is safe to repeat).  A POST, because
    # aiohttp itself resends an idempotent method once on a dropped pooled connection.
    fake.faults.drop_next(2)
    await view.campaigns.pause(ids[1])
    m = client.metrics
    assert (m.requests, m.attempts, m.retries, m.rate_limited) == (7, 9, 2, 0)
    assert view.metrics == m


async def test_a_429_storm_is_counted() -> None:
    # The fake's own workspace limit, hit by an unpaced burst.
    fake = FakeInstantly(api_key=API_KEY, rate_limit=(100, 6000))
    async with fake.run():
        ids = [c["id"] for c in fake.seed_campaigns(150, status=1)]
        policy = RetryPolicy(max_retries=10, initial_delay=0.2, max_delay=1.0)
        async with AsyncInstantly(
            api_key=API_KEY, base_url=fake.base_url, rate_limit=None, retry_policy=policy
        ) as client:
            await asyncio.gather(*(client.campaigns.pause(i) for i in ids))
            m = client.metrics
    assert fake.stats.rate_limited > 0
    assert m.rate_limited == fake.stats.rate_limited
    assert m.requests == 150
    assert m.attempts == 150 + m.retries == fake.stats.requests
    assert m.retries >= m.rate_limited
    assert m.limiter_wait > 0  # the 429 pauses


async def test_a_429_that_is_not_retried_still_counts(fake: FakeInstantly) -> None:
    fake.faults.fail_next(1, status=429)
    async with AsyncInstantly(
        api_key=API_KEY, base_url=fake.base_url, rate_limit=None, max_retries=0
    ) as client:
        with pytest.raises(ia.RateLimitError):
            await client.campaigns.count_launched()
        m = client.metrics
    assert (m.requests, m.attempts, m.retries, m.rate_limited) == (1, 1, 0, 1)


async def test_time_waiting_on_the_limiter_is_counted(fake: FakeInstantly) -> None:
    async with AsyncInstantly(
        api_key=API_KEY,
        base_url=fake.base_url,
        rate_limit=RateLimit(per_second=50, per_minute=None),
        retry_policy=FAST_RETRY,
    ) as client:
        await client.campaigns.count_launched()
        assert client.metrics.limiter_wait == 0.0  # a free slot is not a wait
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.gather(*(client.campaigns.count_launched() for _ in range(20)))
        elapsed = loop.time() - started
        m = client.metrics
    # 20 calls at 47/s after a burst of one: the last waits about 0.4 s, all together several.
    assert m.limiter_wait > 1.0
    assert m.limiter_wait <= 20 * elapsed  # none waited longer than the whole burst took
    assert (m.requests, m.attempts, m.retries) == (21, 21, 0)


async def test_a_client_without_a_rate_limit_counts_no_wait_once_a_429_pause_is_over(
    fake: FakeInstantly,
) -> None:
    # The 429 gives the client a bare Pause; once it has been sat out, later
    # calls pass it without waiting, and nothing more is counted.
    fake.faults.fail_next(1, status=429, headers={"Retry-After": "0"})
    async with AsyncInstantly(
        api_key=API_KEY, base_url=fake.base_url, rate_limit=None, retry_policy=FAST_RETRY
    ) as client:
        await client.campaigns.count_launched()
        after_429 = client.metrics
        assert (after_429.rate_limited, after_429.retries) == (1, 1)
        assert client._transport.sessions._limiter is not None  # the Pause is in place
        for _ in range(10):
            await client.campaigns.count_launched()
        m = client.metrics
    assert m.requests == 11 and m.attempts == 12
    assert m.limiter_wait == after_429.limiter_wait


async def test_retries_of_every_kind_add_up() -> None:
    # A 503, then an undecodable 200, then the answer: two retries, three attempts.
    calls = [0]

    async def handler(request: web.Request) -> web.Response:
        calls[0] += 1
        if calls[0] == 1:
            return web.json_response({"message": "busy"}, status=503)
        if calls[0] == 2:
            return web.Response(body=b'{"cut sh', content_type="application/json")
        return web.json_response({"ok": True})

    async with (
        serve_route("GET", "/api/v2/x", handler) as base,
        AsyncInstantly(
            api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=FAST_RETRY
        ) as client,
    ):
        assert await client.request("GET", "/api/v2/x", safe_to_retry=True) == {"ok": True}
        m = client.metrics
    assert (m.requests, m.attempts, m.retries, m.rate_limited) == (1, 3, 2, 0)


async def test_the_waits_of_successive_429s_add_up() -> None:
    # Two 429s asking for 0.3 s each: at least 0.6 s of waiting is counted.
    calls = [0]

    async def handler(request: web.Request) -> web.Response:
        calls[0] += 1
        if calls[0] <= 2:
            return web.json_response({}, status=429, headers={"Retry-After": "0.3"})
        return web.json_response({"ok": True})

    async with (
        serve_route("GET", "/api/v2/x", handler) as base,
        AsyncInstantly(
            api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=FAST_RETRY
        ) as client,
    ):
        assert await client.request("GET", "/api/v2/x", safe_to_retry=True) == {"ok": True}
        m = client.metrics
    assert (m.attempts, m.retries, m.rate_limited) == (3, 2, 2)
    assert m.limiter_wait >= 0.6, m.limiter_wait


async def test_a_caller_held_by_another_calls_429_pause_counts_its_wait() -> None:
    # A's 429 asks for 2 s; B, started during the pause, sits it out in the
    # limiter.  Both waits are counted: about 2 s each.
    calls = [0]

    async def handler(request: web.Request) -> web.Response:
        calls[0] += 1
        if calls[0] == 1:
            return web.json_response({}, status=429, headers={"Retry-After": "2"})
        return web.json_response({"ok": True})

    async with (
        serve_route("GET", "/api/v2/x", handler) as base,
        AsyncInstantly(
            api_key=API_KEY,
            base_url=base,
            rate_limit=RateLimit(per_second=100, per_minute=None),
            retry_policy=FAST_RETRY,
        ) as client,
    ):
        loop = asyncio.get_running_loop()
        started = loop.time()
        first = asyncio.ensure_future(client.request("GET", "/api/v2/x", safe_to_retry=True))
        deadline = loop.time() + 5
        while client.metrics.rate_limited == 0:
            assert loop.time() < deadline
            await asyncio.sleep(0.005)
        second = await client.request("GET", "/api/v2/x", safe_to_retry=True)
        assert second == {"ok": True} and await first == {"ok": True}
        elapsed = loop.time() - started
        m = client.metrics
    assert calls[0] == 3 and m.rate_limited == 1
    # A's 2 s (and more) plus B's wait, which began well within A's 2 s.
    assert 3.0 <= m.limiter_wait <= 3 * elapsed, (m.limiter_wait, elapsed)
