"""One client run for ``benchmarks.instructions``: ``python -m benchmarks._instr_client``.

``WORKLOAD CLIENT N URL IDS_FILE [--no-speedups]``: warm up, then N pauses at
concurrency 64 (``pause``) or N items more listed in pages of 100 (``page``).  Run
under callgrind with N = 0 and N > 0; the difference is what the N cost.
"""

from __future__ import annotations

import sys

if "--no-speedups" in sys.argv[1:]:
    sys.modules["msgspec"] = None  # type: ignore[assignment]

import asyncio

from ._clients import pause_client
from ._load import run_pool, warm_up
from .scenarios.pagination import FETCH_ONLY

CONCURRENCY = 64
WARM_UP = 300


async def _pauses(kind: str, n: int, url: str, ids: list[str]) -> None:
    async with pause_client(kind, url) as op:
        await warm_up(op, ids, CONCURRENCY)
        if n:
            await run_pool(op, ids, count=n, concurrency=CONCURRENCY, timeout=3600)


async def _pages(kind: str, n: int, url: str) -> None:
    # One listing: the first 300 items warm up (imports, generated functions),
    # and the client is made once in both runs, so the difference is N items only.
    seen = await FETCH_ONLY[kind](url, WARM_UP + n)
    if seen != WARM_UP + n:
        raise RuntimeError(f"listed {seen} items, expected {WARM_UP + n}")


def main() -> int:
    workload, kind, n, url, ids_file = sys.argv[1:6]
    if workload == "pause":
        with open(ids_file, encoding="utf-8") as f:
            ids = [s for s in f.read().split() if s]
        asyncio.run(_pauses(kind, int(n), url, ids))
    else:
        asyncio.run(_pages(kind, int(n), url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
