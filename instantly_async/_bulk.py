"""Bulk jobs: run one async operation over many items, accounting for each.

A fixed pool of workers pulls from the input, so a job over a million ids (or
over a live listing) never creates a million tasks or holds the input in
memory.  The pool only caps requests in flight; the client's rate limiter sets
the pace.  Every item the job was given ends in exactly one of
``succeeded``, ``failed`` or ``not_attempted``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
)
from typing import Any, Generic, TypeVar

import attrs

from ._exceptions import InvalidArgumentError

__all__ = ["BulkJob", "BulkResult", "Failure", "Progress"]

T = TypeVar("T")
R = TypeVar("R")

_DONE = object()


@attrs.frozen(kw_only=True)
class Progress:
    """A snapshot handed to ``on_progress`` after each item finishes."""

    done: int
    succeeded: int
    failed: int
    total: int | None
    elapsed: float

    @property
    def rate(self) -> float:
        """Items finished per second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0


@attrs.frozen(kw_only=True)
class Failure(Generic[T]):
    """An item whose operation raised; ``error`` is the exception.

    An item in flight when the job was cancelled fails with
    ``asyncio.CancelledError``: its request may or may not have been applied.
    """

    item: T
    error: BaseException


@attrs.define(kw_only=True)
class BulkResult(Generic[T, R]):
    """What became of every item: ``succeeded`` pairs each item with its result."""

    succeeded: list[tuple[T, R]] = attrs.Factory(list)
    failed: list[Failure[T]] = attrs.Factory(list)
    not_attempted: list[T] = attrs.Factory(list)
    elapsed: float = 0.0
    cancelled: bool = False

    @property
    def total(self) -> int:
        return len(self.succeeded) + len(self.failed) + len(self.not_attempted)

    @property
    def ok(self) -> bool:
        """True when every item succeeded."""
        return not self.failed and not self.not_attempted

    def summary(self) -> str:
        done = len(self.succeeded) + len(self.failed)
        rate = done / self.elapsed if self.elapsed > 0 else 0.0
        text = (
            f"{len(self.succeeded)} succeeded, {len(self.failed)} failed, "
            f"{len(self.not_attempted)} not attempted in {self.elapsed:.2f}s ({rate:.1f}/s)"
        )
        return text + (" [cancelled]" if self.cancelled else "")


async def _aiter(items: Iterable[T] | AsyncIterable[T]) -> AsyncGenerator[T, None]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


class BulkJob(Generic[T, R]):
    """Run ``operation`` over ``items`` (any iterable or async iterable).

    ``await BulkJob(client.campaigns.pause, ids)`` runs the job and returns its
    :class:`BulkResult`; one item's failure never stops the others unless
    ``stop_on_error`` is set.

    With ``keep_values=False`` the result pairs each succeeded item with
    ``None`` instead of the operation's return value, so a job over a long
    listing holds only the items (ids), not every returned model.

    ``job.result`` is filled in as items finish, so after a cancellation or
    timeout (which propagate as usual) it still holds the partial account,
    with the items never started under ``not_attempted``.
    """

    def __init__(
        self,
        operation: Callable[[T], Awaitable[R]],
        items: Iterable[T] | AsyncIterable[T],
        *,
        concurrency: int = 16,
        stop_on_error: bool = False,
        on_progress: Callable[[Progress], Any] | None = None,
        total: int | None = None,
        keep_values: bool = True,
    ) -> None:
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise InvalidArgumentError(
                f"concurrency must be a positive integer, got {concurrency!r}"
            )
        self._operation = operation
        self._items = items
        self._concurrency = concurrency
        self._stop_on_error = stop_on_error
        self._on_progress = on_progress
        if total is None and hasattr(items, "__len__"):
            total = len(items)  # type: ignore[arg-type]
        self.total = total
        self._keep_values = keep_values
        self.result: BulkResult[T, R] = BulkResult()
        self._started = False

    def __await__(self) -> Generator[Any, None, BulkResult[T, R]]:
        return self.run().__await__()

    async def run(self) -> BulkResult[T, R]:
        if self._started:
            raise RuntimeError("a BulkJob runs once")
        self._started = True
        result = self.result
        start = time.monotonic()
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=self._concurrency)
        stop = asyncio.Event()
        items = self._items
        # A finite, in-memory input can account for what was never read; a
        # lazy async source (a live listing) is not read further than needed.
        rest: Iterator[T] | None = None if isinstance(items, AsyncIterable) else iter(items)
        source = _aiter(items if rest is None else rest)

        async def feed() -> None:
            async for item in source:
                if stop.is_set():
                    result.not_attempted.append(item)
                    break
                try:
                    await queue.put(item)
                except asyncio.CancelledError:
                    result.not_attempted.append(item)
                    raise
            for _ in range(self._concurrency):
                await queue.put(_DONE)

        async def work() -> None:
            while True:
                item = await queue.get()
                if item is _DONE:
                    return
                if stop.is_set():
                    result.not_attempted.append(item)
                    continue
                try:
                    value = await self._operation(item)
                except asyncio.CancelledError:
                    result.failed.append(Failure(item=item, error=asyncio.CancelledError()))
                    raise
                except Exception as exc:
                    result.failed.append(Failure(item=item, error=exc))
                    if self._stop_on_error:
                        stop.set()
                else:
                    result.succeeded.append((item, value if self._keep_values else None))  # type: ignore[arg-type]
                self._report(start)

        tasks = [asyncio.ensure_future(feed())]
        tasks += [asyncio.ensure_future(work()) for _ in range(self._concurrency)]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            result.cancelled = True
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        finally:
            while not queue.empty():
                item = queue.get_nowait()
                if item is not _DONE:
                    result.not_attempted.append(item)
            await source.aclose()
            if rest is not None:
                result.not_attempted.extend(rest)
            result.elapsed = time.monotonic() - start
        return result

    def _report(self, start: float) -> None:
        if self._on_progress is None:
            return
        r = self.result
        self._on_progress(
            Progress(
                done=len(r.succeeded) + len(r.failed),
                succeeded=len(r.succeeded),
                failed=len(r.failed),
                total=self.total,
                elapsed=time.monotonic() - start,
            )
        )
