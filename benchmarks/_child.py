"""What every server the benchmarks start in a child process shares: how it learns to stop."""

from __future__ import annotations

import asyncio
import os
import signal
import sys


def stop_event(watch_stdin: bool) -> asyncio.Event:
    """An event set by SIGINT or SIGTERM and, with ``watch_stdin``, by EOF on stdin.

    EOF means the harness that started us is gone, however it ended, so the
    server never outlives it.  Call it inside the running loop.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    if watch_stdin:
        stdin = sys.stdin.fileno()

        def on_stdin() -> None:
            if not os.read(stdin, 4096):
                loop.remove_reader(stdin)
                stop.set()

        loop.add_reader(stdin, on_stdin)
    return stop
