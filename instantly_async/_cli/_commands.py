"""The commands: list, get, sending-status, and the bulk operations."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TextIO

import attrs

from .._client import AsyncInstantly
from ._errors import EXIT_FAILED, EXIT_OK, UsageError
from ._jobs import JobOptions, run_job
from ._output import write_listing, write_record
from ._parser import DESTRUCTIVE

_PREVIEW = 5  # targets named in a confirmation prompt


@attrs.frozen
class Streams:
    stdout: TextIO
    stderr: TextIO
    stdin: TextIO


def _interactive(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except ValueError:
        return False


def _listing(args: argparse.Namespace, client: AsyncInstantly, **page: Any) -> Any:
    if args.command == "campaigns":
        return client.campaigns.list(status=args.status, search=args.search, **page)
    return client.subsequences.list(
        parent_campaign=args.campaign,
        parent_campaign_not=getattr(args, "not_campaign", None),
        search=args.search,
        **page,
    )


async def run_list(args: argparse.Namespace, client: AsyncInstantly, io: Streams) -> int:
    listing = _listing(args, client, limit=args.limit, max_items=args.max_items)
    await write_listing(listing.__aiter__(), args.output, io.stdout)
    return EXIT_OK


async def run_get(args: argparse.Namespace, client: AsyncInstantly, io: Streams) -> int:
    resource: Any = client.campaigns if args.command == "campaigns" else client.subsequences
    if args.operation == "sending-status":
        found = await resource.sending_status(args.id)
    else:
        found = await resource.get(args.id)
    write_record(found, args.output, io.stdout)
    return EXIT_OK


# -- bulk -------------------------------------------------------------------------------


def _filter_given(args: argparse.Namespace) -> bool:
    return any(getattr(args, name, None) is not None for name in ("status", "search", "campaign"))


def _read_ids(path: str, stdin: TextIO) -> list[str]:
    if path == "-":
        text = stdin.read()
    else:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"cannot read {path}: not UTF-8 text") from None
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def check_bulk_usage(args: argparse.Namespace, stdin: TextIO) -> list[str] | None:
    """Everything that can be refused before a connection is made; the finite ids, if given."""
    sources = sum([bool(args.ids), args.from_file is not None, _filter_given(args)])
    if sources != 1:
        raise UsageError(
            "give exactly one source of targets: ids, --from-file, or a filter ("
            + ("--status, --search" if args.command == "campaigns" else "--campaign, --search")
            + ")"
        )
    must_ask = args.operation in DESTRUCTIVE and not args.dry_run and not args.yes
    # Ids read from stdin leave no terminal to answer on.
    if must_ask and (args.from_file == "-" or not _interactive(stdin)):
        raise UsageError(
            f"refusing to {args.operation} without confirmation: there is no terminal to "
            "ask on; pass --yes to go ahead"
        )
    if args.ids:
        return list(args.ids)
    if args.from_file is not None:
        return _read_ids(args.from_file, stdin)
    return None


async def _select(listing: Any) -> list[Any]:
    return [item async for item in listing]


async def _confirm(args: argparse.Namespace, preview: list[str], count: int, io: Streams) -> bool:
    shown = "\n".join(f"  {line}" for line in preview[:_PREVIEW])
    more = f"\n  ... and {count - _PREVIEW} more" if count > _PREVIEW else ""
    io.stderr.write(
        f"about to {args.operation} {count} {args.command}; this cannot be undone:\n"
        f"{shown}{more}\n{args.operation} {count} {args.command}? [y/N] "
    )
    io.stderr.flush()
    return (await _read_line(io.stdin)).strip().lower() in ("y", "yes")


async def _read_line(stream: TextIO) -> str:
    """A line from the terminal without blocking the loop, so Ctrl-C still cancels at once."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return stream.readline()
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def readable() -> None:
        if not ready.done():
            ready.set_result(None)

    try:
        loop.add_reader(fd, readable)
    except NotImplementedError:  # Windows' proactor loop
        return stream.readline()
    try:
        await ready
    finally:
        loop.remove_reader(fd)
    return stream.readline()


async def run_bulk(
    args: argparse.Namespace,
    client: AsyncInstantly,
    io: Streams,
    ids: list[str] | None,
    *,
    quiet: bool,
) -> int:
    resource: Any = client.campaigns if args.command == "campaigns" else client.subsequences
    operation: Callable[[str], Awaitable[Any]] = getattr(resource, args.operation)
    targets: list[str] | AsyncIterator[Any] = (
        ids if ids is not None else _listing(args, client).__aiter__()
    )
    if args.dry_run:
        selected = targets if isinstance(targets, list) else await _select(targets)
        if not quiet:
            io.stderr.write(f"dry run: would {args.operation} {len(selected)} {args.command}\n")
            io.stderr.flush()
        for target in selected:
            io.stdout.write(f"{getattr(target, 'id', target)}\n")
        io.stdout.flush()
        return EXIT_OK
    if args.operation in DESTRUCTIVE and not args.yes:
        if isinstance(targets, list):
            preview = targets
        else:
            # Selected once, shown, and exactly these are deleted.
            items = await _select(targets)
            preview = [f"{item.id}  {item.name}" for item in items]
            targets = [item.id for item in items]
        if not targets:
            io.stderr.write(f"nothing to {args.operation}\n")
            return EXIT_OK
        if not await _confirm(args, preview, len(targets), io):
            io.stderr.write(f"cancelled: nothing was sent, no {args.command} changed\n")
            return EXIT_FAILED
    options = JobOptions(
        concurrency=args.concurrency,
        stop_on_error=args.stop_on_error,
        results=args.results,
        failed_ids=args.failed_ids,
        quiet=quiet,
    )
    code, _ = await run_job(
        client,
        operation,
        targets,
        label=f"{args.operation} {args.command}",
        options=options,
        err=io.stderr,
    )
    return code
