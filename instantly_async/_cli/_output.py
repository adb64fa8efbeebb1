"""Output formats for data on stdout: table, json, jsonl, csv.

Tables fit the terminal (``$COLUMNS`` or the terminal's width; unlimited when
stdout is neither): only the NAME column is shortened, ids never are, and
control characters are escaped so one record is one line.
"""

from __future__ import annotations

import csv
import enum
import json
import os
import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, TextIO

from .._converter import to_dict

FORMATS = ("table", "json", "jsonl", "csv")
LIST_COLUMNS = ("ID", "NAME", "STATUS", "CREATED")
_FLUSH_EVERY = 100
_ELLIPSIS = "…"
_MIN_SHRUNK = 12
_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}


def terminal_width(stream: TextIO) -> int | None:
    """Columns to fit, or None for no limit (a file or a pipe without $COLUMNS)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        tty = stream.isatty()
    except ValueError:  # closed
        tty = False
    return shutil.get_terminal_size().columns if tty else None


def cell(value: Any) -> str:
    """One line of text: newlines and other control characters escaped."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    text = value.name.lower() if isinstance(value, enum.Enum) else str(value)
    text = text.translate(_ESCAPES)
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text


def truncate(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + _ELLIPSIS if width > 0 else ""


def list_row(item: Any) -> list[str]:
    return [
        cell(item.id),
        cell(item.name),
        cell(getattr(item, "status", None)),
        cell(getattr(item, "timestamp_created", None)),
    ]


def _table(
    rows: list[list[str]], width: int | None, out: TextIO, *, shrink: int, droppable: int | None
) -> None:
    """Columns padded to their widest cell; column ``shrink`` gives way to fit ``width``.

    When that would leave it under ``_MIN_SHRUNK`` characters, column ``droppable``
    (if any) is left out first.
    """
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    keep = list(range(len(widths)))
    if width is not None:

        def room() -> int:
            others = sum(widths[i] for i in keep if i != shrink)
            return width - others - 2 * (len(keep) - 1)

        if droppable is not None and room() < min(widths[shrink], _MIN_SHRUNK):
            keep.remove(droppable)
        widths[shrink] = max(min(widths[shrink], room()), 4)
    for row in rows:
        cells = [truncate(row[i], widths[i]).ljust(widths[i]) for i in keep]
        out.write("  ".join(cells).rstrip() + "\n")


async def write_listing(items: AsyncIterator[Any], fmt: str, out: TextIO) -> int:
    """Write a listing; json, jsonl and csv stream (constant memory), a table needs its widths."""
    count = 0
    if fmt == "table":
        rows = [list(LIST_COLUMNS)]
        async for item in items:
            rows.append(list_row(item))
            count += 1
        _table(rows, terminal_width(out), out, shrink=1, droppable=3)
        return count
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow([c.lower() for c in LIST_COLUMNS])
    elif fmt == "json":
        out.write("[")
    async for item in items:
        if writer is not None:
            created = getattr(item, "timestamp_created", None)
            row = list_row(item)
            row[3] = created.isoformat() if created is not None else ""
            writer.writerow(row)
        elif fmt == "json":
            out.write(("," if count else "") + "\n  " + json.dumps(to_dict(item)))
        else:
            out.write(json.dumps(to_dict(item)) + "\n")
        count += 1
        if count % _FLUSH_EVERY == 0:
            out.flush()
    if fmt == "json":
        out.write("\n]\n" if count else "]\n")
    out.flush()
    return count


def write_record(record: Any, fmt: str, out: TextIO) -> None:
    """One object: a FIELD/VALUE table, pretty JSON, one JSON line, or a field,value CSV."""
    data: dict[str, Any] = to_dict(record)
    if fmt == "json":
        out.write(json.dumps(data, indent=2) + "\n")
    elif fmt == "jsonl":
        out.write(json.dumps(data) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["field", "value"])
        for key, value in data.items():
            writer.writerow([key, value if isinstance(value, str) else json.dumps(value)])
    else:
        # The table shows values; JSON and CSV also keep the fields the server sent as null.
        rows = [["FIELD", "VALUE"]] + [
            [key, cell(value)] for key, value in data.items() if value is not None
        ]
        _table(rows, terminal_width(out), out, shrink=1, droppable=None)
    out.flush()
