"""Backoff, Retry-After parsing and the retry bookkeeping of the request loop."""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time
from email.utils import formatdate

import pytest
from aiohttp import web

import instantly_async as ia
from instantly_async import AsyncInstantly, RetryPolicy
from instantly_async._retry import parse_retry_after

from .conftest import API_KEY, serve_route


def draws(policy: RetryPolicy, retry: int, retry_after: float | None = None) -> list[float]:
    return [policy.backoff(retry, retry_after) for _ in range(400)]


@pytest.mark.parametrize("retry", [0, 1, 2, 3, 6])
def test_backoff_is_full_jitter_under_a_doubling_ceiling(retry: int) -> None:
    policy = RetryPolicy(initial_delay=0.1, max_delay=3.0)
    ceiling = min(3.0, 0.1 * 2**retry)
    got = draws(policy, retry)
    # Uniform over [0, ceiling]: 400 draws reach both ends (each miss has odds below 1e-17).
    assert all(0.0 <= d <= ceiling for d in got)
    assert min(got) < 0.1 * ceiling and max(got) > 0.9 * ceiling


def test_retry_after_is_a_floor_with_a_little_jitter() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=8.0)
    got = draws(policy, 2, retry_after=3.0)
    # 3 s plus a tenth of the usual draw (ceiling 2 s): within [3.0, 3.2].
    assert all(3.0 <= d <= 3.2 for d in got)
    assert max(got) > 3.18 and min(got) < 3.02


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("-5", None),  # not delta-seconds: backoff decides
        ("1_0", None),
        ("nan", None),
        ("inf", None),
        ("-inf", None),
        ("soon", None),
        ("Wed, 99 Foo 2026 00:00:00 GMT", None),
    ],
)
def test_parse_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after({"Retry-After": value}) == expected


def test_parse_retry_after_dates_and_absence() -> None:
    assert parse_retry_after({}) is None
    later = parse_retry_after({"Retry-After": formatdate(time.time() + 30, usegmt=True)})
    assert later is not None and 28 <= later <= 31
    past = parse_retry_after({"Retry-After": formatdate(time.time() - 300, usegmt=True)})
    assert past == 0.0


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def logged_waits(caplog: pytest.LogCaptureFixture) -> list[str]:
    # The retry log line announces the wait, to the hundredth of a second.
    return [
        r.getMessage().rsplit("retrying in ", 1)[1]
        for r in caplog.records
        if r.name == "instantly_async" and "retrying in" in r.getMessage()
    ]


POLICY = RetryPolicy(max_retries=4, initial_delay=0.1, max_delay=1.0)


@pytest.mark.parametrize("kind", ["refused", "503", "bad_json"])
async def test_each_retry_waits_the_backoff_of_its_number(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(request: web.Request) -> web.Response:
        if kind == "503":
            return web.json_response({"message": "down"}, status=503)
        return web.Response(body=b'{"cut', content_type="application/json")

    # The same seed gives the same draws: retry k must wait backoff(k), k = 0, 1, ...
    random.seed(2026)
    expected = [f"{POLICY.backoff(k):.2f}s" for k in range(POLICY.max_retries)]
    async with serve_route("GET", "/api/v2/x", handler) as base:
        url = f"http://127.0.0.1:{closed_port()}" if kind == "refused" else base
        async with AsyncInstantly(
            api_key=API_KEY, base_url=url, rate_limit=None, retry_policy=POLICY
        ) as client:
            random.seed(2026)
            with (
                caplog.at_level(logging.INFO, "instantly_async"),
                pytest.raises(ia.APIError) as info,
            ):
                await client.request("GET", "/api/v2/x", safe_to_retry=True)
    assert logged_waits(caplog) == expected
    assert info.value.attempts == POLICY.max_retries + 1


async def test_an_undecodable_body_is_retried_then_reported_in_full() -> None:
    calls = [0]
    # Not even UTF-8: the error still carries the body, with the bad bytes replaced.
    body = b'{"id": "cut short \xff\xfe' + b"x" * 3000

    async def handler(request: web.Request) -> web.Response:
        calls[0] += 1
        return web.Response(body=body, content_type="application/json")

    async with (
        serve_route("*", "/api/v2/x", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=POLICY) as c,
    ):
        with pytest.raises(ia.APIResponseValidationError) as safe:
            await c.request("GET", "/api/v2/x", safe_to_retry=True)
        assert calls[0] == POLICY.max_retries + 1
        with pytest.raises(ia.APIResponseValidationError) as unsafe:
            await c.request("POST", "/api/v2/x", body={}, safe_to_retry=False)
        assert calls[0] == POLICY.max_retries + 2  # an unsafe write is never repeated
    err = safe.value
    assert err.message == "the response body is not valid JSON"
    assert (err.status_code, err.attempts) == (200, 5)
    assert err.body == body[:2000].decode("utf-8", "replace") and "\ufffd" in err.body
    assert unsafe.value.message == (
        "the response body is not valid JSON (HTTP 200: the operation was applied)"
    )
    assert unsafe.value.attempts == 1 and unsafe.value.status_code == 200


async def test_204_is_no_content_and_other_2xx_bodies_are_decoded() -> None:
    async def handler(request: web.Request) -> web.Response:
        status = int(request.query["status"])
        if status == 204:
            return web.Response(status=204)
        return web.json_response({"status": status}, status=status)

    async with (
        serve_route("*", "/api/v2/x", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=POLICY) as c,
    ):
        assert (
            await c.request("POST", "/api/v2/x", params={"status": "204"}, safe_to_retry=False)
            is None
        )
        for status in (200, 201, 202, 205):
            got = await c.request(
                "POST", "/api/v2/x", params={"status": str(status)}, safe_to_retry=False
            )
            assert got == {"status": status}
        # 300 is not a success, whatever its body says.
        with pytest.raises(ia.APIStatusError) as info:
            await c.request("POST", "/api/v2/x", params={"status": "300"}, safe_to_retry=False)
        assert info.value.status_code == 300


@pytest.mark.parametrize(("retry_after", "waited"), [("60", True), ("60.5", False)])
async def test_retry_after_up_to_the_cap_is_waited_for(retry_after: str, waited: bool) -> None:
    calls = [0]

    async def handler(request: web.Request) -> web.Response:
        calls[0] += 1
        return web.json_response({}, status=429, headers={"Retry-After": retry_after})

    # A cap of 60 s, as by default; the wait itself is cut short by the test's timeout.
    policy = RetryPolicy(max_retries=1, max_retry_after=60.0)
    async with (
        serve_route("GET", "/api/v2/x", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None, retry_policy=policy) as c,
    ):
        if waited:
            # Exactly the cap is still honoured: the client sleeps rather than raising.
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(c.request("GET", "/api/v2/x", safe_to_retry=True), 0.5)
        else:
            with pytest.raises(ia.RateLimitError) as info:
                await c.request("GET", "/api/v2/x", safe_to_retry=True)
            assert info.value.retry_after == 60.5 and info.value.attempts == 1
    assert calls[0] == 1


@pytest.mark.parametrize("retry_after", ["0.3", "1.2"])
async def test_a_retry_after_a_5xx_waits_out_its_retry_after(retry_after: str) -> None:
    # A 503 sets no 429 pause, so the retry's own wait is all that holds it back:
    # the retry reaches the server no earlier than Retry-After after the 503 left.
    loop = asyncio.get_running_loop()
    answered: list[float] = []
    arrived: list[float] = []

    async def handler(request: web.Request) -> web.Response:
        arrived.append(loop.time())
        if len(arrived) == 1:
            answered.append(loop.time())
            return web.json_response({}, status=503, headers={"Retry-After": retry_after})
        return web.json_response({"ok": True})

    async with (
        serve_route("GET", "/api/v2/x", handler) as base,
        AsyncInstantly(api_key=API_KEY, base_url=base, rate_limit=None) as c,
    ):
        assert await c.request("GET", "/api/v2/x", safe_to_retry=True) == {"ok": True}
    assert len(arrived) == 2
    assert arrived[1] - answered[0] >= float(retry_after), arrived[1] - answered[0]
