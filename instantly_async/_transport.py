"""The request loop: pace, send, classify, retry or raise, decode.

This is the one place that decides what a failure means.  Resources describe
a request; everything cross-cutting (auth headers, rate limiting, retries,
error mapping, JSON) happens here, once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from yarl import URL

from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    InvalidArgumentError,
    body_text,
    make_status_error,
)
from ._json import dumps as _dumps
from ._json import loads as _loads
from ._ratelimit import Closed
from ._retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after
from ._session import (
    _NOT_SENT,
    AttemptError,
    RawResponse,
    RedactedHeaders,
    ResponseTooLarge,
    SessionManager,
)

log = logging.getLogger("instantly_async")


class Transport:
    """Sends requests for one client and every ``with_options`` copy of it."""

    __slots__ = (
        "_headers",
        "_json_headers",
        "base_url",
        "rate_limited",
        "requests",
        "retries",
        "retry_wait_429",
        "sessions",
    )

    def __init__(
        self, *, base_url: str, authorization: str, user_agent: str, sessions: SessionManager
    ):
        self.base_url = base_url.rstrip("/")
        self.sessions = sessions
        self._headers = RedactedHeaders(
            {"Authorization": authorization, "User-Agent": user_agent, "Accept": "application/json"}
        )
        self._json_headers = RedactedHeaders({**self._headers, "Content-Type": "application/json"})
        # Counters for ``AsyncInstantly.metrics``: plain increments on the hot path.
        self.requests = 0
        self.retries = 0
        self.rate_limited = 0
        self.retry_wait_429 = 0.0

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        body: Any = None,
        safe_to_retry: bool,
        timeout: float | None,
        retry: RetryPolicy,
        decode: Callable[[bytes], Any] | None = None,
    ) -> Any:
        """Send until success or a final failure; return the decoded JSON (None when empty).

        ``body`` None sends no body and no Content-Type: the vendor (Fastify)
        rejects an empty body declared as JSON.  ``decode`` (see ``_typed``)
        may decode a success body straight into models; when it returns None
        the body is decoded as JSON.
        """
        # Ids in ``path`` are already escaped and base_url was normalised once,
        # so yarl need not re-encode the whole URL on every request.
        url = URL(self.base_url + path, encoded=True)
        if body is None:
            data, headers = None, self._headers
        else:
            try:
                data, headers = _dumps(body), self._json_headers
            except ValueError:
                raise InvalidArgumentError(
                    f"{method} {path}: the request body holds NaN or an infinity, "
                    "which JSON cannot carry; nothing was sent"
                ) from None
        sessions = self.sessions
        self.requests += 1
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            try:
                raw = await sessions.send(
                    method, url, params=params, data=data, headers=headers, timeout=timeout
                )
            except AttemptError as exc:
                failure: AttemptError | None = exc
                stop: ResponseTooLarge | Closed | None = None
            except (ResponseTooLarge, Closed) as exc:
                stop = exc
                failure = None
            else:
                failure = stop = None
            if stop is not None:
                raise _stopped(stop, method, path, attempt)
            # Handled outside the except block so no exception rides along as __context__.
            if failure is not None:
                retryable = safe_to_retry or failure.phase == _NOT_SENT
                if sessions.closed:  # cut off by close(): not retried
                    raise ClientClosedError(
                        "the client was closed while this request was in flight",
                        method=method,
                        path=path,
                        attempts=attempt,
                        outcome_unknown=not retryable,
                    )
                if retryable and attempt <= retry.max_retries:
                    delay = retry.backoff(attempt - 1)
                    self.retries += 1
                    _log_retry(method, path, attempt, failure.description, delay)
                    await sessions.sleep(delay)
                    continue
                cls = APITimeoutError if failure.timeout else APIConnectionError
                raise cls(
                    failure.description,
                    method=method,
                    path=path,
                    attempts=attempt,
                    outcome_unknown=not retryable,
                )

            status = raw.status
            if status < 300:
                if log.isEnabledFor(logging.DEBUG):
                    log.debug(
                        "%s %s -> %d in %.3fs (attempt %d)",
                        method,
                        path,
                        status,
                        time.monotonic() - started,
                        attempt,
                    )
                if status == 204:
                    return None
                # An empty 200 is a cut-short body like any other, not "no content".
                if raw.body:
                    if decode is not None:
                        value = decode(raw.body)
                        if value is not None:
                            return value
                    try:
                        return _loads(raw.body)
                    except (ValueError, RecursionError):  # UnicodeDecodeError included
                        pass
                # A cut-short body is usually transient; only a safe operation may try again.
                if safe_to_retry and attempt <= retry.max_retries:
                    delay = retry.backoff(attempt - 1)
                    self.retries += 1
                    _log_retry(method, path, attempt, "undecodable JSON body", delay)
                    await sessions.sleep(delay)
                    continue
                raise APIResponseValidationError(
                    "the response body is not valid JSON"
                    + ("" if safe_to_retry else f" (HTTP {status}: the operation was applied)"),
                    method=method,
                    path=path,
                    status_code=status,
                    body=body_text(raw.body)[:2000],
                    attempts=attempt,
                )

            if status == 429:
                self.rate_limited += 1
            retry_after = parse_retry_after(raw.headers)
            wait = _status_retry_delay(status, retry_after, attempt, retry, safe_to_retry)
            if wait is None:
                raise _status_error(raw, method, path, retry_after, attempt, safe_to_retry)
            if status == 429:
                sessions.penalize(wait)
                self.retry_wait_429 += wait
            self.retries += 1
            _log_retry(method, path, attempt, f"status {status}", wait)
            await sessions.sleep(wait)


def _stopped(stop: ResponseTooLarge | Closed, method: str, path: str, attempt: int) -> APIError:
    if isinstance(stop, ResponseTooLarge):
        # Not retried: the same answer would come back, as large.
        return APIResponseValidationError(
            f"the response body is larger than max_response_bytes ({stop.limit} bytes); "
            "it was not read",
            method=method,
            path=path,
            status_code=stop.status,
            body="",
            attempts=attempt,
        )
    # Nothing of this attempt was sent.
    return ClientClosedError(
        "this AsyncInstantly client is closed; create a new one",
        method=method,
        path=path,
        attempts=attempt - 1,
    )


def _status_retry_delay(
    status: int, retry_after: float | None, attempt: int, retry: RetryPolicy, safe_to_retry: bool
) -> float | None:
    """Seconds to wait before retrying an error status, or None to raise it."""
    if status not in RETRYABLE_STATUSES or attempt > retry.max_retries:
        return None
    # A 429 was refused, so nothing happened: always safe.  Other statuses may
    # have been applied before failing.
    if status != 429 and not safe_to_retry:
        return None
    if retry_after is not None and retry_after > retry.max_retry_after:
        return None
    return retry.backoff(attempt - 1, retry_after)


def _status_error(
    raw: RawResponse,
    method: str,
    path: str,
    retry_after: float | None,
    attempt: int,
    safe_to_retry: bool,
) -> APIStatusError:
    return make_status_error(
        status=raw.status,
        reason=raw.reason,
        body=raw.body,
        method=method,
        path=path,
        retry_after=retry_after,
        attempts=attempt,
        # A 5xx on an unsafe write may have been applied before it failed.
        outcome_unknown=raw.status >= 500 and not safe_to_retry,
    )


def _log_retry(method: str, path: str, attempt: int, why: str, delay: float) -> None:
    log.info(
        "%s %s failed (%s) on attempt %d; retrying in %.2fs", method, path, why, attempt, delay
    )
