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

With ``redis_url`` the same buckets live in Redis and every process with the
same ``name`` draws on them (``_shared_limit``); this module's limiter is then
the fallback for when Redis cannot answer.
"""

from __future__ import annotations

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
    * ``redis_timeout``: seconds one Redis call may take before the process
      falls back to local pacing (default 0.01).
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

    def penalize(self, seconds: float) -> None:
        """Nothing to share: the session manager pauses this process's callers itself."""

    async def aclose(self) -> None:
        """Nothing to release."""
