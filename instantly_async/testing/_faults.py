"""Fault injection: queued failures, dropped connections, slow answers, random chaos.

Decisions are taken when a request arrives, before the handler awaits
anything, so queued faults hit requests in arrival order even under
concurrency, and a seeded :meth:`Faults.random` is reproducible for a given
request order.
"""

from __future__ import annotations

import random as _random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["RANDOM_KINDS", "Fault", "Faults", "Phase"]

Phase = Literal["before", "after"]

RANDOM_KINDS = (
    "429",
    "500",
    "502",
    "503",
    "504",
    "html",
    "empty",
    "truncated",
    "drop_before",
    "drop_after",
    "after_500",
)

# What a Cloudflare-fronted origin error looks like to a client.
_HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>api.instantly.ai | 502: Bad gateway</title></head>"
    b"<body><h1>Bad gateway</h1><p>Error code 502</p>"
    b"<p>Cloudflare Ray ID: 8f0c1d2e3a4b5c6d</p></body></html>\n"
)


@dataclass(frozen=True, slots=True)
class Fault:
    """One decided fault for one request.

    ``body`` ``None`` means the vendor envelope for ``status``.
    """

    kind: str
    action: Literal["fail", "drop"]
    phase: Phase
    status: int = 500
    body: bytes | None = None
    headers: Mapping[str, str] | None = None
    content_type: str | None = "application/json"


@dataclass(slots=True)
class _Rule:
    remaining: int
    method: str | None
    path_prefix: str | None
    fault: Fault | None = None
    seconds: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path_prefix is None or path.startswith(self.path_prefix)
        )


def _random_fault(kind: str) -> Fault:
    if kind in ("429", "500", "502", "503", "504"):
        return Fault(kind, "fail", "before", int(kind))
    if kind == "html":
        return Fault(kind, "fail", "before", 502, _HTML_PAGE, content_type="text/html")
    if kind == "empty":
        return Fault(kind, "fail", "before", 503, b"")
    if kind == "truncated":
        return Fault(kind, "fail", "before", 500, b'{"statusCode":500,"error":"Internal Ser')
    if kind == "drop_before":
        return Fault(kind, "drop", "before")
    if kind == "drop_after":
        return Fault(kind, "drop", "after")
    if kind == "after_500":
        return Fault(kind, "fail", "after", 500)
    raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(RANDOM_KINDS)}")


@dataclass(slots=True)
class _Chaos:
    rate: float
    faults: tuple[Fault, ...]
    rng: _random.Random = field(default_factory=_random.Random)


class Faults:
    """Faults for the next requests; see the package docs for the public surface."""

    def __init__(self) -> None:
        self.latency = 0.0
        self._rules: list[_Rule] = []
        self._delays: list[_Rule] = []
        self._chaos: _Chaos | None = None

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        *,
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = "application/json",
        phase: Phase = "before",
        method: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """Answer the next ``n`` matching requests with ``status``.

        ``phase="after"`` runs the operation first (its state change sticks).
        ``body`` as bytes/str is sent verbatim (HTML, empty, truncated JSON...).
        """
        _check_phase(phase)
        raw = body.encode() if isinstance(body, str) else body
        fault = Fault("fail", "fail", phase, status, raw, headers, content_type)
        self._add(self._rules, n, method, path_prefix, fault=fault)

    def drop_next(
        self,
        n: int = 1,
        *,
        phase: Phase = "before",
        method: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """Close the connection of the next ``n`` matching requests without answering."""
        _check_phase(phase)
        self._add(self._rules, n, method, path_prefix, fault=Fault("drop", "drop", phase))

    def delay_next(
        self,
        n: int,
        seconds: float,
        *,
        method: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """Hold the next ``n`` matching requests for ``seconds`` before they run."""
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        self._add(self._delays, n, method, path_prefix, seconds=seconds)

    def random(self, rate: float, *, kinds: Iterable[str] = RANDOM_KINDS, seed: int = 0) -> None:
        """Give each request a fault with probability ``rate`` (0 turns it off)."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be within [0, 1]")
        faults = tuple(_random_fault(kind) for kind in kinds)
        if rate == 0.0 or not faults:
            self._chaos = None
            return
        self._chaos = _Chaos(rate, faults, _random.Random(seed))

    def clear(self) -> None:
        """Forget every queued fault, the random mode and the latency."""
        self._rules.clear()
        self._delays.clear()
        self._chaos = None
        self.latency = 0.0

    @property
    def pending(self) -> int:
        """Queued fail/drop/delay requests not yet consumed."""
        return sum(r.remaining for r in self._rules) + sum(r.remaining for r in self._delays)

    # -- used by the request pipeline --------------------------------------------

    def _add(
        self,
        rules: list[_Rule],
        n: int,
        method: str | None,
        path_prefix: str | None,
        *,
        fault: Fault | None = None,
        seconds: float = 0.0,
    ) -> None:
        if n < 0:
            raise ValueError("n must be >= 0")
        if n:
            upper = method.upper() if method is not None else None
            rules.append(_Rule(n, upper, path_prefix, fault, seconds))

    def take(self, method: str, path: str) -> tuple[Fault | None, float | None]:
        """Consume what applies to an arriving request: its fault and its queued delay.

        The delay is ``None`` when no ``delay_next`` rule matched (latency aside).
        """
        fault: Fault | None = None
        if self._rules:
            fault = _consume(self._rules, method, path).fault
        if fault is None and self._chaos is not None:
            chaos = self._chaos
            if chaos.rng.random() < chaos.rate:
                fault = chaos.rng.choice(chaos.faults)
        delay: float | None = None
        if self._delays:
            rule = _consume(self._delays, method, path)
            if rule is not _NO_RULE:
                delay = rule.seconds
        return fault, delay


_NO_RULE = _Rule(0, None, None)


def _consume(rules: list[_Rule], method: str, path: str) -> _Rule:
    for i, rule in enumerate(rules):
        if rule.matches(method, path):
            rule.remaining -= 1
            if rule.remaining == 0:
                del rules[i]
            return rule
    return _NO_RULE


def _check_phase(phase: str) -> None:
    if phase not in ("before", "after"):
        raise ValueError("phase must be 'before' or 'after'")
