"""Turning method arguments into a request: checked ids, query pairs, JSON bodies.

Everything here runs before any request is sent, so bad input fails fast
with a message that names the argument.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Final, Protocol, TypeVar
from urllib.parse import quote

from ._converter import request_dict
from ._exceptions import InvalidArgumentError

E = TypeVar("E", bound=enum.Enum)


class NotGiven:
    """The type of :data:`NOT_GIVEN`: an argument the caller did not pass.

    Distinct from ``None``, which an update sends as JSON ``null``.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


class HasId(Protocol):
    @property
    def id(self) -> str: ...


_FORBIDDEN_IN_ID = frozenset("/?#\\%")
# Instantly ids are UUIDs (36 characters); anything this long is a mistake, not an id.
MAX_ID_LENGTH = 256


# Ids as the API issues them (UUIDs): nothing to check further, nothing to escape.
_PLAIN_ID = re.compile(rf"[A-Za-z0-9_~-][A-Za-z0-9._~-]{{0,{MAX_ID_LENGTH - 1}}}")


def path_id(value: str | HasId, name: str) -> str:
    """A resource id, checked and escaped for use as one path segment."""
    raw = value if isinstance(value, str) else getattr(value, "id", None)
    if isinstance(raw, str) and _PLAIN_ID.fullmatch(raw):
        return raw
    if not isinstance(raw, str):
        raise InvalidArgumentError(
            f"{name} must be a string id or an object with an 'id', got {type(value).__name__}"
        )
    if not raw.strip():
        raise InvalidArgumentError(f"{name} must not be empty")
    if len(raw) > MAX_ID_LENGTH:
        raise InvalidArgumentError(
            f"{name} is {len(raw)} characters long; ids are at most {MAX_ID_LENGTH}"
        )
    if raw in (".", "..") or not _FORBIDDEN_IN_ID.isdisjoint(raw) or not raw.isprintable():
        raise InvalidArgumentError(
            f"{name} {raw!r} is not a valid id: ids may not contain '/', '?', '#', '\\', '%', "
            "control characters, or be '.' or '..'"
        )
    # Belt and braces: even a character we forgot cannot leave the segment.
    return quote(raw, safe="")


def optional_id(value: str | HasId | None, name: str) -> str | None:
    """An id passed as a query parameter (not escaped: aiohttp encodes queries)."""
    if value is None:
        return None
    raw = value if isinstance(value, str) else getattr(value, "id", None)
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidArgumentError(
            f"{name} must be a non-empty string id or an object with an 'id'"
        )
    return raw


def page_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise InvalidArgumentError(f"limit must be an integer from 1 to 100, got {limit!r}")
    if not 1 <= limit <= 100:
        raise InvalidArgumentError(f"limit must be from 1 to 100, got {limit}")
    return limit


def enum_value(value: Any, cls: type[E], name: str) -> Any:
    """The wire value of a documented member of ``cls``; anything else is refused.

    Accepts the member or its raw value; a pseudo-member minted for an
    unknown server value is refused too, since the API would reject it.
    """
    members = cls.__members__.values()
    if isinstance(value, cls):
        if value in members:
            return value.value
    elif not isinstance(value, (bool, enum.Enum)):
        for member in members:
            # Same type too: 1.0 or "1" for a status is a mistake worth reporting.
            if member.value == value and type(member.value) is type(value):
                return member.value
    allowed = ", ".join(f"{m.name} ({m.value!r})" for m in members)
    raise InvalidArgumentError(f"{name} must be a {cls.__name__}: one of {allowed}; got {value!r}")


def date_param(value: date | str | None, name: str) -> str | None:
    """A date or date-time query value: ``date`` -> YYYY-MM-DD, ``datetime`` -> ISO-8601."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return str(request_dict(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            if len(value) == 10:
                date.fromisoformat(value)
            else:
                datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
        except ValueError:
            raise InvalidArgumentError(
                f"{name} must be a date (YYYY-MM-DD) or an ISO-8601 date-time, got {value!r}"
            ) from None
        return value
    raise InvalidArgumentError(f"{name} must be a date, datetime or ISO string, got {value!r}")


def query(*pairs: tuple[str, Any]) -> list[tuple[str, str]]:
    """Query pairs with ``None`` dropped, booleans as true/false and lists repeated."""
    out: list[tuple[str, str]] = []
    for key, value in pairs:
        if value is None:
            continue
        if isinstance(value, bool):
            out.append((key, "true" if value else "false"))
        elif isinstance(value, (list, tuple)):
            out.extend((key, str(v)) for v in value)
        else:
            out.append((key, str(value)))
    return out


def body(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON body of the fields the caller passed; ``None`` stays as ``null``."""
    return {k: request_dict(v) for k, v in fields.items() if v is not NOT_GIVEN}


def string_list(value: Iterable[str], name: str) -> list[str]:
    if isinstance(value, (str, bytes)):
        raise InvalidArgumentError(f"{name} must be a list of strings, not a single string")
    items = list(value)
    for item in items:
        if not isinstance(item, str) or not item:
            raise InvalidArgumentError(f"{name} must contain non-empty strings, got {item!r}")
    return items


def query_list(values: list[str], name: str) -> list[str]:
    """Values of a list query parameter, refused when one holds a comma.

    The API reads ``tag_ids`` as one comma-separated value, and servers commonly
    split repeated parameters such as ``ids`` on commas too: ``["t1,t2"]``
    would silently become two values.
    """
    for value in values:
        if "," in value:
            raise InvalidArgumentError(
                f"{name} item {value!r} holds a comma; pass each value as its own list item"
            )
    return values
