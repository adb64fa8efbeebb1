"""Cursor pagination: every stop rule, resuming, prefetch and flat memory."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import tracemalloc
from typing import Any

import pytest
from aiohttp import web

from instantly_async import AsyncInstantly, InvalidArgumentError, Page
from instantly_async.testing import FakeInstantly

from ._waiting import wait_until
from .conftest import API_KEY, FAST_RETRY, serve_route


def list_requests(fake: FakeInstantly) -> list[Any]:
    return [r for r in fake.requests if r.method == "GET" and r.path == "/api/v2/campaigns"]


@pytest.mark.parametrize("count", [0, 1, 100, 101, 250])
async def test_lists_every_item_once(
    client: AsyncInstantly, fake: FakeInstantly, count: int
) -> None:
    seeded = fake.seed_campaigns(count)
    got = [c.id async for c in client.campaigns.list()]
    assert got == [c["id"] for c in seeded]
    # Pages of 100: 0 and 1..100 items take one request, 101 two, 250 three.
    assert len(list_requests(fake)) == max(1, -(-count // 100))


async def test_a_last_page_with_a_cursor_ends_on_the_next_missing_cursor() -> None:
    # The fake's "cursor on the last page" mode: the page after it is empty and has no cursor.
    fake = FakeInstantly(api_key=API_KEY, cursor_on_last_page=True)
    async with (
        fake.run(),
        AsyncInstantly(api_key=API_KEY, base_url=fake.base_url, rate_limit=None) as client,
    ):
        seeded = fake.seed_campaigns(150)
        got = [c.id async for c in client.campaigns.list()]
        assert got == [c["id"] for c in seeded]
        # 100 + 50 (still with a cursor) + the empty page that ends it.
        assert len(list_requests(fake)) == 3


@pytest.mark.parametrize("pages_with_items", [0, 1, 3])
async def test_an_empty_page_that_carries_a_cursor_ends_the_listing(pages_with_items: int) -> None:
    # A server that always sends a fresh cursor, even on an empty page: only the
    # empty-page rule can end the listing (the cursor is never missing or repeated).
    calls: list[str | None] = []

    async def handler(request: web.Request) -> web.Response:
        calls.append(request.query.get("starting_after"))
        n = len(calls)
        items = [campaign(n * 10 + i) for i in range(2)] if n <= pages_with_items else []
        if n > pages_with_items + 20:  # a bound, so the bug fails the test instead of hanging
            return web.json_response({"items": []})
        return web.json_response({"items": items, "next_starting_after": f"cursor-{n}"})

    async with (
        serve_route("GET", "/api/v2/campaigns", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        got = [c.id async for c in client.campaigns.list(limit=2)]
        full = range(1, pages_with_items + 1)
        assert got == [f"c{n * 10 + i:04d}" for n in full for i in range(2)]
        assert calls == [None, *(f"cursor-{n}" for n in range(1, pages_with_items + 1))]
        calls.clear()
        pages = [p async for p in client.campaigns.list(limit=2).pages()]
        # No empty page is handed over, except as the first: that one says "complete".
        assert [len(p.items) for p in pages] == ([2] * pages_with_items or [0])
        assert [p.next_starting_after for p in pages] == (
            [f"cursor-{n}" for n in range(1, pages_with_items + 1)] or [None]
        )
        calls.clear()
        first = await client.campaigns.list(limit=2)
        assert first.next_starting_after == (None if pages_with_items == 0 else "cursor-1")


async def test_pages_carry_the_cursor_and_resume_from_it(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    seeded = [c["id"] for c in fake.seed_campaigns(25)]
    pages = client.campaigns.list(limit=10).pages()
    first: Page[Any] = await pages.__anext__()
    await pages.aclose()
    assert [c.id for c in first.items] == seeded[:10]
    assert first.next_starting_after is not None
    # A pipeline checkpoints the cursor and later resumes from it.
    rest = [
        c.id
        async for c in client.campaigns.list(limit=10, starting_after=first.next_starting_after)
    ]
    assert rest == seeded[10:]
    all_pages = [p async for p in client.campaigns.list(limit=10).pages()]
    assert [len(p.items) for p in all_pages] == [10, 10, 5]
    assert all_pages[-1].next_starting_after is None


async def test_await_gives_the_first_page(client: AsyncInstantly, fake: FakeInstantly) -> None:
    fake.seed_campaigns(5)
    page = await client.campaigns.list(limit=2)
    assert len(page.items) == 2 and page.next_starting_after
    empty = await client.subsequences.list(parent_campaign=next(iter(fake.campaigns)))
    assert empty.items == [] and empty.next_starting_after is None


async def test_max_items_stops_early_and_can_resume(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    seeded = [c["id"] for c in fake.seed_campaigns(30)]
    got = [c.id async for c in client.campaigns.list(limit=10, max_items=15)]
    assert got == seeded[:15]
    # The second page asked only for the 5 still wanted, so no page was cut.
    assert [r.query["limit"] for r in list_requests(fake)] == [["10"], ["5"]]
    pages = [p async for p in client.campaigns.list(limit=10, max_items=15).pages()]
    resume = pages[-1].next_starting_after
    assert resume is not None
    assert [c.id async for c in client.campaigns.list(starting_after=resume)] == seeded[15:]


@pytest.mark.parametrize(("max_items", "requests"), [(5, 1), (10, 1), (15, 2), (35, 4)])
async def test_max_items_holds_against_a_server_that_ignores_limit(
    max_items: int, requests: int
) -> None:
    from instantly_async import APIResponseValidationError

    calls: list[str | None] = []

    async def handler(request: web.Request) -> web.Response:
        # Ten items and a cursor, whatever `limit` says (ending after a while, so
        # that a missing cap fails the test rather than hanging it).
        calls.append(request.query.get("limit"))
        n = len(calls)
        if n > 6:
            return web.json_response({"items": []})
        items = [campaign(n * 100 + i) for i in range(10)]
        return web.json_response({"items": items, "next_starting_after": f"cursor-{n}"})

    async with (
        serve_route("GET", "/api/v2/campaigns", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        got: list[str] = []
        # Each request asks only for what is still wanted.  A page larger than that
        # is refused (its cursor would skip the items cut from it on resume), so the
        # caller gets the whole pages before it and never more than max_items.
        wanted = [max_items - 10 * k for k in range(requests)]
        with contextlib.ExitStack() as stack:
            if max_items % 10:
                stack.enter_context(pytest.raises(APIResponseValidationError, match="for limit="))
            async for c in client.campaigns.list(limit=10, max_items=max_items):
                got.append(c.id)
        assert calls == [str(min(10, w)) for w in wanted]
        whole = 10 * (max_items // 10)
        assert got == [f"c{n * 100 + i:04d}" for n in range(1, 5) for i in range(10)][:whole]


async def test_fetches_one_page_ahead_and_no_more(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    fake.seed_campaigns(50)
    seen_requests: list[int] = []
    k = 0
    async for page in client.campaigns.list(limit=10).pages():
        k += 1
        assert len(page.items) == 10
        # While the caller holds page k, request k+1 is made without being asked for...
        ahead = min(k + 1, 5)
        await wait_until(lambda n=ahead: len(list_requests(fake)) >= n, f"request {ahead}")
        # ...and answered, and still nothing beyond it leaves.
        await wait_until(lambda n=ahead: sum(fake.stats.by_status.values()) >= n, "its answer")
        for _ in range(5):
            await asyncio.sleep(0)
        seen_requests.append(len(list_requests(fake)))
    assert seen_requests == [2, 3, 4, 5, 5]


async def test_items_appearing_or_vanishing_between_pages_are_never_repeated(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    seeded = [c["id"] for c in fake.seed_campaigns(30)]
    added: list[str] = []
    got: list[str] = []
    async for page in client.campaigns.list(limit=10).pages():
        got.extend(c.id for c in page.items)
        if len(got) == 10:
            # Page 2 may already be on its way (prefetch); page 3 cannot be.
            added = [c["id"] for c in fake.seed_campaigns(3)]  # appended after the cursor
            del fake.campaigns[seeded[25]]
    # The vanished one is never listed, the new ones are, and nothing twice.
    assert got == seeded[:25] + seeded[26:] + added


async def test_breaking_out_cancels_the_prefetch(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    fake.seed_campaigns(300)
    fake.faults.latency = 0.05
    async with __import__("contextlib").aclosing(client.campaigns.list().__aiter__()) as items:  # type: ignore[type-var]
        async for _ in items:
            break
    await asyncio.sleep(0)
    pending = [
        t for t in asyncio.all_tasks() if t is not asyncio.current_task() and "fetch" in repr(t)
    ]
    assert pending == []


@pytest.mark.parametrize("limit", [0, 101, -1, 1.5, True])
async def test_out_of_range_limits_are_refused_before_any_request(
    client: AsyncInstantly, fake: FakeInstantly, limit: Any
) -> None:
    with pytest.raises(InvalidArgumentError, match="limit"):
        client.campaigns.list(limit=limit)
    assert fake.stats.requests == 0


# -- servers that misbehave in ways the fake never does ---------------------------------------


def campaign(i: int) -> dict[str, Any]:
    return {
        "id": f"c{i:04d}",
        "name": f"C{i}",
        "status": 1,
        "campaign_schedule": {"schedules": []},
        "timestamp_created": "2026-01-01T00:00:00.000Z",
        "timestamp_updated": "2026-01-01T00:00:00.000Z",
    }


async def test_a_repeated_cursor_stops_the_listing(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str | None] = []

    async def handler(request: web.Request) -> web.Response:
        calls.append(request.query.get("starting_after"))
        # A broken server: page 2 hands back page 1's cursor.
        return web.json_response({"items": [campaign(len(calls))], "next_starting_after": "same"})

    async with (
        serve_route("GET", "/api/v2/campaigns", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        with caplog.at_level(logging.WARNING, "instantly_async"):
            got = [c.id async for c in client.campaigns.list()]
    assert got == ["c0001", "c0002"]
    assert calls == [None, "same"]
    assert "a second time" in caplog.text


@pytest.mark.parametrize("cursor", [None, ""])
async def test_a_missing_or_empty_cursor_ends_the_listing(cursor: str | None) -> None:
    calls = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal calls
        calls += 1
        body: dict[str, Any] = {"items": [campaign(1)]}
        if cursor is not None:
            body["next_starting_after"] = cursor
        return web.json_response(body)

    async with (
        serve_route("GET", "/api/v2/campaigns", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        assert len([c async for c in client.campaigns.list()]) == 1
    assert calls == 1


async def test_a_list_body_of_the_wrong_shape_is_a_validation_error() -> None:
    from instantly_async import APIResponseValidationError

    async def handler(request: web.Request) -> web.Response:
        return web.json_response([campaign(1)])

    async with (
        serve_route("GET", "/api/v2/campaigns", handler) as base,
        AsyncInstantly(
            api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=FAST_RETRY
        ) as client,
    ):
        with pytest.raises(APIResponseValidationError, match="items"):
            [c async for c in client.campaigns.list()]


async def test_memory_stays_flat_however_many_items(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    async def peak_while_listing(n: int) -> int:
        fake.campaigns.clear()
        fake.seed_campaigns(n)
        gc.collect()
        # The suite logs the SDK at DEBUG (to scan for the key), and pytest keeps
        # every record: that, not the SDK, would grow with the item count.
        logging.getLogger("instantly_async").setLevel(logging.INFO)
        tracemalloc.start()
        try:
            base, _ = tracemalloc.get_traced_memory()
            count = 0
            async for _ in client.campaigns.list():
                count += 1
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            logging.getLogger("instantly_async").setLevel(logging.DEBUG)
        assert count == n
        return peak - base

    small = await peak_while_listing(1_000)
    large = await peak_while_listing(5_000)
    # Five times the items; the peak is set by a page or two, not by the listing.
    assert large < small * 1.5, (small, large)


async def test_a_cursor_equal_to_the_starting_point_stops_the_listing() -> None:
    calls: list[str | None] = []

    async def handler(request: web.Request) -> web.Response:
        calls.append(request.query.get("starting_after"))
        # Resuming from "here" hands back "here" as the next cursor: a loop.
        return web.json_response({"items": [campaign(len(calls))], "next_starting_after": "here"})

    async with (
        serve_route("GET", "/api/v2/campaigns", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        got = [c.id async for c in client.campaigns.list(starting_after="here")]
    assert got == ["c0001"] and calls == ["here"]


async def test_a_numeric_cursor_is_refused() -> None:
    from instantly_async import APIResponseValidationError

    calls: list[str | None] = []

    async def handler(request: web.Request) -> web.Response:
        calls.append(request.query.get("starting_after"))
        return web.json_response({"items": [campaign(1)], "next_starting_after": 1001})

    async with (
        serve_route("GET", "/api/v2/campaigns", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        with pytest.raises(APIResponseValidationError, match="cursor string or null, got 1001"):
            [p async for p in client.campaigns.list().pages()]
    assert calls == [None]


@pytest.mark.parametrize(
    "body",
    [
        [campaign(1)],  # a bare array
        {"data": [campaign(1)]},  # no 'items'
        {"items": {"0": campaign(1)}},  # 'items' not an array
        {"items": None},
        {"junk": "x" * 5000},  # a long body, cut short in the error
    ],
)
async def test_a_list_body_of_the_wrong_shape_names_the_request(body: Any) -> None:
    from instantly_async import APIResponseValidationError

    async def handler(request: web.Request) -> web.Response:
        return web.json_response(body)

    async with (
        serve_route("GET", "/api/v2/campaigns", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        with pytest.raises(APIResponseValidationError, match="'items' array") as info:
            [c async for c in client.campaigns.list()]
    err = info.value
    assert (err.method, err.path, err.status_code) == ("GET", "/api/v2/campaigns", 200)
    # The body's start, cut to 2,000 characters (and marked when cut).
    assert err.body.removesuffix("...") == repr(body)[:2000]


async def test_an_item_of_the_wrong_shape_names_the_request() -> None:
    from instantly_async import APIResponseValidationError

    async def handler(request: web.Request) -> web.Response:
        return web.json_response(
            {"items": [campaign(1), {**campaign(2), "campaign_schedule": "weekdays"}]}
        )

    async with (
        serve_route("GET", "/api/v2/campaigns", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        with pytest.raises(APIResponseValidationError) as info:
            [c async for c in client.campaigns.list()]
    assert (info.value.method, info.value.path) == ("GET", "/api/v2/campaigns")


async def test_an_abandoned_prefetch_is_cleaned_up_quietly(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    fake.seed_campaigns(300)
    fake.faults.latency = 0.05  # the prefetch is still in flight when the caller leaves
    loop = asyncio.get_running_loop()
    problems: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: problems.append(context))
    try:
        pages = client.campaigns.list().pages()
        first = await pages.__anext__()
        assert len(first.items) == 100
        await wait_until(lambda: len(list_requests(fake)) == 2, "the prefetch to arrive")
        await pages.aclose()  # while the server sits on it
        await wait_until(lambda: sdk_fetches() == [], "the prefetch to end")
        for _ in range(5):
            await asyncio.sleep(0)
        gc.collect()
        assert problems == []
    finally:
        loop.set_exception_handler(None)


def sdk_fetches() -> list[asyncio.Task[Any]]:
    me = asyncio.current_task()
    return [
        t
        for t in asyncio.all_tasks()
        if t is not me and not t.done() and "fetch" in repr(t.get_coro())
    ]
