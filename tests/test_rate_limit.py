"""Client-side pacing against a server that enforces the documented limits."""

from __future__ import annotations

import asyncio
import time

from instantly_async import AsyncInstantly, RateLimit
from instantly_async._ratelimit import RateLimiter, _bucket
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


async def test_no_startup_burst() -> None:
    limiter = RateLimiter(RateLimit(per_second=50, per_minute=None))
    start = time.monotonic()
    stamps = []
    for _ in range(60):
        await limiter.acquire()
        stamps.append(time.monotonic() - start)
    # A plain AsyncLimiter(50, 1) would let the first 50 through at once.
    assert sum(1 for t in stamps if t < 0.5) <= 27


async def test_a_burst_of_300_gets_no_429() -> None:
    fake = FakeInstantly(api_key=API_KEY, rate_limit=(100, 6000))
    async with fake.run():
        ids = [c["id"] for c in fake.seed_campaigns(300, status=1)]
        async with AsyncInstantly(api_key=API_KEY, base_url=fake.base_url) as client:
            results = await asyncio.gather(*(client.campaigns.pause(i) for i in ids))
        assert len(results) == 300
        assert fake.stats.rate_limited == 0
        assert fake.stats.transitions["campaign.pause"] == 300


async def test_without_the_limiter_the_same_burst_is_throttled_and_retried() -> None:
    # The control: proves the server enforces the limit the first test stays under.
    fake = FakeInstantly(api_key=API_KEY, rate_limit=(100, 6000))
    async with fake.run():
        ids = [c["id"] for c in fake.seed_campaigns(150, status=1)]
        from instantly_async import RetryPolicy

        policy = RetryPolicy(max_retries=10, initial_delay=0.2, max_delay=1.0)
        async with AsyncInstantly(
            api_key=API_KEY, base_url=fake.base_url, rate_limit=None, retry_policy=policy
        ) as client:
            results = await asyncio.gather(*(client.campaigns.pause(i) for i in ids))
        assert len(results) == 150
        assert fake.stats.rate_limited > 0
        assert fake.stats.transitions["campaign.pause"] == 150
