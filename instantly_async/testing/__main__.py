"""``python -m instantly_async.testing``: run the fake server until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from ._fake import FakeInstantly


def _rate_limit(text: str) -> tuple[int, int] | None:
    if text.strip().lower() == "none":
        return None
    try:
        per_second, per_minute = (int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected PER_SECOND,PER_MINUTE or 'none'") from None
    return per_second, per_minute


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m instantly_async.testing",
        description="Run the fake Instantly API v2 server.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default=None,
        metavar="PER_SECOND,PER_MINUTE|none",
        help="workspace rate limit (default: none)",
    )
    parser.add_argument("--retry-after", type=float, default=None, help="Retry-After on 429s")
    parser.add_argument("--seed-campaigns", type=int, default=0, metavar="N")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--api-key", default="test-key")
    parser.add_argument("--cursor-on-last-page", action="store_true")
    parser.add_argument("--no-validate", action="store_true")
    return parser


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeInstantly(
        api_key=args.api_key,
        rate_limit=args.rate_limit,
        rate_limit_retry_after=args.retry_after,
        cursor_on_last_page=args.cursor_on_last_page,
        validate=not args.no_validate,
    )
    fake.faults.latency = args.latency
    if args.seed_campaigns:
        fake.seed_campaigns(args.seed_campaigns)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with fake.run(args.host, args.port) as base_url:
        print(f"listening on {base_url}", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
