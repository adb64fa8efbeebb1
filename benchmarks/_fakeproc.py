"""The fake server process the benchmarks talk to: ``python -m benchmarks._fakeproc``.

It is ``python -m instantly_async.testing`` (same flags, same public
``FakeInstantly``) plus two things only a benchmark harness needs, neither of
them a server route:

* ``--ids-file PATH`` writes the seeded campaign ids (one per line) before it
  listens, so the harness learns them without spending requests (which would
  count against the fake's rate limit);
* on SIGTERM/SIGINT it prints the fake's own ``FakeStats`` as one JSON line
  (``stats {...}``), so 429s are counted where they are produced.

It also stops when its stdin closes, so it cannot outlive a harness that was
killed before it could stop it by pid.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys

from instantly_async.testing import FakeInstantly

from ._child import stop_event


def _rate_limit(text: str) -> tuple[int, int] | None:
    if text.strip().lower() == "none":
        return None
    per_second, per_minute = (int(part) for part in text.split(","))
    return per_second, per_minute


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._fakeproc")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--rate-limit", type=_rate_limit, default=None)
    parser.add_argument("--seed-campaigns", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--ids-file", default=None)
    parser.add_argument("--watch-stdin", action="store_true", help="stop when stdin closes")
    return parser


def _write_ids(path: str, ids: list[str]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(f"{i}\n" for i in ids)


async def _serve(args: argparse.Namespace) -> None:
    # A small request log: the benchmarks never read it, and 10,000 recorded
    # requests would only add memory churn to the server's side of the timing.
    fake = FakeInstantly(rate_limit=args.rate_limit, request_log_size=16)
    fake.faults.latency = args.latency
    seeded = fake.seed_campaigns(args.seed_campaigns) if args.seed_campaigns else []
    if args.ids_file:
        _write_ids(args.ids_file, [c["id"] for c in seeded])
    stop = stop_event(args.watch_stdin)
    async with fake.run("127.0.0.1", args.port) as base_url:
        print(f"listening on {base_url}", flush=True)
        await stop.wait()
    stats = fake.stats
    summary = {
        "requests": stats.requests,
        "rate_limited": stats.rate_limited,
        "by_status": {str(k): v for k, v in stats.by_status.items()},
    }
    with contextlib.suppress(BrokenPipeError):  # the harness may be gone
        print("stats " + json.dumps(summary), flush=True)


def main() -> int:
    asyncio.run(_serve(_parser().parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
