"""Shared fixtures: a real fake Instantly server on 127.0.0.1 and a client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

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


@pytest.fixture
async def fake() -> AsyncIterator[FakeInstantly]:
    server = FakeInstantly(api_key=API_KEY)
    async with server.run():
        yield server


@pytest.fixture
async def client(fake: FakeInstantly) -> AsyncIterator[AsyncInstantly]:
    async with AsyncInstantly(
        api_key=API_KEY, base_url=fake.base_url, retry_policy=FAST_RETRY, rate_limit=None
    ) as c:
        yield c
