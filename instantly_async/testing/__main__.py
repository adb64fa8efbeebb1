"""``python -m instantly_async.testing``: run the fake server until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import signal
import sys

from .._ratelimit import parse_rate_limit
from ._fake import FakeInstantly

DEFAULT_KEY = "test-key"


def _rate_limit(text: str) -> tuple[int, int] | None:
    """The CLI's ``PER_SECOND[,PER_MINUTE]|none``; the fake counts whole requests per window."""
    try:
        parsed = parse_rate_limit(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if parsed is None:
        return None
    per_second, per_minute = parsed
    if per_minute is None:
        per_minute = per_second * 60
    if per_second != math.floor(per_second) or per_minute != math.floor(per_minute):
        raise argparse.ArgumentTypeError("the fake's limits are whole requests per window")
    return int(per_second), int(per_minute)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m instantly_async.testing",
        description="Run the fake Instantly API v2 server (campaigns and subsequences) until "
        "Ctrl-C. It prints its base URL and the API key to use, e.g. "
        "instantly-async --base-url URL --api-key KEY campaigns list",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=0, help="port; 0 (the default) picks a free one"
    )
    parser.add_argument(
        "--api-key",
        default=DEFAULT_KEY,
        metavar="KEY",
        help=f"the bearer key the server accepts (default: {DEFAULT_KEY})",
    )
    parser.add_argument(
        "--seed-campaigns",
        type=int,
        default=0,
        metavar="N",
        help="start with N campaigns: half active (each with 1-3 active subsequences), "
        "a fifth paused, a fifth draft, the rest completed (default 0)",
    )
    parser.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default=None,
        metavar="PER_SECOND[,PER_MINUTE]|none",
        help="the workspace rate limit, answered with 429 past it; the vendor's is 100,6000 "
        "(default: none)",
    )
    parser.add_argument(
        "--retry-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help="send Retry-After on 429s",
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, metavar="SECONDS", help="delay every response"
    )
    parser.add_argument(
        "--cursor-on-last-page",
        action="store_true",
        help="the vendor quirk: the last page still carries a next_starting_after",
    )
    parser.add_argument(
        "--no-validate", action="store_true", help="skip checking requests against the OpenAPI spec"
    )
    return parser


async def _serve(args: argparse.Namespace) -> int:
    fake = FakeInstantly(
        api_key=args.api_key,
        rate_limit=args.rate_limit,
        rate_limit_retry_after=args.retry_after,
        cursor_on_last_page=args.cursor_on_last_page,
        validate=not args.no_validate,
    )
    fake.faults.latency = args.latency
    if args.seed_campaigns:
        fake.seed_mix(args.seed_campaigns)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await fake.start(args.host, args.port)
    except OSError as exc:
        print(
            f"error: cannot listen on {args.host}:{args.port}: "
            + (os.strerror(exc.errno) if exc.errno else str(exc)),
            file=sys.stderr,
        )
        return 1
    try:
        print(
            f"fake Instantly listening on {fake.base_url} with API key {args.api_key} "
            f"({len(fake.campaigns)} campaigns, {len(fake.subsequences)} subsequences); "
            "Ctrl-C stops it",
            flush=True,
        )
        await stop.wait()
    finally:
        await fake.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(_serve(_parser().parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
