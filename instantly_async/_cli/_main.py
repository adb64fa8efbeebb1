"""``main``: parse, resolve the global options, run one command, map every ending to an exit code.

Errors are one line on stderr, never a traceback; the API key is never echoed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

from .._client import AsyncInstantly
from .._exceptions import InstantlyError, InvalidArgumentError
from ._commands import Streams, check_bulk_usage, run_bulk, run_get, run_list
from ._demo import run_demo
from ._errors import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
)
from ._options import client_options, resolve
from ._parser import build_parser


def _help(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """Help for the command line so far (``instantly-async``, ``instantly-async campaigns``)."""
    with contextlib.suppress(SystemExit):
        parser.parse_args([*argv, "--help"])
    return EXIT_OK


@contextlib.contextmanager
def _verbose_logging(level: int, stream: Any) -> Iterator[None]:
    if level <= 0:
        yield
        return
    logger = logging.getLogger("instantly_async")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("instantly-async: %(message)s"))
    handler.setLevel(logging.INFO if level == 1 else logging.DEBUG)
    old_level = logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > handler.level:
        logger.setLevel(handler.level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


async def _dispatch(
    args: argparse.Namespace, values: dict[str, Any], client_kwargs: dict[str, Any], io: Streams
) -> int:
    # Ctrl-C cancels the command's task, so a bulk job can account for every
    # target and print its summary before exiting with 130.
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        # (not on Windows, nor outside the main thread: Ctrl-C is then KeyboardInterrupt)
        loop.add_signal_handler(signal.SIGINT, task.cancel)
    try:
        if args.command == "demo":
            return await run_demo(args.campaigns, io.stdout, io.stderr, quiet=values["quiet"])
        async with AsyncInstantly(**client_kwargs) as client:
            if args.operation == "list":
                return await run_list(args, client, io)
            if args.operation in ("get", "sending-status"):
                return await run_get(args, client, io)
            return await run_bulk(args, client, io, values["ids"], quiet=values["quiet"])
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGINT)


def _silence_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the exit-time flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    """The ``instantly-async`` command; returns the exit code."""
    io = Streams(stdout=sys.stdout, stderr=sys.stderr, stdin=sys.stdin)
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if not argv:
        parser.print_help(io.stdout)
        return EXIT_OK
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed help, the version, or a usage error
        return EXIT_USAGE if exc.code else EXIT_OK
    if args.command is None:
        return _help(parser, [])
    if args.command != "demo" and getattr(args, "operation", None) is None:
        return _help(parser, [args.command])
    try:
        values = resolve(args)
        values["ids"] = None
        client_kwargs: dict[str, Any] = {}
        if args.command != "demo":
            if hasattr(args, "dry_run"):
                values["ids"] = check_bulk_usage(args, io.stdin)
            client_kwargs = client_options(values)
        with _verbose_logging(values["verbose"], io.stderr):
            return asyncio.run(_dispatch(args, values, client_kwargs, io))
    except (KeyboardInterrupt, asyncio.CancelledError):
        io.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except (UsageError, InvalidArgumentError) as exc:
        io.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    except InstantlyError as exc:
        io.stderr.write(f"error: {exc}\n")
        return EXIT_FAILED
