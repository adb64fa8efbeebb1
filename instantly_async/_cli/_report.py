"""What a bulk command reports: the results file, the ids to retry, and the summary.

Every target a command was given ends in exactly one line of ``--results``
and one bucket of the summary: succeeded, failed, or not attempted.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, TextIO

import attrs

from .._bulk import BulkResult
from .._exceptions import APIStatusError
from ._errors import UsageError

IN_FLIGHT = "cancelled in flight (may or may not have been applied)"


def reason(error: BaseException) -> str:
    if isinstance(error, APIStatusError):
        return " ".join(
            part for part in (str(error.status_code), error.error or "", ":", error.message) if part
        ).replace(" :", ":")
    if isinstance(error, asyncio.CancelledError):
        return IN_FLIGHT
    return f"{type(error).__name__}: {getattr(error, 'message', None) or error}"


def _open(path: str | None) -> TextIO | None:
    if path is None:
        return None
    try:
        return open(path, "w", encoding="utf-8", buffering=1)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


class ResultsFile:
    """``--results``: one JSON line per target, written as each one ends (line-buffered)."""

    def __init__(self, path: str | None) -> None:
        self._file = _open(path)

    def write(self, target: str, outcome: str, error: BaseException | None = None) -> None:
        if self._file is None:
            return
        record = {
            "id": target,
            "outcome": outcome,
            "status": error.status_code if isinstance(error, APIStatusError) else None,
            "error": None if error is None else reason(error),
        }
        self._file.write(json.dumps(record) + "\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def write_failed_ids(path: str | None, result: BulkResult[Any, Any]) -> None:
    """``--failed-ids``: what a rerun with ``--from-file`` should retry."""
    if path is None:
        return
    handle = _open(path)
    assert handle is not None
    with handle:
        for failure in result.failed:
            handle.write(f"{failure.item}\n")
        for item in result.not_attempted:
            handle.write(f"{item}\n")


@attrs.frozen(kw_only=True)
class Counters:
    """The client's request counters over the job (``client.metrics``)."""

    requests: int = 0
    attempts: int = 0
    retries: int = 0
    rate_limited: int = 0
    limiter_wait: float = 0.0


def write_summary(
    result: BulkResult[Any, Any],
    out: TextIO,
    *,
    counters: Counters,
    stopped: str | None = None,
    selected: int | None = None,
) -> None:
    """The summary on stderr; ``selected`` is how many a filter had yielded when it stopped."""
    done = len(result.succeeded) + len(result.failed)
    rate = done / result.elapsed if result.elapsed > 0 else 0.0
    lines = [f"succeeded:     {len(result.succeeded)}", f"failed:        {len(result.failed)}"]
    by_reason: dict[str, list[Any]] = {}
    for failure in result.failed:
        by_reason.setdefault(reason(failure.error), []).append(failure.item)
    for why, items in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(str(i) for i in items[:5]) + (", ..." if len(items) > 5 else "")
        lines.append(f"  {len(items)} x {why} [{shown}]")
    lines.append(f"not attempted: {len(result.not_attempted)}")
    if selected is not None:
        lines.append(
            f"selected:      {selected} by the filter before the job stopped; "
            "the rest of the listing was not read"
        )
    lines.append(f"elapsed:       {result.elapsed:.2f}s ({rate:.1f} items/s)")
    lines.append(f"requests:      {counters.attempts} sent, {counters.retries} retried")
    # Summed over requests waiting side by side, so it can exceed the elapsed time.
    lines.append(f"limiter wait:  {counters.limiter_wait:.1f}s (all requests)")
    lines.append(f"429s seen:     {counters.rate_limited}")  # retried ones included
    if stopped:
        lines.append(f"stopped:       {stopped}")
    out.write("\n".join(lines) + "\n")
    out.flush()
