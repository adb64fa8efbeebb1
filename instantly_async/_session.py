"""The aiohttp session manager: one pooled session per client, one attempt per call.

The session, its connection gate and the rate limiter are bound to the event
loop they are created in, so they are created lazily inside the running loop
and a client used from a second loop fails with a clear message instead of
aiohttp's "Event loop is closed" some time later.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from ._ratelimit import Closed, Limiter, Pause
from ._redact import redact

_SENT = "sent"  # the request may have reached the server
_NOT_SENT = "not_sent"  # the connection was never made; nothing happened
_NO_AUTO_CONTENT_TYPE = ("Content-Type",)


class RedactedHeaders(dict[str, str]):
    """Request headers whose repr never shows the ``Authorization`` value.

    Tracebacks that print locals, debuggers and log formatters all go
    through ``repr``.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(
            {k: ("<redacted>" if k.lower() == "authorization" else v) for k, v in self.items()}
        )

    __str__ = __repr__


class RawResponse:
    __slots__ = ("body", "headers", "reason", "status")

    def __init__(
        self, status: int, reason: str | None, headers: CIMultiDictProxy[str], body: bytes
    ):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body


class AttemptError(Exception):
    """One attempt failed below HTTP; ``phase`` says whether the server may have seen it.

    Internal: carries only a sanitised description, never the aiohttp exception.
    Parser errors quote the bytes they choked on, which may be an echoed key.
    """

    def __init__(self, description: str, *, phase: str, timeout: bool) -> None:
        description = redact(description)
        super().__init__(description)
        self.description = description
        self.phase = phase
        self.timeout = timeout


class ResponseTooLarge(Exception):
    """The response body is over ``max_response_bytes`` (declared, or counted while reading)."""

    def __init__(self, status: int, limit: int) -> None:
        super().__init__(status, limit)
        self.status = status
        self.limit = limit


def _classify(exc: BaseException) -> AttemptError:
    # Order matters: several aiohttp timeouts are also connection errors.
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return AttemptError("timed out connecting", phase=_NOT_SENT, timeout=True)
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        return AttemptError("timed out waiting for the response", phase=_SENT, timeout=True)
    if isinstance(exc, aiohttp.ClientConnectorError):
        # DNS failure, refusal, TLS failure: the request never left.
        reason = exc.os_error.strerror or type(exc.os_error).__name__
        return AttemptError(
            f"cannot connect to {exc.host}:{exc.port}: {reason}", phase=_NOT_SENT, timeout=False
        )
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return AttemptError("the server closed the connection", phase=_SENT, timeout=False)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return AttemptError("the response body was cut short", phase=_SENT, timeout=False)
    if isinstance(exc, aiohttp.ClientResponseError):
        # Its repr carries the request headers; keep only the status and message.
        return AttemptError(f"bad response: {exc.status} {exc.message}", phase=_SENT, timeout=False)
    if isinstance(exc, OSError):
        return AttemptError(f"connection error: {exc.strerror or exc}", phase=_SENT, timeout=False)
    return AttemptError(f"connection error: {type(exc).__name__}", phase=_SENT, timeout=False)


class Gate:
    """At most ``size`` holders at once, served first come, first served.

    What ``asyncio.Semaphore`` does, minus its cost on the uncontended path
    (several Python calls per request, about 1.5% of the SDK's CPU per call):
    entering is a counter decrement when a slot is free.  A freed slot is
    handed straight to the oldest waiter, so no newcomer can overtake it.
    """

    __slots__ = ("_free", "_waiters")

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    @property
    def free(self) -> int:
        """Slots nobody holds (a slot handed to a waiter is held)."""
        return self._free

    def try_enter(self) -> bool:
        if self._free and not self._waiters:
            self._free -= 1
            return True
        return False

    async def enter(self) -> None:
        """Wait for a slot (call only after ``try_enter`` said no)."""
        if self.try_enter():
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.leave()  # the slot was handed over just as we were cancelled: pass it on
            raise

    def close(self) -> None:
        """Make every queued ``enter`` raise :class:`Closed`."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(Closed())

    def leave(self) -> None:
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():  # skip waiters cancelled while queued
                waiter.set_result(None)
                return
        self._free += 1


class SessionManager:
    """Owns (or borrows) one ``aiohttp.ClientSession`` and sends single attempts."""

    __slots__ = (
        "_closed",
        "_connections",
        "_gate",
        "_limiter",
        "_loop",
        "_make_limiter",
        "_max_body",
        "_owns_session",
        "_session",
        "_timeouts",
        "attempts",
        "limiter_wait",
    )

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None,
        max_connections: int,
        limiter: Callable[[], Limiter] | None,
        max_response_bytes: int = 32 * 1024 * 1024,
    ) -> None:
        """``limiter`` makes the client's limiter inside the running loop; None for no pacing."""
        self._max_body = max_response_bytes
        self._closed = False
        self._session = session
        self._owns_session = session is None
        self._connections = max_connections
        self._make_limiter = limiter
        self._loop: asyncio.AbstractEventLoop | None = None
        self._gate: Gate | None = None
        self._limiter: Limiter | None = None
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}
        self.limiter_wait = 0.0  # seconds callers spent on the limiter and 429 pauses
        self.attempts = 0  # attempts that went for the wire

    def _bind(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
            # Our own gate, taken before aiohttp's timeout starts: aiohttp counts
            # the wait for a pooled connection against the request timeout.
            self._gate = Gate(self._connections)
            if self._make_limiter is not None:
                self._limiter = self._make_limiter()
            if self._session is None:
                self._session = aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300),
                    timeout=aiohttp.ClientTimeout(total=None),
                )
        elif loop is not self._loop:
            raise RuntimeError(
                "this AsyncInstantly client is bound to another event loop; create one client "
                "per event loop"
            )
        assert self._session is not None
        return self._session

    def _timeout(self, seconds: float | None) -> aiohttp.ClientTimeout:
        timeout = self._timeouts.get(seconds)
        if timeout is None:
            connect = None if seconds is None else min(seconds, 10.0)
            timeout = self._timeouts[seconds] = aiohttp.ClientTimeout(
                total=seconds, sock_connect=connect
            )
        return timeout

    @property
    def closed(self) -> bool:
        return self._closed

    async def sleep(self, seconds: float) -> None:
        """Wait before a retry; cut short if the client closes (the retry then raises)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self._closed and (left := deadline - loop.time()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(min(left, 0.05))

    def penalize(self, seconds: float) -> None:
        """Hold back every caller of this client for ``seconds`` (never shortens a pause)."""
        if self._loop is None or self._closed:
            return
        limiter = self._limiter
        if limiter is None:
            # No rate limit: from now on every attempt checks the pause.
            limiter = self._limiter = Pause()
        limiter.penalize(seconds)

    async def send(
        self,
        method: str,
        url: URL,
        *,
        params: Any,
        data: bytes | None,
        headers: dict[str, str],
        timeout: float | None,
    ) -> RawResponse:
        """One attempt.  Raises AttemptError, ResponseTooLarge, or Closed (nothing was sent)."""
        if self._closed:  # final: never open a new pool behind the caller's back
            raise Closed
        session = self._bind()
        gate = self._gate
        assert gate is not None
        failure: AttemptError | None = None
        if not gate.try_enter():
            await gate.enter()
        try:
            # The rate-limit slot is taken last, once a connection slot is held,
            # so a request queued for a connection has not spent one yet.
            limiter = self._limiter
            if limiter is not None:
                waited = await limiter.acquire()
                if waited:
                    self.limiter_wait += waited
            if self._closed:  # closed while this attempt waited for its turn
                raise Closed
            self.attempts += 1
            async with session.request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                # Without a body aiohttp would still declare one as
                # application/octet-stream, which the API refuses.
                skip_auto_headers=_NO_AUTO_CONTENT_TYPE if data is None else None,
                timeout=self._timeout(timeout),
                allow_redirects=False,
            ) as resp:
                length = resp.content_length
                if length is not None and length <= self._max_body:
                    body = await resp.read()  # aiohttp reads no more than declared
                else:
                    body = await self._read_capped(resp, length)
                return RawResponse(resp.status, resp.reason, resp.headers, body)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            failure = _classify(exc)
        finally:
            gate.leave()
        # Raised outside the except block so no aiohttp exception rides along
        # as __context__ (its repr may hold the Authorization header).
        raise failure

    async def _read_capped(self, resp: aiohttp.ClientResponse, length: int | None) -> bytes:
        """Read a body of unknown or excessive length, giving up past ``max_response_bytes``.

        Leaving the response unread makes aiohttp close the connection rather
        than reuse it, so the rest of the body is never read.
        """
        limit = self._max_body
        if length is not None:  # declared too large: refuse before reading any of it
            raise ResponseTooLarge(resp.status, limit)
        chunks: list[bytes] = []
        size = 0
        content = resp.content
        while chunk := await content.readany():
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(resp.status, limit)
            chunks.append(chunk)
        return b"".join(chunks)

    async def close(self) -> None:
        """Final: later attempts raise Closed, waiting ones too; in-flight ones are cut off."""
        if self._closed:
            return
        self._closed = True
        if self._gate is not None:
            self._gate.close()
        limiter = self._limiter
        if limiter is not None:
            limiter.close()
        session = self._session
        try:
            # A shared limiter holds a Redis connection pool (and may owe Redis a pause).
            aclose = getattr(limiter, "aclose", None)
            if aclose is not None:
                await aclose()
        finally:
            if session is not None and self._owns_session and not session.closed:
                await session.close()
