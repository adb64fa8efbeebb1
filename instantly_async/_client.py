"""``AsyncInstantly``: configuration, lifecycle and the resources."""

from __future__ import annotations

import functools
import importlib.util
import ipaddress
import os
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import attrs
from yarl import URL

from ._exceptions import InvalidArgumentError
from ._params import NOT_GIVEN, NotGiven
from ._ratelimit import RateLimit, RateLimiter
from ._redact import register_secret
from ._retry import RetryPolicy
from ._session import SessionManager
from ._shared_limit import SharedRateLimiter, default_name
from ._transport import Transport
from ._version import __version__

__all__ = ["DEFAULT_BASE_URL", "AsyncInstantly", "ClientMetrics"]

DEFAULT_BASE_URL = "https://api.instantly.ai"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
DEFAULT_USER_AGENT = f"instantly-async/{__version__} (+aiohttp/{aiohttp.__version__})"
_ENV_KEY = "INSTANTLY_API_KEY"
_ENV_BASE_URL = "INSTANTLY_BASE_URL"
_ENV_REDIS_URL = "INSTANTLY_RATE_LIMIT_REDIS_URL"
_ENV_RATE_LIMIT_NAME = "INSTANTLY_RATE_LIMIT_NAME"


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_base_url(base_url: str, allow_insecure_http: bool) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidArgumentError(f"base_url must be an http(s) URL with a host, got {base_url!r}")
    if parts.query or parts.fragment:
        raise InvalidArgumentError("base_url must not have a query or fragment")
    if parts.scheme == "http" and not (allow_insecure_http or _is_loopback(parts.hostname)):
        raise InvalidArgumentError(
            "base_url uses plain http to a non-loopback host, which would send the API key "
            "unencrypted; use https, or pass allow_insecure_http=True if you really mean it"
        )
    # Encoded once here (IDNA host, percent-escapes), so requests can skip it.
    return str(URL(base_url.rstrip("/")))


@attrs.frozen(kw_only=True)
class ClientMetrics:
    """What one client (and every ``with_options`` view of it) has done so far.

    A snapshot: read ``client.metrics`` again for fresh figures.
    """

    #: calls made (each one, however many attempts it took)
    requests: int
    #: HTTP attempts that went for the wire, retries included
    attempts: int
    #: attempts that were retries
    retries: int
    #: 429 responses received, retried or not
    rate_limited: int
    #: seconds calls spent waiting on the rate limiter and in 429 pauses, summed over calls
    limiter_wait: float


class AsyncInstantly:
    """An asyncio client for the Instantly API v2.

    Use it as an async context manager, or call :meth:`close` when done.  One
    client is safe to share by any number of tasks of one event loop for the
    life of an application; it keeps one connection pool and one rate limiter.

    :param api_key: the workspace API key; defaults to ``$INSTANTLY_API_KEY``.
    :param base_url: the API's origin; defaults to ``$INSTANTLY_BASE_URL``, then
        ``https://api.instantly.ai``.  Plain ``http`` is refused except for
        loopback hosts (tests, the fake server) unless ``allow_insecure_http``.
    :param timeout: seconds for one attempt of a request (connect, send and
        read), not counting time spent waiting on the rate limiter; ``None``
        for no limit.
    :param max_retries: retries after the first attempt (see :class:`RetryPolicy`).
    :param retry_policy: backoff settings; ``max_retries`` overrides its count.
    :param rate_limit: the client-side budget; the default is the documented
        workspace limit (100/s and 6,000/min); ``None`` turns pacing off.
        ``$INSTANTLY_RATE_LIMIT_REDIS_URL`` (and ``$INSTANTLY_RATE_LIMIT_NAME``)
        share it through Redis when the ``RateLimit`` names no ``redis_url``.
    :param user_agent: sent on every request (the vendor's edge blocks some
        library defaults, so one is always sent).
    :param session: an ``aiohttp.ClientSession`` to use instead of creating
        one; the client never closes a session it was given.
    :param max_connections: the most requests in flight at once.
    :param max_response_bytes: the largest response body read (default
        32 MiB; the largest real page is well under 1 MiB).  Checked against
        ``Content-Length`` and counted while reading, for success and error
        bodies alike; a larger one raises ``APIResponseValidationError`` and
        is not retried.
    :param strict: fail on response values that do not fit a loosely documented
        field (raise :class:`APIResponseValidationError` naming its ``$.path``)
        instead of keeping them in the model's ``extra`` with a warning.
    """

    __slots__ = (
        "_owner",
        "_retry",
        "_strict",
        "_timeout",
        "_transport",
        "campaigns",
        "subsequences",
    )

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        retry_policy: RetryPolicy | None = None,
        rate_limit: RateLimit | None = RateLimit(),  # noqa: B008 - immutable
        user_agent: str | None = None,
        session: aiohttp.ClientSession | None = None,
        max_connections: int = 100,
        allow_insecure_http: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        strict: bool = False,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get(_ENV_KEY)
        if base_url is None:
            base_url = os.environ.get(_ENV_BASE_URL) or DEFAULT_BASE_URL
        if not key or not key.strip():
            raise InvalidArgumentError(
                f"no API key: pass api_key=... or set the {_ENV_KEY} environment variable"
            )
        if any(c in key for c in "\r\n") or not key.isprintable():
            raise InvalidArgumentError("api_key contains control characters")
        if max_connections < 1:
            raise InvalidArgumentError("max_connections must be at least 1")
        if (
            isinstance(max_response_bytes, bool)
            or not isinstance(max_response_bytes, int)
            or max_response_bytes < 1
        ):
            raise InvalidArgumentError(
                f"max_response_bytes must be a positive integer, got {max_response_bytes!r}"
            )
        register_secret(key.strip())
        policy = retry_policy or RetryPolicy()
        if max_retries is not None:
            policy = _evolve_retries(policy, max_retries)
        self._timeout = _check_timeout(timeout)
        self._retry = policy
        self._transport = Transport(
            base_url=_check_base_url(base_url, allow_insecure_http),
            authorization=f"Bearer {key.strip()}",
            user_agent=user_agent or DEFAULT_USER_AGENT,
            sessions=SessionManager(
                session=session,
                max_connections=max_connections,
                limiter=_limiter_factory(rate_limit, key.strip()),
                max_response_bytes=max_response_bytes,
            ),
        )
        self._owner = True
        self._strict = bool(strict)
        self._init_resources()

    def _init_resources(self) -> None:
        from .resources import Campaigns, Subsequences

        self.campaigns = Campaigns(self)
        self.subsequences = Subsequences(self)

    def with_options(
        self,
        *,
        timeout: float | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry_policy: RetryPolicy | NotGiven = NOT_GIVEN,
    ) -> AsyncInstantly:
        """A view of this client with other per-request settings.

        It shares the connection pool and the rate limiter, costs next to
        nothing, and closing it does not close the original:
        ``await client.with_options(timeout=5, max_retries=0).campaigns.get(cid)``.
        """
        clone = object.__new__(AsyncInstantly)
        clone._transport = self._transport
        clone._owner = False
        clone._strict = self._strict
        clone._timeout = self._timeout if isinstance(timeout, NotGiven) else _check_timeout(timeout)
        policy = self._retry if isinstance(retry_policy, NotGiven) else retry_policy
        if not isinstance(max_retries, NotGiven):
            policy = _evolve_retries(policy, max_retries)
        clone._retry = policy
        clone._init_resources()
        return clone

    @property
    def metrics(self) -> ClientMetrics:
        """Counters shared by this client and its ``with_options`` views."""
        transport = self._transport
        sessions = transport.sessions
        return ClientMetrics(
            requests=transport.requests,
            attempts=sessions.attempts,
            retries=transport.retries,
            rate_limited=transport.rate_limited,
            limiter_wait=sessions.limiter_wait + transport.retry_wait_429,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        body: Any = None,
        safe_to_retry: bool,
    ) -> Coroutine[Any, Any, Any]:
        """Send one API request through the client's pacing and retries: ``await`` it.

        Resolves to the decoded JSON.  For endpoints this SDK does not wrap
        yet; ``path`` starts with ``/api/v2/`` and must already be escaped.
        """
        return self._request(
            method, path, params=params, body=body, safe_to_retry=safe_to_retry, decode=None
        )

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        body: Any = None,
        safe_to_retry: bool,
        decode: Callable[[bytes], Any] | None,
    ) -> Coroutine[Any, Any, Any]:
        # The resources' way in: ``request`` that may decode straight into models
        # (see ``_typed``).  A plain function handing back the transport's
        # coroutine: one coroutine less on every call the SDK makes.
        return self._transport.request(
            method,
            path,
            params=params,
            body=body,
            safe_to_retry=safe_to_retry,
            timeout=self._timeout,
            retry=self._retry,
            decode=decode,
        )

    async def close(self) -> None:
        """Close the connection pool (a no-op for ``with_options`` views and borrowed sessions)."""
        if self._owner:
            await self._transport.sessions.close()

    async def __aenter__(self) -> AsyncInstantly:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<AsyncInstantly base_url={self._transport.base_url!r}>"


def _limiter_factory(
    limit: RateLimit | None, api_key: str
) -> Callable[[], RateLimiter | SharedRateLimiter] | None:
    """What makes the client's limiter inside its loop: local, or shared through Redis."""
    limit = _resolve_rate_limit(limit, api_key)
    if limit is None:
        return None
    if limit.redis_url is None:
        return functools.partial(RateLimiter, limit)
    assert limit.name is not None
    return functools.partial(SharedRateLimiter, limit, limit.name)


def _resolve_rate_limit(limit: RateLimit | None, api_key: str) -> RateLimit | None:
    """Fill in the shared budget's Redis URL and name from the environment and the key."""
    if limit is None:
        return None
    url = limit.redis_url or os.environ.get(_ENV_REDIS_URL) or None
    if url is None:
        return limit
    if importlib.util.find_spec("redis") is None:
        raise InvalidArgumentError(
            "a shared rate limit (redis_url or $INSTANTLY_RATE_LIMIT_REDIS_URL) needs the "
            "redis extra: pip install 'instantly-async[redis]'"
        )
    name = limit.name or os.environ.get(_ENV_RATE_LIMIT_NAME) or default_name(api_key)
    try:
        return attrs.evolve(limit, redis_url=url, name=name)
    except ValueError as exc:  # only the environment's values can be new here
        raise InvalidArgumentError(f"${_ENV_REDIS_URL} or ${_ENV_RATE_LIMIT_NAME}: {exc}") from None


def _check_timeout(timeout: float | None) -> float | None:
    if timeout is not None and (isinstance(timeout, bool) or not timeout > 0):
        raise InvalidArgumentError(
            f"timeout must be a positive number of seconds or None, got {timeout!r}"
        )
    return timeout


def _evolve_retries(policy: RetryPolicy, max_retries: int) -> RetryPolicy:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidArgumentError(f"max_retries must be an integer >= 0, got {max_retries!r}")
    return attrs.evolve(policy, max_retries=max_retries)
