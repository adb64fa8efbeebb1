"""Retry-After: ASCII delta-seconds (a decimal fraction tolerated) or an HTTP date; else backoff."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from aiohttp import web

import instantly_async as ia
from instantly_async import AsyncInstantly, RetryPolicy
from instantly_async._retry import parse_retry_after

from .conftest import API_KEY, serve_route


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), (" 7 ", 7.0), ("0", 0.0), ("2.5", 2.5), ("120", 120.0), ("007", 7.0)],
)
def test_delta_seconds_in_ascii_digits(value: str, seconds: float) -> None:
    assert parse_retry_after({"Retry-After": value}) == seconds


@pytest.mark.parametrize(
    "value",
    # Python spellings float() accepts, and other things that are not delta-seconds.
    [
        *["1_0", "3.5e0", "1e3", "\u0663", "\uff11", "inf", "nan", "-1", "+5", "0x10", "", "soon"],
        # Only spaces and tabs are trimmed (RFC 9110 whitespace): anything else spoils it.
        *["7\x0b", "\x0c7", "7\r", "\x1c7", "X7", "7X", "7 X"],
    ],
)
def test_anything_else_falls_back_to_backoff(value: str) -> None:
    assert parse_retry_after({"Retry-After": value}) is None


def test_an_http_date() -> None:
    future = datetime.now(timezone.utc) + timedelta(seconds=90)
    parsed = parse_retry_after({"Retry-After": format_datetime(future, usegmt=True)})
    assert parsed is not None and 85 <= parsed <= 91
    past = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert parse_retry_after({"Retry-After": past}) == 0.0


def test_a_minus_0000_date_is_utc_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # "-0000" parses to a naive datetime; read as local time it would be hours off.
    future = datetime.now(timezone.utc) + timedelta(seconds=90)
    header = format_datetime(future.replace(tzinfo=None))
    assert header.endswith(" -0000")
    for zone in ("JST-9", "EST+5"):  # POSIX TZ strings: east and west of UTC, no tz database
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        try:
            parsed = parse_retry_after({"Retry-After": header})
        finally:
            monkeypatch.undo()
            time.tzset()
        assert parsed is not None and 85 <= parsed <= 91, (zone, parsed)


def test_no_header() -> None:
    assert parse_retry_after({}) is None


@pytest.mark.parametrize(
    ("header", "honoured"),
    [
        ("1_0", False),  # float() reads 10
        ("3.5e0", False),  # float() reads 3.5
        ("\u0663", False),  # ARABIC-INDIC DIGIT THREE: float() reads 3
        ("3", True),
        ("2.5", True),
    ],
)
async def test_the_client_honours_only_real_delta_seconds(header: str, honoured: bool) -> None:
    # max_retry_after=1: an honoured Retry-After of 2.5 s or more is not
    # waited for but raised; one that falls back to backoff retries at once.
    calls = [0]

    async def handler(request: web.Request) -> web.Response:
        calls[0] += 1
        if calls[0] == 1:
            return web.json_response(
                {"message": "slow down"}, status=429, headers={"Retry-After": header}
            )
        return web.json_response({"ok": True})

    policy = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.01, max_retry_after=1.0)
    async with (
        serve_route("GET", "/api/v2/x", handler) as base_url,
        AsyncInstantly(api_key=API_KEY, base_url=base_url, retry_policy=policy) as client,
    ):
        if honoured:
            with pytest.raises(ia.RateLimitError) as info:
                await client.request("GET", "/api/v2/x", safe_to_retry=True)
            assert info.value.retry_after == float(header)
            assert calls[0] == 1
        else:
            assert await client.request("GET", "/api/v2/x", safe_to_retry=True) == {"ok": True}
            assert calls[0] == 2  # a misread header (10, 3.5, 3 > 1) would have been raised
