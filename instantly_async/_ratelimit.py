"""Client-side pacing to the workspace rate limit.

Instantly allows 100 requests per second and 6,000 per minute per workspace
(every key of the workspace shares them).  A leaky bucket with capacity ``C``
draining at ``r`` per second lets through at most ``C + r*T`` requests in any
window of ``T`` seconds, and it starts empty (no start-up burst).  We size
each bucket so that ``C + r*T`` stays inside its window, with two requests of
headroom for arrival jitter:

* per second: ``C = max(1, 2% of the limit)``, ``r = limit - C - 2``
  (100/s -> C=2, r=96: at most 98 in any second);
* per minute: a second bucket, only when the first does not already imply it
  (``C + 60*r`` above the minute limit).

The session manager asks for a slot after it holds a connection slot,
immediately before the request is written: a slot taken earlier would be
spent while the request queues for a connection, and the queue that builds up
behind a latency spike would then leave all at once.

The buckets are aiolimiter's, with one addition: a turn of the event loop
grants at most ``C`` slots however long it takes (see :class:`_Bucket`).

A 429 means the server disagrees with our arithmetic (another process on the
same workspace, say); the limiter then pauses every caller of the client
(:meth:`Limiter.penalize`), and a client without a rate limit gets a bare
:class:`Pause` for the purpose.

With ``redis_url`` the same buckets live in Redis and every process with the
same ``name`` draws on them (``_shared_limit``); this module's limiter is then
the fallback for when Redis cannot answer.
"""

from __future__ import annotations

import asyncio
import math
from typing import Protocol
from urllib.parse import urlsplit

import attrs
from aiolimiter import AsyncLimiter

__all__ = ["RateLimit"]

_REDIS_SCHEMES = ("redis", "rediss", "unix")


def redact_url(url: str | None) -> str:
    """``url`` without its password (for reprs and log lines)."""
    if url is None:
        return "None"
    parts = urlsplit(url)
    if parts.password is None:
        return repr(url)
    netloc = parts.netloc.replace(f":{parts.password}@", ":<redacted>@", 1)
    return repr(parts._replace(netloc=netloc).geturl())


class Closed(Exception):
    """Raised to callers waiting on a closed client's gate or limiter (internal)."""


class Limiter(Protocol):
    """What the session manager asks before every attempt is written.

    One object per client and event loop, created lazily inside the loop.
    A limiter shared by several processes plugs in here.
    """

    async def acquire(self) -> float:
        """Wait until one request may be sent; return the seconds spent waiting (0.0 if none)."""
        ...

    def penalize(self, seconds: float) -> None:
        """A 429 arrived: hold every caller back for ``seconds`` (never shortening a pause)."""
        ...

    def close(self) -> None:
        """The client closed: make every waiting ``acquire`` raise :class:`Closed` soon."""
        ...


@attrs.frozen(kw_only=True)
class RateLimit:
    """The request budget the client paces itself to.

    The default is the documented workspace limit, paced by this process
    alone.  With ``redis_url`` every client (in any process, on any machine)
    with the same ``redis_url`` and ``name`` shares one budget held in Redis:

    * ``name`` identifies the workspace; the default is derived from a hash of
      the API key (the key itself never reaches Redis).  Different names are
      independent budgets.
    * ``fallback_fraction``: while Redis cannot answer, each process paces
      itself locally to this fraction of the budget (default 0.25: four
      processes together stay inside the limit).
    * ``redis_timeout``: the budget of one Redis call (default 0.01 s); when
      no call has been answered within it for half a second (or on an error),
      the process falls back to local pacing until Redis answers in time.
    """

    per_second: float = attrs.field(default=100.0, validator=attrs.validators.gt(0))
    per_minute: float | None = attrs.field(default=6000.0)
    redis_url: str | None = attrs.field(default=None, repr=redact_url)
    name: str | None = attrs.field(default=None)
    fallback_fraction: float = attrs.field(
        default=0.25, validator=[attrs.validators.gt(0), attrs.validators.le(1)]
    )
    redis_timeout: float = attrs.field(default=0.01, validator=attrs.validators.gt(0))

    @per_minute.validator
    def _check_minute(self, _attr: attrs.Attribute[float | None], value: float | None) -> None:
        if value is not None and value <= 0:
            raise ValueError("per_minute must be > 0 or None")

    @redis_url.validator
    def _check_url(self, _attr: attrs.Attribute[str | None], value: str | None) -> None:
        if value is None:
            return
        if not isinstance(value, str) or urlsplit(value).scheme not in _REDIS_SCHEMES:
            raise ValueError(
                "redis_url must be a redis://, rediss:// or unix:// URL, got "
                + redact_url(value if isinstance(value, str) else repr(value))
            )

    @name.validator
    def _check_name(self, _attr: attrs.Attribute[str | None], value: str | None) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not value or len(value) > 200 or not value.isprintable():
            raise ValueError("name must be a non-empty printable string of at most 200 characters")


def parse_rate_limit(value: str) -> tuple[float, float | None] | None:
    """``PER_SECOND[,PER_MINUTE]`` or ``none``: the one syntax the CLI and the fake share."""
    if value.strip().lower() == "none":
        return None
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        parts = []
    if len(parts) in (1, 2) and all(0 < p < math.inf for p in parts):
        return parts[0], parts[1] if len(parts) == 2 else None
    raise ValueError(
        f"expected PER_SECOND[,PER_MINUTE] (positive numbers) or 'none', got {value!r}"
    )


def _bucket(limit: float, window: float) -> tuple[float, float]:
    """(capacity, rate per second) of a leaky bucket that keeps inside ``limit`` per ``window``."""
    capacity = max(1.0, round(limit * 0.02))
    # What the drain may add within one window, less two requests of headroom:
    # a loop stall of D seconds delays sends already granted, and they then
    # arrive bunched with later ones (up to rate * D extra in a server window).
    budget = limit - capacity - 2.0
    if budget <= 0:
        # Tiny limits: no burst beyond one request, drain the rest evenly.
        capacity, budget = 1.0, max(limit - 1.0, limit * 0.5)
    return capacity, budget / window


class Pause:
    """The 429 pause on its own: what a client without a rate limit still honours.

    Create it inside the running loop it serves.
    """

    __slots__ = ("_closed", "_loop", "_not_before")

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._not_before = 0.0
        self._closed = False

    async def acquire(self) -> float:
        return await self._sit_out() if self._not_before else 0.0

    async def _sit_out(self) -> float:
        loop = self._loop
        start = loop.time()
        # A later 429 may extend the pause while we sleep, and the client may
        # close: look again every so often (a deadline, not an event).
        while (delay := self._not_before - loop.time()) > 0:
            if self._closed:
                raise Closed
            await asyncio.sleep(min(delay, 0.05))
        self._not_before = 0.0
        return loop.time() - start

    def penalize(self, seconds: float) -> None:
        until = self._loop.time() + seconds
        if until > self._not_before:
            self._not_before = until

    def close(self) -> None:
        self._closed = True


class _Bucket:
    """One aiolimiter bucket that grants at most its capacity within one loop turn.

    aiolimiter reads the clock at every acquisition, so a long turn of the
    event loop (a few hundred tasks starting at once, CPU work) drains capacity
    while it runs and grants a burst of slots whose requests then reach the
    wire together at the next turn: 101-109 in one second at the server with
    1,000 connections.  So a turn grants at most the bucket's capacity, and
    callers that must wait queue here, first come first served, one of them at
    a time asking aiolimiter (which sleeps on a timer until the slot is due).
    """

    __slots__ = ("_capacity", "_closed", "_granted", "_limiter", "_loop", "_new_turn", "_queue")

    def __init__(self, loop: asyncio.AbstractEventLoop, capacity: float, rate: float) -> None:
        self._limiter = AsyncLimiter(capacity, capacity / rate)
        self._loop = loop
        self._capacity = capacity
        self._granted = 0
        self._new_turn = self._forget  # one bound method, not one per turn
        self._queue = asyncio.Lock()
        self._closed: asyncio.Future[None] = loop.create_future()

    def _forget(self) -> None:
        self._granted = 0

    async def take(self) -> float:
        """Take a slot; return the seconds spent waiting for it (no clock read when none)."""
        limiter = self._limiter
        if self._granted < self._capacity and not self._queue.locked() and limiter.has_capacity():
            await limiter.acquire()  # returns at once: the capacity is there
            waited = 0.0
        else:
            start = self._loop.time()
            async with self._queue:
                # A turn boundary, not an event: this turn has had its share.
                while self._granted >= self._capacity:  # noqa: ASYNC110
                    await asyncio.sleep(0)
                if self._closed.done():
                    raise Closed
                acquire = asyncio.ensure_future(limiter.acquire())
                try:
                    await asyncio.wait((acquire, self._closed), return_when=asyncio.FIRST_COMPLETED)
                finally:
                    if not acquire.done():
                        acquire.cancel()
                # Closed while waiting: the cancel above is only processed next turn,
                # so ``acquire.cancelled()`` cannot tell yet.
                if self._closed.done():
                    raise Closed
            waited = self._loop.time() - start
        if not self._granted:
            # Runs first thing next turn: callbacks queued during a turn wait for the next one.
            self._loop.call_soon(self._new_turn)
        self._granted += 1
        return waited

    def idle(self) -> bool:
        """Nobody is waiting for a slot."""
        return not self._queue.locked()

    def close(self) -> None:
        if not self._closed.done():
            self._closed.set_result(None)


class RateLimiter(Pause):
    """Paces requests for one client on one event loop (create it lazily, in the loop)."""

    __slots__ = ("_buckets",)

    def __init__(self, limit: RateLimit) -> None:
        super().__init__()
        capacity, rate = _bucket(limit.per_second, 1.0)
        buckets = [_Bucket(self._loop, capacity, rate)]
        if limit.per_minute is not None and capacity + 60.0 * rate > limit.per_minute:
            m_capacity, m_rate = _bucket(limit.per_minute, 60.0)
            buckets.insert(0, _Bucket(self._loop, m_capacity, m_rate))
        self._buckets = tuple(buckets)

    def close(self) -> None:
        super().close()
        for bucket in self._buckets:
            bucket.close()

    async def acquire(self) -> float:
        waited = await self._sit_out() if self._not_before else 0.0
        for bucket in self._buckets:
            waited += await bucket.take()
        return waited
