"""The API key never shows: not in a repr, a log record, an exception or a traceback."""

from __future__ import annotations

import logging
import traceback

import pytest
from aiohttp import web

import instantly_async as ia
from instantly_async import AsyncInstantly
from instantly_async.testing import FakeInstantly

from .conftest import API_KEY, FAST_RETRY, SCHEDULE, serve_route


async def test_key_absent_from_reprs_logs_and_errors(
    fake: FakeInstantly, caplog: pytest.LogCaptureFixture
) -> None:
    (c,) = fake.seed_campaigns(1, status=1)
    caught: list[BaseException] = []
    with caplog.at_level(logging.DEBUG):
        async with AsyncInstantly(
            api_key=API_KEY, base_url=fake.base_url, retry_policy=FAST_RETRY
        ) as client:
            texts = [
                repr(client),
                str(client),
                repr(client.campaigns),
                repr(client.with_options(timeout=1)),
            ]
            texts += [repr(vars(type(client)))]
            await client.campaigns.pause(c["id"])
            fake.faults.fail_next(1, status=500)
            await client.campaigns.get(c["id"])
            for status in (400, 401, 429, 500):
                fake.faults.fail_next(10, status=status)
                try:
                    await client.campaigns.get(c["id"])
                except ia.APIError as exc:
                    caught.append(exc)
            fake.faults.clear()
            fake.faults.drop_next(1)
            try:
                await client.campaigns.create(name="x", campaign_schedule=SCHEDULE)
            except ia.APIError as exc:
                caught.append(exc)
            fake.faults.delay_next(10, 1.0)
            try:
                await client.with_options(timeout=0.05, max_retries=0).campaigns.get(c["id"])
            except ia.APIError as exc:
                caught.append(exc)
    assert len(caught) == 6
    assert caplog.records, "debug logging produced nothing to check"
    for exc in caught:
        texts += [repr(exc), str(exc), "".join(traceback.format_exception(exc))]
        assert exc.__cause__ is None and exc.__context__ is None
    texts += [r.getMessage() for r in caplog.records]
    texts += [repr(r.__dict__) for r in caplog.records]
    for text in texts:
        assert API_KEY not in text


async def test_the_key_is_sent_as_a_bearer_token(
    client: AsyncInstantly, fake: FakeInstantly
) -> None:
    await client.campaigns.count_launched()
    assert fake.requests[-1].headers["Authorization"] == f"Bearer {API_KEY}"


async def test_headers_repr_is_redacted(client: AsyncInstantly) -> None:
    transport = client._transport
    assert API_KEY not in repr(transport._headers)  # a debugger or a locals dump shows this
    assert "<redacted>" in repr(transport._headers)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirects_are_not_followed(fake: FakeInstantly, status: int) -> None:
    # A 3xx from the API host would carry the key wherever Location points: a live
    # second server stands there, and must never hear from the client.
    stolen: list[str] = []

    async def elsewhere(request: web.Request) -> web.Response:
        stolen.append(f"{request.method} {request.path}")
        return web.json_response({"items": [], "count": 0})

    async with serve_route("*", "/{tail:.*}", elsewhere) as other:
        fake.faults.fail_next(2, status=status, body=b"", headers={"Location": other + "/steal"})
        async with AsyncInstantly(
            api_key=API_KEY, base_url=fake.base_url, retry_policy=FAST_RETRY, rate_limit=None
        ) as client:
            with pytest.raises(ia.APIStatusError) as got:
                await client.campaigns.count_launched()
            with pytest.raises(ia.APIStatusError) as posted:
                await client.campaigns.pause("c1")
    assert got.value.status_code == status and posted.value.status_code == status
    assert got.value.attempts == 1  # a redirect is an answer, not a failure to retry
    assert stolen == []
    assert [r.status for r in fake.requests] == [status, status]
