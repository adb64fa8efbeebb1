"""Bulk jobs: run one async operation over many items, accounting for each.

A fixed pool of workers pulls from the input, so a job over a million ids (or
over a live listing) never creates a million tasks or holds the input in
memory.  The pool only caps requests in flight; the client's rate limiter sets
the pace.  Every item the job read (and every item of a collection with a
length) ends in exactly one of ``succeeded``, ``failed`` or ``not_attempted``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Sized,
)
from typing import Any, Generic, TypeVar

import attrs

from ._exceptions import (
    AuthenticationError,
    InvalidArgumentError,
    PaymentRequiredError,
    PermissionDeniedError,
)

__all__ = ["DEFAULT_ABORT_ON", "BulkJob", "BulkResult", "Failure", "Progress"]

T = TypeVar("T")
R = TypeVar("R")

_DONE = object()

#: Failures that stop a job at once: with a wrong key, a key without the
#: scope, or an unpaid workspace every further item would fail the same way.
DEFAULT_ABORT_ON: tuple[type[BaseException], ...] = (
    AuthenticationError,
    PermissionDeniedError,
    PaymentRequiredError,
)


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
    """What became of every item.

    ``succeeded`` pairs each item with its result (``None`` unless the job
    keeps values).  ``aborted_by`` is the exception that stopped the job
    early, if one did: a failure matching ``abort_on``, the first failure
    under ``stop_on_error``, or the input's own error.
    """

    succeeded: list[tuple[T, R]] = attrs.Factory(list)
    failed: list[Failure[T]] = attrs.Factory(list)
    not_attempted: list[T] = attrs.Factory(list)
    elapsed: float = 0.0
    cancelled: bool = False
    aborted_by: BaseException | None = None

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
        if self.aborted_by is not None:
            # The class only: a message built from a response stays out of summaries.
            text += f" [aborted by {type(self.aborted_by).__name__}]"
        return text + (" [cancelled]" if self.cancelled else "")


def check_items(items: object, name: str = "items") -> None:
    """Refuse what is not a collection of items before anything is sent.

    A string is iterable, so ``pause_many("abc-123")`` would otherwise pause
    the campaigns "a", "b", "c"...
    """
    if isinstance(items, (str, bytes, bytearray)):
        raise InvalidArgumentError(
            f"{name} must be an iterable of items, not a single "
            f"{type(items).__name__}: wrap one id in a list"
        )
    if not isinstance(items, (Iterable, AsyncIterable)):
        raise InvalidArgumentError(
            f"{name} must be an iterable or async iterable, got {type(items).__name__}"
        )


def _sized(items: object) -> bool:
    # An in-memory collection (not a one-shot iterator): what the job never
    # read can still be listed under not_attempted, and its length is the total.
    return (
        isinstance(items, Sized) and isinstance(items, Iterable) and not isinstance(items, Iterator)
    )


class BulkJob(Generic[T, R]):
    """Run ``operation`` over ``items`` (any iterable or async iterable).

    ``await BulkJob(client.campaigns.pause, ids)`` runs the job and returns its
    :class:`BulkResult`; one item's failure never stops the others, except a
    failure of a class in ``abort_on`` (by default authentication, permission
    and payment errors: every further item would fail the same way), or any
    failure with ``stop_on_error``.  A stop lets the requests in flight finish,
    attempts nothing more, and sets ``result.aborted_by``.

    The input is read lazily, one item as a worker frees up, so a generator of
    a million ids (or an endless one) is never read ahead.  A collection with a
    length (list, tuple, set...) is accounted for whole: what a stopped job
    never read goes under ``not_attempted``.  A one-shot iterator or async
    iterator is not read further than needed: its unread items stay in it.

    The result pairs each succeeded item with ``None`` unless
    ``keep_values=True`` asks for the operation's return values; so by
    default a job holds the account of its items (ids), never every returned
    model.

    A source that raises stops the job: nothing more is read or started, the
    requests in flight finish, every item read is accounted for, and then the
    source's own exception propagates with the partial result attached as
    ``exc.result`` (and ``result.aborted_by`` set to it).

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
        abort_on: tuple[type[BaseException], ...] = DEFAULT_ABORT_ON,
        on_progress: Callable[[Progress], Any] | None = None,
        total: int | None = None,
        keep_values: bool = False,
    ) -> None:
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise InvalidArgumentError(
                f"concurrency must be a positive integer, got {concurrency!r}"
            )
        check_items(items)
        if not isinstance(abort_on, tuple) or not all(
            isinstance(cls, type) and issubclass(cls, BaseException) for cls in abort_on
        ):
            raise InvalidArgumentError(
                f"abort_on must be a tuple of exception classes, got {abort_on!r}"
            )
        self._operation = operation
        self._items = items
        self._concurrency = concurrency
        self._stop_on_error = stop_on_error
        self._abort_on = abort_on
        self._on_progress = on_progress
        if total is None and _sized(items):
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
        sync_items: Iterator[T] | None = None
        async_items: AsyncIterator[T] | None = None
        if isinstance(items, AsyncIterable):
            async_items = items.__aiter__()
        else:
            sync_items = iter(items)
        source_error: list[Exception] = []

        def halt(cause: BaseException) -> None:
            if result.aborted_by is None:
                result.aborted_by = cause
            stop.set()

        async def read() -> T:
            # StopAsyncIteration / StopIteration end the input.
            if async_items is not None:
                return await async_items.__anext__()
            assert sync_items is not None
            try:
                return next(sync_items)
            except StopIteration:
                raise StopAsyncIteration from None

        async def feed() -> None:
            # Checked before every read: a stopped job reads no further.
            while not stop.is_set():
                try:
                    item = await read()
                except StopAsyncIteration:
                    break
                except Exception as exc:
                    # Not raised here: that would cancel the requests in
                    # flight, whose outcome would then be unknown.
                    source_error.append(exc)
                    halt(exc)
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
                    if self._stop_on_error or isinstance(exc, self._abort_on):
                        halt(exc)
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
            if async_items is not None and async_items is not items:
                # The iterator is ours (made from an iterable such as a listing):
                # close it now rather than when it is collected.
                aclose = getattr(async_items, "aclose", None)
                if aclose is not None:
                    await aclose()
            if sync_items is not None and not source_error and _sized(items):
                result.not_attempted.extend(sync_items)
            result.elapsed = time.monotonic() - start
        if source_error:
            error = source_error[0]
            with contextlib.suppress(AttributeError):
                error.result = result  # type: ignore[attr-defined]
            raise error
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
