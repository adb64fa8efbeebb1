"""The benchmark runner: ``python -m benchmarks [--runs N] [--quick] [--long] [--only ...]``."""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Awaitable, Callable

from ._config import Config
from ._report import Results, machine, render, write_json
from .scenarios import latency, models, overhead, pagination, ratelimit, shared

Scenario = Callable[[Config, Results], Awaitable[None]]

SCENARIOS: dict[str, Scenario] = {
    "overhead": overhead.run,
    "ratelimit": ratelimit.run,
    "latency": latency.run,
    "pagination": pagination.run,
    "models": models.run,
    "shared": shared.run,
}
LATEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "latest.json")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    p.add_argument("--quick", action="store_true", help="counts / 10: a smoke run")
    p.add_argument(
        "--long", action="store_true", help="also 7,000 pauses at 100/s + 6,000/min (~70 s/run)"
    )
    p.add_argument(
        "--no-speedups",
        action="store_true",
        help="measure the SDK as if the speedups extra were not installed (standard-library JSON)",
    )
    p.add_argument(
        "--no-peer",
        action="store_true",
        help="leave the instantlyai SDK out of the overhead race (it takes most of the time)",
    )
    p.add_argument(
        "--only",
        nargs="+",
        choices=list(SCENARIOS),
        default=list(SCENARIOS),
        help="run only these scenarios",
    )
    p.add_argument(
        "--json",
        default=LATEST,
        metavar="PATH",
        help="where to write the results (default benchmarks/results/latest.json)",
    )
    return p


async def _run_all(cfg: Config, names: list[str], results: Results) -> None:
    for name in names:
        started = time.perf_counter()
        print(f"-- {name} ...", flush=True)
        await SCENARIOS[name](cfg, results)
        print(f"   done in {time.perf_counter() - started:.1f}s", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.runs < 1:
        raise SystemExit("--runs must be at least 1")
    cfg = Config(runs=args.runs, quick=args.quick, long=args.long, peer=not args.no_peer)
    results = Results(runs=cfg.runs, quick=cfg.quick)
    info = machine()
    print(
        f"instantly-async benchmarks: {cfg.runs} run(s){' (quick)' if cfg.quick else ''} on "
        f"{info['nproc']} cpu(s), {info['cpu']}, Python {info['python']}, "
        f"JSON: {info['json']}",
        flush=True,
    )
    names = [n for n in SCENARIOS if n in args.only]
    try:
        asyncio.run(_run_all(cfg, names, results))
    finally:
        # Whatever finished is worth keeping, even after an error or Ctrl-C.
        print()
        print(render(results))
        write_json(results, args.json)
        print(f"results written to {args.json}")
    missed = [t.name for t in results.targets if not t.passed]
    return 1 if missed else 0
