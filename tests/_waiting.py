"""Synchronisation for tests: poll a condition against a deadline instead of sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

# Far beyond anything a healthy run needs, even with the machine loaded; the
# per-test timeout (pyproject) is the backstop.
DEADLINE = 20.0


async def wait_until(condition: Callable[[], bool], what: str, timeout: float = DEADLINE) -> None:
    """Return as soon as ``condition()`` holds; fail the test if it does not within ``timeout``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for: {what}")
        await asyncio.sleep(0.001)


def client_paused(client: object) -> bool:
    """Whether a client is holding every request back after a 429."""
    pause = client._transport.sessions._limiter  # type: ignore[attr-defined]
    return pause is not None and pause._not_before > asyncio.get_running_loop().time()


def awaiting(task: asyncio.Task[object], name: str) -> bool:
    """Whether ``task`` is suspended inside a coroutine whose name contains ``name``."""
    coro: object = task.get_coro()
    while coro is not None:
        code = getattr(coro, "cr_code", None) or getattr(coro, "ag_code", None)
        if code is not None and name in code.co_name:
            return True
        coro = getattr(coro, "cr_await", None)
    return False
