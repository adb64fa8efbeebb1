"""The exception tree.

Every exception the SDK raises derives from :class:`InstantlyError`.  They hold
plain data only (no aiohttp objects, no headers), so they are safe to log,
pickle and show in a traceback: aiohttp's own errors carry the request headers,
``Authorization`` included, and are never allowed to reach the caller.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._redact import redact

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "InstantlyError",
    "InternalServerError",
    "InvalidArgumentError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
]

_UNKNOWN_OUTCOME_HINT = (
    "the outcome is unknown: the request may have been applied by the server; "
    "it was not retried because this operation is not safe to repeat, so check "
    "the current state before trying again"
)


class InstantlyError(Exception):
    """Base class of every error raised by instantly-async."""


class InvalidArgumentError(InstantlyError, ValueError):
    """An argument was refused before any request was sent."""


def _rebuild(cls: type[APIError], state: dict[str, Any]) -> APIError:
    err = cls.__new__(cls)
    Exception.__init__(err, *state.pop("_args"))
    err.__dict__.update(state)
    return err


class APIError(InstantlyError):
    """A request to the API failed.

    ``method`` and ``path`` name the request (path without the query string or
    host); ``attempts`` counts the tries made, retries included.
    """

    message: str
    method: str
    path: str
    attempts: int
    outcome_unknown: bool

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        attempts: int = 1,
        outcome_unknown: bool = False,
    ) -> None:
        self.message = redact(message)
        self.method = method
        self.path = path
        self.attempts = attempts
        self.outcome_unknown = outcome_unknown
        super().__init__(self._render())

    def _headline(self) -> str:
        return self.message

    def _render(self) -> str:
        text = f"{self._headline()} ({self.method} {self.path}"
        if self.attempts > 1:
            text += f", after {self.attempts} attempts"
        text += ")"
        if self.outcome_unknown:
            text += f"; {_UNKNOWN_OUTCOME_HINT}"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), {**self.__dict__, "_args": self.args}))


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke mid-request.

    ``outcome_unknown`` is True when the request may have reached the server
    (a connection dropped after sending) and the operation is not safe to retry.
    """


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class ClientClosedError(APIConnectionError):
    """The client was closed: before this call, or while it waited or was in flight.

    ``close()`` is final.  A call cut off after its request may have reached the
    server has ``outcome_unknown`` set when the operation is not safe to repeat.
    """


class APIResponseValidationError(APIError):
    """A successful response whose body is not what the API documents."""

    status_code: int
    body: str

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status_code: int,
        body: str,
        attempts: int = 1,
    ) -> None:
        self.status_code = status_code
        self.body = redact(body)
        super().__init__(message, method=method, path=path, attempts=attempts)


class APIStatusError(APIError):
    """The API answered with an error status.

    ``error`` and ``message`` come from the vendor's body when it has them
    (``{statusCode, error, message}`` or ``{message}``); ``body`` is the raw text.
    """

    status_code: int
    error: str | None
    body: str
    retry_after: float | None

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status_code: int,
        error: str | None = None,
        body: str = "",
        retry_after: float | None = None,
        attempts: int = 1,
        outcome_unknown: bool = False,
    ) -> None:
        self.status_code = status_code
        self.error = None if error is None else redact(error)
        self.body = redact(body)
        self.retry_after = retry_after
        super().__init__(
            message, method=method, path=path, attempts=attempts, outcome_unknown=outcome_unknown
        )

    def _headline(self) -> str:
        head = f"{self.status_code} {self.error}" if self.error else str(self.status_code)
        return f"{head}: {self.message}"


class BadRequestError(APIStatusError):
    """400: the API refused the request's parameters or body."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, invalid or revoked."""


class PaymentRequiredError(APIStatusError):
    """402: the workspace has no active paid plan."""


class PermissionDeniedError(APIStatusError):
    """403: the key's scopes or the plan do not allow this operation."""


class NotFoundError(APIStatusError):
    """404: no such campaign, subsequence or route."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well formed but could not be processed."""


class RateLimitError(APIStatusError):
    """429: the workspace rate limit was exceeded and retries ran out."""


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_MAX_BODY = 2000  # characters of a body an exception keeps
_SCAN = 65536  # bytes of an error body read for its message (vendor bodies are tiny)


def body_text(body: bytes) -> str:
    """The start of a response body as text, keys scrubbed.

    Scrubbed before it is cut, so a cut never leaves part of a key behind.
    """
    return redact(body[:_SCAN].decode("utf-8", "replace"))


def _describe_body(text: str) -> tuple[str | None, str | None]:
    """Return ``(error, message)`` from any body the API or its edge may send."""
    stripped = text.strip()
    if not stripped:
        return None, None
    if stripped[:1] in ("{", "["):
        try:
            data = json.loads(stripped)
        except (ValueError, RecursionError):
            return None, "malformed JSON error body"
        if isinstance(data, dict):
            error = data.get("error")
            message = data.get("message")
            return (
                error if isinstance(error, str) else None,
                message if isinstance(message, str) else None,
            )
        return None, None
    if stripped[:1] == "<":
        match = _TITLE.search(stripped)
        title = match.group(1).strip() if match else ""
        return None, f"HTML error page{': ' + title if title else ''}"
    return None, stripped[:200]


def make_status_error(
    *,
    status: int,
    reason: str | None,
    body: bytes,
    method: str,
    path: str,
    retry_after: float | None,
    attempts: int,
    outcome_unknown: bool,
) -> APIStatusError:
    text = body_text(body)
    error, message = _describe_body(text)
    cls = _STATUS_CLASSES.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    return cls(
        message or reason or "no error message in the response",
        method=method,
        path=path,
        status_code=status,
        error=error or reason,
        body=text[:_MAX_BODY],
        retry_after=retry_after,
        attempts=attempts,
        outcome_unknown=outcome_unknown,
    )
