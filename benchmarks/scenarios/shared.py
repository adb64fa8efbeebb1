"""Shared budget: four processes, one workspace, against a fake enforcing 100/s and 6,000/min.

Each run starts a fresh counting fake and a fresh real redis-server, then four
worker processes that pause their share of the campaigns with a bulk job, all
starting together (``benchmarks/_multiproc.py``).  ``local``: every process
paces itself to the whole budget (the SDK's default without Redis); ``shared``:
one budget through Redis; ``shared, Redis +1 ms``: the same through a proxy
that holds every request to Redis for a moment (asyncio's timer resolution
makes that about a millisecond; the measured round trip is in the notes).
The fake counts every request in every sliding second and minute, and per
process; ``share`` is each process's part of the requests answered while all
four were still at work.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import AsyncIterator

from .._config import Config
from .._multiproc import Run, run_processes
from .._redisproc import redis_server
from .._report import Results

NAME = "6. shared budget (4 processes, 100/s + 6,000/min server, Redis)"
PROCESSES = 4


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        while chunk := await reader.read(65536):
            if delay:
                await asyncio.sleep(delay)
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def delaying_proxy(port: int, delay: float) -> AsyncIterator[int]:
    """A TCP proxy on 127.0.0.1 to ``port`` holding each chunk to it ``delay`` seconds; its port."""
    tasks: set[asyncio.Task[None]] = set()

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", port)
        for task in (
            asyncio.ensure_future(_pipe(client_r, server_w, delay)),
            asyncio.ensure_future(_pipe(server_r, client_w, 0.0)),
        ):
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


async def _rtt_ms(port: int) -> float:
    """Median PING round trip through ``port``, in milliseconds."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    times = []
    try:
        for _ in range(20):
            started = time.perf_counter()
            writer.write(b"PING\r\n")
            await reader.readline()
            times.append((time.perf_counter() - started) * 1000)
    finally:
        writer.close()
    return statistics.median(times)


def _record(results: Results, case: str, client: str, run: Run) -> None:
    reports = run.reports()
    first_done = min(r["finished"] for r in reports) - run.go
    shares = run.share(first_done)
    total = sum(shares.values()) or 1
    results.row(NAME, case, client).add(
        **{
            "wall s": run.wall,
            "ideal s": run.ideal,
            "x ideal": run.wall / run.ideal,
            "429s (fake)": run.rate_limited,
            "max/1s": run.max_per(1.0),
            "max/60s": run.max_per(60.0),
            "share min %": 100.0 * min(shares.values()) / total,
            "share max %": 100.0 * max(shares.values()) / total,
            "failed": sum(r["failed"] for r in reports),
            "fallbacks": sum(r["warnings"] for r in reports),
        }
    )


async def _one(count: int, mode: str) -> Run:
    with redis_server() as redis:
        if mode == "local":
            return await asyncio.to_thread(
                run_processes, processes=PROCESSES, items=count, redis_url=None
            )
        if mode == "shared":
            return await asyncio.to_thread(
                run_processes, processes=PROCESSES, items=count, redis_url=redis.url
            )
        async with delaying_proxy(redis.port, 0.0005) as port:
            return await asyncio.to_thread(
                run_processes,
                processes=PROCESSES,
                items=count,
                redis_url=f"redis://127.0.0.1:{port}/0",
            )


async def run(cfg: Config, results: Results) -> None:
    cases: list[tuple[int, tuple[str, ...], int]] = [
        (cfg.n(2_000), ("local", "shared", "shared, Redis +1 ms"), cfg.runs)
    ]
    if cfg.long:
        cases.append((cfg.n(7_000), ("local", "shared"), 1))
    for count, modes, runs in cases:
        case = f"{count:,} pauses"
        for i in range(runs):
            for mode in cfg.order(modes, i):
                _record(results, case, mode, await _one(count, mode))
    with redis_server() as redis:
        async with delaying_proxy(redis.port, 0.0005) as port:
            rtt = await _rtt_ms(port)
    results.notes.append(
        f"shared budget: the +1 ms proxy measured {rtt:.2f} ms per Redis round trip (median)"
    )
    for count, _, _ in cases:
        case = f"{count:,} pauses"
        for mode in ("shared", "shared, Redis +1 ms"):
            row = next(
                (r for r in results.rows if (r.scenario, r.case, r.client) == (NAME, case, mode)),
                None,
            )
            if row is None:
                continue
            ratio = row.median("x ideal")
            results.target(f"shared {case} ({mode}): wall / ideal", ratio, "<= 1.10", ratio <= 1.10)
            worst = max(row.metrics["429s (fake)"])
            results.target(f"shared {case} ({mode}): 429s (worst run)", worst, "== 0", worst == 0)
            peak = max(row.metrics["max/1s"])
            results.target(f"shared {case} ({mode}): max in 1 s", peak, "<= 100", peak <= 100)
        local = results.row(NAME, case, "local")
        seen = min(local.metrics["429s (fake)"])
        results.target(f"local control {case}: 429s (fewest)", seen, "> 0", seen > 0)
