"""Nothing lost, nothing doubled, nothing leaked: bulk work under faults and cancellation."""

from __future__ import annotations

import asyncio
import gc
import random
import warnings
from collections import Counter

from instantly_async import AsyncInstantly, RateLimit, RetryPolicy
from instantly_async.testing import RANDOM_KINDS, FakeInstantly

from .conftest import API_KEY


async def test_5000_pauses_with_10_percent_faults_of_every_kind() -> None:
    fake = FakeInstantly(api_key=API_KEY, request_log_size=100)
    async with fake.run():
        ids = [c["id"] for c in fake.seed_campaigns(5000, status=1)]
        fake.faults.random(0.1, kinds=RANDOM_KINDS, seed=2026)
        policy = RetryPolicy(max_retries=6, initial_delay=0.001, max_delay=0.01)
        async with AsyncInstantly(
            api_key=API_KEY, base_url=fake.base_url, retry_policy=policy, rate_limit=None
        ) as client:
            result = await client.campaigns.pause_many(ids, concurrency=64, keep_values=False)
        faulted = Counter({s: n for s, n in fake.stats.by_status.items() if s != 200})
        dropped = fake.stats.requests - sum(fake.stats.by_status.values())
    # Every item exactly once.
    reported = [i for i, _ in result.succeeded] + [f.item for f in result.failed]
    reported += result.not_attempted
    assert Counter(reported) == Counter(ids)
    # Faults of every kind really happened (status faults and dropped connections).
    assert sum(faulted.values()) > 300 and {429, 500, 502, 503, 504} <= set(faulted)
    assert dropped > 0
    # Nothing doubled: the server changed state once per reported success.
    assert fake.stats.transitions["campaign.pause"] == len(result.succeeded)
    paused = {i for i in ids if fake.campaigns[i]["status"] == 2}
    assert paused == {i for i, _ in result.succeeded}
    assert result.failed == [] and len(result.succeeded) == 5000


def sdk_tasks() -> list[asyncio.Task[object]]:
    """Running tasks whose coroutine is SDK code (the fake server's are not counted)."""
    found = []
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        path = code.co_filename if code is not None else ""
        if not task.done() and "instantly_async" in path and "testing" not in path:
            found.append(task)
    return found


async def test_cancelling_at_random_points_leaks_nothing() -> None:
    rng = random.Random(11)
    fake = FakeInstantly(api_key=API_KEY, request_log_size=100)
    async with fake.run():
        ids = [c["id"] for c in fake.seed_campaigns(60, status=1)]
        fake.faults.latency = 0.003
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            async with AsyncInstantly(
                api_key=API_KEY,
                base_url=fake.base_url,
                rate_limit=RateLimit(per_second=400, per_minute=None),
                max_connections=8,
            ) as client:
                sessions = client._transport.sessions
                for round_ in range(30):
                    if round_ % 2:
                        job = client.campaigns.pause_many(ids, concurrency=12)
                        task: asyncio.Task[object] = asyncio.ensure_future(job.run())
                    else:
                        task = asyncio.ensure_future(client.campaigns.get(rng.choice(ids)))
                    await asyncio.sleep(rng.uniform(0.001, 0.04))
                    if round_ % 2:
                        assert sdk_tasks(), "the check below would see a running job's tasks"
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
                    if round_ % 2:
                        r = job.result
                        assert len(r.succeeded) + len(r.failed) + len(r.not_attempted) == len(ids)
                    await asyncio.sleep(0)
                    # Every connection slot is back and no SDK task is left running.
                    assert sessions._gate is not None and sessions._gate.free == 8
                    assert sdk_tasks() == []
                connector = sessions._session.connector  # type: ignore[union-attr]
                assert connector is not None and len(connector._acquired) == 0  # type: ignore[attr-defined]
                limiter = sessions._limiter
                assert limiter is not None and all(b.idle() for b in limiter._buckets)
                # And the client still works.
                assert (await client.campaigns.get(ids[0])).id == ids[0]
            gc.collect()
