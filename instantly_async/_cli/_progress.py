"""Progress on stderr: a rich live bar on a terminal, plain lines otherwise.

``rich`` comes with the ``cli`` extra (``pip install 'instantly-async[cli]'``);
without it, or when stderr is not a terminal, progress is a plain line every
tenth of the job or every two seconds.  Either way ``finish`` draws the final
state from the job's result, so the last thing shown equals the summary.
"""

from __future__ import annotations

import time
from typing import Any, Protocol, TextIO

from .._bulk import Progress

_PLAIN_EVERY = 2.0  # seconds between plain lines, at most


class Display(Protocol):
    def update(self, p: Progress) -> None: ...

    def finish(self, succeeded: int, failed: int, elapsed: float) -> None: ...


def _eta(p: Progress) -> str:
    if p.total is None or p.rate <= 0:
        return ""
    left = max(p.total - p.done, 0) / p.rate
    return f", ETA {int(left) // 60}:{int(left) % 60:02d}"


class Silent:
    def update(self, p: Progress) -> None:
        pass

    def finish(self, succeeded: int, failed: int, elapsed: float) -> None:
        pass


class PlainLines:
    """``pause campaigns: 120/1547, 2 failed, 97/s, ETA 0:15`` now and then; never redrawn."""

    def __init__(self, stream: TextIO, label: str, total: int | None) -> None:
        self.stream, self.label, self.total = stream, label, total
        self._last_time = time.monotonic()
        self._last_tenth = 0

    def _line(self, p: Progress, end: str) -> str:
        of = f"/{p.total}" if p.total is not None else ""
        return f"{self.label}: {p.done}{of}, {p.failed} failed, {p.rate:.0f}/s{end}\n"

    def update(self, p: Progress) -> None:
        now = time.monotonic()
        tenth = 10 * p.done // p.total if p.total else 0
        if tenth > self._last_tenth or now - self._last_time >= _PLAIN_EVERY:
            self._last_time, self._last_tenth = now, tenth
            self.stream.write(self._line(p, _eta(p)))
            self.stream.flush()

    def finish(self, succeeded: int, failed: int, elapsed: float) -> None:
        done = succeeded + failed
        final = Progress(
            done=done, succeeded=succeeded, failed=failed, total=self.total, elapsed=elapsed
        )
        self.stream.write(self._line(final, ", finished"))
        self.stream.flush()


class RichBar:
    """rich's live display, its columns chosen to fit the terminal's width."""

    def __init__(self, stream: TextIO, label: str, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        console = Console(file=stream, highlight=False, soft_wrap=False)
        columns: list[Any] = []
        if console.width >= 72:
            columns.append(TextColumn(label))
        columns.append(BarColumn(bar_width=None))
        columns.append(
            MofNCompleteColumn() if total is not None else TextColumn("{task.completed} done")
        )
        columns.append(TextColumn("[red]{task.fields[failed]} failed"))
        columns.append(TextColumn("{task.fields[rate]:.0f}/s"))
        if total is not None:
            columns.append(TimeRemainingColumn(compact=True))
        self._progress = RichProgress(
            *columns, console=console, expand=True, refresh_per_second=8, transient=False
        )
        self._task = self._progress.add_task(label, total=total, failed=0, rate=0.0)
        self.total = total
        self._progress.start()

    def update(self, p: Progress) -> None:
        self._progress.update(self._task, completed=p.done, failed=p.failed, rate=p.rate)

    def finish(self, succeeded: int, failed: int, elapsed: float) -> None:
        done = succeeded + failed
        # An unknown total is known now: the bar ends full, at what was done.
        self._progress.update(
            self._task,
            completed=done,
            total=self.total if self.total is not None else done,
            failed=failed,
            rate=done / elapsed if elapsed > 0 else 0.0,
        )
        self._progress.stop()


def open_display(stream: TextIO, label: str, total: int | None, *, quiet: bool) -> Display:
    if quiet:
        return Silent()
    try:
        tty = stream.isatty()
    except ValueError:
        tty = False
    if tty:
        try:
            return RichBar(stream, label, total)
        except ImportError:
            pass
    return PlainLines(stream, label, total)
