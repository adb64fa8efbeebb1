"""The aiohttp session manager: one pooled session per client, one attempt per call.

The session, its connection gate and the rate limiter are bound to the event
loop they are created in, so they are created lazily inside the running loop
and a client used from a second loop fails with a clear message instead of
aiohttp's "Event loop is closed" some time later.
"""

from __future__ import annotations

import asyncio
import collections
from typing import TYPE_CHECKING, Any

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from ._ratelimit import RateLimit, RateLimiter

if TYPE_CHECKING:
    from ._shared_limit import SharedRateLimiter

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
    """

    def __init__(self, description: str, *, phase: str, timeout: bool) -> None:
        super().__init__(description)
        self.description = description
        self.phase = phase
        self.timeout = timeout


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
        "_connections",
        "_gate",
        "_limiter",
        "_loop",
        "_not_before",
        "_owns_session",
        "_rate_limit",
        "_session",
        "_timeouts",
    )

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None,
        max_connections: int,
        rate_limit: RateLimit | None,
    ) -> None:
        self._session = session
        self._owns_session = session is None
        self._connections = max_connections
        self._rate_limit = rate_limit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._gate: Gate | None = None
        self._limiter: RateLimiter | SharedRateLimiter | None = None
        self._not_before = 0.0
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}

    def _bind(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
            # Our own gate, taken before aiohttp's timeout starts: aiohttp counts
            # the wait for a pooled connection against the request timeout.
            self._gate = Gate(self._connections)
            if self._rate_limit is not None:
                self._limiter = _make_limiter(self._rate_limit)
            if self._session is None:
                self._session = aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300),
                    timeout=aiohttp.ClientTimeout(total=None),
                )
        elif loop is not self._loop:
            raise RuntimeError(
                "this AsyncInstantly client is bound to another event loop; create one client "
                "per event loop (or close it before using it in a new one)"
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

    def must_wait(self) -> bool:
        """False when a request may go at once: no limiter and no 429 pause (no await needed)."""
        # Plain state, no binding: ``send`` binds, and a pause is only ever set
        # (by ``penalize``) once the loop is known.
        return self._rate_limit is not None or (
            self._not_before > 0.0 and self._not_before > self._loop.time()  # type: ignore[union-attr]
        )

    async def pace(self) -> None:
        """Wait out any 429 pause, then for a rate-limit slot (outside any request timeout)."""
        self._bind()
        loop = self._loop
        assert loop is not None
        # A later 429 may extend the pause while we sleep, so look again on waking.
        while (delay := self._not_before - loop.time()) > 0:  # noqa: ASYNC110 - a deadline, not an event
            await asyncio.sleep(delay)
        if self._limiter is not None:
            await self._limiter.acquire()

    def penalize(self, seconds: float) -> None:
        """Hold back every caller of this client for ``seconds`` (never shortens a pause).

        A shared limiter also pauses every other process on the budget.
        """
        if self._loop is not None:
            until = self._loop.time() + seconds
            if until > self._not_before:
                self._not_before = until
            if self._limiter is not None:
                self._limiter.penalize(seconds)

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
        session = self._bind()
        gate = self._gate
        assert gate is not None
        failure: AttemptError | None = None
        if not gate.try_enter():
            await gate.enter()
        try:
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
                body = await resp.read()
                return RawResponse(resp.status, resp.reason, resp.headers, body)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            failure = _classify(exc)
        finally:
            gate.leave()
        # Raised outside the except block so no aiohttp exception rides along
        # as __context__ (its repr may hold the Authorization header).
        raise failure

    async def close(self) -> None:
        session, self._session = self._session, (None if self._owns_session else self._session)
        limiter, self._limiter = self._limiter, None
        self._loop = None
        self._gate = None
        self._not_before = 0.0
        try:
            if limiter is not None:
                await limiter.aclose()
        finally:
            if session is not None and self._owns_session and not session.closed:
                await session.close()


def _make_limiter(limit: RateLimit) -> RateLimiter | SharedRateLimiter:
    if limit.redis_url is None:
        return RateLimiter(limit)
    from ._shared_limit import SharedRateLimiter  # imports redis: only when asked for

    assert limit.name is not None  # the client fills in the default
    return SharedRateLimiter(limit, limit.name)
