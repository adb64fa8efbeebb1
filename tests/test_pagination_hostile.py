"""Pagination against a misbehaving server: cursor cycles, oversized pages, bad cursors."""

from __future__ import annotations

import copy
import gc
import logging
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web

import instantly_async._pagination as pagination
from instantly_async import APIResponseValidationError, AsyncInstantly
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY, FAST_RETRY, serve_route

LIST = "/api/v2/campaigns"


def campaign(i: int) -> dict[str, Any]:
    return {
        "id": f"c{i:05d}",
        "name": f"C{i}",
        "status": 1,
        "campaign_schedule": {"schedules": []},
        "timestamp_created": "2026-01-01T00:00:00.000Z",
        "timestamp_updated": "2026-01-01T00:00:00.000Z",
    }


def cursor_server(next_cursor: Callable[[str | None], Any]) -> tuple[list[Any], Any]:
    """A listing whose every page holds one new item and ``next_cursor(cursor asked)``."""
    calls: list[str | None] = []

    async def handler(request: web.Request) -> web.Response:
        asked = request.query.get("starting_after")
        calls.append(asked if asked is None else asked[:40])  # the test's log stays small
        return web.json_response(
            {"items": [campaign(len(calls))], "next_starting_after": next_cursor(asked)}
        )

    return calls, handler


@pytest.fixture
def quiet_sdk_log() -> Any:
    # The suite logs the SDK at DEBUG and pytest keeps every record: that, not
    # the paginator, would grow with the number of pages.
    logger = logging.getLogger("instantly_async")
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(logging.DEBUG)


@pytest.mark.parametrize(
    "links",
    [
        {None: "A", "A": "B", "B": "A"},  # A -> B -> A
        {None: "A", "A": "B", "B": "C", "C": "A"},  # A -> B -> C -> A
        {None: "T1", "T1": "T2", "T2": "A", "A": "B", "B": "A"},  # a tail, then a cycle
        {None: "A", "A": "A"},  # a page that points at itself
    ],
)
async def test_a_cursor_cycle_stops_at_its_first_repeat(
    links: dict[str | None, str], caplog: pytest.LogCaptureFixture
) -> None:
    calls, handler = cursor_server(links.__getitem__)
    async with (
        serve_route("GET", LIST, handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        with caplog.at_level(logging.WARNING, "instantly_async"):
            got = [c.id async for c in client.campaigns.list()]
    # Every cursor followed once; the page that repeats one is the last.
    assert calls == list(links)
    assert len(got) == len(links) == len(set(got))
    assert "a second time" in caplog.text


@pytest.mark.parametrize(("tail", "cycle"), [(0, 23), (37, 9), (90, 41), (5, 150)])
async def test_a_cycle_longer_than_the_window_stops_too(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tail: int, cycle: int
) -> None:
    # Bounds shrunk so that a cycle longer than the exact window takes a
    # few hundred requests, not tens of thousands.
    window, sample = 4, 8
    monkeypatch.setattr(pagination, "CYCLE_WINDOW", window)
    monkeypatch.setattr(pagination, "CYCLE_SAMPLE", sample)

    def step(asked: str | None) -> str:
        n = 0 if asked is None else int(asked[1:])
        # Page n points to n + 1 along the tail, then round the cycle.
        return f"p{n + 1 if n + 1 <= tail + cycle else tail + 1}"

    calls, handler = cursor_server(step)
    async with (
        serve_route("GET", LIST, handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        with caplog.at_level(logging.WARNING, "instantly_async"):
            got = [c.id async for c in client.campaigns.list()]
    assert "a second time" in caplog.text
    distinct = tail + cycle + 1  # the first page has no cursor
    twice = len(calls) - distinct
    assert len(got) == len(calls)
    # At most 2/CYCLE_SAMPLE of the pages listed are served a second time
    # (1/512 with the real bounds).
    assert 0 <= twice <= max(1, 2 * len(calls) // sample), (len(calls), twice)


async def test_memory_is_bounded_on_an_endless_listing(quiet_sdk_log: None) -> None:
    # Fresh 6 KB cursors forever: no cycle to find, and nothing may pile up.
    calls, handler = cursor_server(lambda asked: f"{len(calls):06d}" * 1000)

    async def growth(client: AsyncInstantly, pages: int) -> int:
        gc.collect()
        tracemalloc.start()
        try:
            base, _ = tracemalloc.get_traced_memory()
            got = 0
            async for _ in client.campaigns.list(max_items=pages):
                got += 1
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert got == pages  # an endless listing goes on until the caller stops it
        return peak - base

    async with (
        serve_route("GET", LIST, handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        small = await growth(client, 200)
        large = await growth(client, 1_200)
    # 1,000 more pages with 6 MB of cursors between them: flat.
    assert large - small < 1_000_000, (small, large)


def test_the_trail_remembers_a_bounded_number_of_cursors() -> None:
    trail = pagination._CursorTrail(pagination.CYCLE_WINDOW, pagination.CYCLE_SAMPLE)
    for i in range(200_000):
        assert not trail.repeats(f"cursor-{i}")
    assert len(trail._recent) == pagination.CYCLE_WINDOW
    assert len(trail._sample) <= pagination.CYCLE_SAMPLE
    # Something recent and something sampled long ago are both recognised.
    assert trail.repeats("cursor-199999")
    assert any(trail.repeats(f"cursor-{i}") for i in range(1, 1000))


# -- a server that sends more items than asked for ----------------------------------------------


class IgnoresLimit:
    """20,000 campaigns; a page from ``oversize_from`` on holds 10,000 whatever the limit."""

    def __init__(self, oversize_from: int) -> None:
        self.all = [campaign(i) for i in range(20_000)]
        self.oversize_from = oversize_from
        self.honest = False
        self.pages = 0

    async def handler(self, request: web.Request) -> web.Response:
        self.pages += 1
        after = request.query.get("starting_after")
        start = 0 if after is None else int(after[1:]) + 1
        size = int(request.query["limit"])
        if not self.honest and self.pages >= self.oversize_from:
            size = 10_000
        items = self.all[start : start + size]
        more = start + size < len(self.all)
        return web.json_response(
            {"items": items, "next_starting_after": items[-1]["id"] if more else None}
        )


@pytest.mark.parametrize(("oversize_from", "max_items"), [(1, 150), (2, 150), (2, None), (3, 250)])
async def test_a_checkpoint_never_skips_items_the_caller_did_not_see(
    oversize_from: int, max_items: int | None
) -> None:
    server = IgnoresLimit(oversize_from)
    seen: list[str] = []
    checkpoint = None
    async with (
        serve_route("GET", LIST, server.handler) as base,
        AsyncInstantly(
            api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=FAST_RETRY
        ) as client,
    ):
        with pytest.raises(
            APIResponseValidationError,
            match=r"^the server sent 10000 items for limit=(100|50); the page is refused, "
            r"since its cursor would skip items on resume",
        ):
            async for page in client.campaigns.list(limit=100, max_items=max_items).pages():
                seen.extend(c.id for c in page.items)
                checkpoint = page.next_starting_after
        # Refused before any of its items was handed over.
        assert len(seen) == 100 * (oversize_from - 1)
        # Later, against a server that behaves, the pipeline resumes from its checkpoint.
        server.honest = True
        rest = [c.id async for c in client.campaigns.list(starting_after=checkpoint)]
    skipped = {c["id"] for c in server.all} - set(seen) - set(rest)
    assert not skipped, f"{len(skipped)} items skipped"
    assert seen + rest == [c["id"] for c in server.all]


async def test_awaiting_an_oversized_first_page_is_refused_too() -> None:
    server = IgnoresLimit(1)
    async with (
        serve_route("GET", LIST, server.handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        with pytest.raises(APIResponseValidationError, match="limit=10"):
            await client.campaigns.list(limit=10)
    assert server.pages == 1


# -- awaiting a listing, and cursors that are not strings ---------------------------------------


async def test_awaiting_a_listing_sends_exactly_one_request(fake: FakeInstantly) -> None:
    seeded = [c["id"] for c in fake.seed_campaigns(250)]
    # One connection: a request started after the first page would be on the
    # wire, and in the server's log, before the count below.
    async with AsyncInstantly(
        api_key=API_KEY, base_url=fake.base_url, rate_limit=None, max_connections=1
    ) as client:
        page = await client.campaigns.list()
        assert [c.id for c in page.items] == seeded[:100] and page.next_starting_after
        assert await client.campaigns.count_launched() >= 0
        listing = [r for r in fake.requests if r.path == LIST]
        assert len(listing) == 1, [r.query for r in listing]
        # Awaiting from a checkpoint, or with max_items, is one request too.
        last = await client.campaigns.list(starting_after=page.next_starting_after, max_items=7)
        # The checkpoint is sent: the page is the 7 items after it, not the first 7.
        assert [c.id for c in last.items] == seeded[100:107]
        assert len([r for r in fake.requests if r.path == LIST]) == 2


@pytest.mark.parametrize("cursor", [False, True, [], ["c2"], {}, 0, 7, 1.5])
@pytest.mark.parametrize("how", ["iterate", "await", "pages"])
async def test_a_cursor_that_is_not_a_string_is_a_validation_error(cursor: Any, how: str) -> None:
    calls, handler = cursor_server(lambda asked: cursor)
    async with (
        serve_route("GET", LIST, handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        listing = client.campaigns.list()
        with pytest.raises(APIResponseValidationError, match="next_starting_after") as caught:
            if how == "await":
                await listing
            elif how == "pages":
                [p async for p in listing.pages()]
            else:
                [c async for c in listing]
    assert calls == [None]  # never sent back as "False", "[]" or "0"
    assert caught.value.status_code == 200
    assert caught.value.message == (
        f"next_starting_after must be a cursor string or null, got {cursor!r}"
    )


async def test_a_long_cursor_that_is_not_a_string_is_quoted_in_part() -> None:
    cursor = ["c" * 300]
    _calls, handler = cursor_server(lambda asked: cursor)
    async with (
        serve_route("GET", LIST, handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        with pytest.raises(APIResponseValidationError) as caught:
            await client.campaigns.list()
    # The message quotes the first 100 characters; the body keeps more of it.
    assert caught.value.message == (
        f"next_starting_after must be a cursor string or null, got {str(cursor)[:100]}..."
    )
    assert caught.value.body == repr(cursor)


async def test_a_page_that_is_not_an_object_with_items_is_refused() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"data": []})

    async with (
        serve_route("GET", LIST, handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as client,
    ):
        with pytest.raises(APIResponseValidationError) as caught:
            await client.campaigns.list()
    assert caught.value.message == "a list response must be an object with an 'items' array"
    assert caught.value.body == "{'data': []}"


@pytest.mark.parametrize(
    "page",
    [
        # The key straddles the 2,000-character cut of the error body.
        lambda auth: {"items": "x" * 1980 + auth},
        # A cursor that is not a string, echoing the key.
        lambda auth: {"items": [campaign(1)], "next_starting_after": [auth]},
    ],
    ids=["body-cut", "cursor"],
)
async def test_a_refused_page_never_carries_the_key(page: Callable[[str], Any]) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(page(request.headers["Authorization"]))

    async with (
        serve_route("GET", LIST, handler) as base_url,
        AsyncInstantly(api_key=API_KEY, base_url=base_url, retry_policy=FAST_RETRY) as c,
    ):
        with pytest.raises(APIResponseValidationError) as info:
            await c.campaigns.list()
    err = info.value
    texts = [str(err), repr(err), err.body or "", err.message]
    assert "<redacted" in (err.body or "")  # the echoed key was there, and was scrubbed (then cut)
    for text in texts:
        # No whole key, and not its first half either (a cut made before scrubbing).
        assert API_KEY[: len(API_KEY) // 2] not in text


@pytest.mark.parametrize(("window", "sample"), [(4, 4), (3, 5), (1, 2)])
def test_the_cursor_trail_remembers_the_window_and_an_evenly_spread_sample(
    window: int, sample: int
) -> None:
    # After n cursors: the last ``window`` are remembered, and of the older ones
    # every ``stride``-th (1, 2, 4, ...: the smallest that keeps at most
    # ``sample`` of them), so the sample always reaches back to the start.
    trail = pagination._CursorTrail(window, sample)
    for n in range(1, 150):
        assert not trail.repeats(f"c{n}")
        old = max(0, n - window)
        stride = 1
        while old // stride > sample:
            stride *= 2
        expected = [*range(stride, old + 1, stride), *range(old + 1, n + 1)]
        remembered = [i for i in range(1, n + 1) if copy.deepcopy(trail).repeats(f"c{i}")]
        assert remembered == expected, n
