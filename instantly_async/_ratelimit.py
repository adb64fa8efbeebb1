"""Client-side pacing to the workspace rate limit.

Instantly allows 100 requests per second and 6,000 per minute per workspace
(every key of the workspace shares them).  aiolimiter is a leaky bucket: with
capacity ``C`` draining at ``r`` per second it lets through at most ``C + r*T``
requests in any window of ``T`` seconds, and it starts empty, so
``AsyncLimiter(100, 1)`` admits about 200 requests in the first second.  We
size each bucket so that ``C + r*T`` stays inside its window, with a request of
headroom for arrival jitter:

* per second: ``C = max(1, 2% of the limit)``, ``r = limit - C - 2``
  (100/s -> C=2, r=96: at most 98 in any second, so sends may bunch by
  ~20 ms without crossing 100 at the server);
* per minute: a second bucket, only when the first does not already imply it
  (``C + 60*r`` above the minute limit).

A 429 means the server disagrees with our arithmetic (another process on the
same workspace, say); the session manager then pauses every caller of the
client, limiter or not.
"""

from __future__ import annotations

import math

import attrs
from aiolimiter import AsyncLimiter

__all__ = ["RateLimit"]


@attrs.frozen(kw_only=True)
class RateLimit:
    """The request budget the client paces itself to.

    The default is the documented workspace limit.  Processes sharing one
    workspace should split it, e.g. ``RateLimit(per_second=50, per_minute=3000)``
    each for two processes.
    """

    per_second: float = attrs.field(default=100.0, validator=attrs.validators.gt(0))
    per_minute: float | None = attrs.field(default=6000.0)

    @per_minute.validator
    def _check_minute(self, _attr: attrs.Attribute[float | None], value: float | None) -> None:
        if value is not None and value <= 0:
            raise ValueError("per_minute must be > 0 or None")


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


class RateLimiter:
    """Paces requests for one client on one event loop (create it lazily, in the loop)."""

    __slots__ = ("_buckets",)

    def __init__(self, limit: RateLimit) -> None:
        capacity, rate = _bucket(limit.per_second, 1.0)
        buckets = [AsyncLimiter(capacity, capacity / rate)]
        if limit.per_minute is not None and capacity + 60.0 * rate > limit.per_minute:
            m_capacity, m_rate = _bucket(limit.per_minute, 60.0)
            buckets.insert(0, AsyncLimiter(m_capacity, m_capacity / m_rate))
        self._buckets = tuple(buckets)

    async def acquire(self) -> None:
        for bucket in self._buckets:
            await bucket.acquire()
