"""close() is final: later calls fail, calls in flight end with a clear error, nothing leaks."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import textwrap
import warnings

import pytest
from aiohttp import web

import instantly_async as ia
from instantly_async import AsyncInstantly, RetryPolicy
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY, FAST_RETRY, SCHEDULE, serve_route


async def until(condition: object, seconds: float = 5.0) -> None:
    """Poll ``condition()`` until true (a deadline, not a sleep-as-synchronisation)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, "condition never became true"
        await asyncio.sleep(0.005)


async def test_a_call_after_close_raises_and_opens_no_pool(fake: FakeInstantly) -> None:
    (c,) = fake.seed_campaigns(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=None)
        await client.campaigns.get(c["id"])
        session = client._transport.sessions._session
        await client.close()
        seen = fake.stats.requests
        with pytest.raises(ia.ClientClosedError, match="closed") as info:
            await client.campaigns.get(c["id"])
        with pytest.raises(ia.ClientClosedError):
            [x async for x in client.campaigns.list()]
        assert fake.stats.requests == seen  # nothing was sent
        assert client._transport.sessions._session is session and session is not None
        assert session.closed  # the same, closed pool: no new one was opened
        assert not info.value.outcome_unknown and info.value.attempts == 0
        await client.close()  # idempotent
        del client, session
        gc.collect()


async def test_a_client_closed_before_its_first_call_never_opens_a_pool() -> None:
    client = AsyncInstantly(api_key=API_KEY, base_url="http://127.0.0.1:9")
    await client.close()
    with pytest.raises(ia.ClientClosedError):
        await client.campaigns.count_launched()
    assert client._transport.sessions._session is None


async def test_with_options_views_share_the_transport_and_its_closing(fake: FakeInstantly) -> None:
    async with AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=None) as client:
        view = client.with_options(timeout=5)
        assert view._transport is client._transport
        await view.close()  # a view's close is a no-op
        assert await client.campaigns.count_launched() == 0
    with pytest.raises(ia.ClientClosedError):
        await view.campaigns.count_launched()


async def test_calls_in_flight_when_close_runs_end_with_a_clear_error() -> None:
    # Every stage a call can be in: sending (held by the server), queued for a
    # connection, waiting for the rate limiter, sleeping before a retry.
    fake = FakeInstantly(api_key=API_KEY)
    async with fake.run():
        ids = [c["id"] for c in fake.seed_campaigns(60, status=1)]
        fake.faults.latency = 30.0  # nothing answers before close()
        client = AsyncInstantly(
            api_key=API_KEY,
            base_url=fake.base_url,
            max_connections=4,
            rate_limit=ia.RateLimit(per_second=20, per_minute=None),
            retry_policy=RetryPolicy(max_retries=3, initial_delay=30, max_delay=30),
        )
        # The creates first, so both are among the four requests held at the server.
        creates = [
            asyncio.ensure_future(client.campaigns.create(name=f"n{i}", campaign_schedule=SCHEDULE))
            for i in range(2)
        ]
        reads = [asyncio.ensure_future(client.campaigns.get(i)) for i in ids[:50]]
        await until(lambda: fake.stats.requests >= 4)  # four held at the server, the rest queued
        await client.close()
        results = await asyncio.wait_for(
            asyncio.gather(*creates, *reads, return_exceptions=True), 5
        )
    assert all(isinstance(r, ia.ClientClosedError) for r in results), {
        type(r).__name__ for r in results
    }
    errors = [r for r in results if isinstance(r, ia.ClientClosedError)]
    # Each error names its own request.
    assert [(r.method, r.path) for r in errors] == [("POST", "/api/v2/campaigns")] * 2 + [
        ("GET", f"/api/v2/campaigns/{i}") for i in ids[:50]
    ]
    in_flight = [r for r in errors if r.message.startswith("the client was closed while")]
    refused = [r for r in errors if r.message.startswith("this AsyncInstantly client is closed")]
    assert len(in_flight) + len(refused) == 52 and in_flight and refused
    # A create cut off after sending may have been applied: the error says so.
    # A read is safe to repeat, so its outcome is known (nothing it changed).
    assert [r.outcome_unknown for r in errors[:2]] == [True, True]
    assert all(r.outcome_unknown is False for r in errors[2:])
    # Cut off after sending: one attempt; refused before sending: none counted.
    assert {r.attempts for r in in_flight} == {1} and {r.attempts for r in refused} == {0}


async def test_a_429_pause_and_a_backoff_end_at_close() -> None:
    fake = FakeInstantly(api_key=API_KEY)
    async with fake.run():
        fake.faults.fail_next(1, status=429, headers={"Retry-After": "50"})
        client = AsyncInstantly(
            api_key=API_KEY,
            base_url=fake.base_url,
            retry_policy=RetryPolicy(max_retries=3, max_retry_after=60),
        )
        first = asyncio.ensure_future(client.campaigns.count_launched())
        await until(lambda: client.metrics.rate_limited == 1)
        second = asyncio.ensure_future(client.campaigns.count_launched())  # held by the pause
        await asyncio.sleep(0.05)
        await client.close()
        results = await asyncio.wait_for(asyncio.gather(first, second, return_exceptions=True), 5)
    assert [type(r) for r in results] == [ia.ClientClosedError, ia.ClientClosedError]


SCRIPT = textwrap.dedent(
    """
    import asyncio
    from instantly_async import AsyncInstantly, ClientClosedError, RetryPolicy
    from instantly_async.testing import FakeInstantly

    async def main():
        fake = FakeInstantly(api_key="k")
        ids = [c["id"] for c in fake.seed_campaigns(30, status=1)]
        async with fake.run():
            client = AsyncInstantly(api_key="k", base_url=fake.base_url, max_connections=3)
            print(await client.campaigns.get(ids[0]))
            fake.faults.latency = 5.0
            calls = [asyncio.ensure_future(client.campaigns.pause(i)) for i in ids]
            while fake.stats.requests < 3:
                await asyncio.sleep(0.005)
            await client.close()
            results = await asyncio.gather(*calls, return_exceptions=True)
            assert all(isinstance(r, ClientClosedError) for r in results), results
            try:
                await client.campaigns.get(ids[0])  # after close: must not open a new pool
            except ClientClosedError:
                print("refused after close")

    asyncio.run(main())
    print("OK")
    """
)


def test_no_unclosed_session_under_w_error_and_asyncio_debug() -> None:
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONASYNCIODEBUG": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.rstrip().endswith("refused after close\nOK"), proc.stdout[-500:]
    for trouble in ("Unclosed", "never retrieved", "was destroyed", "Exception ignored"):
        assert trouble not in proc.stderr, proc.stderr[-3000:]


async def test_a_write_cut_off_on_its_retry_reports_both_attempts_and_an_unknown_outcome() -> None:
    # A 429 (always retried), then the retry is held at the server until the client closes.
    arrived = 0
    held = asyncio.Event()
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        nonlocal arrived
        arrived += 1
        if arrived == 1:
            return web.json_response({}, status=429, headers={"Retry-After": "0"})
        held.set()
        await release.wait()
        return web.json_response({"ok": True})

    async with serve_route("POST", "/api/v2/x", handler) as base:
        client = AsyncInstantly(
            api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=FAST_RETRY
        )
        call = asyncio.ensure_future(
            client.request("POST", "/api/v2/x", body={"a": 1}, safe_to_retry=False)
        )
        await asyncio.wait_for(held.wait(), 5)
        await client.close()
        release.set()
        with pytest.raises(ia.ClientClosedError) as info:
            await asyncio.wait_for(call, 5)
    error = info.value
    assert error.message == "the client was closed while this request was in flight"
    assert (error.method, error.path, error.attempts) == ("POST", "/api/v2/x", 2)
    assert error.outcome_unknown is True  # the retry was sent: it may have been applied


async def test_close_ends_a_retry_backoff_promptly() -> None:
    # A 503 asking for 30 s: close() must end it at once, not at the next
    # long tick.  0.6 s is ten times the client's 0.05 s check, for a loaded machine.
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"message": "busy"}, status=503, headers={"Retry-After": "30"})

    async with serve_route("GET", "/api/v2/x", handler) as base:
        client = AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None)
        call = asyncio.ensure_future(client.request("GET", "/api/v2/x", safe_to_retry=True))
        await until(lambda: client.metrics.retries == 1)  # now in its backoff
        loop = asyncio.get_running_loop()
        closed_at = loop.time()
        await client.close()
        with pytest.raises(ia.ClientClosedError):
            await asyncio.wait_for(call, 5)
        ended_after = loop.time() - closed_at
    assert ended_after < 0.6, ended_after


@pytest.mark.parametrize("held_by", ["429 pause", "rate limiter"])
async def test_close_ends_calls_held_back_before_sending_promptly(held_by: str) -> None:
    # Calls held by a 30 s 429 pause, or queued on a 1/s rate limit, end within
    # 0.6 s of close() (the client checks every 0.05 s), not at their next long tick.
    arrived = [0]

    async def handler(request: web.Request) -> web.Response:
        arrived[0] += 1
        if held_by == "429 pause":
            return web.json_response({}, status=429, headers={"Retry-After": "30"})
        return web.json_response({"ok": True})

    rate = ia.RateLimit(per_second=1, per_minute=None) if held_by == "rate limiter" else None
    async with serve_route("GET", "/api/v2/x", handler) as base:
        client = AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=rate)
        calls = [asyncio.ensure_future(client.request("GET", "/api/v2/x", safe_to_retry=True))]
        await until(lambda: arrived[0] >= 1 and client.metrics.requests == 1)
        if held_by == "429 pause":
            await until(lambda: client.metrics.rate_limited == 1)  # the pause is on
        calls += [
            asyncio.ensure_future(client.request("GET", "/api/v2/x", safe_to_retry=True))
            for _ in range(2)
        ]
        loop = asyncio.get_running_loop()
        await asyncio.sleep(0.2)  # let the others settle into their wait (not a sync point)
        closed_at = loop.time()
        await client.close()
        results = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 5)
        ended_after = loop.time() - closed_at
    assert [type(r) for r in results if not isinstance(r, dict)] == [ia.ClientClosedError] * (
        3 if held_by == "429 pause" else 2
    )
    assert arrived[0] == 1  # the two later calls never left: held back, then closed
    assert ended_after < 0.6, ended_after
