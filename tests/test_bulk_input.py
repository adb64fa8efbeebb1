"""Bulk input: read lazily, refused unless a collection; a broken source loses nothing."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp import web

from instantly_async import (
    AsyncInstantly,
    BulkJob,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
)
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY, FAST_RETRY, minimal_campaign, serve_route

PAUSE = "/api/v2/campaigns/{id}/pause"


def campaign(campaign_id: str) -> dict[str, Any]:
    return minimal_campaign(campaign_id, name=campaign_id, status=2)


def accounted(result: Any) -> list[Any]:
    return [i for i, _ in result.succeeded] + [f.item for f in result.failed] + result.not_attempted


class CountingIds:
    """An id generator that counts what was read from it and refuses to run away."""

    def __init__(self, limit: int | None, guard: int = 200_000) -> None:
        self.read = 0
        self._limit = limit
        self._guard = guard

    def __iter__(self) -> Iterator[str]:
        for i in itertools.count() if self._limit is None else range(self._limit):
            if self.read >= self._guard:
                raise AssertionError(f"read {self.read} ids: the job ran away with its input")
            self.read += 1
            yield f"id-{i:07d}"


async def test_a_million_id_generator_is_not_read_ahead() -> None:
    ids = CountingIds(1_000_000)
    read_at_first_request: list[int] = []
    enough = asyncio.Event()

    async def pause(request: web.Request) -> web.Response:
        read_at_first_request.append(ids.read)
        if len(read_at_first_request) >= 100:
            enough.set()
        return web.json_response(campaign(request.match_info["id"]))

    async with (
        serve_route("POST", PAUSE, pause) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        job = client.campaigns.pause_many(iter(ids), concurrency=8)
        task = asyncio.ensure_future(job.run())
        await asyncio.wait_for(enough.wait(), 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    # Read one item per free worker, plus the small queue: never the whole input.
    assert read_at_first_request[0] <= 2 * 8 + 1, read_at_first_request[0]
    assert ids.read < 1_000, ids.read
    # Every id read is in the account, and nothing unread was invented.
    result = job.result
    assert result.total == ids.read
    assert sorted(accounted(result)) == [f"id-{i:07d}" for i in range(ids.read)]
    assert job.total is None  # a generator has no length to promise


@pytest.mark.parametrize("how", ["abort", "stop_on_error", "cancel"])
async def test_an_endless_generator_runs_until_stopped_and_accounts_for_what_it_read(
    how: str,
) -> None:
    ids = CountingIds(None)
    served = 0
    enough = asyncio.Event()

    async def pause(request: web.Request) -> web.Response:
        nonlocal served
        served += 1
        if served == 200:
            enough.set()
            if how == "abort":
                return web.json_response({"message": "bad key"}, status=401)
            if how == "stop_on_error":
                return web.json_response({"message": "no such campaign"}, status=404)
        return web.json_response(campaign(request.match_info["id"]))

    async with (
        serve_route("POST", PAUSE, pause) as base,
        AsyncInstantly(
            api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=FAST_RETRY
        ) as client,
    ):
        job = client.campaigns.pause_many(iter(ids), concurrency=8, stop_on_error=how != "abort")
        if how == "cancel":
            task = asyncio.ensure_future(job.run())
            await asyncio.wait_for(enough.wait(), 30)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            result = job.result
        else:
            result = await asyncio.wait_for(job.run(), 30)
            assert result.aborted_by is not None
    # Read no further than the pool needs: a few dozen past the stop, never the guard's 200,000.
    assert 200 <= ids.read <= 300, ids.read
    assert result.total == ids.read
    assert sorted(accounted(result)) == [f"id-{i:07d}" for i in range(ids.read)]


async def test_a_list_still_accounts_for_what_was_never_read(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(100, status=1)]
    result = await client.campaigns.pause_many(["missing", *ids], concurrency=2, stop_on_error=True)
    assert result.total == 101 and len(result.not_attempted) >= 90
    assert sorted(accounted(result)) == sorted(["missing", *ids])
    # A tuple or a set too: anything with a length is held whole by the caller anyway.
    job = client.campaigns.pause_many(set(ids), concurrency=2, abort_on=(NotFoundError,))
    assert job.total == 100


@pytest.mark.parametrize("targets", ["abc-123", b"abc-123", bytearray(b"ab"), 42, None])
async def test_a_single_string_or_a_non_iterable_is_refused_before_any_request(
    client: AsyncInstantly, fake: FakeInstantly, targets: Any
) -> None:
    for many in (
        client.campaigns.pause_many,
        client.campaigns.activate_many,
        client.subsequences.delete_many,
    ):
        with pytest.raises(InvalidArgumentError, match="targets"):
            many(targets)

    async def op(x: Any) -> Any:
        return x

    with pytest.raises(InvalidArgumentError) as info:
        BulkJob(op, targets)
    kind = type(targets).__name__
    assert str(info.value) == (
        f"items must be an iterable of items, not a single {kind}: wrap one id in a list"
        if isinstance(targets, (str, bytes, bytearray))
        else f"items must be an iterable or async iterable, got {kind}"
    )
    assert fake.stats.requests == 0


@pytest.mark.parametrize("tag_ids", [["t1,t2"], ["t1", "t2,"], [","]])
async def test_list_parameters_holding_commas_are_refused(
    client: AsyncInstantly, fake: FakeInstantly, tag_ids: list[str]
) -> None:
    with pytest.raises(InvalidArgumentError, match=r"tag_ids.*comma"):
        client.campaigns.list(tag_ids=tag_ids)
    with pytest.raises(InvalidArgumentError, match=r"campaigns.*comma"):
        await client.campaigns.analytics(campaigns=tag_ids)
    with pytest.raises(InvalidArgumentError, match=r"campaigns.*comma"):
        await client.campaigns.analytics_overview(campaigns=tag_ids)
    assert fake.stats.requests == 0
    # Several tags are several list items, joined for the wire as the API documents.
    fake.seed_campaigns(1)
    await client.campaigns.list(tag_ids=["t1", "t2"])
    (listing,) = [r for r in fake.requests if r.path == "/api/v2/campaigns"]
    assert listing.query["tag_ids"] == ["t1,t2"]


# -- a source that breaks mid-way --------------------------------------------------------------


async def test_a_sync_source_that_raises_lets_the_requests_in_flight_finish() -> None:
    release = asyncio.Event()
    served: list[str] = []

    async def pause(request: web.Request) -> web.Response:
        # Held until the source has broken: these are the requests in flight.
        await release.wait()
        served.append(request.match_info["id"])
        return web.json_response(campaign(request.match_info["id"]))

    def source() -> Iterator[str]:
        for i in range(10):
            yield f"id-{i}"
        release.set()
        raise ValueError("the id file is corrupt at line 11")

    async with (
        serve_route("POST", PAUSE, pause) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        job = client.campaigns.pause_many(source(), concurrency=8)
        with pytest.raises(ValueError, match="corrupt") as caught:
            await asyncio.wait_for(job.run(), 30)
    result = caught.value.result  # type: ignore[attr-defined]
    assert result is job.result
    assert isinstance(result.aborted_by, ValueError) and not result.cancelled
    # Not cancelled: every request that left came back, and its outcome is known.
    assert result.failed == []
    assert sorted(i for i, _ in result.succeeded) == sorted(served)
    assert len(served) == 8
    assert sorted(accounted(result)) == [f"id-{i}" for i in range(10)]


async def test_a_listing_that_fails_mid_way_surfaces_its_error_with_the_partial_result() -> None:
    pages = 0
    paused: list[str] = []

    async def listing(request: web.Request) -> web.Response:
        nonlocal pages
        pages += 1
        if pages >= 3:
            return web.json_response({"message": "upstream down"}, status=500)
        start = (pages - 1) * 10
        return web.json_response(
            {
                "items": [campaign(f"c{i:03d}") for i in range(start, start + 10)],
                "next_starting_after": f"c{start + 9:03d}",
            }
        )

    async def pause(request: web.Request) -> web.Response:
        await asyncio.sleep(0.01)  # a little latency, so requests are in flight when it breaks
        paused.append(request.match_info["id"])
        return web.json_response(campaign(request.match_info["id"]))

    app = web.Application()
    app.router.add_get("/api/v2/campaigns", listing)
    app.router.add_post(PAUSE, pause)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with AsyncInstantly(
            api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=FAST_RETRY
        ) as client:
            job = client.campaigns.pause_many(client.campaigns.list(limit=10), concurrency=4)
            with pytest.raises(InternalServerError) as caught:
                await asyncio.wait_for(job.run(), 30)
    finally:
        await runner.cleanup()
    result = caught.value.result  # type: ignore[attr-defined]
    assert result.failed == [] and not result.cancelled
    assert isinstance(result.aborted_by, InternalServerError)
    assert sorted(accounted(result)) == [f"c{i:03d}" for i in range(20)]
    assert sorted(i for i, _ in result.succeeded) == sorted(paused)


async def test_an_async_source_that_raises_is_accounted_for_too() -> None:
    started = asyncio.Event()
    finish = asyncio.Event()
    done: list[int] = []

    async def slow(x: int) -> int:
        started.set()
        await finish.wait()
        done.append(x)
        return x

    async def source() -> AsyncIterator[int]:
        for i in range(3):
            yield i
        await started.wait()
        finish.set()
        raise RuntimeError("source gone")

    job: BulkJob[int, int] = BulkJob(slow, source(), concurrency=2, keep_values=True)
    with pytest.raises(RuntimeError, match="source gone") as caught:
        await job
    result = caught.value.result  # type: ignore[attr-defined]
    assert sorted(done) == [0, 1] and sorted(result.succeeded) == [(0, 0), (1, 1)]
    assert result.not_attempted == [2] and result.failed == []


class SizedIterator:
    """A one-shot iterator that also reports how many items it has left."""

    def __init__(self, items: list[str]) -> None:
        self._items = items
        self._at = 0

    def __iter__(self) -> SizedIterator:
        return self

    def __next__(self) -> str:
        if self._at >= len(self._items):
            raise StopIteration
        self._at += 1
        return self._items[self._at - 1]

    def __len__(self) -> int:
        return len(self._items) - self._at


async def test_a_one_shot_iterator_with_a_length_is_still_not_read_past_a_stop(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    # A length does not make an iterator a collection: what a stopped job did
    # not read stays in the iterator, unread, and no total is promised.
    ids = [c["id"] for c in fake.seed_campaigns(60, status=1)]
    source = SizedIterator(["missing", *ids])
    job = BulkJob(client.campaigns.pause, source, concurrency=2, stop_on_error=True)
    assert job.total is None
    result = await job
    assert isinstance(result.aborted_by, NotFoundError)
    read = result.total
    assert read < 20 and len(source) == 61 - read
    assert sorted(accounted(result)) == sorted(["missing", *ids[: read - 1]])
    assert next(source) == ids[read - 1]  # the next unread item is still there


async def test_the_iterator_made_from_an_async_iterable_is_closed_when_the_job_ends(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    # The job makes the iterator (``__aiter__``), so the job closes it: at once,
    # not whenever it is collected.  An iterator passed in is the caller's to close.
    ids = [c["id"] for c in fake.seed_campaigns(30, status=1)]
    closed: list[str] = []

    async def generate(tag: str) -> AsyncIterator[str]:
        try:
            for i in ["missing", *ids]:
                yield i
        finally:
            closed.append(tag)

    class Source:
        def __aiter__(self) -> AsyncIterator[str]:
            return generate("made by the job")

    result = await BulkJob(client.campaigns.pause, Source(), concurrency=2, stop_on_error=True)
    assert isinstance(result.aborted_by, NotFoundError)
    assert closed == ["made by the job"]  # no loop turn since the job returned

    passed_in = generate("passed in")
    result = await BulkJob(client.campaigns.pause, passed_in, concurrency=2, stop_on_error=True)
    assert isinstance(result.aborted_by, NotFoundError) and len(result.succeeded) < 30
    assert closed == ["made by the job"]
    await passed_in.aclose()  # type: ignore[attr-defined]
    assert closed == ["made by the job", "passed in"]


class Countdown:
    """An async iterator with no ``aclose`` (only generators have one)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __aiter__(self) -> Countdown:
        return self

    async def __anext__(self) -> int:
        if self.n == 0:
            raise StopAsyncIteration
        self.n -= 1
        return self.n


class FrozenError(Exception):
    """An exception that takes no new attributes (as a frozen attrs exception)."""

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(name)


async def test_sources_without_aclose_or_attribute_room_are_handled() -> None:
    async def double(x: int) -> int:
        return 2 * x

    class Wrapper:
        def __aiter__(self) -> Countdown:
            return Countdown(5)

    # The job made the iterator but it has nothing to close: the job just ends.
    result = await BulkJob(double, Wrapper(), keep_values=True)
    assert sorted(result.succeeded) == [(i, 2 * i) for i in range(5)]

    # A source error that cannot carry ``.result`` still propagates as itself.
    def source() -> Iterator[int]:
        yield 1
        raise FrozenError("no room")

    job: BulkJob[int, int] = BulkJob(double, source(), keep_values=True)
    with pytest.raises(FrozenError, match="no room") as caught:
        await job
    assert not hasattr(caught.value, "result")
    assert accounted(job.result) == [1] and job.result.aborted_by is caught.value
