"""The argument parser: commands, their options, and the global options in every position."""

from __future__ import annotations

import argparse

from .._version import __version__
from ._options import add_global_options, int_range, non_empty, status
from ._output import FORMATS

PROG = "instantly-async"

# Operations that cannot be undone ask for confirmation (see --yes).
DESTRUCTIVE = frozenset({"delete"})


def _sub(
    parent: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_: str
) -> argparse.ArgumentParser:
    parser = parent.add_parser(name, help=help_, description=help_[0].upper() + help_[1:] + ".")
    add_global_options(parser, suppress=True)
    return parser


def _output_option(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument(
        "-o",
        "--output",
        choices=FORMATS,
        default=default,
        help=f"output format (default {default}); data goes to stdout",
    )
    # The old spelling of --output jsonl.
    parser.add_argument(
        "--jsonl", dest="output", action="store_const", const="jsonl", help=argparse.SUPPRESS
    )


def _list_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--limit",
        type=int_range(1, 100),
        default=100,
        metavar="N",
        help="page size, 1 to 100 (default 100)",
    )
    parser.add_argument("--max-items", type=int_range(1), metavar="N", help="stop after N items")
    _output_option(parser, "table")


def _bulk_options(parser: argparse.ArgumentParser, resource: str) -> None:
    parser.add_argument("ids", nargs="*", metavar="ID", help="ids to act on")
    parser.add_argument(
        "--from-file", metavar="PATH", help="read ids, one a line ('-' for stdin; # comments)"
    )
    if resource == "campaigns":
        parser.add_argument(
            "--status", type=status, help="select the campaigns with this status (e.g. active)"
        )
    else:
        parser.add_argument(
            "--campaign", type=non_empty, metavar="ID", help="select this campaign's subsequences"
        )
    parser.add_argument(
        "--search", type=non_empty, metavar="TEXT", help="select those whose name contains TEXT"
    )
    parser.add_argument(
        "--concurrency",
        type=int_range(1, 1000),
        default=32,
        metavar="N",
        help="requests in flight (default 32)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the ids that would be changed; change nothing"
    )
    parser.add_argument("--stop-on-error", action="store_true", help="stop at the first failure")
    parser.add_argument(
        "-y", "--yes", action="store_true", help="do not ask for confirmation (delete asks)"
    )
    parser.add_argument(
        "--results", metavar="FILE", help="write one JSON line per target as the job runs"
    )
    parser.add_argument(
        "--failed-ids",
        metavar="FILE",
        help="write the ids to retry (failed or not attempted); rerun with --from-file FILE",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The Instantly API v2 from the command line: campaigns, subsequences, "
        "bulk jobs.",
        epilog="Exit codes: 0 all done; 1 something failed or was not attempted; 2 usage or "
        "configuration error (nothing sent); 130 interrupted; 141 output pipe closed.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    for resource, bulk in (
        ("campaigns", ("pause", "activate", "delete")),
        ("subsequences", ("pause", "resume", "delete")),
    ):
        group = _sub(commands, resource, f"list, inspect and change {resource}")
        ops = group.add_subparsers(dest="operation", metavar="OPERATION")
        listing = _sub(ops, "list", f"list {resource}")
        if resource == "campaigns":
            listing.add_argument("--status", type=status, help="only this status (e.g. active)")
        else:
            listing.add_argument(
                "--campaign", type=non_empty, metavar="ID", help="only this campaign's"
            )
            listing.add_argument(
                "--not-campaign", type=non_empty, metavar="ID", help="every other campaign's"
            )
        listing.add_argument("--search", type=non_empty, metavar="TEXT", help="name contains TEXT")
        _list_options(listing)
        singular = resource[:-1]
        for name, text in (
            ("get", f"one {singular}"),
            ("sending-status", "why it is (not) sending"),
        ):
            one = _sub(ops, name, f"{text}")
            one.add_argument("id", metavar="ID")
            _output_option(one, "table")
        for name in bulk:
            warn = " (asks first; --yes skips)" if name in DESTRUCTIVE else ""
            _bulk_options(_sub(ops, name, f"{name} {resource} in bulk{warn}"), resource)

    demo = _sub(
        commands,
        "demo",
        "run a real bulk pause against the built-in fake server (no key, no network)",
    )
    demo.add_argument(
        "--campaigns",
        type=int_range(1, 100_000),
        default=3000,
        help="campaigns to seed (default 3000)",
    )
    return parser
