"""The fake for multi-process runs: ``python -m benchmarks._countingfake``.

The project's ``FakeInstantly`` in its own process, enforcing the workspace's
sliding 1 s / 60 s windows (429 past them), seeded with active campaigns.  It
notes the arrival time, sender (the ``User-Agent``) and answer of every
request, so the harness can count requests in every sliding window and per
process, and on SIGTERM writes them with the fake's counters to ``--report``.
It stops by itself when its stdin closes (the harness is gone).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys

from instantly_async.testing import FakeInstantly

from ._child import stop_event

API_KEY = "test-key"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._countingfake")
    parser.add_argument("--rate-limit", default="100,6000", help="PER_SECOND,PER_MINUTE")
    parser.add_argument("--seed-campaigns", type=int, required=True)
    parser.add_argument("--ids-file", required=True)
    parser.add_argument("--report", required=True)
    return parser


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


async def _serve(args: argparse.Namespace) -> None:
    # A collection pause would hold arriving requests back and stamp them
    # together: a burst no client sent.  A run lasts seconds to a minute or two.
    gc.disable()
    per_second, per_minute = (int(x) for x in args.rate_limit.split(","))
    # Room for every request of the run, 429s included (each is one record).
    fake = FakeInstantly(
        api_key=API_KEY,
        rate_limit=(per_second, per_minute),
        request_log_size=max(10_000, args.seed_campaigns * 20),
    )
    seeded = fake.seed_campaigns(args.seed_campaigns, status=1)
    _write(args.ids_file, "".join(f"{c['id']}\n" for c in seeded))
    stop = stop_event(watch_stdin=True)
    async with fake.run("127.0.0.1", 0) as base_url:
        print(f"listening on {base_url}", flush=True)
        await stop.wait()
    report = {
        "requests": fake.stats.requests,
        "rate_limited": fake.stats.rate_limited,
        "paused": fake.stats.transitions["campaign.pause"],
        "still_active": sum(1 for c in fake.campaigns.values() if c.get("status") == 1),
        "arrivals": [[r.time, r.headers.get("User-Agent", ""), r.status] for r in fake.requests],
    }
    _write(args.report, json.dumps(report))


def main() -> int:
    asyncio.run(_serve(_parser().parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
