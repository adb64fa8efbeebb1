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

The bucket is ours rather than aiolimiter's for one property: its clock stands
still within one turn of the event loop.  A long turn (a few hundred tasks
starting at once, CPU work) would otherwise leak capacity while it runs and
grant a burst of slots whose requests all wait for the next turn to open their
connections, reaching the server together.  With the clock frozen a turn
grants at most ``C`` slots however long it takes.

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
import collections
from typing import Protocol
from urllib.parse import urlsplit

import attrs

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

    __slots__ = ("_loop", "_not_before")

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._not_before = 0.0

    async def acquire(self) -> float:
        return await self._sit_out() if self._not_before else 0.0

    async def _sit_out(self) -> float:
        loop = self._loop
        start = loop.time()
        # A later 429 may extend the pause while we sleep, so look again on waking.
        while (delay := self._not_before - loop.time()) > 0:  # noqa: ASYNC110 - a deadline, not an event
            await asyncio.sleep(delay)
        self._not_before = 0.0
        return loop.time() - start

    def penalize(self, seconds: float) -> None:
        until = self._loop.time() + seconds
        if until > self._not_before:
            self._not_before = until


class _TurnClock:
    """``loop.time()`` read once per turn of the event loop, then held until the next turn."""

    __slots__ = ("_forget", "_loop", "_now")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._now = -1.0
        self._forget = self._reset  # one bound method, not one per turn

    def _reset(self) -> None:
        self._now = -1.0

    def now(self) -> float:
        now = self._now
        if now < 0.0:
            now = self._now = self._loop.time()
            # Runs first thing next turn: call_soon callbacks queued during a
            # turn wait for the next one.
            self._loop.call_soon(self._forget)
        return now


class _Bucket:
    """A leaky bucket: ``capacity`` slots, refilled at ``rate`` per second; waiters served FIFO."""

    __slots__ = ("_capacity", "_clock", "_last", "_level", "_loop", "_rate", "_timer", "_waiters")

    def __init__(self, clock: _TurnClock, capacity: float, rate: float) -> None:
        self._clock = clock
        self._loop = clock._loop
        self._capacity = capacity
        self._rate = rate
        self._level = 0.0
        self._last = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    def _drain(self, now: float) -> None:
        level = self._level - (now - self._last) * self._rate
        self._level = level if level > 0.0 else 0.0
        self._last = now

    def try_take(self) -> bool:
        """Take a slot if one is free and nobody is queued (no await, no clock read twice)."""
        if self._waiters:
            return False
        self._drain(self._clock.now())
        if self._level + 1.0 <= self._capacity:
            self._level += 1.0
            return True
        return False

    async def take(self) -> None:
        """Queue for a slot (call after ``try_take`` said no)."""
        waiter = self._loop.create_future()
        self._waiters.append(waiter)
        if self._timer is None:
            self._schedule()
        await waiter  # a cancelled waiter is skipped; a granted one has spent its slot

    def _schedule(self) -> None:
        # When the level will have drained enough for one more slot.
        due = self._last + (self._level + 1.0 - self._capacity) / self._rate
        self._timer = self._loop.call_at(due, self._wake)

    def _wake(self) -> None:
        self._timer = None
        self._drain(self._clock.now())
        waiters = self._waiters
        while waiters:
            if waiters[0].done():  # cancelled while queued
                waiters.popleft()
            elif self._level + 1.0 <= self._capacity:
                waiters.popleft().set_result(None)
                self._level += 1.0
            else:
                self._schedule()
                return


class RateLimiter(Pause):
    """Paces requests for one client on one event loop (create it lazily, in the loop)."""

    __slots__ = ("_buckets",)

    def __init__(self, limit: RateLimit) -> None:
        super().__init__()
        clock = _TurnClock(self._loop)
        capacity, rate = _bucket(limit.per_second, 1.0)
        buckets = [_Bucket(clock, capacity, rate)]
        if limit.per_minute is not None and capacity + 60.0 * rate > limit.per_minute:
            m_capacity, m_rate = _bucket(limit.per_minute, 60.0)
            buckets.insert(0, _Bucket(clock, m_capacity, m_rate))
        self._buckets = tuple(buckets)

    async def acquire(self) -> float:
        waited = await self._sit_out() if self._not_before else 0.0
        for bucket in self._buckets:
            # Timed only when it must wait: a free slot costs no clock read.
            if not bucket.try_take():
                start = self._loop.time()
                await bucket.take()
                waited += self._loop.time() - start
        return waited
