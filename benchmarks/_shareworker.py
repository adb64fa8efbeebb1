"""One process of a multi-process run: ``python -m benchmarks._shareworker``.

Pauses its share of the seeded campaigns with a bulk job through one
``AsyncInstantly`` whose rate limit is shared through Redis (``--redis-url``)
or local (``--redis-url none``).  It prints ``ready`` once the client exists,
starts on a ``go`` line on stdin (so every process starts together), and
writes what became of every item to ``--out``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import os
import sys
import time

from instantly_async import AsyncInstantly, RateLimit

API_KEY = "test-key"


class _Tally(logging.Handler):
    """Counts the SDK's warnings and its 429 retries (from its log lines)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.warnings = 0
        self.retries_429 = 0
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            self.warnings += 1
            self.messages.append(message)
        elif "status 429" in message:
            self.retries_429 += 1
        elif "rate limit" in message:
            self.messages.append(message)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks._shareworker")
    p.add_argument("--base-url", required=True)
    p.add_argument("--ids-file", required=True)
    p.add_argument("--first", type=int, required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--tag", required=True, help="sent as the User-Agent")
    p.add_argument("--redis-url", required=True, help="a redis:// URL, or none")
    p.add_argument("--name", default="bench")
    p.add_argument("--rate-limit", default="100,6000", help="PER_SECOND,PER_MINUTE")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--out", required=True)
    return p


async def _wait_for_go() -> None:
    loop = asyncio.get_running_loop()
    line = loop.create_future()
    stdin = sys.stdin.fileno()

    def on_stdin() -> None:
        loop.remove_reader(stdin)
        line.set_result(os.read(stdin, 64))

    loop.add_reader(stdin, on_stdin)
    if (await line).strip() != b"go":
        raise SystemExit("no go")


async def _run(args: argparse.Namespace, ids: list[str], tally: _Tally) -> dict[str, object]:
    per_second, per_minute = (float(x) for x in args.rate_limit.split(","))
    shared = args.redis_url != "none"
    limit = RateLimit(
        per_second=per_second,
        per_minute=per_minute,
        redis_url=args.redis_url if shared else None,
        name=args.name if shared else None,
    )
    async with AsyncInstantly(
        api_key=API_KEY, base_url=args.base_url, rate_limit=limit, user_agent=args.tag
    ) as client:
        # Connected to the fake and to Redis before the clock starts: the
        # run measures pacing, not process start-up.
        await client.campaigns.count_launched()
        print("ready", flush=True)
        await _wait_for_go()
        started = time.time()
        result = await client.campaigns.pause_many(
            ids, concurrency=args.concurrency, keep_values=False
        )
        finished = time.time()
        limiter = client._transport.sessions._limiter
        given_up = getattr(limiter, "slots_given_up", 0)
        past_budget = getattr(limiter, "answers_past_budget", 0)
    errors = collections.Counter(type(f.error).__name__ for f in result.failed)
    return {
        "tag": args.tag,
        "items": len(ids),
        "succeeded": len(result.succeeded),
        "failed": len(result.failed),
        "errors": dict(errors),
        "not_attempted": len(result.not_attempted),
        "started": started,
        "finished": finished,
        "warnings": tally.warnings,
        "retries_429": tally.retries_429,
        "messages": tally.messages[:20],
        "slots_given_up": given_up,
        "answers_past_budget": past_budget,
    }


def main() -> int:
    args = _parser().parse_args()
    tally = _Tally()
    logger = logging.getLogger("instantly_async")
    logger.addHandler(tally)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    with open(args.ids_file, encoding="utf-8") as f:
        ids = f.read().split()[args.first : args.first + args.count]
    report = asyncio.run(_run(args, ids, tally))
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(report, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
