"""Cursor pagination over ``next_starting_after``.

Stop rules (the vendor's docs and its starter kit disagree on how a listing
ends, so every form is honoured): the cursor is missing, ``null`` or empty, a
page has no items (the last page with data may still carry a cursor), or a
cursor comes back that was already followed (a server bug that would otherwise
loop forever; logged as a warning).

A misbehaving server meets these rules:

* Cursor cycles of any length stop, in bounded memory however long the
  listing.  The paginator remembers cursors as hashes: the last
  ``CYCLE_WINDOW`` (1,024) exactly, so a cycle of up to that many pages stops
  at its first repeat, and a sample of at most ``CYCLE_SAMPLE`` (1,024) older
  ones, one every ``stride`` pages, the stride doubling whenever the sample
  fills.  A longer cycle stops once a sampled cursor comes round again,
  having served at most 1/512 of the pages listed a second time (the bound is
  checked by the tests).  Each page costs O(1): a thinning of the sample
  (1,024 steps) comes at most once every 512 pages.  An endless listing of fresh
  cursors is no cycle and does not stop by itself: ``max_items`` or leaving
  the loop does.
* A page with more items than the ``limit`` asked for is refused with
  :class:`APIResponseValidationError` (not retried), before any of its items
  is handed over.  Its cursor cannot be trusted for the items past the limit,
  and handing over only some of them would make a checkpoint skip the rest on
  resume; the last checkpoint (the previous page's cursor) stays valid.
* A cursor that is not a string (``false``, a number, a list) is an
  :class:`APIResponseValidationError`; it is never sent back.

``async for`` and ``.pages()`` fetch one page ahead: as soon as a page's cursor
is known the next request leaves, before the page's items are structured and
while the caller works on them.  (With the speedups extra a page is decoded
straight into models, which is cheaper than decoding it alone used to be; the
next request then leaves once that is done.)  No more than one page is ever held beyond
the caller's, so memory stays flat however long the listing is.
``await paginator`` fetches the first page only: exactly one request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

import attrs

from ._converter import structure
from ._exceptions import APIResponseValidationError
from ._redact import preview
from ._typed import DecodedPage

__all__ = ["AsyncPaginator", "Page"]

T = TypeVar("T")
log = logging.getLogger("instantly_async")

# (starting_after, limit) -> the decoded JSON of one page
FetchPage = Callable[[str | None, int], Awaitable[Any]]

# The cursor trail's bounds (see the module docstring); about 200 KB at most.
CYCLE_WINDOW = 1024
CYCLE_SAMPLE = 1024


@attrs.define(kw_only=True)
class Page(Generic[T]):
    """One page of a listing.

    ``next_starting_after`` is the cursor to resume from after this page
    (pass it as ``starting_after=``), or ``None`` when the listing is complete.
    """

    items: list[T]
    next_starting_after: str | None


def _retrieve(task: asyncio.Task[Any]) -> None:
    # A prefetch abandoned by an early exit must not log "exception never retrieved".
    if not task.cancelled():
        task.exception()


class _CursorTrail:
    """The cursors a listing has followed, in bounded memory.

    Hashes, not the cursors: a hostile server's megabyte-long cursors cost
    no more than short ones.  (A 64-bit hash collision would end a listing
    early with a warning; at 2,048 remembered hashes that is a 1e-16 chance
    a page.)
    """

    __slots__ = ("_followed", "_order", "_recent", "_sample", "_sample_size", "_stride", "_window")

    def __init__(self, window: int, sample_size: int) -> None:
        self._window = window
        self._sample_size = sample_size
        self._recent: set[int] = set()
        self._order: deque[tuple[int, int]] = deque()  # (hash, when followed), oldest first
        self._sample: dict[int, int] = {}  # hash -> when followed
        self._stride = 1
        self._followed = 0

    def repeats(self, cursor: str) -> bool:
        """Whether ``cursor`` was followed before; if not, it is remembered as followed."""
        key = hash(cursor)
        if key in self._recent or key in self._sample:
            return True
        self._followed += 1
        self._recent.add(key)
        self._order.append((key, self._followed))
        if len(self._order) > self._window:
            old, when = self._order.popleft()
            self._recent.discard(old)
            if when % self._stride == 0:
                self._sample[old] = when
                if len(self._sample) > self._sample_size:
                    # Keep every other sampled page: the sample spans twice as far.
                    self._stride *= 2
                    self._sample = {k: w for k, w in self._sample.items() if w % self._stride == 0}
        return False


class AsyncPaginator(Generic[T]):
    """What ``list(...)`` returns: ``async for`` yields items across pages.

    ``pages()`` yields :class:`Page` objects instead, for checkpointing;
    ``await paginator`` returns the first page only.
    """

    __slots__ = (
        "_fetch",
        "_item_type",
        "_limit",
        "_max_items",
        "_method",
        "_path",
        "_starting_after",
        "_strict",
    )

    def __init__(
        self,
        fetch: FetchPage,
        item_type: type[T],
        *,
        method: str,
        path: str,
        limit: int,
        starting_after: str | None,
        max_items: int | None,
        strict: bool = False,
    ) -> None:
        self._limit = limit
        self._fetch = fetch
        self._item_type = item_type
        self._method = method
        self._path = path
        self._starting_after = starting_after
        self._max_items = max_items
        self._strict = strict

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._first_page().__await__()

    async def _first_page(self) -> Page[T]:
        # No prefetch: awaiting a listing asks for one page and sends one request.
        size = self._next_limit(self._max_items)
        data = await self._fetch(self._starting_after, size)
        typed = data.__class__ is DecodedPage
        raw_items, cursor = self._checked(data, size, self._trail())
        return Page(
            items=raw_items if typed else self._structure(raw_items), next_starting_after=cursor
        )

    async def _items(self) -> AsyncGenerator[T, None]:
        async with contextlib.aclosing(self.pages()) as pages:
            async for page in pages:
                for item in page.items:
                    yield item

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Yield pages in order; each carries the cursor to resume after it."""
        remaining = self._max_items
        trail = self._trail()
        size = self._next_limit(remaining)
        task: asyncio.Task[Any] | None = asyncio.ensure_future(
            self._fetch(self._starting_after, size)
        )
        first = True
        try:
            while task is not None:
                # The server, not the caller, is the bottleneck when we must wait here.
                fetch_is_slower = not task.done()
                data = await task
                task = None
                typed = data.__class__ is DecodedPage  # items are models already
                raw_items, cursor = self._checked(data, size, trail)
                if remaining is not None:
                    remaining -= len(raw_items)
                if cursor is not None and remaining != 0:
                    # The next request leaves before this page is structured.
                    size = self._next_limit(remaining)
                    task = asyncio.ensure_future(self._fetch(cursor, size))
                    if fetch_is_slower:
                        # Why: a task only starts at the next loop turn and
                        # structuring is synchronous, so the request used to
                        # leave after the page was structured and handed over,
                        # adding the structuring time to every page of a
                        # server-bound listing.  One turn puts it on the wire.
                        # When the fetch is faster than the caller there is
                        # nothing to gain, and the turn would cost the
                        # request's preparation on the caller's time.
                        await asyncio.sleep(0)
                if raw_items or first:
                    items = raw_items if typed else self._structure(raw_items)
                    yield Page(items=items, next_starting_after=cursor)
                first = False
        finally:
            if task is not None and not task.done():
                task.cancel()
                task.add_done_callback(_retrieve)

    def _trail(self) -> _CursorTrail:
        trail = _CursorTrail(CYCLE_WINDOW, CYCLE_SAMPLE)
        if self._starting_after:
            trail.repeats(self._starting_after)
        return trail

    def _structure(self, raw_items: list[Any]) -> list[T]:
        # One call for the page, so a failure names ``$.items[i]...``.
        return structure(
            raw_items,
            list[self._item_type],  # type: ignore[name-defined]
            method=self._method,
            path=self._path,
            strict=self._strict,
            where="$.items",
        )

    def _checked(self, data: Any, size: int, trail: _CursorTrail) -> tuple[list[Any], str | None]:
        """A page's items and the cursor to follow, every stop rule applied."""
        raw_items, cursor = self._unpack(data)
        if len(raw_items) > size:
            raise self._invalid(
                f"the server sent {len(raw_items)} items for limit={size}; the page is "
                "refused, since its cursor would skip items on resume",
                f"{len(raw_items)} items",
            )
        if not raw_items:
            return raw_items, None
        if cursor is not None and trail.repeats(cursor):
            log.warning(
                "%s %s returned the cursor %s a second time; stopping the listing",
                self._method,
                self._path,
                preview(cursor, 100),
            )
            return raw_items, None
        return raw_items, cursor

    def _next_limit(self, remaining: int | None) -> int:
        return self._limit if remaining is None else min(self._limit, remaining)

    def _unpack(self, data: Any) -> tuple[list[Any], str | None]:
        if data.__class__ is DecodedPage:
            return data.items, data.next_starting_after or None
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise self._invalid(
                "a list response must be an object with an 'items' array", preview(data)
            )
        cursor = data.get("next_starting_after")
        if cursor is None or cursor == "":
            return data["items"], None
        if not isinstance(cursor, str):
            # Sent back as "False" or "[]" it would restart or derail the listing.
            raise self._invalid(
                f"next_starting_after must be a cursor string or null, got {preview(cursor, 100)}",
                preview(cursor),
            )
        return data["items"], cursor

    def _invalid(self, message: str, body: str) -> APIResponseValidationError:
        return APIResponseValidationError(
            message, method=self._method, path=self._path, status_code=200, body=body
        )
