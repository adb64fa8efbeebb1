"""What the fake saw: a bounded request log and running counters."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from multidict import CIMultiDictProxy

__all__ = ["FakeStats", "RecordedRequest"]

_UNPARSED: Any = object()


@dataclass(slots=True, eq=False)
class RecordedRequest:
    """One request as it arrived.

    ``json`` is parsed lazily from ``body`` (``None`` when the body is empty or
    not JSON).  ``operation_id`` is ``None`` for unknown routes; ``status`` is the
    answer's status, ``None`` while in flight or when the connection was dropped.
    ``headers`` is the request's own (case-insensitive, read-only) header mapping.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: CIMultiDictProxy[str]
    operation_id: str | None
    time: float
    body: bytes = b""
    status: int | None = None
    dropped: bool = False
    _json: Any = field(default=_UNPARSED, repr=False)

    @property
    def json(self) -> Any:
        if self._json is _UNPARSED:
            try:
                self._json = json.loads(self.body) if self.body else None
            except ValueError:
                self._json = None
        return self._json

    def __repr__(self) -> str:
        query = "&".join(f"{k}={v}" for k, vs in self.query.items() for v in vs)
        target = f"{self.path}?{query}" if query else self.path
        return f"<RecordedRequest {self.method} {target} -> {self.status}>"


class FakeStats:
    """Counters since construction or the last :meth:`reset`.

    * ``requests``: every request that arrived.
    * ``by_status``: answers by HTTP status (dropped connections are ``dropped``).
    * ``rate_limited``: 429s produced by the rate limiter (injected 429s are in ``faults``).
    * ``transitions``: real state changes, e.g. ``campaign.pause`` only when the
      campaign was not paused already.  Keys: ``campaign.create`` (also duplicate
      and from-export), ``campaign.update``, ``campaign.delete``,
      ``campaign.activate``, ``campaign.pause``, ``subsequence.create`` (also
      duplicate), ``subsequence.update``, ``subsequence.delete``,
      ``subsequence.pause``, ``subsequence.resume``.
    * ``calls``: operations that ran (passed rate limit, auth and validation),
      by operationId.
    * ``attempts``: requests routed to an operation, whatever became of them.
    * ``faults``: injected faults by kind (``fail``, ``drop``, ``delay`` for the
      ``*_next`` queues; the kind name for :meth:`Faults.random`).
    """

    __slots__ = (
        "attempts",
        "by_status",
        "calls",
        "dropped",
        "faults",
        "rate_limited",
        "requests",
        "transitions",
    )

    def __init__(self) -> None:
        self.requests = 0
        self.rate_limited = 0
        self.dropped = 0
        self.by_status: Counter[int] = Counter()
        self.transitions: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.attempts: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()

    def reset(self) -> None:
        self.requests = 0
        self.rate_limited = 0
        self.dropped = 0
        self.by_status.clear()
        self.transitions.clear()
        self.calls.clear()
        self.attempts.clear()
        self.faults.clear()

    def __repr__(self) -> str:
        return (
            f"<FakeStats requests={self.requests} by_status={dict(self.by_status)} "
            f"rate_limited={self.rate_limited} dropped={self.dropped}>"
        )
