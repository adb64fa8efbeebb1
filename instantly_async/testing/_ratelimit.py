"""The vendor's workspace rate limit: sliding one-second and one-minute windows."""

from __future__ import annotations

import time
from collections import deque

__all__ = ["SlidingWindowLimiter"]


class SlidingWindowLimiter:
    """Admits a request only if both windows still have room.

    Each window keeps the admission times of the requests it counts; a rejected
    request is not recorded, so being throttled does not use up quota (a client
    that retries too eagerly is not punished twice).
    """

    __slots__ = ("_minute", "_per_minute", "_per_second", "_second")

    def __init__(self, per_second: int, per_minute: int) -> None:
        if per_second < 1 or per_minute < 1:
            raise ValueError("rate limits must be positive")
        self._per_second = per_second
        self._per_minute = per_minute
        self._second: deque[float] = deque()
        self._minute: deque[float] = deque()

    @property
    def limits(self) -> tuple[int, int]:
        return self._per_second, self._per_minute

    def try_acquire(self, now: float | None = None) -> bool:
        if now is None:
            now = time.monotonic()
        second, minute = self._second, self._minute
        edge = now - 1.0
        while second and second[0] <= edge:
            second.popleft()
        edge = now - 60.0
        while minute and minute[0] <= edge:
            minute.popleft()
        if len(second) >= self._per_second or len(minute) >= self._per_minute:
            return False
        second.append(now)
        minute.append(now)
        return True

    def reset(self) -> None:
        self._second.clear()
        self._minute.clear()
