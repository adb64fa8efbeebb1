"""One client run for ``benchmarks.instructions``: ``python -m benchmarks._instr_client``.

``WORKLOAD CLIENT N URL IDS_FILE [--no-speedups]``: warm up, then N pauses at
concurrency 64 (``pause``) or N items listed in pages of 100 (``page``).  Run
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


async def _pauses(kind: str, n: int, url: str, ids: list[str]) -> None:
    async with pause_client(kind, url) as op:
        await warm_up(op, ids, CONCURRENCY)
        if n:
            await run_pool(op, ids, count=n, concurrency=CONCURRENCY, timeout=3600)


async def _pages(kind: str, n: int, url: str) -> None:
    lister = FETCH_ONLY[kind]
    await lister(url, 300)  # warm up: imports, generated structure functions
    if n:
        seen = await lister(url, n)
        if seen != n:
            raise RuntimeError(f"listed {seen} items, expected {n}")


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
