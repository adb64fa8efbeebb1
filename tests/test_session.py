"""The session layer's small parts: failure classification, timeouts, redacted headers."""

from __future__ import annotations

import asyncio
import errno
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest

from instantly_async._session import (
    _NOT_SENT,
    _SENT,
    AttemptError,
    RedactedHeaders,
    SessionManager,
    _classify,
)

KEY = SimpleNamespace(host="api.example", port=443, ssl=True)
REFUSED = ConnectionRefusedError(errno.ECONNREFUSED, "refused")
RESET = OSError(errno.ECONNRESET, "reset by peer")


@pytest.mark.parametrize(
    ("exc", "description", "phase", "timeout"),
    [
        (aiohttp.ConnectionTimeoutError(), "timed out connecting", _NOT_SENT, True),
        (asyncio.TimeoutError(), "timed out waiting for the response", _SENT, True),
        (aiohttp.SocketTimeoutError(), "timed out waiting for the response", _SENT, True),
        (
            aiohttp.ClientConnectorError(
                KEY, ConnectionRefusedError(errno.ECONNREFUSED, "refused")
            ),  # type: ignore[arg-type]
            "cannot connect to api.example:443: refused",
            _NOT_SENT,
            False,
        ),
        (
            # No strerror (a TLS failure, say): the error's type names it.
            aiohttp.ClientConnectorError(KEY, OSError("handshake")),  # type: ignore[arg-type]
            "cannot connect to api.example:443: OSError",
            _NOT_SENT,
            False,
        ),
        (aiohttp.ServerDisconnectedError(), "the server closed the connection", _SENT, False),
        (aiohttp.ClientPayloadError("x"), "the response body was cut short", _SENT, False),
        (
            aiohttp.ClientResponseError(None, (), status=400, message="Bad Header"),  # type: ignore[arg-type]
            "bad response: 400 Bad Header",
            _SENT,
            False,
        ),
        (
            OSError(errno.ECONNRESET, "reset by peer"),
            "connection error: reset by peer",
            _SENT,
            False,
        ),
        (OSError("no strerror"), "connection error: no strerror", _SENT, False),
        (aiohttp.ClientError(), "connection error: ClientError", _SENT, False),
    ],
)
def test_each_failure_is_classified(
    exc: BaseException, description: str, phase: str, timeout: bool
) -> None:
    got = _classify(exc)
    assert (got.description, got.phase, got.timeout) == (description, phase, timeout)
    assert str(got) == description


def test_attempt_error_carries_its_description() -> None:
    err = AttemptError("why", phase=_SENT, timeout=False)
    assert str(err) == "why" and err.args == ("why",)


@pytest.mark.parametrize(
    ("seconds", "total", "connect"),
    [(5.0, 5.0, 5.0), (10.0, 10.0, 10.0), (30.0, 30.0, 10.0), (None, None, None)],
)
def test_request_timeouts_cap_the_connect_phase(
    seconds: float | None, total: float | None, connect: float | None
) -> None:
    sessions = SessionManager(session=None, max_connections=1, limiter=None)
    timeout = sessions._timeout(seconds)
    assert (timeout.total, timeout.sock_connect) == (total, connect)
    assert sessions._timeout(seconds) is timeout  # built once per value
    other = sessions._timeout(7.0)
    assert other.total == 7.0 and sessions._timeout(seconds) is timeout


def test_headers_repr_redacts_only_the_key() -> None:
    headers = RedactedHeaders(
        {"Authorization": "Bearer sk-1", "User-Agent": "ua/1", "authorization": "x"}
    )
    expected: dict[str, Any] = {
        "Authorization": "<redacted>",
        "User-Agent": "ua/1",
        "authorization": "<redacted>",
    }
    assert repr(headers) == repr(expected) and str(headers) == repr(expected)
    assert headers["Authorization"] == "Bearer sk-1"  # only the repr hides it
