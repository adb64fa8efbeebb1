"""Pagination: list 10,000 campaigns in pages of 100, against the lean server.

Two questions.  **Throughput** (no consumer work, 0 ms latency): how many
items a second a client gets through when nothing else limits it; the SDK
structures every campaign into a model, raw aiohttp only decodes the JSON;
``cpu ms/page`` is the client process's CPU per page.  The two run
interleaved.  **Overlap** (the consumer spends 10 ms a page, at 0 and 20 ms
latency): the SDK fetches one page ahead, so its wall time should approach
``pages x max(latency, consumer time)``; the raw-aiohttp loop is the
sequential one people write (fetch, then work, then fetch), whose best is
``pages x (latency + consumer time)``.  Memory is measured in a separate pass
(tracemalloc slows Python down, so it would spoil the timing) by listing 1/10
of the items and all of them: held memory must not grow with the item count.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import Awaitable, Callable

from .._clients import raw_client, sdk_client
from .._config import Config, json_codec
from .._report import Results
from .._server import lean_server

NAME = "4. pagination (pages of 100, consumer 10 ms/page)"
THROUGHPUT = "4a. pagination throughput (pages of 100, 0 ms latency, no consumer)"
MEMORY = "4b. pagination memory (tracemalloc peak, client process)"
ITEMS = 10_000
PAGE = 100
CONSUMER = 0.010
LATENCIES = (0.0, 0.020)
CLIENTS = ("sdk", "raw")

Lister = Callable[[str, int | None], Awaitable[int]]


async def list_sdk(base_url: str, max_items: int | None, consumer: float = CONSUMER) -> int:
    seen = 0
    async with sdk_client(base_url) as client:
        async for page in client.campaigns.list(limit=PAGE, max_items=max_items).pages():
            seen += len(page.items)
            if consumer:
                await asyncio.sleep(consumer)
    return seen


async def list_raw(base_url: str, max_items: int | None, consumer: float = CONSUMER) -> int:
    seen = 0
    async with raw_client(base_url) as raw:
        cursor: str | None = None
        while True:
            data = await raw.list_page(cursor, PAGE)
            items = data["items"]
            if max_items is not None:
                items = items[: max_items - seen]
            seen += len(items)
            if consumer:
                await asyncio.sleep(consumer)
            cursor = data.get("next_starting_after")
            if not items or not cursor or (max_items is not None and seen >= max_items):
                return seen


async def list_sdk_fetch_only(base_url: str, max_items: int | None) -> int:
    return await list_sdk(base_url, max_items, consumer=0.0)


async def list_raw_fetch_only(base_url: str, max_items: int | None) -> int:
    return await list_raw(base_url, max_items, consumer=0.0)


LISTERS: dict[str, Lister] = {"sdk": list_sdk, "raw": list_raw}
FETCH_ONLY: dict[str, Lister] = {"sdk": list_sdk_fetch_only, "raw": list_raw_fetch_only}


async def _timed(lister: Lister, base_url: str) -> tuple[int, float, float]:
    """(items, wall seconds, client CPU seconds)."""
    wall0, cpu0 = time.perf_counter(), time.process_time()
    seen = await asyncio.wait_for(lister(base_url, None), 120)
    return seen, time.perf_counter() - wall0, time.process_time() - cpu0


async def _peak_kib(lister: Lister, base_url: str, max_items: int) -> float:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        seen = await asyncio.wait_for(lister(base_url, max_items), 120)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if seen != max_items:
        raise RuntimeError(f"listed {seen} items, expected {max_items}")
    return (peak - base) / 1024


async def _throughput(cfg: Config, results: Results, base_url: str, items: int) -> None:
    pages = -(-items // PAGE)
    case = f"{items:,} items"
    for kind in CLIENTS:  # warm up: connections, generated structure functions
        await FETCH_ONLY[kind](base_url, 3 * PAGE)
    # Short runs (a second or so), at least five of each, alternating: drift
    # hits both clients alike.
    for i in range(max(cfg.runs, 5)):
        measured: dict[str, tuple[float, float]] = {}
        for kind in cfg.order(CLIENTS, i):
            seen, wall, cpu = await _timed(FETCH_ONLY[kind], base_url)
            if seen != items:
                raise RuntimeError(f"{kind} listed {seen} items, expected {items}")
            measured[kind] = (seen / wall, cpu / pages * 1e3)
        for kind in CLIENTS:
            rate, cpu_ms = measured[kind]
            results.row(THROUGHPUT, case, kind).add(**{"items/s": rate, "cpu ms/page": cpu_ms})
        results.row(THROUGHPUT, case, "sdk").add(
            **{
                "x raw": measured["sdk"][0] / measured["raw"][0],
                "x raw cpu": measured["sdk"][1] / measured["raw"][1],
            }
        )
    sdk = results.row(THROUGHPUT, case, "sdk")
    ratio = sdk.median("x raw")
    goal, floor = (">= 1.0", 1.0) if json_codec() != "json" else (">= 0.8", 0.8)
    results.target(
        f"pagination 0 ms: sdk/raw items/s ({json_codec()})",
        ratio,
        goal,
        ratio >= floor,
        f"cpu sdk/raw {sdk.median('x raw cpu'):.2f}",
    )


async def run(cfg: Config, results: Results) -> None:
    items = cfg.n(ITEMS)
    pages = -(-items // PAGE)
    for latency in LATENCIES:
        case = f"{items:,} items, {latency * 1000:.0f} ms latency"
        ideal = pages * max(latency, CONSUMER)
        with lean_server(campaigns=items, latency=latency) as server:
            if latency == 0.0:
                await _throughput(cfg, results, server.base_url, items)
            for i in range(cfg.runs):
                for kind in cfg.order(CLIENTS, i):
                    seen, wall, _ = await _timed(LISTERS[kind], server.base_url)
                    if seen != items:
                        raise RuntimeError(f"{kind} listed {seen} items, expected {items}")
                    results.row(NAME, case, kind).add(
                        **{
                            "items/s": seen / wall,
                            "wall s": wall,
                            "ideal s": ideal,
                            "x ideal": wall / ideal,
                        }
                    )
            if latency:
                # The cursor chain alone (no consumer work): latency as the server
                # really delivers it (timer granularity included) plus the service
                # time per page: the floor for any client.
                for _ in range(cfg.runs):
                    seen, wall, _ = await _timed(list_raw_fetch_only, server.base_url)
                    results.row(NAME, case, "raw, no consumer").add(
                        **{"items/s": seen / wall, "wall s": wall, "ms/page": wall / pages * 1e3}
                    )
            else:
                small = max(3 * PAGE, items // 10)
                for i in range(cfg.runs):
                    for kind in cfg.order(CLIENTS, i):
                        low = await _peak_kib(LISTERS[kind], server.base_url, small)
                        high = await _peak_kib(LISTERS[kind], server.base_url, items)
                        results.row(MEMORY, f"{small:,} vs {items:,} items", kind).add(
                            **{
                                f"peak KiB {small:,}": low,
                                f"peak KiB {items:,}": high,
                                "growth x": high / low,
                            }
                        )
    top = LATENCIES[-1]
    case = f"{items:,} items, {top * 1000:.0f} ms latency"
    floor = results.row(NAME, case, "raw, no consumer").median("wall s")
    sdk = results.row(NAME, case, "sdk")
    budget = pages * top
    wall = sdk.median("wall s")
    results.target(
        "pagination 20 ms: sdk wall / (pages x latency)",
        wall / budget,
        "<= 1.10",
        wall <= 1.10 * budget,
        f"floor here (the bare cursor chain) = {floor:.2f} s = {floor / budget:.2f}x; "
        f"sdk / floor = {wall / floor:.2f}",
    )
    small = max(3 * PAGE, items // 10)
    growth = results.row(MEMORY, f"{small:,} vs {items:,} items", "sdk").median("growth x")
    results.target(
        f"pagination memory: sdk peak({items:,}) / peak({small:,})",
        growth,
        "<= 1.25",
        growth <= 1.25,
        "flat in the number of items",
    )
