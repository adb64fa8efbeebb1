"""Cursor pagination over ``next_starting_after``.

Stop rules (the vendor's docs and its starter kit disagree on how a listing
ends, so every form is honoured): the cursor is missing or empty, a page has no
items (the last page with data may still carry a cursor), or a cursor comes
back that was already followed (a server bug that would otherwise loop forever;
logged as a warning).

One page is fetched ahead: as soon as a page's cursor is known the next request
leaves, before the page's items are structured and while the caller works on
them.  No more than one page is ever held beyond the caller's, so memory stays
flat however long the listing is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

import attrs

from ._converter import structure
from ._exceptions import APIResponseValidationError

__all__ = ["AsyncPaginator", "Page"]

T = TypeVar("T")
log = logging.getLogger("instantly_async")

# (starting_after, limit) -> the decoded JSON of one page
FetchPage = Callable[[str | None, int], Awaitable[Any]]


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
        async with contextlib.aclosing(self.pages()) as pages:
            async for page in pages:
                return page
        return Page(items=[], next_starting_after=None)

    async def _items(self) -> AsyncGenerator[T, None]:
        async with contextlib.aclosing(self.pages()) as pages:
            async for page in pages:
                for item in page.items:
                    yield item

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Yield pages in order; each carries the cursor to resume after it."""
        remaining = self._max_items
        seen: set[str] = set()
        if self._starting_after:
            seen.add(self._starting_after)
        task: asyncio.Task[Any] | None = asyncio.ensure_future(
            self._fetch(self._starting_after, self._next_limit(remaining))
        )
        first = True
        try:
            while task is not None:
                # The server, not the caller, is the bottleneck when we must wait here.
                fetch_is_slower = not task.done()
                data = await task
                task = None
                raw_items, cursor = self._unpack(data)
                if remaining is not None:
                    raw_items = raw_items[:remaining]  # a server ignoring `limit` cannot overshoot
                    remaining -= len(raw_items)
                if not raw_items:
                    cursor = None
                elif cursor in seen:
                    log.warning(
                        "%s %s returned the cursor %r a second time; stopping the listing",
                        self._method,
                        self._path,
                        cursor,
                    )
                    cursor = None
                if cursor is not None and remaining != 0:
                    seen.add(cursor)
                    # The next request leaves before this page is structured.
                    task = asyncio.ensure_future(self._fetch(cursor, self._next_limit(remaining)))
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
                    yield Page(
                        items=structure(
                            raw_items,
                            list[self._item_type],  # type: ignore[name-defined]
                            method=self._method,
                            path=self._path,
                            strict=self._strict,
                            where="$.items",
                        ),
                        next_starting_after=cursor,
                    )
                first = False
        finally:
            if task is not None and not task.done():
                task.cancel()
                task.add_done_callback(_retrieve)

    def _next_limit(self, remaining: int | None) -> int:
        return self._limit if remaining is None else min(self._limit, remaining)

    def _unpack(self, data: Any) -> tuple[list[Any], str | None]:
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise APIResponseValidationError(
                "a list response must be an object with an 'items' array",
                method=self._method,
                path=self._path,
                status_code=200,
                body=repr(data)[:2000],
            )
        cursor = data.get("next_starting_after")
        if cursor is not None and not isinstance(cursor, str):
            cursor = str(cursor)
        return data["items"], cursor or None
