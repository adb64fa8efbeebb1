"""Shared fixtures: a real fake Instantly server on 127.0.0.1 and a client for it."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from aiohttp import web

from benchmarks._redisproc import RedisServer
from benchmarks._redisproc import redis_server as start_redis
from instantly_async import AsyncInstantly, RetryPolicy
from instantly_async.testing import FakeInstantly

API_KEY = "sk-test-5ecret-never-print-me"
# Retries in tests wait milliseconds, not seconds.
FAST_RETRY = RetryPolicy(max_retries=3, initial_delay=0.001, max_delay=0.01)

SCHEDULE: dict[str, Any] = {
    "schedules": [
        {
            "name": "Weekdays",
            "timing": {"from": "09:00", "to": "17:00"},
            "days": {"1": True, "2": True, "3": True, "4": True, "5": True},
            "timezone": "Etc/GMT+12",
        }
    ]
}

STAMP = "2026-01-01T00:00:00.000Z"


def minimal_campaign(item_id: str, *, name: str = "C", status: int = 1) -> dict[str, Any]:
    """The fewest fields a Campaign answer needs, for the one-route servers of the tests."""
    return {
        "id": item_id,
        "name": name,
        "status": status,
        "campaign_schedule": {"schedules": []},
        "timestamp_created": STAMP,
        "timestamp_updated": STAMP,
    }


@pytest.fixture
async def fake() -> AsyncIterator[FakeInstantly]:
    server = FakeInstantly(api_key=API_KEY)
    async with server.run():
        yield server


@pytest.fixture
async def client(fake: FakeInstantly) -> AsyncIterator[AsyncInstantly]:
    # Strict: whatever the fake answers must fit the models exactly, loose fields included.
    async with AsyncInstantly(
        api_key=API_KEY,
        base_url=fake.base_url,
        retry_policy=FAST_RETRY,
        rate_limit=None,
        strict=True,
    ) as c:
        yield c


# -- the whole suite is scanned for the API key ---------------------------------------------
# Every log record (the SDK's at DEBUG), every test's captured stdout, stderr and
# log, and every failure report must be free of API_KEY; a leak fails the session.

_LEAKS: list[str] = []


class _KeyScanner(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        text = logging.Formatter().format(record) + repr(record.args)
        if API_KEY in text:
            _LEAKS.append(f"log record from {record.name}: {record.getMessage()[:200]}")


def pytest_configure(config: pytest.Config) -> None:
    logging.getLogger().addHandler(_KeyScanner(logging.DEBUG))
    logging.getLogger("instantly_async").setLevel(logging.DEBUG)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    texts = [(name, content) for name, content in report.sections]
    texts.append(("failure report", report.longreprtext))
    for name, content in texts:
        if API_KEY in content:
            _LEAKS.append(f"{report.nodeid}: {name}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _LEAKS:
        print("\nTHE API KEY LEAKED into test output:\n  " + "\n  ".join(_LEAKS))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@contextlib.asynccontextmanager
async def serve_route(
    method: str, path: str, handler: Callable[[web.Request], Any]
) -> AsyncIterator[str]:
    """A one-route aiohttp server on 127.0.0.1 for what the fake never does; yields its URL."""
    app = web.Application()
    app.router.add_route(method, path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server on 127.0.0.1 (from the test extra's wheel), stopped by its pid."""
    with start_redis() as server:
        yield server
