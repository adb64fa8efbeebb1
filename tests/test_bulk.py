"""Bulk jobs: every item accounted for, under faults and cancellation."""

from __future__ import annotations

import asyncio
import gc
import logging
import tracemalloc
import warnings
from typing import Any

import pytest

from instantly_async import (
    AsyncInstantly,
    BulkJob,
    BulkResult,
    CampaignStatus,
    Failure,
    InvalidArgumentError,
    NotFoundError,
    Progress,
    RetryPolicy,
)
from instantly_async.testing import FakeInstantly

from ._waiting import wait_until
from .conftest import API_KEY


def accounted(result: Any) -> list[Any]:
    return [i for i, _ in result.succeeded] + [f.item for f in result.failed] + result.not_attempted


async def test_pause_many_by_ids(client: AsyncInstantly, fake: FakeInstantly) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(120, status=1)]
    progress: list[Progress] = []
    result = await client.campaigns.pause_many(
        ids, concurrency=8, on_progress=progress.append, keep_values=True
    )
    assert result.ok and len(result.succeeded) == 120
    assert sorted(accounted(result)) == sorted(ids)
    assert all(c.status is CampaignStatus.PAUSED for _, c in result.succeeded)
    assert fake.stats.transitions["campaign.pause"] == 120
    assert [p.done for p in progress] == list(range(1, 121))
    assert progress[-1].total == 120 and progress[-1].rate > 0
    assert "120 succeeded, 0 failed, 0 not attempted" in result.summary()


async def test_failures_are_reported_and_do_not_stop_the_others(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(20, status=1)]
    targets = [*ids[:10], "missing-1", *ids[10:], "missing-2"]
    result = await client.campaigns.pause_many(targets, concurrency=4)
    assert len(result.succeeded) == 20
    assert sorted(f.item for f in result.failed) == ["missing-1", "missing-2"]
    assert all(isinstance(f.error, NotFoundError) for f in result.failed)
    assert not result.ok and sorted(accounted(result)) == sorted(targets)


async def test_stop_on_error_leaves_the_rest_not_attempted(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(50, status=1)]
    targets = ["missing", *ids]
    result = await client.campaigns.pause_many(targets, concurrency=1, stop_on_error=True)
    assert [f.item for f in result.failed] == ["missing"]
    assert result.succeeded == [] and sorted(result.not_attempted) == sorted(ids)
    assert fake.stats.transitions["campaign.pause"] == 0


async def test_streams_from_a_listing(client: AsyncInstantly, fake: FakeInstantly) -> None:
    active = {c["id"] for c in fake.seed_campaigns(250, status=1)}
    fake.seed_campaigns(40, status=2)
    result = await client.campaigns.pause_many(client.campaigns.list(status=CampaignStatus.ACTIVE))
    assert {i for i, _ in result.succeeded} == active
    assert all(c["status"] == 2 for c in fake.campaigns.values())


async def test_subsequence_bulk_operations(client: AsyncInstantly, fake: FakeInstantly) -> None:
    (campaign,) = fake.seed_campaigns(1)
    subs = [s["id"] for s in fake.seed_subsequences(campaign["id"], 30, status=1)]
    paused = await client.subsequences.pause_many(subs)
    assert paused.ok and all(s["status"] == 2 for s in fake.subsequences.values())
    resumed = await client.subsequences.resume_many(
        client.subsequences.list(parent_campaign=campaign["id"])
    )
    assert len(resumed.succeeded) == 30 and all(
        s["status"] == 1 for s in fake.subsequences.values()
    )
    deleted = await client.subsequences.delete_many(subs[:10])
    assert deleted.ok and len(fake.subsequences) == 20


async def test_every_item_accounted_for_under_faults(fake: FakeInstantly) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(600, status=1)]
    fake.faults.random(
        0.1, kinds=("429", "500", "503", "drop_before", "drop_after", "after_500"), seed=7
    )
    policy = RetryPolicy(max_retries=4, initial_delay=0.001, max_delay=0.005)
    async with AsyncInstantly(
        api_key=API_KEY, base_url=fake.base_url, retry_policy=policy, rate_limit=None
    ) as client:
        result = await client.campaigns.pause_many(ids, concurrency=32)
    assert sorted(accounted(result)) == sorted(ids)
    assert result.not_attempted == []
    faulted = sum(n for status, n in fake.stats.by_status.items() if status >= 429)
    assert faulted > 0, "no fault was injected; the test would prove nothing"
    paused_on_server = sum(1 for i in ids if fake.campaigns[i]["status"] == 2)
    # Pause is safe to repeat, so faults were retried: state changes match successes exactly.
    assert fake.stats.transitions["campaign.pause"] == paused_on_server
    assert {i for i, _ in result.succeeded} <= {i for i in ids if fake.campaigns[i]["status"] == 2}
    assert len(result.succeeded) >= 595


async def test_cancelling_midway_returns_a_partial_account_and_leaks_nothing(
    fake: FakeInstantly,
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(200, status=1)]
    fake.faults.latency = 0.02
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        async with AsyncInstantly(
            api_key=API_KEY, base_url=fake.base_url, rate_limit=None
        ) as client:
            job = client.campaigns.pause_many(ids, concurrency=8)
            task = asyncio.ensure_future(job.run())
            # Cancel mid-job: some items done, most not started.
            await wait_until(lambda: len(job.result.succeeded) >= 10, "ten items done")
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            result = job.result
            assert result.cancelled
            assert sorted(accounted(result)) == sorted(ids)
            assert 0 < len(result.succeeded) < 200
            assert len(result.not_attempted) > 0
            assert all(isinstance(f.error, asyncio.CancelledError) for f in result.failed)
            others = [
                t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()
            ]
            runner = [t for t in others if "BulkJob.run" in t.get_coro().__qualname__]  # type: ignore[union-attr]
            assert runner == []
            # The client still works after a cancelled job: no connection or slot leaked.
            assert await client.campaigns.count_launched() >= 0
        gc.collect()


async def test_a_timeout_keeps_the_partial_result(fake: FakeInstantly) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(100, status=1)]
    fake.faults.latency = 0.02
    async with AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=None) as client:
        job = client.campaigns.pause_many(ids, concurrency=4)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(job.run(), timeout=0.2)
    assert sorted(accounted(job.result)) == sorted(ids)
    assert job.result.cancelled and job.result.not_attempted


async def test_the_runner_takes_any_async_operation() -> None:
    async def square(x: int) -> int:
        await asyncio.sleep(0)
        if x == 3:
            raise ValueError("three")
        return x * x

    result = await BulkJob(square, range(6), concurrency=2, keep_values=True)
    assert sorted(result.succeeded) == [(0, 0), (1, 1), (2, 4), (4, 16), (5, 25)]
    assert [(f.item, str(f.error)) for f in result.failed] == [(3, "three")]

    async def gen() -> Any:
        for i in range(5):
            yield i

    streamed = await BulkJob(square, gen(), concurrency=3)
    assert len(streamed.succeeded) == 4 and streamed.total == 5

    job: BulkJob[int, int] = BulkJob(square, [1])
    await job
    with pytest.raises(RuntimeError, match=r"^a BulkJob runs once$"):
        await job

    with pytest.raises(InvalidArgumentError, match="concurrency"):
        BulkJob(square, [1], concurrency=0)


async def test_streaming_a_listing_into_a_job_keeps_memory_flat() -> None:
    async def peak(n: int) -> int:
        # A short request log: the in-process fake must not be what grows.
        fake = FakeInstantly(api_key=API_KEY, request_log_size=10)
        async with fake.run():
            fake.seed_campaigns(n, status=1)
            async with AsyncInstantly(
                api_key=API_KEY, base_url=fake.base_url, rate_limit=None
            ) as client:
                gc.collect()
                # The suite logs the SDK at DEBUG (to scan for the key), and pytest keeps
                # every record: that, not the SDK, would grow with the item count.
                logging.getLogger("instantly_async").setLevel(logging.INFO)
                tracemalloc.start()
                try:
                    base, _ = tracemalloc.get_traced_memory()
                    job = client.campaigns.pause_many(client.campaigns.list())
                    result = await job
                    _, top = tracemalloc.get_traced_memory()
                finally:
                    tracemalloc.stop()
                    logging.getLogger("instantly_async").setLevel(logging.DEBUG)
                assert len(result.succeeded) == n
        return top - base

    small, large = await peak(500), await peak(2500)
    # The account keeps an id per item (well under 1 KB); the campaigns
    # themselves (several KB each as models) are never all held at once.
    per_item = (large - small) / 2000
    assert per_item < 1000, (small, large, per_item)


def test_summary_counts_rate_and_cancellation() -> None:
    err = ValueError("x")
    result: BulkResult[int, int] = BulkResult(
        succeeded=[(1, 1), (2, 4)],
        failed=[Failure(item=3, error=err)],
        not_attempted=[4],
        elapsed=0.5,
    )
    assert result.total == 4 and not result.ok
    assert result.summary() == "2 succeeded, 1 failed, 1 not attempted in 0.50s (6.0/s)"
    result.cancelled = True
    assert result.summary().endswith("(6.0/s) [cancelled]")
    result.aborted_by = err
    assert result.summary() == (
        "2 succeeded, 1 failed, 1 not attempted in 0.50s (6.0/s)"
        " [aborted by ValueError] [cancelled]"
    )
    empty: BulkResult[int, int] = BulkResult()
    assert empty.ok and empty.summary() == "0 succeeded, 0 failed, 0 not attempted in 0.00s (0.0/s)"


async def test_progress_counts_each_outcome() -> None:
    async def odd_fails(x: int) -> int:
        await asyncio.sleep(0)
        if x % 2:
            raise ValueError(x)
        return x

    progress: list[Progress] = []
    result = await BulkJob(odd_fails, range(6), concurrency=1, on_progress=progress.append)
    assert [(p.done, p.succeeded, p.failed, p.total) for p in progress] == [
        (1, 1, 0, 6), (2, 1, 1, 6), (3, 2, 1, 6), (4, 2, 2, 6), (5, 3, 2, 6), (6, 3, 3, 6)
    ]  # fmt: skip
    stamps = [p.elapsed for p in progress]
    assert stamps == sorted(stamps) and stamps[0] >= 0 and stamps[-1] <= result.elapsed < 60


async def test_default_concurrency_is_16_and_values_can_be_dropped() -> None:
    release = asyncio.Event()
    in_flight, peak = [0], [0]

    async def held(x: int) -> str:
        in_flight[0] += 1
        peak[0] = max(peak[0], in_flight[0])
        await release.wait()
        in_flight[0] -= 1
        return f"value {x}"

    job: BulkJob[int, str] = BulkJob(held, range(40))  # values dropped by default
    task = asyncio.ensure_future(job.run())
    await wait_until(lambda: in_flight[0] == 16, "sixteen operations in flight")
    for _ in range(10):  # room for a seventeenth to start, if one could
        await asyncio.sleep(0)
    assert peak[0] == 16
    release.set()
    result = await task
    assert sorted(result.succeeded) == [(i, None) for i in range(40)]
    kept = await BulkJob(held, range(3), keep_values=True)
    assert sorted(kept.succeeded) == [(i, f"value {i}") for i in range(3)]


@pytest.mark.parametrize("concurrency", [0, -1, True, 2.5, "4", None])
def test_concurrency_must_be_a_positive_integer(concurrency: Any) -> None:
    async def op(x: int) -> int:
        return x

    with pytest.raises(InvalidArgumentError, match="concurrency must be a positive integer"):
        BulkJob(op, [1], concurrency=concurrency)


async def test_a_cancelled_job_waits_for_every_worker_before_returning() -> None:
    started = [0]

    async def slow_to_stop(x: int) -> int:
        started[0] += 1
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            for _ in range(3):  # cleanup that takes a few loop turns
                await asyncio.sleep(0)
            raise
        return x

    job: BulkJob[int, int] = BulkJob(slow_to_stop, range(20), concurrency=4)
    task = asyncio.ensure_future(job.run())
    await wait_until(lambda: started[0] == 4, "four operations started")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # Accounted for the moment the job returns, not some loop turns later.
    result = job.result
    assert sorted(f.item for f in result.failed) == [0, 1, 2, 3]
    assert all(isinstance(f.error, asyncio.CancelledError) for f in result.failed)
    assert sorted(result.not_attempted) == list(range(4, 20)) and result.cancelled


async def test_an_operation_raising_cancelled_error_waits_for_the_other_workers() -> None:
    # An operation may raise CancelledError without the job being cancelled
    # (a library surfacing an inner task's cancellation).  gather() then raises
    # at once while the other workers still run, so the job itself must cancel
    # them and wait until each has cleaned up and recorded its item.
    started = [0]
    cleaned: list[int] = []

    async def op(x: int) -> int:
        started[0] += 1
        if x == 0:
            await wait_until(lambda: started[0] == 4, "four operations started")
            raise asyncio.CancelledError
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            for _ in range(3):  # cleanup that takes a few loop turns
                await asyncio.sleep(0)
            cleaned.append(x)
            raise
        return x

    job: BulkJob[int, int] = BulkJob(op, range(20), concurrency=4)
    with pytest.raises(asyncio.CancelledError):
        await job.run()
    # Checked with no loop turn in between: the job returned only after the workers did.
    assert sorted(cleaned) == [1, 2, 3]
    result = job.result
    assert sorted(f.item for f in result.failed) == [0, 1, 2, 3]
    assert all(isinstance(f.error, asyncio.CancelledError) for f in result.failed)
    assert sorted(result.not_attempted) == list(range(4, 20)) and result.cancelled
    assert sorted(accounted(result)) == list(range(20))


async def test_a_job_stopped_early_closes_the_source_it_read_before_returning(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    # An async iterable (not an iterator): the job's own reading of it must be
    # closed when the job ends, not whenever the collector gets to it.
    ids = [c["id"] for c in fake.seed_campaigns(10, status=1)]
    events: list[str] = []

    class Source:
        def __aiter__(self) -> Any:
            return self._read()

        async def _read(self) -> Any:
            try:
                yield "missing"
                for i in ids:
                    yield i
            finally:
                events.append("closed")

    job = client.campaigns.pause_many(Source(), concurrency=1, stop_on_error=True)
    result = await job
    assert [f.item for f in result.failed] == ["missing"]
    assert events == ["closed"]  # while ``job`` and ``result`` are still alive
    assert result.succeeded == [] and fake.stats.transitions["campaign.pause"] == 0
