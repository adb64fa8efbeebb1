"""One workspace budget shared by every process through Redis.

Instantly's limit belongs to the workspace, so processes (and machines)
working on one workspace must draw on one budget.  The state is a single Redis
hash per ``name``, changed only by one Lua script, so every decision is atomic
and uses the Redis server's clock (``TIME``): machines whose clocks disagree
still agree on the schedule.

The algorithm is GCRA (the "virtual scheduling" form of the leaky bucket),
with the same bucket sizes as the local limiter (``_ratelimit._bucket``): per
window a theoretical arrival time ``tat``, an emission interval ``T`` and a
burst tolerance ``tau``.  One acquire is one script call that *reserves* the
next slot and answers how long to wait for it, so it costs exactly one round
trip however busy the budget is, and slots are handed out in the order the
requests reach Redis.

Liveness and fairness come from the reservations a process may hold at once
(``_holders``, a few per process): a process that saturates the budget keeps
that many in the queue, so saturating processes get equal shares, and one
killed while holding them wastes at most those few slots (tens of
milliseconds), never the others' time.

A 429 seen by any process sets a shared pause (``Retry-After``) in the same
hash; the script schedules no slot before it ends.

Redis is never allowed to stop work.  A call answered within ``redis_timeout``
(10 ms by default) means Redis is healthy; a later answer is still used (it is
more often this process or machine being busy than Redis being slow).  An
error, or no answer within the budget for half a second, sends the process to
the local limiter at ``fallback_fraction`` of the budget, with one warning; it
asks Redis again four times a second and goes back to the shared budget (one
info line) when Redis answers in time.  A restarted or flushed Redis starts
the schedule afresh, so a process coming back books in it what it sent
locally meanwhile, and keeps to its local share as well for a second: the
processes come back one by one, and the first must not take the whole budget
while the others still send on their own.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import logging
import math
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from ._ratelimit import Closed, Pause, RateLimit, RateLimiter, _bucket

log = logging.getLogger("instantly_async")

__all__ = ["SharedRateLimiter", "default_name", "key_for"]

# Seconds between attempts to reach Redis again while pacing locally: short,
# because processes that are back on the shared budget while others still
# pace locally together go over it.
PROBE_INTERVAL = 0.25
# The budget of a call that may have to connect first (and load the script):
# the first few calls, and the first few after a failure.  Connection refused is instant;
# only a host that drops packets costs this much, once a probe interval.
CONNECT_TIMEOUT = 0.25
# Seconds after Redis answers again during which a process also keeps to its
# local share: processes come back one by one, and the first back must not
# take the whole budget while the others still send on their local limiters.
GENTLE_RETURN = 1.0
# Seconds after a fallback warning in which another fallback logs at INFO only.
WARN_EVERY = 60.0
# Seconds an abandoned call may go on before redis-py gives up on it.
ABANDON_AFTER = 1.0
# Seconds of no answer within the budget (late answers are still used) before
# Redis counts as unavailable; an error counts at once.
UNAVAILABLE_AFTER = 0.5
_FIRST = asyncio.FIRST_COMPLETED
# Loop turns an answer may take, after the budget, to reach us once it is in.
_GRACE_STEPS = 4
# Slots given up in a row for waking too late, before one is used anyway (a
# loop that is always late would otherwise never send).
_MAX_LATE_SLOTS = 2

# KEYS[1]: the budget's hash.  ARGV[1] = "a" (acquire): then per window a
# field, its interval and tolerance in us, and a charge with its age in us:
# requests this process sent on its local limiter while Redis was away (within
# the window, the oldest that long ago), booked as if sent evenly since then,
# before the new slot.  Answers the wait in us.
# ARGV[1] = "p" (pause), ARGV[2] = us: no slot before now + us; answers 0.
# Times are integer microseconds of the server clock (exact in Lua's doubles).
_SCRIPT = """
local key = KEYS[1]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local pause = tonumber(redis.call('HGET', key, 'pause') or '0')
if ARGV[1] == 'p' then
  local untl = now + tonumber(ARGV[2])
  if untl > pause then
    redis.call('HSET', key, 'pause', untl)
    if redis.call('PTTL', key) < math.ceil((untl - now) / 1000) then
      redis.call('PEXPIRE', key, math.ceil((untl - now) / 1000) + 1000)
    end
  end
  return 0
end
local at = now
if pause > at then at = pause end
local n = (#ARGV - 1) / 5
local tats = {}
for i = 1, n do
  local f = 5 * i - 3
  local tat = tonumber(redis.call('HGET', key, ARGV[f]) or '0')
  local charge = tonumber(ARGV[f + 3])
  if charge > 0 then
    local since = now - tonumber(ARGV[f + 4])
    if tat < since then tat = since end
    tat = tat + charge * tonumber(ARGV[f + 1])
  end
  tats[i] = tat
  local earliest = tat - tonumber(ARGV[f + 2])
  if earliest > at then at = earliest end
end
local last = at
for i = 1, n do
  local tat = tats[i]
  if tat < at then tat = at end
  tat = tat + tonumber(ARGV[5 * i - 2])
  redis.call('HSET', key, ARGV[5 * i - 3], tat)
  if tat > last then last = tat end
end
-- Once every tat has passed the state says nothing a missing key would not.
redis.call('PEXPIRE', key, math.ceil((last - now) / 1000) + 1000)
return at - now
"""


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Consume an abandoned call's outcome (no "exception was never retrieved")."""
    if not task.cancelled():
        task.exception()


def default_name(api_key: str) -> str:
    """The budget's name when none is given: a hash of the API key, never the key.

    Every process with the same key shares one budget by default; 64 bits of
    a SHA-256 reveal nothing of a high-entropy key.
    """
    digest = hashlib.sha256(b"instantly-async rate limit\0" + api_key.encode()).hexdigest()
    return f"key-{digest[:16]}"


def key_for(name: str) -> str:
    """The Redis key of budget ``name`` (braces: one hash slot on a Redis Cluster)."""
    return f"instantly-async:ratelimit:{{{name}}}"


def _where(url: str) -> str:
    """Where Redis is, for log lines: no user name, no password."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix:{parts.path}"
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or ''}"


def _windows(limit: RateLimit) -> list[tuple[str, float, int, int]]:
    """Per window: field, length in seconds, emission interval and tolerance in us."""
    windows = [("s", 1.0, *_bucket(limit.per_second, 1.0))]
    if limit.per_minute is not None:
        windows.append(("m", 60.0, *_bucket(limit.per_minute, 60.0)))
    out = []
    for field, seconds, capacity, rate in windows:
        interval = 1_000_000 / rate
        out.append((field, seconds, math.ceil(interval), math.floor((capacity - 1.0) * interval)))
    return out


class SharedRateLimiter(Pause):
    """Paces one client to the budget it shares through Redis (create it in the running loop)."""

    __slots__ = (
        "_answered",
        "_args",
        "_closing",
        "_degraded",
        "_fraction",
        "_gentle_until",
        "_holders",
        "_holders_count",
        "_key",
        "_late",
        "_local",
        "_local_sent",
        "_pause_sent",
        "_probe_at",
        "_quiet_until",
        "_redis",
        "_redis_timeout",
        "_script",
        "_slow_since",
        "_tasks",
        "_timeout",
        "_unavailable_after",
        "_where",
        "_windows",
        "answers_past_budget",
        "slots_given_up",
    )

    def __init__(self, limit: RateLimit, name: str) -> None:
        super().__init__()
        try:
            from redis.asyncio import Redis
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff
            from redis.exceptions import TimeoutError as RedisTimeoutError
        except ImportError:  # pragma: no cover - the client checks this up front
            raise RuntimeError(
                "a shared rate limit needs the redis extra: pip install 'instantly-async[redis]'"
            ) from None
        assert limit.redis_url is not None
        self._timeout = limit.redis_timeout
        # One retry inside redis-py, at once: a pooled connection that a Redis
        # restart closed is replaced without counting as Redis being down.
        self._redis: Any = Redis.from_url(
            limit.redis_url,
            socket_connect_timeout=max(self._timeout, CONNECT_TIMEOUT),
            # Ends calls abandoned past their budget (a hung server), freeing their connections.
            socket_timeout=ABANDON_AFTER,
            retry=Retry(NoBackoff(), 1),  # type: ignore[no-untyped-call, unused-ignore]
            retry_on_timeout=False,
        )
        self._redis_timeout: type[Exception] = RedisTimeoutError
        self._script = self._redis.register_script(_SCRIPT)
        self._key = key_for(name)
        self._windows = _windows(limit)
        self._args = self._acquire_args()
        # When this process sent on its local limiter (loop time), to be booked
        # in Redis when it answers again: else the shared schedule, starting
        # afresh, would let through a second full budget on top of them.
        self._local_sent: collections.deque[float] = collections.deque()
        # A few reservations per process: enough to cover the round trip to
        # Redis at full rate, few enough that a dead holder costs little.
        self._holders_count = min(16, max(4, math.ceil(limit.per_second * 0.04)))
        self._holders = asyncio.Semaphore(self._holders_count)
        # A slot used later than this was scheduled would arrive bunched with
        # the next ones (a stalled loop, say): take a fresh one instead.
        # The buckets keep two requests of headroom per second: two intervals.
        self._late = 2.0 / _bucket(limit.per_second, 1.0)[1]
        self._fraction = fraction = limit.fallback_fraction
        self._local = RateLimiter(
            RateLimit(
                per_second=limit.per_second * fraction,
                per_minute=None if limit.per_minute is None else limit.per_minute * fraction,
            )
        )
        self._where = _where(limit.redis_url)
        # Calls answered since (re)connecting: until each holder has had one,
        # a call may be the one that opens a pooled connection.
        self._answered = 0
        # Since when Redis has answered nothing within the budget (None: it does).
        self._slow_since: float | None = None
        self._unavailable_after = max(UNAVAILABLE_AFTER, 10 * self._timeout)
        self._degraded = False
        self._probe_at = 0.0
        self._gentle_until = 0.0
        self._quiet_until = 0.0
        self._pause_sent = 0.0
        # Pause writes, and calls abandoned past their budget.
        self._tasks: set[asyncio.Future[Any]] = set()
        self._closing: asyncio.Future[None] = self._loop.create_future()
        # For the tests and the benchmark: slots given up (the caller woke too
        # late to use them) and answers that came past the budget.
        self.slots_given_up = 0
        self.answers_past_budget = 0

    @property
    def degraded(self) -> bool:
        """True while Redis cannot answer and this process paces itself locally."""
        return self._degraded

    async def acquire(self) -> float:
        """Wait out any 429 pause, then for this process's next slot; return the seconds waited."""
        loop = self._loop
        start = loop.time()
        if self._not_before:
            await self._sit_out()
        await self._take(loop)
        return loop.time() - start

    def _acquire_args(self, sent: Sequence[float] = (), now: float = 0.0) -> list[Any]:
        """The script's arguments, charging the local ``sent`` times of each window to ``now``."""
        args: list[Any] = ["a"]
        for field, seconds, interval, tolerance in self._windows:
            inside = [t for t in sent if t > now - seconds]
            age = math.ceil((now - inside[0]) * 1_000_000) if inside else 0
            args += [field, interval, tolerance, len(inside), age]
        return args

    async def _take(self, loop: asyncio.AbstractEventLoop) -> None:
        late_slots = 0
        while True:
            if self._degraded and loop.time() < self._probe_at:
                await self._local.acquire()
                self._note_local_send(loop.time())
                return
            if self._gentle_until > loop.time():
                # Just back: the others may still be pacing locally, so keep to
                # the local share too for a window, until all have booked theirs.
                await self._local.acquire()
            async with self._holders:
                if self._closed:
                    raise Closed
                if self._degraded:
                    if loop.time() < self._probe_at:
                        continue  # another caller is already probing: pace locally
                    self._probe_at = loop.time() + PROBE_INTERVAL
                # Local sends are booked by one call only: taken out, put back if it fails.
                charged = list(self._local_sent)
                self._local_sent.clear()
                args = self._acquire_args(charged, loop.time()) if charged else self._args
                try:
                    wait_us, asked = await self._call(args)
                except Closed:
                    raise
                except Exception as exc:  # any Redis trouble: never stop the work
                    failure: BaseException | None = exc
                    if charged:
                        self._local_sent = collections.deque(sorted([*charged, *self._local_sent]))
                else:
                    failure = None
                    # The slot is reckoned from when we asked: an answer that sat
                    # unread while this loop was busy must not push the send later.
                    target = asked + wait_us / 1_000_000
                    if target > loop.time():
                        await self._sleep(target - loop.time())
                    if loop.time() - target <= self._late or late_slots == _MAX_LATE_SLOTS:
                        return
                    late_slots += 1
                    self.slots_given_up += 1
                    continue  # too late to use the slot: it is spent, take another
            assert failure is not None
            self._failed(failure)

    def penalize(self, seconds: float) -> None:
        """Pause this client and every process sharing the budget for ``seconds`` (a 429)."""
        super().penalize(seconds)
        if self._degraded:
            return
        loop = self._loop
        until = loop.time() + seconds
        if until <= self._pause_sent + 0.05:
            return  # every 429 of a burst asks for the same pause: write it once
        self._pause_sent = until
        task = loop.create_task(self._send_pause(seconds))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_pause(self, seconds: float) -> None:
        try:
            await self._call(["p", math.ceil(seconds * 1_000_000)])
        except Exception as exc:
            self._failed(exc)

    async def _call(self, args: list[Any]) -> tuple[int, float]:
        """Run the script: (its answer, when it was asked); ``TimeoutError`` if Redis is gone.

        An answer is used however late it comes, up to the point where Redis
        counts as unavailable: a late answer is more often this process (or
        the machine) being busy than Redis being slow, and giving up on it would
        waste its slot or, worse, send on the local limiter while the shared
        budget knows nothing of it.
        """
        loop = self._loop
        asked = loop.time()
        budget = self._timeout if self._answered >= self._holders_count else CONNECT_TIMEOUT
        if self._degraded:
            give_up = budget  # a probe: the process is pacing locally meanwhile
        else:
            slow_since = asked if self._slow_since is None else self._slow_since
            give_up = max(budget, slow_since + self._unavailable_after - asked)
        task = asyncio.ensure_future(self._script(keys=[self._key], args=args))
        try:
            await asyncio.wait((task, self._closing), timeout=give_up, return_when=_FIRST)
            if self._closing.done():
                raise Closed
            # The answer may have come in while this loop was busy elsewhere (or
            # the process was not scheduled): let it through before giving up.
            for _ in range(_GRACE_STEPS):
                if task.done():
                    break
                await asyncio.sleep(0)
        except BaseException:
            task.cancel()
            task.add_done_callback(_retrieve)
            raise
        if not task.done():
            # Left to finish (within socket_timeout) rather than cancelled:
            # cancelling would cost its connection, and the next call a reconnect.
            self._tasks.add(task)
            task.add_done_callback(self._forget)
            raise asyncio.TimeoutError
        result = int(task.result())  # a Redis error raises here
        self._answered_in(loop.time() - asked, budget)
        return result, asked

    def _answered_in(self, seconds: float, budget: float) -> None:
        """Keep the health record: answers within the budget, or slow since when."""
        now = self._loop.time()
        if seconds <= budget:
            self._answered += 1
            self._slow_since = None
            if self._degraded:
                self._degraded = False
                self._gentle_until = now + GENTLE_RETURN
                log.info(
                    "rate limit: Redis at %s answers again; back to the shared budget",
                    self._where,
                )
            return
        self.answers_past_budget += 1
        if self._slow_since is None:
            self._slow_since = now - seconds
        elif now - self._slow_since >= self._unavailable_after and not self._degraded:
            self._degrade(asyncio.TimeoutError())  # this answer's slot is still used

    def _note_local_send(self, now: float) -> None:
        sent = self._local_sent
        sent.append(now)
        while sent[0] <= now - 60.0:
            sent.popleft()

    def _forget(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        _retrieve(task)

    def _failed(self, exc: BaseException) -> None:
        """A call failed or Redis stayed silent: pace locally (or, pacing locally, keep on)."""
        if self._degraded:
            self._probe_at = self._loop.time() + PROBE_INTERVAL
            return
        self._degrade(exc)

    def _degrade(self, exc: BaseException) -> None:
        now = self._loop.time()
        self._answered = 0
        self._slow_since = None
        self._probe_at = now + PROBE_INTERVAL
        if self._degraded:
            return
        self._degraded = True
        # One warning per incident: a Redis that flaps as it comes back is the same one.
        level = logging.WARNING if now >= self._quiet_until else logging.INFO
        self._quiet_until = now + WARN_EVERY
        if isinstance(exc, (asyncio.TimeoutError, self._redis_timeout)):
            reason = (
                f"no answer within {self._timeout * 1000:g} ms for {self._unavailable_after:g} s"
            )
        else:
            reason = f"{type(exc).__name__}: {str(exc)[:200]}"
        log.log(
            level,
            "rate limit: Redis at %s is unavailable (%s); pacing this process locally at "
            "%.0f%% of the budget until it answers again",
            self._where,
            reason,
            100.0 * self._fraction,
        )

    async def _sleep(self, seconds: float) -> None:
        """Sleep, unless the client closes first (then :class:`Closed`)."""
        await asyncio.wait((self._closing,), timeout=seconds)
        if self._closing.done():
            raise Closed

    def close(self) -> None:
        """The client closed: every waiting ``acquire`` raises :class:`Closed` soon."""
        super().close()
        self._local.close()
        if not self._closing.done():
            self._closing.set_result(None)

    async def aclose(self) -> None:
        """After :meth:`close`: give pending pause writes their budget, then close the pool."""
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=self._timeout)
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._redis.aclose()
