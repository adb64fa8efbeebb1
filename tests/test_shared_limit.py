"""The budget shared through Redis, in one process, against a real redis-server.

The multi-process guarantees (separate OS processes, a fake in its own
process) are in ``test_shared_processes.py``.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import threading
import time
from collections.abc import Iterator

import pytest
import redis
from aiohttp import web

from benchmarks._redisproc import RedisServer, free_port
from instantly_async import (
    AsyncInstantly,
    Campaign,
    ClientClosedError,
    InvalidArgumentError,
    RateLimit,
    RetryPolicy,
)
from instantly_async._shared_limit import (
    UNAVAILABLE_AFTER,
    SharedRateLimiter,
    default_name,
    key_for,
)
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY, FAST_RETRY, serve_route


def max_in_window(times: list[float], seconds: float = 1.0) -> int:
    times = sorted(times)
    return max(
        (i - bisect.bisect_right(times, t - seconds, 0, i + 1) + 1 for i, t in enumerate(times)),
        default=0,
    )


def fallback_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "instantly_async" and r.levelno == logging.WARNING
    ]


@pytest.fixture
def inspect(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A plain (sync) client to look at what the limiter left in Redis."""
    client = redis.Redis.from_url(redis_server.url)
    try:
        yield client
    finally:
        client.close()


async def pause_all(client: AsyncInstantly, ids: list[str]) -> None:
    result = await client.campaigns.pause_many(ids, concurrency=16, keep_values=False)
    assert result.ok, result.summary()


# -- one budget, many clients ---------------------------------------------------------------


async def test_two_clients_with_one_name_share_one_budget(redis_server: RedisServer) -> None:
    fake = FakeInstantly(api_key=API_KEY, rate_limit=(20, 1200))
    ids = [c["id"] for c in fake.seed_campaigns(60, status=1)]
    limit = RateLimit(per_second=20, per_minute=None, redis_url=redis_server.url, name="acme")
    async with (
        fake.run(),
        AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=limit) as a,
        AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=limit) as b,
    ):
        await asyncio.gather(pause_all(a, ids[:30]), pause_all(b, ids[30:]))
    assert fake.stats.rate_limited == 0
    assert fake.stats.transitions["campaign.pause"] == 60
    assert max_in_window([r.time for r in fake.requests]) <= 20


async def test_different_names_are_independent_budgets(redis_server: RedisServer) -> None:
    # The control for the test above: each name paces itself to 20/s, so
    # together they go over the server's 20/s and meet 429s.
    fake = FakeInstantly(api_key=API_KEY, rate_limit=(20, 1200))
    ids = [c["id"] for c in fake.seed_campaigns(60, status=1)]
    patient = RetryPolicy(max_retries=20, initial_delay=0.05, max_delay=0.5)

    def limit(name: str) -> RateLimit:
        return RateLimit(per_second=20, per_minute=None, redis_url=redis_server.url, name=name)

    async with (
        fake.run(),
        AsyncInstantly(
            api_key=API_KEY, base_url=fake.base_url, rate_limit=limit("a"), retry_policy=patient
        ) as a,
        AsyncInstantly(
            api_key=API_KEY, base_url=fake.base_url, rate_limit=limit("b"), retry_policy=patient
        ) as b,
    ):
        await asyncio.gather(pause_all(a, ids[:30]), pause_all(b, ids[30:]))
    assert fake.stats.rate_limited > 0
    assert fake.stats.transitions["campaign.pause"] == 60


def test_a_client_whose_clock_is_an_hour_off_still_shares_the_budget(
    redis_server: RedisServer, inspect: redis.Redis
) -> None:
    """Every decision is made on the Redis server's clock, none on the client's."""
    limit = RateLimit(per_second=20, per_minute=None, redis_url=redis_server.url, name="clock")
    stamps: list[float] = []
    lock = threading.Lock()

    class SkewedLoop(asyncio.SelectorEventLoop):
        def time(self) -> float:
            return super().time() + 3600.0

    async def take(count: int) -> None:
        limiter = SharedRateLimiter(limit, "clock")
        try:
            for _ in range(count):
                await limiter.acquire()
                with lock:
                    stamps.append(time.monotonic())
        finally:
            await limiter.aclose()

    def in_loop(loop: asyncio.AbstractEventLoop) -> None:
        try:
            loop.run_until_complete(take(25))
        finally:
            loop.close()

    threads = [
        threading.Thread(target=in_loop, args=(asyncio.SelectorEventLoop(),)),
        threading.Thread(target=in_loop, args=(SkewedLoop(),)),
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(stamps) == 50
    assert max_in_window(stamps) <= 20
    # 50 slots at 20/s (a burst of one, then 17 per second) cannot take less than ~2.8 s.
    assert time.monotonic() - started >= 2.5
    # The schedule is kept in the server's time (microseconds since its epoch).
    seconds, micros = inspect.time()
    tat = int(inspect.hget(key_for("clock"), "s") or 0)
    assert abs(tat - (seconds * 1_000_000 + micros)) < 5_000_000


def test_acquiring_costs_one_round_trip(redis_server: RedisServer, inspect: redis.Redis) -> None:
    limit = RateLimit(per_second=400, per_minute=None, redis_url=redis_server.url, name="trips")
    given_up = 0

    async def take() -> None:
        nonlocal given_up
        limiter = SharedRateLimiter(limit, "trips")
        try:
            # Connects (one connection per concurrent call) and loads the script.
            await asyncio.gather(*(limiter.acquire() for _ in range(16)))
            inspect.config_resetstat()
            limiter.slots_given_up = 0
            await asyncio.gather(*(limiter.acquire() for _ in range(200)))
            given_up = limiter.slots_given_up
        finally:
            await limiter.aclose()

    asyncio.run(take())
    stats = inspect.info("commandstats")
    # Newer servers (Valkey, Redis 7) count subcommands apart: "config|resetstat".
    calls: dict[str, int] = {}
    for name, value in stats.items():
        command = name[len("cmdstat_") :].split("|")[0]
        calls[command] = calls.get(command, 0) + int(value["calls"])
    # One script call per acquire; a slot given up (its caller woke too late to
    # use it, on a busy machine) costs one more.
    assert calls.pop("evalsha") == 200 + given_up
    assert given_up < 100
    # What remains: the script's own commands, connection set-up, and this test's.
    assert set(calls) <= {"time", "hget", "hset", "pexpire", "client", "hello", "config", "info"}


# -- a 429 pauses everyone ------------------------------------------------------------------


async def test_a_429_pauses_every_client_sharing_the_name(redis_server: RedisServer) -> None:
    arrivals: dict[str, float] = {}
    refused = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        who = request.headers["User-Agent"]
        if who == "a" and not refused.is_set():
            refused.set()
            arrivals["429"] = time.monotonic()
            return web.json_response(
                {"message": "slow down"}, status=429, headers={"Retry-After": "1"}
            )
        arrivals.setdefault(who, time.monotonic())
        return web.json_response({"ok": True})

    def client(url: str, who: str, name: str) -> AsyncInstantly:
        limit = RateLimit(redis_url=redis_server.url, name=name)
        return AsyncInstantly(
            api_key=API_KEY, base_url=url, rate_limit=limit, user_agent=who, retry_policy=FAST_RETRY
        )

    async with (
        serve_route("GET", "/api/v2/ping", handler) as url,
        client(url, "a", "shared") as a,
        client(url, "b", "shared") as b,
        client(url, "c", "other") as c,
    ):
        first = asyncio.ensure_future(a.request("GET", "/api/v2/ping", safe_to_retry=True))
        await refused.wait()
        # Wait for the pause to reach Redis (written by a's client as the 429 came in).
        check = redis.asyncio.Redis.from_url(redis_server.url)
        try:
            deadline = time.monotonic() + 5
            while not await check.hexists(key_for("shared"), "pause"):
                assert time.monotonic() < deadline, "no shared pause was written"
                await asyncio.sleep(0.005)
        finally:
            await check.aclose()
        await asyncio.gather(
            b.request("GET", "/api/v2/ping", safe_to_retry=True),
            c.request("GET", "/api/v2/ping", safe_to_retry=True),
            first,
        )
    assert arrivals["b"] - arrivals["429"] >= 0.95  # held back by a's 429 (Retry-After: 1)
    assert arrivals["c"] - arrivals["429"] < 0.5  # another workspace: not paused
    assert arrivals["a"] - arrivals["429"] >= 0.95


# -- Redis trouble never stops the work -----------------------------------------------------


async def test_unreachable_redis_falls_back_to_the_local_fraction_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="instantly_async")
    dead = f"redis://127.0.0.1:{free_port()}/0"
    fake = FakeInstantly(api_key=API_KEY, rate_limit=(80, 4800))
    ids = [c["id"] for c in fake.seed_campaigns(40, status=1)]
    limit = RateLimit(per_second=80, per_minute=None, redis_url=dead, fallback_fraction=0.25)
    async with (
        fake.run() as url,
        AsyncInstantly(api_key=API_KEY, base_url=url, rate_limit=limit) as c,
    ):
        await pause_all(c, ids)
        assert c._transport.sessions._limiter.degraded  # type: ignore[union-attr]
    assert fake.stats.transitions["campaign.pause"] == 40
    assert max_in_window([r.time for r in fake.requests]) <= 20  # a quarter of 80/s
    warnings = fallback_warnings(caplog)
    assert len(warnings) == 1, warnings
    assert "unavailable" in warnings[0] and "25%" in warnings[0]


async def test_back_to_the_shared_budget_when_redis_answers_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="instantly_async")
    server = RedisServer()  # not started yet: its port refuses connections
    limit = RateLimit(per_second=200, per_minute=None, redis_url=server.url, name="back")
    limiter = SharedRateLimiter(limit, "back")
    try:
        await limiter.acquire()
        assert limiter.degraded
        server.start()
        deadline = time.monotonic() + 5
        while limiter.degraded:
            assert time.monotonic() < deadline, "never went back to the shared budget"
            await limiter.acquire()
        check = redis.asyncio.Redis.from_url(server.url)
        try:
            assert await check.exists(key_for("back"))
        finally:
            await check.aclose()
    finally:
        await limiter.aclose()
        server.close()
    assert len(fallback_warnings(caplog)) == 1
    assert any("answers again" in r.getMessage() for r in caplog.records)


async def test_a_hung_redis_costs_a_bounded_wait_then_local_pacing(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    limit = RateLimit(per_second=200, per_minute=None, redis_url=redis_server.url, name="hung")
    limiter = SharedRateLimiter(limit, "hung")
    try:
        await limiter.acquire()
        redis_server.freeze()  # SIGSTOP: connections stay open, nothing answers
        waits = []
        for _ in range(20):
            started = time.monotonic()
            await limiter.acquire()
            waits.append(time.monotonic() - started)
        assert limiter.degraded
        # The first acquire waited out the silence; after it, local pacing at 50/s.
        assert waits[0] >= UNAVAILABLE_AFTER * 0.9
        assert max(waits) < UNAVAILABLE_AFTER + 0.5
        redis_server.thaw()
        deadline = time.monotonic() + 5
        while limiter.degraded:
            assert time.monotonic() < deadline, "never went back to the shared budget"
            await limiter.acquire()
    finally:
        redis_server.thaw()
        await limiter.aclose()
    assert len(fallback_warnings(caplog)) == 1


async def test_a_flushed_redis_starts_the_schedule_afresh(
    redis_server: RedisServer, inspect: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    limit = RateLimit(per_second=500, per_minute=None, redis_url=redis_server.url, name="flush")
    limiter = SharedRateLimiter(limit, "flush")
    try:
        await asyncio.gather(*(limiter.acquire() for _ in range(20)))
        inspect.flushall()
        assert not inspect.exists(key_for("flush"))
        await asyncio.gather(*(limiter.acquire() for _ in range(20)))
        assert not limiter.degraded
        assert inspect.exists(key_for("flush"))
    finally:
        await limiter.aclose()
    assert fallback_warnings(caplog) == []


# -- names, secrets and configuration -------------------------------------------------------


async def test_the_api_key_never_reaches_redis(
    redis_server: RedisServer, inspect: redis.Redis, fake: FakeInstantly
) -> None:
    fake.seed_campaigns(3, status=1)
    limit = RateLimit(redis_url=redis_server.url)  # name: derived from the key
    async with AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=limit) as c:
        await pause_all(c, list(fake.campaigns))
    keys = inspect.keys("*")
    assert keys == [key_for(default_name(API_KEY)).encode()]
    stored = repr(keys) + repr(inspect.hgetall(keys[0])) + repr(inspect.client_list())
    assert API_KEY not in stored
    assert default_name(API_KEY) != default_name(API_KEY + "x")
    assert API_KEY not in default_name(API_KEY)


async def test_the_environment_turns_sharing_on(
    redis_server: RedisServer,
    inspect: redis.Redis,
    fake: FakeInstantly,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INSTANTLY_RATE_LIMIT_REDIS_URL", redis_server.url)
    monkeypatch.setenv("INSTANTLY_RATE_LIMIT_NAME", "from-env")
    fake.seed_campaigns(2, status=1)
    async with AsyncInstantly(api_key=API_KEY, base_url=fake.base_url) as c:
        await pause_all(c, list(fake.campaigns))
    assert inspect.keys("*") == [key_for("from-env").encode()]
    # rate_limit=None means no pacing at all, shared or not.
    inspect.flushall()
    async with AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=None) as c:
        await c.campaigns.get(next(iter(fake.campaigns)))
    assert inspect.keys("*") == []


def test_bad_settings_are_refused_without_showing_a_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ValueError, match="redis_url") as info:
        RateLimit(redis_url="http://user:hunter2@example.com:6379")
    assert "hunter2" not in str(info.value)
    assert "hunter2" not in repr(RateLimit(redis_url="redis://user:hunter2@localhost:6379/0"))
    with pytest.raises(ValueError, match="name"):
        RateLimit(redis_url="redis://localhost", name="")
    with pytest.raises(ValueError, match="fallback_fraction"):
        RateLimit(fallback_fraction=0)
    monkeypatch.setenv("INSTANTLY_RATE_LIMIT_REDIS_URL", "mysql://root:hunter2@db")
    with pytest.raises(InvalidArgumentError, match="INSTANTLY_RATE_LIMIT_REDIS_URL") as env:
        AsyncInstantly(api_key=API_KEY)
    assert "hunter2" not in str(env.value)


async def test_calls_waiting_on_the_shared_budget_end_at_close(
    redis_server: RedisServer, inspect: redis.Redis
) -> None:
    fake = FakeInstantly(api_key=API_KEY)
    limit = RateLimit(per_second=5, per_minute=None, redis_url=redis_server.url, name="closing")
    async with fake.run():
        ids = [c["id"] for c in fake.seed_campaigns(30, status=1)]
        client = AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=limit)
        calls = [asyncio.ensure_future(client.campaigns.get(i)) for i in ids]
        deadline = time.monotonic() + 5
        while fake.stats.requests < 2:  # the rest wait for slots (5/s, 30 calls)
            assert time.monotonic() < deadline
            await asyncio.sleep(0.005)
        await client.close()
        results = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 5)
    closed = [r for r in results if isinstance(r, ClientClosedError)]
    assert len(closed) >= 20  # at most a handful got their slot before close()
    assert all(isinstance(r, (Campaign, ClientClosedError)) for r in results)
    # The client let go of its Redis connections.
    names = [c.get("name") for c in inspect.client_list()]
    assert len(names) == 1  # only this test's inspecting client
