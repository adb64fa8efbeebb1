"""Run one bulk job the CLI way: progress, per-target results, exact summary, Ctrl-C.

Finite targets (ids from arguments, a file or stdin) are handed to ``BulkJob``
as a list, so every id never attempted is reported as such; targets streamed
from a listing are counted as they are read.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TextIO

import attrs

from .._bulk import DEFAULT_ABORT_ON, BulkJob, BulkResult
from .._client import AsyncInstantly, ClientMetrics
from .._exceptions import InstantlyError
from ._errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from ._progress import open_display
from ._report import Counters, ResultsFile, reason, write_failed_ids, write_summary


@attrs.frozen(kw_only=True)
class JobOptions:
    concurrency: int = 32
    stop_on_error: bool = False
    results: str | None = None
    failed_ids: str | None = None
    quiet: bool = False


class _Counted:
    """An async source of ids that knows how many it has handed out."""

    def __init__(self, source: AsyncIterator[Any]) -> None:
        self.source = source
        self.read = 0
        self.stream = self.ids()

    async def ids(self) -> AsyncIterator[str]:
        async for target in self.source:
            self.read += 1
            yield getattr(target, "id", target)

    async def close(self) -> None:
        for iterator in (self.stream, self.source):
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                await aclose()


class _NotSent(Exception):
    """A target taken by a worker after the job stopped: never sent."""


def _unsent_are_not_attempted(result: BulkResult[str, Any]) -> BulkResult[str, Any]:
    unsent = [f.item for f in result.failed if isinstance(f.error, _NotSent)]
    if unsent:
        result.failed = [f for f in result.failed if not isinstance(f.error, _NotSent)]
        result.not_attempted[:0] = unsent
    return result


def _counters(before: ClientMetrics, after: ClientMetrics) -> Counters:
    """What the client did over the job (it may have listed or confirmed before)."""
    return Counters(
        requests=after.requests - before.requests,
        attempts=after.attempts - before.attempts,
        retries=after.retries - before.retries,
        rate_limited=after.rate_limited - before.rate_limited,
        limiter_wait=after.limiter_wait - before.limiter_wait,
    )


async def run_job(
    client: AsyncInstantly,
    operation: Callable[[str], Awaitable[Any]],
    targets: list[str] | AsyncIterator[Any],
    *,
    label: str,
    options: JobOptions,
    err: TextIO,
    total: int | None = None,
) -> tuple[int, BulkResult[str, Any]]:
    """Run the job to the end (or to Ctrl-C); report; return the exit code and the result."""
    results = ResultsFile(options.results)
    counted = None if isinstance(targets, list) else _Counted(targets)

    # The first request goes alone: with a wrong key (every request fails the
    # same way) one request is sent, not one per worker already waiting on
    # the rate limiter.  After a stop, a worker that took a target sends nothing.
    first = asyncio.Event()
    taken = False
    halted = False

    async def attempt(target: str) -> Any:
        nonlocal taken, halted
        if taken:
            await first.wait()
        taken = True
        if halted:
            raise _NotSent
        try:
            value = await operation(target)
        except BaseException as exc:
            if isinstance(exc, DEFAULT_ABORT_ON) or options.stop_on_error:
                halted = True
            results.write(target, "failed", exc)
            raise
        finally:
            first.set()
        results.write(target, "succeeded")
        return value

    if isinstance(targets, list):
        total = len(targets)
    display = open_display(err, label, total, quiet=options.quiet)
    job: BulkJob[str, Any] = BulkJob(
        attempt,
        targets if counted is None else counted.stream,
        concurrency=options.concurrency,
        stop_on_error=options.stop_on_error,
        on_progress=display.update,
        keep_values=False,
        total=total,
    )
    before = client.metrics
    interrupted = False
    source_error: InstantlyError | None = None
    try:
        await job
    except asyncio.CancelledError:
        interrupted = True
    except InstantlyError as exc:  # only reading a listing raises: item errors are results
        source_error = exc
    finally:
        if counted is not None:
            await counted.close()
        result = _unsent_are_not_attempted(job.result)
        display.finish(len(result.succeeded), len(result.failed), result.elapsed)
        for target in result.not_attempted:
            results.write(target, "not_attempted")
        results.close()
    write_failed_ids(options.failed_ids, result)

    stopped = None
    if interrupted:
        stopped = "interrupted: every target above is accounted for"
    elif source_error is not None:
        stopped = f"reading the targets failed: {reason(source_error)}"
    elif result.aborted_by is not None:
        if options.stop_on_error:
            stopped = "at the first failure (--stop-on-error)"
        else:
            stopped = (
                f"at once on {reason(result.aborted_by)}: every other target would fail the same "
                "way (check --api-key / INSTANTLY_API_KEY and the workspace's plan)"
            )
    selected = None
    if counted is not None and stopped:
        selected = counted.read
    if not options.quiet:
        write_summary(
            result,
            err,
            counters=_counters(before, client.metrics),
            stopped=stopped,
            selected=selected,
        )
    elif not result.ok:
        err.write(
            f"error: {len(result.failed)} failed, {len(result.not_attempted)} not attempted"
            f" of {result.total}\n"
        )
    if interrupted:
        return EXIT_INTERRUPTED, result
    return (EXIT_OK if result.ok and not stopped else EXIT_FAILED), result
