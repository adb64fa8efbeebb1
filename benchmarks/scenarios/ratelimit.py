"""Rate limit: the SDK's default limiter against a fake enforcing 100/s and 6,000/min.

The ideal is what the server admits: ``n / 100`` seconds up to 6,000 requests,
then the minute window is the limit (7,000 -> 60 + 10 = 70 s).  Each run gets a
fresh fake (empty windows) and a fresh client (empty buckets).  429s are read
from the fake's own counters (printed by the fake process when it stops) and,
as a cross-check, counted on the client from the SDK's retry log lines.
"""

from __future__ import annotations

import logging

from instantly_async import RateLimit

from .._clients import sdk_client
from .._config import Config
from .._load import run_pool
from .._report import Results
from .._server import fake_server

NAME = "2. rate limit (SDK default limiter vs a 100/s + 6,000/min server)"
PER_SECOND, PER_MINUTE = 100, 6_000
CONCURRENCY = 32  # the SDK's default bulk concurrency
SEED = 1_000


class _RetryCounter(logging.Handler):
    """Counts the SDK's "failed (status 429) ... retrying" log lines."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "status 429" in record.getMessage():
            self.count += 1


def ideal_seconds(n: int) -> float:
    if n <= PER_MINUTE:
        return n / PER_SECOND
    return 60.0 * ((n - 1) // PER_MINUTE) + ((n - 1) % PER_MINUTE + 1) / PER_SECOND


async def _one(count: int) -> tuple[float, int, int, int]:
    """(wall seconds, 429s seen by the fake, 429s the client retried, requests the fake saw)."""
    logger = logging.getLogger("instantly_async")
    counter = _RetryCounter()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(counter)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        with fake_server(seed=min(SEED, count), rate_limit=(PER_SECOND, PER_MINUTE)) as server:
            async with sdk_client(server.base_url, rate_limit=RateLimit()) as client:
                res = await run_pool(
                    client.campaigns.pause,
                    server.ids,
                    count=count,
                    concurrency=CONCURRENCY,
                    timeout=ideal_seconds(count) * 3 + 30,
                )
    finally:
        logger.removeHandler(counter)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
    return res.wall, server.rate_limited, counter.count, int(server.stats.get("requests", 0))


async def run(cfg: Config, results: Results) -> None:
    counts = [cfg.n(1_000)] + ([cfg.n(7_000)] if cfg.long else [])
    for count in counts:
        ideal = ideal_seconds(count)
        row = results.row(NAME, f"{count:,} pauses", "sdk")
        for _ in range(cfg.runs):
            wall, server_429, client_429, seen = await _one(count)
            row.add(
                **{
                    "wall s": wall,
                    "ideal s": ideal,
                    "x ideal": wall / ideal,
                    "429s (fake)": server_429,
                    "429s (client)": client_429,
                    "requests (fake)": seen,
                }
            )
        ratio = row.median("x ideal")
        worst_429 = max(row.metrics["429s (fake)"])
        results.target(f"rate limit {count:,}: wall / ideal", ratio, "<= 1.05", ratio <= 1.05)
        results.target(f"rate limit {count:,}: 429s (worst run)", worst_429, "== 0", worst_429 == 0)
