"""Several OS processes sharing one workspace budget, against a fake in its own process.

``run_processes`` starts the counting fake (``_countingfake``), then
``processes`` workers (``_shareworker``), each pausing its share of ``items``
campaigns with a bulk job, with a shared (Redis) or local limiter.  Workers
start together on a ``go`` line; ``events`` run at given seconds after it
(stop Redis, SIGKILL a worker, ...).  Every process is stopped by its pid.
The result holds each worker's account and every request the fake saw, and
counts requests in sliding windows and per process.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._server import read_line

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_START_TIMEOUT = 60.0


def ideal_seconds(n: int, per_second: int = 100, per_minute: int = 6_000) -> float:
    """What the server admits at best: ``n / per_second``, then the minute window binds."""
    if n <= per_minute:
        return n / per_second
    return 60.0 * ((n - 1) // per_minute) + ((n - 1) % per_minute + 1) / per_second


def max_in_window(times: Sequence[float], seconds: float) -> int:
    """The most of ``times`` (sorted) in any window ``(t - seconds, t]``."""
    best = 0
    for i, t in enumerate(times):
        j = bisect.bisect_right(times, t - seconds, 0, i + 1)
        best = max(best, i - j + 1)
    return best


@dataclass
class Worker:
    tag: str
    proc: subprocess.Popen[str]
    out: str
    killed: bool = False
    report: dict[str, Any] | None = None


@dataclass
class Context:
    """What an event may act on."""

    workers: list[Worker]
    go: float = 0.0  # time.time() of the start

    def kill(self, index: int) -> None:
        """SIGKILL worker ``index`` by its pid."""
        worker = self.workers[index]
        worker.killed = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.proc.pid, signal.SIGKILL)


@dataclass
class Run:
    processes: int
    items: int
    per_second: int
    per_minute: int
    wall: float  # from the go to the last surviving worker's end
    go: float
    workers: list[Worker]
    server: dict[str, Any] = field(default_factory=dict)
    event_times: dict[str, float] = field(default_factory=dict)  # seconds after go

    @property
    def ideal(self) -> float:
        return ideal_seconds(self.items, self.per_second, self.per_minute)

    @property
    def arrivals(self) -> list[tuple[float, str, int | None]]:
        return sorted((t, tag, status) for t, tag, status in self.server["arrivals"])

    def times(self, tag: str | None = None, since: float = 0.0) -> list[float]:
        """Arrival times (seconds after go) of every request, or of one worker's."""
        return [
            t - self.go
            for t, who, _ in self.arrivals
            if (tag is None or who == tag) and t - self.go >= since
        ]

    def max_per(self, seconds: float) -> int:
        return max_in_window(self.times(), seconds)

    @property
    def rate_limited(self) -> int:
        return int(self.server["rate_limited"])

    def reports(self) -> list[dict[str, Any]]:
        return [w.report for w in self.workers if w.report is not None]

    @property
    def succeeded(self) -> int:
        return sum(r["succeeded"] for r in self.reports())

    def share(self, until: float) -> dict[str, int]:
        """Requests each worker got through (not 429) from the go to ``until`` seconds after."""
        counts = {w.tag: 0 for w in self.workers}
        for t, who, status in self.arrivals:
            if 0 <= t - self.go <= until and status != 429 and who in counts:
                counts[who] += 1
        return counts


def _stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM, timeout: float = 10.0) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, sig)
    try:
        proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()


def run_processes(
    *,
    processes: int,
    items: int,
    redis_url: str | None,
    name: str = "bench",
    rate_limit: tuple[int, int] = (100, 6_000),
    concurrency: int = 32,
    events: Sequence[tuple[float, str, Callable[[Context], None]]] = (),
    timeout: float | None = None,
) -> Run:
    """Run the job over ``processes`` workers; ``events`` are (seconds after go, label, action)."""
    per_second, per_minute = rate_limit
    if timeout is None:
        timeout = ideal_seconds(items, per_second, per_minute) * 4 + 60
    limit_arg = f"{per_second},{per_minute}"
    env = {**os.environ, "PYTHONPATH": _ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.TemporaryDirectory(prefix="instantly-multiproc-") as tmp:
        ids_file = os.path.join(tmp, "ids.txt")
        report_file = os.path.join(tmp, "server.json")
        fake = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks._countingfake",
                "--rate-limit",
                limit_arg,
                "--seed-campaigns",
                str(items),
                "--ids-file",
                ids_file,
                "--report",
                report_file,
            ],
            cwd=_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        workers: list[Worker] = []
        try:
            line = read_line(fake, _START_TIMEOUT)
            if not line.startswith("listening on http://127.0.0.1:"):
                raise RuntimeError(f"unexpected output from the fake server: {line!r}")
            base_url = line.split()[-1]
            per, extra = divmod(items, processes)
            first = 0
            for i in range(processes):
                count = per + (1 if i < extra else 0)
                tag = f"worker-{i}"
                out = os.path.join(tmp, f"{tag}.json")
                argv = [
                    sys.executable,
                    "-m",
                    "benchmarks._shareworker",
                    "--base-url",
                    base_url,
                    "--ids-file",
                    ids_file,
                    "--first",
                    str(first),
                    "--count",
                    str(count),
                    "--tag",
                    tag,
                    "--redis-url",
                    redis_url or "none",
                    "--name",
                    name,
                    "--rate-limit",
                    limit_arg,
                    "--concurrency",
                    str(concurrency),
                    "--out",
                    out,
                ]
                proc = subprocess.Popen(
                    argv,
                    cwd=_ROOT,
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                workers.append(Worker(tag=tag, proc=proc, out=out))
                first += count
            for w in workers:
                if read_line(w.proc, _START_TIMEOUT, w.tag).strip() != "ready":
                    raise RuntimeError(f"{w.tag} did not get ready")
            # The workers' warm-up requests leave the fake's one-second window.
            time.sleep(1.1)
            ctx = Context(workers=workers)
            go = time.time()
            ctx.go = go
            for w in workers:
                assert w.proc.stdin is not None
                w.proc.stdin.write("go\n")
                w.proc.stdin.flush()
            event_times: dict[str, float] = {}
            pending = sorted(events, key=lambda e: e[0])
            deadline = time.monotonic() + timeout
            while any(w.proc.poll() is None for w in workers):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the run did not finish in {timeout:.0f}s")
                now = time.time() - go
                while pending and pending[0][0] <= now:
                    _, label, action = pending.pop(0)
                    action(ctx)
                    event_times[label] = time.time() - go
                time.sleep(0.01)
            end = time.time()
            for w in workers:
                if w.killed:
                    continue
                if w.proc.returncode != 0:
                    raise RuntimeError(f"{w.tag} exited with {w.proc.returncode}")
                with open(w.out, encoding="utf-8") as f:
                    w.report = json.load(f)
            finished = [w.report["finished"] for w in workers if w.report is not None]
            wall = (max(finished) if finished else end) - go
        finally:
            for w in workers:
                _stop(w.proc, signal.SIGKILL, 5.0)
            _stop(fake)
        with open(report_file, encoding="utf-8") as f:
            server = json.load(f)
    return Run(
        processes=processes,
        items=items,
        per_second=per_second,
        per_minute=per_minute,
        wall=wall,
        go=go,
        workers=workers,
        server=server,
        event_times=event_times,
    )
