"""The one cattrs converter: JSON-shaped data <-> attrs models.

Policy, set once for every model:
* attribute names are the JSON keys, except that a trailing underscore maps
  to a Python keyword (``from_`` <-> ``from``);
* unknown keys are ignored (the vendor adds fields most months) and enum
  values the SDK does not know become open-enum pseudo-members;
* timestamps parse from ISO-8601 with ``Z``; schedule dates accept both the
  ``YYYY-MM-DD`` and the date-time forms the vendor's docs show;
* unstructuring (request bodies) omits fields left at ``None``.

Structuring runs without cattrs' detailed validation, which is noticeably
faster; on failure the same data is structured again by a detailed twin of the
converter, only to produce a message that names the failing field.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._codegen import json_key, make_structure_fn
from ._exceptions import APIResponseValidationError
from ._open_enum import OpenIntEnum, OpenStrEnum
from ._redact import redact

T = TypeVar("T")


def _parse_datetime(value: Any, _type: Any) -> datetime:
    if value.__class__ is str:
        try:  # Python 3.11+ reads a trailing "Z" itself: one call for the common case
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        if value.endswith(("Z", "z")):
            value = value[:-1] + "+00:00"
        return datetime.fromisoformat(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Epoch milliseconds: not documented, but cheap to accept.
        return datetime.fromtimestamp(value / 1000, tz=timezone.utc)
    raise TypeError(f"expected an ISO-8601 date-time string, got {type(value).__name__}")


def _parse_date(value: Any, _type: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        # "2025-09-25" or "2025-09-13T12:09:51.520Z": the date part is the
        # calendar date in the campaign's timezone either way.
        return date.fromisoformat(value[:10])
    raise TypeError(f"expected a YYYY-MM-DD date string, got {type(value).__name__}")


def _format_datetime(value: datetime) -> str:
    if value.tzinfo is not None and value.utcoffset() == timezone.utc.utcoffset(None):
        return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    return value.isoformat()


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _renames(cls: type) -> dict[str, Any]:
    return {
        a.name: override(rename=json_key(a.name))
        for a in attrs.fields(cls)
        if json_key(a.name) != a.name
    }


def _unstructure_overrides(cls: type) -> dict[str, Any]:
    # Omit what was left at None; a field whose default is a real value is always sent.
    overrides = _renames(cls)
    for a in attrs.fields(cls):
        if a.default is not None and a.default is not attrs.NOTHING:
            rename = a.name[:-1] if a.name in overrides else None
            overrides[a.name] = override(rename=rename, omit_if_default=False)
    return overrides


def _configure(conv: cattrs.Converter) -> cattrs.Converter:
    conv.register_structure_hook(datetime, _parse_datetime)
    conv.register_structure_hook(date, _parse_date)
    conv.register_unstructure_hook(datetime, _format_datetime)
    conv.register_unstructure_hook(date, date.isoformat)
    # Enum-typed fields may hold a raw value (e.g. a custom CRM label's number).
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_value
    )
    # str- and int-based enums would otherwise match cattrs' str/int passthrough
    # and leave the member itself in the output.
    conv.register_unstructure_hook(OpenStrEnum, _enum_value)
    conv.register_unstructure_hook(OpenIntEnum, _enum_value)
    conv.register_structure_hook_factory(
        attrs.has, lambda cls: make_dict_structure_fn(cls, conv, **_renames(cls))
    )
    conv.register_unstructure_hook_factory(
        attrs.has,
        lambda cls: make_dict_unstructure_fn(
            cls, conv, _cattrs_omit_if_default=True, **_unstructure_overrides(cls)
        ),
    )
    return conv


def _speed_up(conv: cattrs.Converter) -> cattrs.Converter:
    # Every model gets one flat generated function (see _codegen); whatever it
    # cannot handle falls back to cattrs' own.
    conv.register_structure_hook_factory(
        attrs.has,
        lambda cls: (
            make_structure_fn(conv, cls) or make_dict_structure_fn(cls, conv, **_renames(cls))
        ),
    )
    return conv


# Only the fast converter: the detailed twin exists to word error messages.
converter = _speed_up(_configure(cattrs.Converter(detailed_validation=False)))
_detailed = _configure(cattrs.Converter(detailed_validation=True))


_hooks: dict[Any, Callable[[Any, Any], Any]] = {}


def structure(data: Any, cls: type[T], *, method: str, path: str) -> T:
    """Structure a decoded response, turning any failure into APIResponseValidationError."""
    hook = _hooks.get(cls)
    if hook is None:  # the converter's dispatch, once per response type
        hook = _hooks[cls] = converter.get_structure_hook(cls)
    try:
        return hook(data, cls)  # type: ignore[no-any-return]
    except Exception:
        pass
    message = "the response does not match the documented shape"
    try:
        _detailed.structure(data, cls)
    except Exception as exc:
        details = cattrs.transform_error(exc, path="$") if isinstance(exc, Exception) else []
        if details:
            message += ": " + "; ".join(details[:5])
    error = APIResponseValidationError(
        message, method=method, path=path, status_code=200, body=_preview(data)
    )
    # A traceback printed with its locals must not show the raw response.
    del data
    raise error from None


def to_dict(model: Any) -> Any:
    """A model as the API's JSON (keys as the API names them, fields left at None omitted)."""
    return converter.unstructure(model)


def _preview(data: Any) -> str:
    text = redact(repr(data))  # before the cut, which could halve a key
    return text if len(text) <= 2000 else text[:2000] + "..."
