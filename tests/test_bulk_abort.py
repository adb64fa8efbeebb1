"""Bulk jobs stop at once on failures every further item would repeat (``abort_on``)."""

from __future__ import annotations

from typing import Any

import pytest

from instantly_async import (
    AsyncInstantly,
    AuthenticationError,
    BulkJob,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
)
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY, FAST_RETRY


def accounted(result: Any) -> list[Any]:
    return [i for i, _ in result.succeeded] + [f.item for f in result.failed] + result.not_attempted


def pauses(fake: FakeInstantly) -> int:
    return sum(1 for r in fake.requests if r.method == "POST" and r.path.endswith("/pause"))


async def test_a_wrong_key_stops_the_job_after_the_requests_in_flight(
    fake: FakeInstantly,
) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(300, status=1)]
    async with AsyncInstantly(
        api_key="sk-wrong-key", base_url=fake.base_url, retry_policy=FAST_RETRY, rate_limit=None
    ) as client:
        job = client.campaigns.pause_many(ids, concurrency=32)
        result = await job
    sent = pauses(fake)
    # At most one request per worker: the ones already in flight when the first 401 came back.
    assert 1 <= sent <= 32, sent
    assert isinstance(result.aborted_by, AuthenticationError)
    assert len(result.failed) == sent
    assert all(isinstance(f.error, AuthenticationError) for f in result.failed)
    assert len(result.not_attempted) == 300 - sent
    assert sorted(accounted(result)) == sorted(ids)
    assert not result.ok and not result.cancelled
    assert "[aborted by AuthenticationError]" in result.summary()
    assert fake.stats.transitions["campaign.pause"] == 0


async def test_abort_on_streams_no_further_from_a_listing(fake: FakeInstantly) -> None:
    fake.seed_campaigns(1000, status=1)
    calls = 0

    async def forbidden(campaign_id: str) -> None:
        nonlocal calls
        calls += 1
        raise PermissionDeniedError(
            "forbidden", method="POST", path="/x", status_code=403, body="", error=None
        )

    async with AsyncInstantly(
        api_key=API_KEY, base_url=fake.base_url, retry_policy=FAST_RETRY, rate_limit=None
    ) as client:
        listing = client.campaigns.list(limit=10)
        result = await BulkJob(forbidden, listing, concurrency=4)
    assert calls == 1, calls
    assert isinstance(result.aborted_by, PermissionDeniedError)
    # The listing was read no further than the pool's queue: a page or two, not 100.
    pages = [r for r in fake.requests if r.method == "GET" and r.path == "/api/v2/campaigns"]
    assert len(pages) <= 3, len(pages)
    assert result.total == len(result.failed) + len(result.not_attempted) <= 30


async def test_abort_on_is_configurable(client: AsyncInstantly, fake: FakeInstantly) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(40, status=1)]
    targets = ["missing", *ids]
    stopped = await client.campaigns.pause_many(targets, concurrency=1, abort_on=(NotFoundError,))
    assert isinstance(stopped.aborted_by, NotFoundError)
    assert [f.item for f in stopped.failed] == ["missing"]
    assert sorted(stopped.not_attempted) == sorted(ids) and stopped.succeeded == []

    # An empty tuple: no failure stops the job.
    async with AsyncInstantly(
        api_key="sk-wrong-key", base_url=fake.base_url, retry_policy=FAST_RETRY, rate_limit=None
    ) as wrong:
        everything = await wrong.campaigns.pause_many(ids, concurrency=4, abort_on=())
    assert len(everything.failed) == 40 and everything.aborted_by is None
    assert "aborted" not in everything.summary()


async def test_stop_on_error_also_says_why(client: AsyncInstantly, fake: FakeInstantly) -> None:
    ids = [c["id"] for c in fake.seed_campaigns(10, status=1)]
    result = await client.campaigns.pause_many(["missing", *ids], concurrency=1, stop_on_error=True)
    assert isinstance(result.aborted_by, NotFoundError)


@pytest.mark.parametrize("abort_on", [AuthenticationError, [AuthenticationError], ("x",)])
async def test_abort_on_must_be_a_tuple_of_exception_classes(abort_on: Any) -> None:
    async def op(x: int) -> int:
        return x

    with pytest.raises(InvalidArgumentError, match="abort_on"):
        BulkJob(op, [1], abort_on=abort_on)
