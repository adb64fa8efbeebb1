"""What a suite invocation asked for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    runs: int = 3
    quick: bool = False  # smoke run: counts scaled down by 10
    long: bool = False  # also the 7,000-request rate-limit run (about 70 s per run)
    peer: bool = True  # the overhead scenario races the instantlyai SDK too

    def n(self, count: int) -> int:
        """``count``, or a tenth of it for ``--quick`` (never below 1)."""
        return max(1, count // 10) if self.quick else count

    def order(self, items: tuple[str, ...], run: int) -> tuple[str, ...]:
        """Rotate ``items`` by run, so no client always goes first (machine drift, warm caches)."""
        k = run % len(items)
        return items[k:] + items[:k]


def json_codec() -> str:
    """The JSON library the SDK decodes and encodes with: ``json``, or the ``speedups`` one."""
    try:
        from instantly_async._json import CODEC
    except ImportError:  # an SDK from before the speedups extra
        return "json"
    return CODEC
