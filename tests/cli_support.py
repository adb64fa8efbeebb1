"""Running the real command line against the fake server: in-process, as a subprocess, in a pty."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from instantly_async._cli import main
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY


class ThreadedFake:
    """The fake server on its own event loop in a thread, because ``main`` runs ``asyncio.run``."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("api_key", API_KEY)
        self.fake = FakeInstantly(**options)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> FakeInstantly:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self.loop).result(10)
        return self.fake

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def fake_server(**options: Any) -> Iterator[FakeInstantly]:
    with ThreadedFake(**options) as server:
        yield server


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSTANTLY_", "COLUMNS"))}
    env.update(extra)
    return env


def cli(
    fake: FakeInstantly,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    connect: bool = True,
) -> tuple[int, str, str]:
    """``main()`` in-process; ``connect`` appends the key, the fake's URL and no pacing."""
    extra = ["--api-key", API_KEY, "--base-url", fake.base_url, "--rate-limit", "none"]
    code = main([*args, *(extra if connect else [])])
    out, err = capsys.readouterr()
    assert API_KEY not in out and API_KEY not in err
    return code, out, err


def posts(fake: FakeInstantly) -> list[str]:
    return [r.path for r in fake.requests if r.method in ("POST", "DELETE", "PATCH")]


def run_cli(
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 60,
    python: list[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The real entry point in a child process."""
    done = subprocess.run(
        [*(python or [sys.executable, "-m", "instantly_async"]), *args],
        env=dict(env if env is not None else clean_env()),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert API_KEY not in done.stdout + done.stderr
    return done


def wait_for(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


class PtyRun:
    """A child with stdin, stdout and stderr on a pseudo-terminal of the given size."""

    def __init__(self, argv: list[str], env: Mapping[str, str], *, columns: int, rows: int = 24):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=dict(env), close_fds=True
        )
        os.close(slave)
        self.output = b""

    def read_until(self, needle: bytes, timeout: float = 60) -> bytes:
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            assert time.monotonic() < deadline, f"{needle!r} not seen in {self.output[-500:]!r}"
            if not self._read(0.1) and self.proc.poll() is not None:
                raise AssertionError(f"exited before {needle!r}: {self.output[-500:]!r}")
        return self.output

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        self.output += chunk
        return bool(chunk)

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def finish(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None or self._read(0):
            assert time.monotonic() < deadline, "the child did not exit"
            self._read(0.05)
        os.close(self.master)
        assert API_KEY.encode() not in self.output
        return self.proc.returncode
