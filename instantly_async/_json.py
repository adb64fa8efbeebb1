"""JSON for bodies and responses: msgspec when installed (the ``speedups`` extra), else json.

Both paths give the same results and the same errors; msgspec only makes the
common case faster (a Campaign decodes in half the CPU instructions).  NaN and
the infinities are not JSON (RFC 8259): never sent, and refused in a response,
including numbers too large for a float (``1e400``), which Python would
otherwise read as infinity.  Where the two libraries disagree, the standard
library decides:

* decoding: whatever msgspec refuses (those numbers, lone surrogate escapes,
  which ``json`` reads, nesting deeper than it allows) is handed to ``json``,
  which reads it or raises its own ``ValueError`` (``UnicodeDecodeError`` for
  bytes that are not UTF-8) or ``RecursionError``;
* encoding: msgspec writes NaN and the infinities as ``null`` and encodes
  types ``json`` refuses (datetimes, UUIDs, decimals, sets, dataclasses), so
  its output is kept only when it reads back equal to the value; otherwise
  ``json`` encodes the value or raises (``ValueError`` for NaN and the
  infinities, ``TypeError`` for what it cannot encode).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["CODEC", "dumps", "loads", "std_dumps", "std_loads"]

_std_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value - value != 0.0:  # inf - inf is NaN
        raise ValueError(f"{text} is out of range")
    return value


_std_decode = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float).decode


def std_dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON, by the standard library."""
    return _std_encode(value).encode()


def std_loads(data: bytes) -> Any:
    """Decode UTF-8 JSON by the standard library.

    JSON is UTF-8 (RFC 8259): decoding the bytes here skips ``json``'s
    encoding sniffing, and a body that is not UTF-8 raises ``ValueError``.
    """
    return _std_decode(data.decode())


def _fast() -> tuple[str, Callable[[Any], bytes], Callable[[bytes], Any]]:
    try:
        import msgspec
    except ImportError:
        return "json", std_dumps, std_loads

    decode = msgspec.json.Decoder().decode
    encode = msgspec.json.Encoder().encode
    refused = (msgspec.DecodeError, RecursionError)

    def loads(data: bytes) -> Any:
        try:
            return decode(data)
        except refused:
            return std_loads(data)

    def dumps(value: Any) -> bytes:
        try:
            out = encode(value)
        except (TypeError, ValueError, OverflowError, RecursionError):
            return std_dumps(value)
        if decode(out) == value:
            return out
        return std_dumps(value)

    return "msgspec", dumps, loads


CODEC, dumps, loads = _fast()
"""The library in use (``"msgspec"`` or ``"json"``) and its encoder and decoder."""
