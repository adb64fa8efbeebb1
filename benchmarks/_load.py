"""A bounded worker pool: ``count`` calls spread over ``concurrency`` tasks."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ._clients import pause_client


@dataclass(frozen=True)
class LoadResult:
    count: int
    wall: float  # seconds
    cpu: float  # seconds of this (client) process's CPU

    @property
    def rps(self) -> float:
        return self.count / self.wall

    @property
    def cpu_us_per_request(self) -> float:
        return self.cpu / self.count * 1e6


async def run_pool(
    op: Callable[[str], Awaitable[Any]],
    ids: Sequence[str],
    *,
    count: int,
    concurrency: int,
    timeout: float,
) -> LoadResult:
    """Call ``op`` on ``count`` ids (cycling through ``ids``) with ``concurrency`` workers.

    Any failure aborts the run: a benchmark that hides errors measures nothing.
    """
    if not ids:
        raise ValueError("no campaign ids to work on")
    todo = iter(range(count))
    n = len(ids)

    async def worker() -> None:
        for i in todo:  # one shared iterator: each index is taken exactly once
            await op(ids[i % n])

    wall0, cpu0 = time.perf_counter(), time.process_time()
    workers = asyncio.gather(*(worker() for _ in range(min(concurrency, count))))
    await asyncio.wait_for(workers, timeout)
    return LoadResult(count, time.perf_counter() - wall0, time.process_time() - cpu0)


async def warm_up(
    op: Callable[[str], Awaitable[Any]], ids: Sequence[str], concurrency: int
) -> None:
    """Open the connections and bind the client to the loop before timing."""
    await run_pool(op, ids, count=max(2 * concurrency, 50), concurrency=concurrency, timeout=60)


async def interleaved(
    ops: dict[str, Callable[[str], Awaitable[Any]]],
    ids: Sequence[str],
    *,
    count: int,
    concurrency: int,
    block: int,
    timeout: float,
) -> dict[str, LoadResult]:
    """``count`` calls per client, run in blocks that alternate between the clients.

    On a shared machine the speed drifts over seconds; alternating blocks of
    ``block`` calls exposes every client to the same drift, so their ratio is
    fair even when the absolute numbers wander.
    """
    done = dict.fromkeys(ops, 0)
    wall = dict.fromkeys(ops, 0.0)
    cpu = dict.fromkeys(ops, 0.0)
    offset = 0
    while any(n < count for n in done.values()):
        for kind, op in ops.items():
            n = min(block, count - done[kind])
            if n <= 0:
                continue
            # Each block works on the next ids, so no two clients pause the same ones in a row.
            window = [ids[(offset + i) % len(ids)] for i in range(n)]
            res = await run_pool(op, window, count=n, concurrency=concurrency, timeout=timeout)
            done[kind] += n
            wall[kind] += res.wall
            cpu[kind] += res.cpu
        offset += block
    return {kind: LoadResult(done[kind], wall[kind], cpu[kind]) for kind in ops}


async def race(
    kinds: Sequence[str],
    base_url: str,
    ids: Sequence[str],
    *,
    count: int,
    concurrency: int,
    block: int,
    timeout: float,
) -> dict[str, LoadResult]:
    """Open the pause clients ``kinds`` (in that order), warm each up, run ``interleaved``."""
    async with contextlib.AsyncExitStack() as stack:
        ops: dict[str, Callable[[str], Awaitable[Any]]] = {}
        for kind in kinds:
            ops[kind] = await stack.enter_async_context(pause_client(kind, base_url))
            await warm_up(ops[kind], ids, concurrency)
        return await interleaved(
            ops, ids, count=count, concurrency=concurrency, block=block, timeout=timeout
        )
