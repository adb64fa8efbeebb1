"""Global options: one table, parsed in every position, resolved flag > environment > default.

Each global option is one :class:`GlobalOption` line in ``GLOBAL_OPTIONS``; the
parser adds it to the top-level parser and to every subcommand, and
:func:`resolve` applies the precedence.  Values given on the command line win,
then the named environment variable, then the default.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

import attrs

from .._client import DEFAULT_BASE_URL, _is_loopback
from .._ratelimit import RateLimit, parse_rate_limit
from ..models import CampaignStatus
from ._errors import UsageError

# -- value types (argparse reports their errors as "argument --flag: ...") ---------------


def status(value: str) -> CampaignStatus:
    try:
        return CampaignStatus(int(value))
    except ValueError:
        pass
    key = value.strip().upper().replace("-", "_").replace(" ", "_")
    if key in CampaignStatus.__members__:
        return CampaignStatus[key]
    names = ", ".join(m.name.lower() for m in CampaignStatus)
    raise argparse.ArgumentTypeError(f"unknown status {value!r}; use one of {names} or a number")


def rate_limit(value: str) -> RateLimit | None:
    try:
        parsed = parse_rate_limit(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return None if parsed is None else RateLimit(per_second=parsed[0], per_minute=parsed[1])


def int_range(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if number < low or (high is not None and number > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"expected a whole number {bounds}, got {value!r}")
        return number

    return parse


def positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return number


def non_empty(value: str) -> str:
    """Filters: an empty value would select everything, which is never what was meant."""
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty (an empty filter selects everything)")
    return value


_UNSET: Any = object()

# -- the table ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class GlobalOption:
    flags: tuple[str, ...]
    help: str
    env: str | None = None
    default: Any = None
    type: Callable[[str], Any] | None = None
    metavar: str | None = None
    action: str = "store"

    @property
    def dest(self) -> str:
        return self.flags[-1].lstrip("-").replace("-", "_")

    def add_to(self, group: Any, *, suppress: bool) -> None:
        kwargs: dict[str, Any] = {"help": self.help, "dest": self.dest, "action": self.action}
        if self.action == "store":
            kwargs.update(type=self.type, metavar=self.metavar)
        # Subcommands must not overwrite what was given before them: their
        # defaults are suppressed, so an absent flag leaves the attribute alone.
        # At the top, "not given" must differ from every value (``--rate-limit none`` is None).
        kwargs["default"] = (
            argparse.SUPPRESS if suppress else _UNSET if self.action == "store" else None
        )
        group.add_argument(*self.flags, **kwargs)


ENV_API_KEY = "INSTANTLY_API_KEY"
ENV_BASE_URL = "INSTANTLY_BASE_URL"
ENV_REDIS_URL = "INSTANTLY_RATE_LIMIT_REDIS_URL"
ENV_RATE_LIMIT_NAME = "INSTANTLY_RATE_LIMIT_NAME"

GLOBAL_OPTIONS: Sequence[GlobalOption] = (
    GlobalOption(flags=("--api-key",), env=ENV_API_KEY, metavar="KEY",
                 help=f"the workspace API key (default: ${ENV_API_KEY}); never printed"),
    GlobalOption(flags=("--base-url",), env=ENV_BASE_URL, default=DEFAULT_BASE_URL, metavar="URL",
                 help=f"the API origin, without /api/v2 (default: ${ENV_BASE_URL}, "
                 f"else {DEFAULT_BASE_URL})"),
    GlobalOption(flags=("--timeout",), type=positive_float, default=30.0, metavar="SECONDS",
                 help="seconds per attempt (default 30)"),
    GlobalOption(flags=("--max-retries",), type=int_range(0), default=3, metavar="N",
                 help="retries per request (default 3)"),
    GlobalOption(flags=("--rate-limit",), type=rate_limit, default=RateLimit(),
                 metavar="PER_SECOND[,PER_MINUTE]|none",
                 help="client-side pacing (default 100,6000: the workspace limit)"),
    GlobalOption(flags=("--redis-url",), env=ENV_REDIS_URL, metavar="URL",
                 help="share the rate limit through this Redis with every process using it and "
                 f"the same --rate-limit-name (default: ${ENV_REDIS_URL}; the redis extra)"),
    GlobalOption(flags=("--rate-limit-name",), env=ENV_RATE_LIMIT_NAME, metavar="NAME",
                 help=f"the shared budget's name (default: ${ENV_RATE_LIMIT_NAME}, "
                 "else a hash of the API key)"),
    GlobalOption(flags=("-v", "--verbose"), action="count", default=0,
                 help="log retries and rate-limit waits to stderr (-vv: every request)"),
    GlobalOption(flags=("-q", "--quiet"), action="store_true", default=False,
                 help="no progress and no summary; errors only"),
)  # fmt: skip


def add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    group = parser.add_argument_group("global options (before or after the command)")
    for option in GLOBAL_OPTIONS:
        option.add_to(group, suppress=suppress)


def resolve(args: argparse.Namespace, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Each global option's value: the flag, else its environment variable, else the default."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for option in GLOBAL_OPTIONS:
        value = getattr(args, option.dest, _UNSET)
        # None is a value only for a stored option (``--rate-limit none``); for
        # counters and switches it is the top-level parser's "not given".
        given = value is not _UNSET and (value is not None or option.action == "store")
        if not given and option.env and env.get(option.env, "").strip():
            value, given = _from_env(option, env[option.env]), True
        values[option.dest] = value if given else option.default
    return values


def _from_env(option: GlobalOption, text: str) -> Any:
    if option.type is None:
        return text
    try:
        return option.type(text)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"${option.env}: {exc}") from None


def client_options(values: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for ``AsyncInstantly``, checked here so errors name flags, not Python."""
    key = values["api_key"]
    if not key or not key.strip():
        raise UsageError(f"no API key: pass --api-key or set {ENV_API_KEY}")
    if any(c in key for c in "\r\n") or not key.strip().isprintable():
        raise UsageError(f"the API key (--api-key / {ENV_API_KEY}) contains control characters")
    base_url = values["base_url"].strip()
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UsageError(f"--base-url / {ENV_BASE_URL} must be an http(s) URL with a host")
    if parts.path.rstrip("/").endswith("/api/v2"):
        origin = f"{parts.scheme}://{parts.netloc}"
        raise UsageError(
            f"--base-url / {ENV_BASE_URL} is the origin only (the CLI adds /api/v2): use {origin}"
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise UsageError(
            f"--base-url / {ENV_BASE_URL} uses plain http to a non-loopback host, which would "
            "send the API key unencrypted: use https"
        )
    return {
        "api_key": key,
        "base_url": base_url,
        "timeout": values["timeout"],
        "max_retries": values["max_retries"],
        "rate_limit": _shared(values["rate_limit"], values["redis_url"], values["rate_limit_name"]),
    }


def _shared(limit: RateLimit | None, redis_url: str | None, name: str | None) -> RateLimit | None:
    """The rate limit, shared through Redis when asked (``--rate-limit none``: no pacing at all)."""
    if limit is None or not (redis_url or name):
        return limit
    try:
        limit = attrs.evolve(limit, redis_url=redis_url or limit.redis_url)
    except ValueError as exc:  # the message never shows a password
        raise UsageError(f"--redis-url / ${ENV_REDIS_URL}: {exc}") from None
    try:
        return attrs.evolve(limit, name=name or limit.name)
    except ValueError as exc:
        raise UsageError(f"--rate-limit-name / ${ENV_RATE_LIMIT_NAME}: {exc}") from None
