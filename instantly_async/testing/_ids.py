"""Time-ordered ids and vendor-style timestamps."""

from __future__ import annotations

import os
import time

__all__ = ["IdFactory", "iso_timestamp"]


def iso_timestamp(epoch: float | None = None) -> str:
    """``2026-03-05T23:09:47.319Z``: UTC, milliseconds, ``Z`` (what the vendor emits)."""
    if epoch is None:
        epoch = time.time()
    millis = int(epoch * 1000)
    seconds, ms = divmod(millis, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{ms:03d}Z"


class IdFactory:
    """UUIDv7-shaped ids that sort (as strings) in creation order.

    The 48-bit millisecond clock is followed by a 12-bit sequence, so ids made
    within the same millisecond, or after the wall clock stepped back, still
    increase; cursor pagination relies on that.
    """

    def __init__(self) -> None:
        self._last_ms = 0
        self._seq = 0

    def new(self) -> str:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > self._last_ms:
            self._last_ms = now_ms
            self._seq = 0
        else:
            self._seq += 1
            if self._seq > 0xFFF:
                self._last_ms += 1
                self._seq = 0
        tail = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
        value = (self._last_ms << 80) | (0x7 << 76) | (self._seq << 64) | (0b10 << 62) | tail
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
