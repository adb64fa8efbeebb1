"""When to retry, and how long to wait.

Instantly has no idempotency keys, so whether a failed request may be sent
again depends on the operation: a rejected request (429, or a connection that
was never made) changed nothing and is always safe; a 5xx, timeout or dropped
connection may have been applied, so only operations that are safe to repeat
(reads, PATCH, DELETE, pause/activate/resume) are retried after one.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Mapping
from datetime import timezone
from email.utils import parsedate_to_datetime

import attrs

__all__ = ["RetryPolicy"]

# Statuses that say "try again" (408 request timeout, 429 rate limit, 5xx).
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How failed requests are retried.

    ``max_retries`` is the number of retries after the first attempt.  Waits
    follow exponential backoff with full jitter: a uniform draw from
    ``[0, min(max_delay, initial_delay * 2**retry)]``.  A ``Retry-After`` header
    (seconds or HTTP date) is honoured when present, as a floor on the wait; a
    server asking for more than ``max_retry_after`` seconds is not retried and
    the error carries ``retry_after`` instead.
    """

    max_retries: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    initial_delay: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_delay: float = attrs.field(default=8.0, validator=attrs.validators.ge(0))
    max_retry_after: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))

    def backoff(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (0-based)."""
        ceiling = min(self.max_delay, self.initial_delay * (2**retry))
        delay = random.uniform(0.0, ceiling)
        if retry_after is not None:
            # The header is a floor; a little jitter on top keeps waiters apart.
            delay = retry_after + delay * 0.1
        return delay


# RFC 9110 delta-seconds are ASCII digits; a decimal fraction is tolerated.
# Python's float() would also take "1_0", "3.5e0", "inf" or non-ASCII digits.
_DELTA_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from ``Retry-After`` (delta-seconds or HTTP date), or None to use backoff."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip(" \t")
    if _DELTA_SECONDS.fullmatch(value):
        return float(value)
    if not value.isascii():
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # "-0000": UTC with no claim about the local zone
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - time.time())
