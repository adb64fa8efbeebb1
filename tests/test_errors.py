"""Error statuses and bodies, retries, timeouts and dropped connections."""

from __future__ import annotations

import asyncio
import pickle

import pytest

import instantly_async as ia
from instantly_async import AsyncInstantly, RetryPolicy
from instantly_async.testing import FakeInstantly

from ._waiting import client_paused, wait_until
from .conftest import API_KEY, FAST_RETRY, SCHEDULE

STATUS_CLASSES = [
    (400, ia.BadRequestError),
    (401, ia.AuthenticationError),
    (402, ia.PaymentRequiredError),
    (403, ia.PermissionDeniedError),
    (404, ia.NotFoundError),
    (409, ia.ConflictError),
    (422, ia.UnprocessableEntityError),
    (429, ia.RateLimitError),
    (500, ia.InternalServerError),
    (503, ia.InternalServerError),
]


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
async def test_each_status_maps_to_its_class(
    client: AsyncInstantly, fake: FakeInstantly, status: int, cls: type[ia.APIStatusError]
) -> None:
    (c,) = fake.seed_campaigns(1)
    # More failures than retries, so even retryable statuses surface.
    fake.faults.fail_next(10, status=status)
    with pytest.raises(cls) as info:
        await client.with_options(max_retries=0).campaigns.get(c["id"])
    err = info.value
    assert err.status_code == status
    assert err.method == "GET" and err.path == f"/api/v2/campaigns/{c['id']}"
    assert err.error  # the envelope's reason phrase
    assert str(status) in str(err)
    assert isinstance(err, ia.APIStatusError) and isinstance(err, ia.InstantlyError)


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (
            b'{"statusCode":400,"error":"Bad Request",'
            b'"message":"body must have required property \'name\'"}',
            "application/json",
            "body must have required property 'name'",
        ),
        (
            b'{"message":"New campaign name is required"}',
            "application/json",
            "New campaign name is required",
        ),
        (
            b"<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>",
            "text/html",
            "HTML error page: 502 Bad Gateway",
        ),
        (b"", "application/json", "Bad Request"),
        (b'{"statusCode":400,"err', "application/json", "malformed JSON error body"),
        (b"plain words", "text/plain", "plain words"),
    ],
)
async def test_error_bodies_of_every_shape(
    client: AsyncInstantly, fake: FakeInstantly, body: bytes, content_type: str, expected: str
) -> None:
    (c,) = fake.seed_campaigns(1)
    fake.faults.fail_next(1, status=400, body=body, content_type=content_type)
    with pytest.raises(ia.BadRequestError) as info:
        await client.campaigns.get(c["id"])
    assert expected in str(info.value)
    assert info.value.body == body.decode()


async def test_429_then_success(client: AsyncInstantly, fake: FakeInstantly) -> None:
    (c,) = fake.seed_campaigns(1, status=1)
    fake.faults.fail_next(2, status=429)
    paused = await client.campaigns.pause(c["id"])
    assert paused.status is ia.CampaignStatus.PAUSED
    assert fake.stats.by_status[429] == 2


async def test_429_is_retried_even_for_create(client: AsyncInstantly, fake: FakeInstantly) -> None:
    fake.faults.fail_next(1, status=429)
    created = await client.campaigns.create(name="X", campaign_schedule=SCHEDULE)
    assert list(fake.campaigns) == [created.id]


async def test_retry_after_is_honoured_and_pauses_every_caller(fake: FakeInstantly) -> None:
    (c,) = fake.seed_campaigns(1)
    policy = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001)
    async with AsyncInstantly(
        api_key=API_KEY, base_url=fake.base_url, retry_policy=policy, rate_limit=None
    ) as client:
        fake.faults.fail_next(1, status=429, headers={"Retry-After": "0.3"})
        first = asyncio.ensure_future(client.campaigns.get(c["id"]))
        # The 429 has been handled: the client is holding back; a second caller starts now.
        await wait_until(lambda: client_paused(client), "the pause")
        second = await client.campaigns.get(c["id"])
        assert (await first).id == second.id == c["id"]
    assert [r.status for r in fake.requests] == [429, 200, 200]
    refused, *later = [r.time for r in fake.requests]
    # Both the retry and the second caller's first attempt reached the server only
    # after Retry-After had passed (wall-clock stamps, taken on arrival).
    assert len(later) == 2 and min(later) - refused >= 0.3 - 0.01, (refused, later)


async def test_retry_after_beyond_the_cap_is_not_waited_for(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (c,) = fake.seed_campaigns(1)
    fake.faults.fail_next(1, status=429, headers={"Retry-After": "3600"})
    with pytest.raises(ia.RateLimitError) as info:
        await client.campaigns.get(c["id"])
    assert info.value.retry_after is not None and info.value.retry_after > 3000
    assert info.value.attempts == 1


async def test_500_on_a_get_is_retried(client: AsyncInstantly, fake: FakeInstantly) -> None:
    (c,) = fake.seed_campaigns(1)
    fake.faults.fail_next(2, status=500)
    got = await client.campaigns.get(c["id"])
    assert got.id == c["id"]
    assert fake.stats.by_status[500] == 2


async def test_500_on_a_create_is_not_retried_and_says_the_outcome_is_unknown(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    fake.faults.fail_next(1, status=500, phase="after")  # the server did create it
    with pytest.raises(ia.InternalServerError) as info:
        await client.campaigns.create(name="Once", campaign_schedule=SCHEDULE)
    err = info.value
    assert err.outcome_unknown and err.attempts == 1
    assert "outcome is unknown" in str(err)
    assert len(fake.campaigns) == 1  # created once, never twice


async def test_retries_run_out(client: AsyncInstantly, fake: FakeInstantly) -> None:
    (c,) = fake.seed_campaigns(1)
    fake.faults.fail_next(10, status=502)
    with pytest.raises(ia.InternalServerError) as info:
        await client.campaigns.get(c["id"])
    assert info.value.attempts == FAST_RETRY.max_retries + 1
    assert not info.value.outcome_unknown


async def test_a_dropped_connection_is_retried_for_safe_operations(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (c,) = fake.seed_campaigns(1, status=1)
    fake.faults.drop_next(1, phase="after")
    paused = await client.campaigns.pause(c["id"])
    assert paused.status is ia.CampaignStatus.PAUSED
    assert fake.stats.transitions["campaign.pause"] == 1


async def test_a_dropped_connection_on_create_is_unknown_outcome(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    fake.faults.drop_next(1, phase="after")
    with pytest.raises(ia.APIConnectionError) as info:
        await client.campaigns.create(name="Once", campaign_schedule=SCHEDULE)
    assert info.value.outcome_unknown
    assert info.value.method == "POST" and info.value.path == "/api/v2/campaigns"
    assert len(fake.campaigns) == 1


async def test_timeouts(fake: FakeInstantly) -> None:
    (c,) = fake.seed_campaigns(1)
    async with AsyncInstantly(
        api_key=API_KEY,
        base_url=fake.base_url,
        timeout=1.0,  # long enough for any healthy request on a loaded machine
        retry_policy=FAST_RETRY,
        rate_limit=None,
    ) as client:
        fake.faults.delay_next(1, 5.0)
        got = await client.campaigns.get(c["id"])  # the retry is fast
        assert got.id == c["id"]
        fake.faults.delay_next(10, 5.0)
        with pytest.raises(ia.APITimeoutError) as info:
            await client.with_options(max_retries=1).campaigns.get(c["id"])
        assert info.value.attempts == 2
        fake.faults.clear()
        fake.faults.delay_next(1, 5.0)
        with pytest.raises(ia.APITimeoutError) as unsafe:
            await client.campaigns.create(name="slow", campaign_schedule=SCHEDULE)
        assert unsafe.value.outcome_unknown


async def test_connection_refused_is_retried_then_raised() -> None:
    import socket

    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with AsyncInstantly(
        api_key=API_KEY,
        base_url=f"http://127.0.0.1:{port}",
        retry_policy=FAST_RETRY,
        rate_limit=None,
    ) as client:
        with pytest.raises(ia.APIConnectionError) as info:
            await client.campaigns.create(name="x", campaign_schedule=SCHEDULE)
    err = info.value
    # Never sent, so even a create is retried, and the outcome is known: nothing happened.
    assert err.attempts == FAST_RETRY.max_retries + 1
    assert not err.outcome_unknown
    assert "cannot connect" in str(err)


async def test_malformed_success_body(client: AsyncInstantly, fake: FakeInstantly) -> None:
    (c,) = fake.seed_campaigns(1)
    fake.faults.fail_next(10, status=200, body=b'{"id": "trunc')
    with pytest.raises(ia.APIResponseValidationError, match="not valid JSON"):
        await client.campaigns.get(c["id"])
    fake.faults.clear()
    fake.faults.fail_next(1, status=200, body=b'{"id": 5}')
    with pytest.raises(ia.APIResponseValidationError) as info:
        await client.campaigns.get(c["id"])
    assert "$." in str(info.value)  # names the failing field


async def test_unknown_fields_and_enum_values_do_not_break_parsing(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    (c,) = fake.seed_campaigns(1)
    fake.campaigns[c["id"]]["status"] = 77
    fake.campaigns[c["id"]]["brand_new_field"] = {"x": 1}
    got = await client.campaigns.get(c["id"])
    assert got.status == 77
    assert isinstance(got.status, ia.CampaignStatus)


def test_errors_pickle() -> None:
    err = ia.NotFoundError(
        "gone", method="GET", path="/x", status_code=404, error="Not Found", body="{}"
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is ia.NotFoundError
    assert str(back) == str(err) and back.status_code == 404
