"""Client-side pacing against a server that enforces the documented limits."""

from __future__ import annotations

import asyncio
import time

import pytest

from instantly_async import AsyncInstantly, RateLimit, RetryPolicy
from instantly_async._ratelimit import Closed, RateLimiter, _bucket, parse_rate_limit
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY


async def test_bucket_sizes_keep_both_windows() -> None:
    capacity, rate = _bucket(100, 1.0)
    assert capacity + rate * 1.0 < 100  # headroom for arrival jitter
    assert capacity + rate * 60 <= 6000
    # A tighter per-minute budget adds a second bucket that holds it.
    limiter = RateLimiter(RateLimit(per_second=100, per_minute=3000))
    assert len(limiter._buckets) == 2
    assert len(RateLimiter(RateLimit())._buckets) == 1


@pytest.mark.parametrize(
    ("limit", "window", "capacity", "rate"),
    [
        # The module's rules: C = max(1, 2% of the limit), r = (limit - C - 2) / window...
        (100, 1.0, 2, 96.0),
        (50, 1.0, 1, 47.0),
        (10, 1.0, 1, 7.0),
        (4, 1.0, 1, 1.0),
        (6000, 60.0, 120, (6000 - 120 - 2) / 60),
        (3000, 60.0, 60, (3000 - 60 - 2) / 60),
        # ...and below that, one request at a time, the rest drained evenly.
        (3, 1.0, 1, 2.0),
        (2, 1.0, 1, 1.0),
        (1, 1.0, 1, 0.5),
        (30, 60.0, 1, 27 / 60),
        (2, 60.0, 1, 1 / 60),
    ],
)
def test_bucket_arithmetic(limit: float, window: float, capacity: float, rate: float) -> None:
    got_capacity, got_rate = _bucket(limit, window)
    assert got_capacity == capacity and got_rate == pytest.approx(rate)
    if got_capacity > 1:  # a real burst allowance: the window's total stays inside the limit
        assert got_capacity + got_rate * window <= limit - 2


async def test_the_limiter_buckets_are_the_documented_ones() -> None:
    (second,) = RateLimiter(RateLimit())._buckets
    assert (second._limiter.max_rate, second._limiter.time_period) == (2, pytest.approx(2 / 96))
    # A per-minute budget tighter than 60 s of the per-second drain adds a minute
    # bucket, taken first: a caller blocked on it must not sit on a per-second slot
    # (the held slots would all go at once when the minute bucket opens).
    minute, second = RateLimiter(RateLimit(per_second=100, per_minute=3000))._buckets
    assert (minute._limiter.max_rate, minute._limiter.time_period) == (
        60,
        pytest.approx(60 / (2938 / 60)),
    )
    assert (second._limiter.max_rate, second._limiter.time_period) == (2, pytest.approx(2 / 96))
    # 100/s drains 2 + 60 * 96 = 5762 a minute at most: a minute limit from there up
    # needs no bucket of its own, anything under it does.
    assert len(RateLimiter(RateLimit(per_second=100, per_minute=5762))._buckets) == 1
    assert len(RateLimiter(RateLimit(per_second=100, per_minute=5800))._buckets) == 1
    assert len(RateLimiter(RateLimit(per_second=100, per_minute=5761))._buckets) == 2
    assert len(RateLimiter(RateLimit(per_second=100, per_minute=None))._buckets) == 1


async def test_no_startup_burst() -> None:
    limiter = RateLimiter(RateLimit(per_second=50, per_minute=None))
    start = time.monotonic()
    stamps = []
    for _ in range(60):
        await limiter.acquire()
        stamps.append(time.monotonic() - start)
    # A plain AsyncLimiter(50, 1) would let the first 50 through at once.
    assert sum(1 for t in stamps if t < 0.5) <= 27


# The end-to-end pair below runs against a server enforcing 20/s: the client paces
# itself to 15/s, so its sends would have to bunch by over half a second (a loaded
# machine stalls the loop for far less) to cross the server's limit.  The exact
# arithmetic at the documented limit is checked above, without a clock.
SERVER_LIMIT = (20, 1200)


async def test_a_paced_burst_gets_no_429() -> None:
    fake = FakeInstantly(api_key=API_KEY, rate_limit=SERVER_LIMIT)
    async with fake.run():
        ids = [c["id"] for c in fake.seed_campaigns(30, status=1)]
        async with AsyncInstantly(
            api_key=API_KEY, base_url=fake.base_url, rate_limit=RateLimit(per_second=15)
        ) as client:
            results = await asyncio.gather(*(client.campaigns.pause(i) for i in ids))
        assert sorted(r.id for r in results) == sorted(ids)
        assert fake.stats.rate_limited == 0
        assert fake.stats.transitions["campaign.pause"] == 30


async def test_without_the_limiter_the_same_burst_is_throttled_and_retried() -> None:
    # The control: proves the server enforces the limit the test above stays under.
    # Forty requests sent at once reach the server well within one second, even on
    # a loaded machine, so at least some of them are over its 20/s.
    fake = FakeInstantly(api_key=API_KEY, rate_limit=SERVER_LIMIT)
    async with fake.run():
        ids = [c["id"] for c in fake.seed_campaigns(40, status=1)]
        policy = RetryPolicy(max_retries=20, initial_delay=0.2, max_delay=1.0)
        async with AsyncInstantly(
            api_key=API_KEY, base_url=fake.base_url, rate_limit=None, retry_policy=policy
        ) as client:
            results = await asyncio.gather(*(client.campaigns.pause(i) for i in ids))
        assert sorted(r.id for r in results) == sorted(ids)
        assert fake.stats.rate_limited > 0
        assert fake.stats.by_status[429] == fake.stats.rate_limited
        assert fake.stats.transitions["campaign.pause"] == 40


async def test_a_long_loop_turn_grants_no_more_than_the_bucket_capacity() -> None:
    # 100/s: a bucket of 2.  A turn that stalls for 0.1 s lets aiolimiter drain
    # about 10 slots, yet the turn grants only 2: a third caller waits for the
    # next turn (the callback queued before it has run by the time it returns).
    limiter = RateLimiter(RateLimit(per_second=100, per_minute=None))
    try:
        assert await limiter.acquire() == 0.0
        assert await limiter.acquire() == 0.0
        stalled_until = time.monotonic() + 0.1
        while time.monotonic() < stalled_until:  # a stalled turn: CPU work, no await
            pass
        turns: list[int] = []
        asyncio.get_running_loop().call_soon(turns.append, 1)
        await limiter.acquire()
        assert turns == [1]
    finally:
        limiter.close()


def test_the_repr_shows_the_redis_url_without_its_password() -> None:
    assert "redis_url=None" in repr(RateLimit())
    plain = RateLimit(redis_url="redis://cache.example:6379/0")
    assert "redis_url='redis://cache.example:6379/0'" in repr(plain)
    secret = RateLimit(redis_url="redis://user:s3cret@cache.example:6380/2", name="w")
    assert "redis_url='redis://user:<redacted>@cache.example:6380/2'" in repr(secret)
    assert "s3cret" not in repr(secret)
    with pytest.raises(ValueError) as info:
        RateLimit(redis_url="http://:s3cret@cache.example/0")
    assert str(info.value) == (
        "redis_url must be a redis://, rediss:// or unix:// URL, got "
        "'http://:<redacted>@cache.example/0'"
    )


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("10,600", (10.0, 600.0)), ("0.5", (0.5, None)), (" 2.5 ", (2.5, None)), (" NONE ", None)],
)
def test_parse_rate_limit_reads_per_second_and_per_minute(
    text: str, parsed: tuple[float, float | None] | None
) -> None:
    assert parse_rate_limit(text) == parsed


@pytest.mark.parametrize("text", ["fast", "", "0", "-1", "inf", "10,inf", "nan", "1,2,3", "5,0"])
def test_parse_rate_limit_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_rate_limit(text)
    assert str(info.value) == (
        f"expected PER_SECOND[,PER_MINUTE] (positive numbers) or 'none', got {text!r}"
    )


async def test_closing_the_limiter_makes_a_waiting_acquire_raise_closed() -> None:
    # The Limiter contract: after close() every waiting acquire raises Closed,
    # it does not hand out a slot.
    limiter = RateLimiter(RateLimit(per_second=1, per_minute=60))
    await limiter.acquire()  # the one slot of this second
    waiting = asyncio.ensure_future(limiter.acquire())
    for _ in range(5):  # let it reach the wait for the next slot
        await asyncio.sleep(0)
    assert not waiting.done()
    limiter.close()
    with pytest.raises(Closed):
        await asyncio.wait_for(waiting, 5)
    with pytest.raises(Closed):
        await limiter.acquire()  # and so does any later one
