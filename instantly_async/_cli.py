"""The ``instantly-async`` command line: lists, bulk state changes and the demo.

Errors are one line on stderr, never a traceback; the API key is never echoed.
Exit codes: 0 all done, 1 something failed (or was not attempted), 2 bad usage
or configuration, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, TextIO

from ._bulk import BulkJob, BulkResult, Progress
from ._client import AsyncInstantly
from ._converter import to_dict
from ._exceptions import APIStatusError, InstantlyError, InvalidArgumentError, RateLimitError
from ._ratelimit import RateLimit
from .models import CampaignStatus

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """A command line that cannot run; reported as one line, exit 2."""


# -- argument parsing -------------------------------------------------------------------


def _status(value: str) -> CampaignStatus:
    try:
        return CampaignStatus(int(value))
    except ValueError:
        pass
    key = value.strip().upper().replace("-", "_").replace(" ", "_")
    if key in CampaignStatus.__members__:
        return CampaignStatus[key]
    names = ", ".join(m.name.lower() for m in CampaignStatus)
    raise argparse.ArgumentTypeError(f"unknown status {value!r}; use one of {names} or a number")


def _rate_limit(value: str) -> RateLimit | None:
    if value.strip().lower() == "none":
        return None
    try:
        parts = [float(p) for p in value.split(",")]
        if len(parts) == 1:
            return RateLimit(per_second=parts[0], per_minute=None)
        if len(parts) == 2:
            return RateLimit(per_second=parts[0], per_minute=parts[1])
    except ValueError:
        pass
    raise argparse.ArgumentTypeError("expected PER_SECOND[,PER_MINUTE] or 'none'")


def _connection_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("connection")
    group.add_argument("--api-key", help="the API key (default: $INSTANTLY_API_KEY); never printed")
    group.add_argument(
        "--base-url", help="the API origin (default: $INSTANTLY_BASE_URL or Instantly's)"
    )
    group.add_argument("--timeout", type=float, help="seconds per attempt (default 30)")
    group.add_argument("--max-retries", type=int, help="retries per request (default 3)")
    group.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default=RateLimit(),
        metavar="PER_SECOND[,PER_MINUTE]|none",
        help="client-side pacing (default 100,6000: the workspace limit)",
    )
    return common


def _bulk_options(
    parser: argparse.ArgumentParser, *, filters: Callable[[argparse.ArgumentParser], None]
) -> None:
    parser.add_argument("ids", nargs="*", metavar="ID", help="ids to act on")
    parser.add_argument("--from-file", metavar="PATH", help="read ids, one a line ('-' for stdin)")
    filters(parser)
    parser.add_argument(
        "--concurrency", type=int, default=32, help="requests in flight (default 32)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be done, change nothing"
    )
    parser.add_argument("--stop-on-error", action="store_true", help="stop at the first failure")


def _campaign_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--status", type=_status, help="select campaigns with this status (e.g. active)"
    )
    parser.add_argument("--search", help="select campaigns whose name contains this")


def _subsequence_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--campaign", metavar="ID", help="select the subsequences of this campaign")
    parser.add_argument("--search", help="select subsequences whose name contains this")


def build_parser() -> argparse.ArgumentParser:
    common = _connection_options()
    parser = argparse.ArgumentParser(
        prog="instantly-async",
        description="Instantly API v2 from the command line: campaigns, subsequences, bulk jobs.",
        parents=[common],
    )
    resources = parser.add_subparsers(dest="resource", required=True, metavar="COMMAND")

    campaigns = resources.add_parser("campaigns", help="list, inspect and change campaigns")
    c_ops = campaigns.add_subparsers(dest="operation", required=True, metavar="OPERATION")
    c_list = c_ops.add_parser("list", parents=[common], help="list campaigns")
    _campaign_filters(c_list)
    _list_options(c_list)
    for name in ("get", "sending-status"):
        c_ops.add_parser(name, parents=[common], help=f"{name} of one campaign").add_argument("id")
    for name in ("pause", "activate", "delete"):
        _bulk_options(
            c_ops.add_parser(name, parents=[common], help=f"{name} campaigns in bulk"),
            filters=_campaign_filters,
        )

    subs = resources.add_parser("subsequences", help="list, inspect and change subsequences")
    s_ops = subs.add_subparsers(dest="operation", required=True, metavar="OPERATION")
    s_list = s_ops.add_parser("list", parents=[common], help="list subsequences")
    s_list.add_argument("--campaign", metavar="ID", help="only this campaign's subsequences")
    s_list.add_argument("--not-campaign", metavar="ID", help="subsequences of every other campaign")
    s_list.add_argument("--search", help="name contains")
    _list_options(s_list)
    s_ops.add_parser("get", parents=[common], help="one subsequence").add_argument("id")
    for name in ("pause", "resume", "delete"):
        _bulk_options(
            s_ops.add_parser(name, parents=[common], help=f"{name} subsequences in bulk"),
            filters=_subsequence_filters,
        )

    demo = resources.add_parser(
        "demo", help="run a real bulk pause against the built-in fake server (no key, no network)"
    )
    demo.add_argument(
        "--campaigns", type=int, default=3000, help="campaigns to seed (default 3000)"
    )
    return parser


def _list_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, default=100, help="page size, 1 to 100 (default 100)")
    parser.add_argument("--max-items", type=int, help="stop after this many")
    parser.add_argument("--jsonl", action="store_true", help="one JSON object a line, streamed")


# -- output -----------------------------------------------------------------------------


def _row(item: Any) -> list[str]:
    created = getattr(item, "timestamp_created", None)
    status = getattr(item, "status", None)
    return [
        item.id,
        item.name,
        status.name.lower() if status is not None else "",
        created.strftime("%Y-%m-%d %H:%M") if created is not None else "",
    ]


async def _print_listing(items: AsyncIterator[Any], *, jsonl: bool, out: TextIO) -> int:
    count = 0
    if jsonl:
        async for item in items:
            out.write(json.dumps(to_dict(item)) + "\n")
            count += 1
            if count % 100 == 0:
                out.flush()
        out.flush()
        return count
    # A table needs its widths, so rows are kept; use --jsonl for very long listings.
    rows = [["ID", "NAME", "STATUS", "CREATED"]]
    async for item in items:
        rows.append(_row(item))
        count += 1
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        out.write(
            "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() + "\n"
        )
    return count


class ProgressReporter:
    """A redrawn bar on a terminal; plain lines every ~10% or 2 s otherwise."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.tty = stream.isatty()
        self._last_draw = 0.0
        self._last_fraction = -1.0

    def __call__(self, p: Progress) -> None:
        now = time.monotonic()
        if self.tty:
            if now - self._last_draw < 0.1 and p.done != p.total:
                return
            self._last_draw = now
            total = p.total or 0
            width = 30
            filled = int(width * p.done / total) if total else 0
            bar = "#" * filled + "-" * (width - filled)
            of = f"/{total}" if total else ""
            self.stream.write(
                f"\r{self.label} [{bar}] {p.done}{of}  ok {p.succeeded}  "
                f"failed {p.failed}  {p.rate:.0f}/s "
            )
            self.stream.flush()
            return
        fraction = p.done / p.total if p.total else 0.0
        if (
            p.total
            and fraction - self._last_fraction < 0.1
            and p.done != p.total
            and now - self._last_draw < 2
        ):
            return
        if not p.total and now - self._last_draw < 2:
            return
        self._last_draw, self._last_fraction = now, fraction
        of = f"/{p.total}" if p.total else ""
        self.stream.write(
            f"{self.label}: {p.done}{of} done, {p.succeeded} ok, "
            f"{p.failed} failed, {p.rate:.0f}/s\n"
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")


def _reason(error: BaseException) -> str:
    if isinstance(error, APIStatusError):
        return f"{error.status_code} {error.error or ''}: {error.message}".replace("  ", " ")
    if isinstance(error, asyncio.CancelledError):
        return "cancelled in flight (may or may not have been applied)"
    return f"{type(error).__name__}: {getattr(error, 'message', str(error))}"


def write_summary(
    result: BulkResult[Any, Any], out: TextIO, *, rate_limited: int | None = None
) -> None:
    done = len(result.succeeded) + len(result.failed)
    rate = done / result.elapsed if result.elapsed > 0 else 0.0
    out.write(f"succeeded:     {len(result.succeeded)}\n")
    out.write(f"failed:        {len(result.failed)}\n")
    by_reason: dict[str, list[Any]] = {}
    for failure in result.failed:
        by_reason.setdefault(_reason(failure.error), []).append(failure.item)
    for reason, items in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(str(i) for i in items[:5]) + (", ..." if len(items) > 5 else "")
        out.write(f"  {len(items)} x {reason} [{shown}]\n")
    out.write(f"not attempted: {len(result.not_attempted)}\n")
    out.write(f"elapsed:       {result.elapsed:.2f}s ({rate:.1f} requests/s)\n")
    seen_429 = sum(1 for f in result.failed if isinstance(f.error, RateLimitError))
    if rate_limited is not None:
        seen_429 = max(seen_429, rate_limited)
    out.write(f"429s seen:     {seen_429}\n")
    if result.cancelled:
        out.write("the job was interrupted: the counts above are partial\n")


# -- commands -----------------------------------------------------------------------------


def _client(args: argparse.Namespace, **overrides: Any) -> AsyncInstantly:
    options: dict[str, Any] = {"rate_limit": args.rate_limit}
    if args.api_key:
        options["api_key"] = args.api_key
    if args.base_url:
        options["base_url"] = args.base_url
    if args.timeout is not None:
        options["timeout"] = args.timeout
    if args.max_retries is not None:
        options["max_retries"] = args.max_retries
    options.update(overrides)
    return AsyncInstantly(**options)


def _read_ids(path: str, stdin: TextIO) -> list[str]:
    if path == "-":
        lines: Iterable[str] = stdin.read().splitlines()
    else:
        try:
            with open(path, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _targets(
    args: argparse.Namespace, client: AsyncInstantly, stdin: TextIO
) -> Iterable[str] | AsyncIterator[Any]:
    by_filter = any(
        getattr(args, name, None) is not None for name in ("status", "search", "campaign")
    )
    sources = sum([bool(args.ids), args.from_file is not None, by_filter])
    if sources != 1:
        raise UsageError(
            "give exactly one source of targets: ids, --from-file, "
            "or a filter (--status, --search, --campaign)"
        )
    if args.ids:
        return list(args.ids)
    if args.from_file is not None:
        return _read_ids(args.from_file, stdin)
    if args.resource == "campaigns":
        return client.campaigns.list(status=args.status, search=args.search).__aiter__()
    return client.subsequences.list(parent_campaign=args.campaign, search=args.search).__aiter__()


async def _collect_ids(targets: Iterable[str] | AsyncIterator[Any]) -> list[str]:
    if isinstance(targets, AsyncIterator):
        return [getattr(t, "id", t) async for t in targets]
    return list(targets)


async def _run_bulk(args: argparse.Namespace, stdout: TextIO, stderr: TextIO, stdin: TextIO) -> int:
    async with _client(args) as client:
        resource: Any = client.campaigns if args.resource == "campaigns" else client.subsequences
        operation: Callable[[str], Awaitable[Any]] = getattr(resource, args.operation)
        targets = _targets(args, client, stdin)
        if args.dry_run:
            ids = await _collect_ids(targets)
            stdout.write(f"dry run: would {args.operation} {len(ids)} {args.resource}\n")
            for i in ids:
                stdout.write(f"{i}\n")
            return EXIT_OK
        reporter = ProgressReporter(stderr, f"{args.operation} {args.resource}")
        job = BulkJob(
            operation,
            _as_ids(targets),
            concurrency=args.concurrency,
            stop_on_error=args.stop_on_error,
            on_progress=reporter,
            keep_values=False,
            total=len(targets) if isinstance(targets, list) else None,
        )
        try:
            result = await job
        finally:
            reporter.finish()
            if job.result.cancelled:
                write_summary(job.result, stderr)
        write_summary(result, stderr)
        return EXIT_OK if result.ok else EXIT_FAILED


async def _as_ids(targets: Iterable[str] | AsyncIterator[Any]) -> AsyncIterator[str]:
    if isinstance(targets, AsyncIterator):
        async for t in targets:
            yield getattr(t, "id", t)
    else:
        for t in targets:
            yield t


async def _run_list(args: argparse.Namespace, stdout: TextIO) -> int:
    async with _client(args) as client:
        if args.resource == "campaigns":
            listing: Any = client.campaigns.list(
                status=args.status, search=args.search, limit=args.limit, max_items=args.max_items
            )
        else:
            listing = client.subsequences.list(
                parent_campaign=args.campaign,
                parent_campaign_not=args.not_campaign,
                search=args.search,
                limit=args.limit,
                max_items=args.max_items,
            )
        await _print_listing(listing.__aiter__(), jsonl=args.jsonl, out=stdout)
    return EXIT_OK


async def _run_get(args: argparse.Namespace, stdout: TextIO) -> int:
    async with _client(args) as client:
        if args.resource == "subsequences":
            found: Any = await client.subsequences.get(args.id)
        elif args.operation == "sending-status":
            found = await client.campaigns.sending_status(args.id)
            stdout.write(f"status: {found.status}\n")
        else:
            found = await client.campaigns.get(args.id)
        stdout.write(json.dumps(to_dict(found), indent=2) + "\n")
    return EXIT_OK


async def _run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO, stdin: TextIO) -> int:
    if args.resource == "demo":
        from ._demo import run_demo

        return await run_demo(args.campaigns, stdout, stderr)
    if args.operation == "list":
        return await _run_list(args, stdout)
    if args.operation in ("get", "sending-status"):
        return await _run_get(args, stdout)
    return await _run_bulk(args, stdout, stderr, stdin)


def main(argv: list[str] | None = None) -> int:
    stdout, stderr, stdin = sys.stdout, sys.stderr, sys.stdin
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage line
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        return asyncio.run(_run(args, stdout, stderr, stdin))
    except KeyboardInterrupt:
        stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except (UsageError, InvalidArgumentError) as exc:
        stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    except InstantlyError as exc:
        stderr.write(f"error: {exc}\n")
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
