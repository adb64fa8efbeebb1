"""Keep API keys out of everything built from a response: exceptions and log records.

A server, proxy or WAF page may echo the request's ``Authorization`` header
back (in a JSON message, an HTML title, a reason phrase, a malformed status
line).  Every client registers its key here; exceptions scrub their text when
they are made, and a filter on the ``instantly_async`` logger scrubs each
record before any handler sees it.  Only failure paths and enabled log records
pay for it, never a successful request.
"""

from __future__ import annotations

import logging
import re
import threading

__all__ = ["REDACTED", "preview", "redact", "register_secret"]

REDACTED = "<redacted>"

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def _spelled_any_way(secret: str) -> str:
    """A pattern for ``secret`` with any character verbatim, JSON-escaped or percent-encoded."""
    parts = []
    for char in secret:
        code = ord(char)
        forms = [re.escape(char), rf"(?i:\\u{code:04x})"]
        if code < 0x80:
            forms.append(f"(?i:%{code:02x})")
        if char == "/":
            forms.append(r"\\/")
        parts.append("(?:" + "|".join(forms) + ")")
    return "".join(parts)


def register_secret(secret: str) -> None:
    """Scrub ``secret`` (and ``Bearer <secret>``) from now on, process-wide."""
    global _pattern
    with _lock:
        if secret in _secrets:
            return
        _secrets.add(secret)
        # Longest first, so a key that contains another is replaced whole.
        alternatives = "|".join(
            _spelled_any_way(s) for s in sorted(_secrets, key=len, reverse=True)
        )
        _pattern = re.compile(rf"(?:(?i:bearer)\s+)?(?:{alternatives})")


def redact(text: str) -> str:
    """``text`` with every registered key replaced by ``<redacted>``."""
    pattern = _pattern
    return text if pattern is None else pattern.sub(REDACTED, text)


def preview(data: object, limit: int = 2000) -> str:
    """``repr(data)`` scrubbed, then cut to ``limit`` characters.

    Scrubbed first: a cut made before it could leave half a key behind.
    """
    text = redact(repr(data))
    return text if len(text) <= limit else text[:limit] + "..."


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if _pattern is not None:
            # Formatted here, once, so no handler ever sees the raw arguments.
            record.msg, record.args = redact(record.getMessage()), None
        return True


logging.getLogger("instantly_async").addFilter(_RedactingFilter())
