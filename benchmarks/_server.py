"""Start a server (the fake, or the lean one) in its own process; always stop it by pid."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_START_TIMEOUT = 60.0  # seeding 10,000 campaigns on a busy machine takes a few seconds
_STOP_TIMEOUT = 10.0


@dataclass
class FakeServer:
    """A running server: its base URL, seeded ids and, once stopped, its stats."""

    base_url: str
    ids: list[str]
    pid: int
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def rate_limited(self) -> int:
        return int(self.stats.get("rate_limited", 0))


def read_line(proc: subprocess.Popen[str], timeout: float, what: str = "the fake server") -> str:
    """The next stdout line, or a RuntimeError if none comes within ``timeout``."""
    assert proc.stdout is not None
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    if not box or not box[0]:
        raise RuntimeError(f"{what} (pid {proc.pid}) did not start")
    return box[0]


def _stop(proc: subprocess.Popen[str]) -> str:
    """SIGTERM by pid, then SIGKILL if it lingers; return what it printed after the URL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
    try:
        rest, _ = proc.communicate(timeout=_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate()
    return rest or ""


@contextlib.contextmanager
def _server_process(module: str, options: list[str]) -> Iterator[FakeServer]:
    """Run ``python -m module *options``, learn its URL and ids, stop it by pid afterwards."""
    with tempfile.TemporaryDirectory(prefix="instantly-bench-") as tmp:
        ids_path = os.path.join(tmp, "ids.txt")
        argv = [sys.executable, "-m", module, *options, "--ids-file", ids_path, "--watch-stdin"]
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        proc = subprocess.Popen(
            argv, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        server: FakeServer | None = None
        try:
            line = read_line(proc, _START_TIMEOUT)
            if not line.startswith("listening on "):
                raise RuntimeError(f"unexpected output from {module}: {line!r}")
            url = line.split()[-1]
            if not url.startswith("http://127.0.0.1:"):
                raise RuntimeError(f"the server is not on 127.0.0.1: {url}")
            with open(ids_path, encoding="utf-8") as f:
                ids = [s for s in f.read().split() if s]
            server = FakeServer(base_url=url, ids=ids, pid=proc.pid)
            yield server
        finally:
            rest = _stop(proc)
            if server is not None:
                for out in rest.splitlines():
                    if out.startswith("stats "):
                        server.stats = json.loads(out[len("stats ") :])


@contextlib.contextmanager
def fake_server(
    *, seed: int = 0, latency: float = 0.0, rate_limit: tuple[int, int] | None = None
) -> Iterator[FakeServer]:
    """``with fake_server(seed=5000) as srv``: the project's fake runs for the block."""
    limit = "none" if rate_limit is None else f"{rate_limit[0]},{rate_limit[1]}"
    options = ["--port", "0", "--seed-campaigns", str(seed), "--latency", str(latency)]
    with _server_process("benchmarks._fakeproc", [*options, "--rate-limit", limit]) as server:
        yield server


@contextlib.contextmanager
def lean_server(*, campaigns: int, latency: float = 0.0) -> Iterator[FakeServer]:
    """``with lean_server(campaigns=10_000) as srv``: the lean server (``_lean``) for the block."""
    options = ["--port", "0", "--campaigns", str(campaigns), "--latency", str(latency)]
    with _server_process("benchmarks._lean", options) as server:
        yield server
