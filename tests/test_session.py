"""The session layer's small parts: failure classification, timeouts, redacted headers."""

from __future__ import annotations

import asyncio
import errno
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from instantly_async import AsyncInstantly
from instantly_async._session import (
    _NOT_SENT,
    _SENT,
    AttemptError,
    RedactedHeaders,
    SessionManager,
    _classify,
)

from .conftest import API_KEY, serve_route

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


async def test_the_owned_session_uses_max_connections_and_no_total_timeout() -> None:
    # The Gate enforces max_connections for requests in flight
    # (test_gate.py), so the connector's own limit cannot be observed
    # separately: this pins the configuration the session is built with.
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async with (
        serve_route("GET", "/api/v2/anything", handler) as base_url,
        AsyncInstantly(
            api_key=API_KEY, base_url=base_url, max_connections=7, rate_limit=None, timeout=None
        ) as client,
    ):
        assert await client.request("GET", "/api/v2/anything", safe_to_retry=True) == {"ok": True}
        session = client._transport.sessions._session
        assert isinstance(session, aiohttp.ClientSession)
        assert isinstance(session.connector, aiohttp.TCPConnector)
        assert session.connector.limit == 7
        # Not aiohttp's default of 300 s total: a client built with timeout=None
        # sets no time limit anywhere.
        assert session.timeout == aiohttp.ClientTimeout(total=None)
        assert client._transport.sessions._timeout(None) == aiohttp.ClientTimeout(
            total=None, sock_connect=None
        )


async def test_host_names_stay_resolved_past_aiohttps_default_dns_ttl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # aiohttp caches a host's addresses for 10 s by default; the client keeps
    # them for 300 s.  Each response closes its connection, so the second
    # request, 10.5 s later, must connect afresh: it resolves again only if
    # the cache entry has expired.
    loop = asyncio.get_running_loop()
    lookups: list[str] = []
    resolve = loop.getaddrinfo

    async def counting(host: Any, *args: Any, **kwargs: Any) -> Any:
        lookups.append(host)
        return await resolve(host, *args, **kwargs)

    monkeypatch.setattr(loop, "getaddrinfo", counting)

    async def handler(request: web.Request) -> web.Response:
        response = web.json_response({"ok": True})
        response.force_close()
        return response

    async with (
        serve_route("GET", "/api/v2/anything", handler) as base_url,
        AsyncInstantly(
            api_key=API_KEY,
            base_url=base_url.replace("127.0.0.1", "localhost"),
            rate_limit=None,
        ) as client,
    ):
        assert await client.request("GET", "/api/v2/anything", safe_to_retry=True) == {"ok": True}
        assert lookups == ["localhost"]
        deadline = loop.time() + 10.5
        while loop.time() < deadline:  # noqa: ASYNC110 - time is the behaviour here
            await asyncio.sleep(0.25)
        assert await client.request("GET", "/api/v2/anything", safe_to_retry=True) == {"ok": True}
        assert lookups == ["localhost"]
