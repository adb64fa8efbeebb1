"""What every resource shares: the way to send one request and structure its answer."""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Sized,
)
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._bulk import DEFAULT_ABORT_ON, BulkJob, Progress, check_items
from .._converter import structure
from .._exceptions import InvalidArgumentError
from .._pagination import AsyncPaginator
from .._params import page_limit, query
from .._typed import model_decoder, page_decoder

if TYPE_CHECKING:
    from .._client import AsyncInstantly

T = TypeVar("T")
R = TypeVar("R")

# Enough requests in flight to reach 100/s at up to ~300 ms of latency; the
# rate limiter, not this number, sets the pace.
DEFAULT_BULK_CONCURRENCY = 32


class Resource:
    __slots__ = ("_client",)

    def __init__(self, client: AsyncInstantly) -> None:
        self._client = client

    async def _send(
        self,
        method: str,
        path: str,
        cast_to: type[T],
        *,
        params: Any = None,
        body: Any = None,
        safe_to_retry: bool,
    ) -> T:
        # One expression: no local holds the raw response for a traceback's locals to show.
        return structure(
            await self._client._request(
                method,
                path,
                params=params,
                body=body,
                safe_to_retry=safe_to_retry,
                decode=model_decoder(cast_to),
            ),
            cast_to,
            method=method,
            path=path,
            strict=self._client._strict,
        )

    def _paginate(
        self,
        path: str,
        item_type: type[T],
        filters: list[tuple[str, str]],
        *,
        limit: int,
        starting_after: str | None,
        max_items: int | None,
    ) -> AsyncPaginator[T]:
        page_limit(limit)
        if max_items is not None and (
            isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1
        ):
            raise InvalidArgumentError(
                f"max_items must be a positive integer or None, got {max_items!r}"
            )
        if starting_after is not None and (
            not isinstance(starting_after, str) or not starting_after
        ):
            raise InvalidArgumentError("starting_after must be a non-empty cursor string or None")
        request = self._client._request
        decode = page_decoder(item_type)

        async def fetch(cursor: str | None, size: int) -> Any:
            params = [*filters, *query(("limit", size), ("starting_after", cursor))]
            return await request("GET", path, params=params, safe_to_retry=True, decode=decode)

        return AsyncPaginator(
            fetch,
            item_type,
            method="GET",
            path=path,
            limit=limit,
            starting_after=starting_after,
            max_items=max_items,
            strict=self._client._strict,
        )


def target_ids(targets: Iterable[Any] | AsyncIterable[Any]) -> Iterable[Any] | AsyncIterable[Any]:
    """Bulk targets as ids, so a job's account holds small strings, not models.

    An in-memory collection is mapped at once (it is already in memory, and
    keeps its length for progress and for accounting what a stopped job never
    read); an iterator or async iterable, such as a generator or a listing, is
    mapped as it is read.
    """
    check_items(targets, "targets")
    if isinstance(targets, AsyncIterable):
        return _AsyncIds(targets)
    if isinstance(targets, Sized) and not isinstance(targets, Iterator):
        return [getattr(t, "id", t) for t in targets]
    return (getattr(t, "id", t) for t in targets)


class _AsyncIds:
    """``targets`` read as ids: an iterable, not an iterator, so the job that
    iterates it owns the generator and closes it when it ends, early or not
    (a listing's prefetch included), instead of leaving that to the collector."""

    __slots__ = ("_targets",)

    def __init__(self, targets: AsyncIterable[Any]) -> None:
        self._targets = targets

    def __aiter__(self) -> AsyncGenerator[Any, None]:
        return _async_ids(self._targets)


async def _async_ids(targets: AsyncIterable[Any]) -> AsyncGenerator[Any, None]:
    iterator = targets.__aiter__()
    try:
        async for target in iterator:
            yield getattr(target, "id", target)
    finally:
        # Made here (from a listing, say): closed here, prefetch included.
        aclose = getattr(iterator, "aclose", None)
        if iterator is not targets and aclose is not None:
            await aclose()


class BulkOperation(Generic[R]):
    """Declares ``<operation>_many`` from a resource's single-item operation.

    ``pause_many = BulkOperation(pause)`` in a resource class gives
    ``client.campaigns.pause_many(targets, ...)``, a :class:`BulkJob` over
    ``pause``.  ``targets`` may be any iterable or async iterable of ids or
    models, a listing or a generator included (read lazily, never held
    whole); every target read ends up in the result, by id, as succeeded
    (with the returned model only when ``keep_values=True``), failed or not
    attempted.  ``abort_on`` and ``stop_on_error`` are :class:`BulkJob`'s.
    """

    def __init__(self, operation: Callable[[Any, Any], Awaitable[R]]) -> None:
        self._operation = operation
        self.__doc__ = f"Run ``{operation.__name__}`` over many targets as one bulk job."

    def __get__(self, resource: Any, owner: type | None = None) -> BoundBulkOperation[R]:
        return BoundBulkOperation(self._operation, resource)


class BoundBulkOperation(Generic[R]):
    __slots__ = ("_operation", "_resource")

    def __init__(self, operation: Callable[[Any, Any], Awaitable[R]], resource: Any) -> None:
        self._operation = operation
        self._resource = resource

    def __call__(
        self,
        targets: Iterable[Any] | AsyncIterable[Any],
        *,
        concurrency: int = DEFAULT_BULK_CONCURRENCY,
        stop_on_error: bool = False,
        abort_on: tuple[type[BaseException], ...] = DEFAULT_ABORT_ON,
        on_progress: Callable[[Progress], Any] | None = None,
        keep_values: bool = False,
    ) -> BulkJob[str, R]:
        operation, resource = self._operation, self._resource

        async def one(target_id: str) -> R:
            return await operation(resource, target_id)

        return BulkJob(
            one,
            target_ids(targets),
            concurrency=concurrency,
            stop_on_error=stop_on_error,
            abort_on=abort_on,
            on_progress=on_progress,
            keep_values=keep_values,
        )
