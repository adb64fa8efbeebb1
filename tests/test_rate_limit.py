"""Client-side pacing against a server that enforces the documented limits."""

from __future__ import annotations

import asyncio
import time

from instantly_async import AsyncInstantly, RateLimit, RetryPolicy
from instantly_async._ratelimit import RateLimiter, _bucket
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY


def test_bucket_sizes_keep_both_windows() -> None:
    capacity, rate = _bucket(100, 1.0)
    assert capacity + rate * 1.0 < 100  # headroom for arrival jitter
    assert capacity + rate * 60 <= 6000
    # A tighter per-minute budget adds a second bucket that holds it.
    limiter = RateLimiter(RateLimit(per_second=100, per_minute=3000))
    assert len(limiter._buckets) == 2
    assert len(RateLimiter(RateLimit())._buckets) == 1


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
