"""The cattrs converters: JSON-shaped data <-> attrs models.

Policy, set once for every model:
* attribute names are the JSON keys, except that a trailing underscore maps
  to a Python keyword (``from_`` <-> ``from``);
* unknown keys are kept in the model's ``extra`` and keys sent as ``null`` are
  remembered, so :func:`to_dict` gives back what the server sent; enum values
  the SDK does not know become open-enum pseudo-members;
* numbers are never rounded: an ``int`` field takes whole numbers only, a
  ``float`` (JSON ``number``) field keeps an ``int`` as it came;
* timestamps parse from ISO-8601 with ``Z``; schedule dates accept both the
  ``YYYY-MM-DD`` and the date-time forms the vendor's docs show;
* loosely documented fields (``models.LOOSE``) parse exactly or, leniently,
  not at all: the raw value goes to ``extra`` with one warning per field per
  process; the strict converter fails on them like on any other field;
* request bodies (``converter.unstructure``) omit fields left at ``None`` and
  never send ``extra``; :func:`to_dict` (the export) puts both back.

Structuring runs without cattrs' detailed validation, which is noticeably
faster; on failure the same data is structured again by a detailed twin of the
converter, only to produce a message that names the failing field's ``$.path``.
"""

from __future__ import annotations

import enum
import logging
import typing
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._codegen import (
    EXTRA,
    NULLS,
    json_key,
    keeps_extra,
    make_structure_fn,
    number,
    whole_number,
)
from ._exceptions import APIResponseValidationError
from ._open_enum import OpenIntEnum, OpenStrEnum
from ._redact import preview

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


def _loose_datetime(value: Any, _type: Any) -> datetime:
    """A date-time in a plain-string field: an ISO-8601 string, nothing else.

    Unlike the format-checked fields, epoch numbers are refused: they would come
    back from :func:`to_dict` as a different JSON type.
    """
    if value.__class__ is not str:
        raise TypeError(f"expected an ISO-8601 date-time string, got {type(value).__name__}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        if not value.endswith(("Z", "z")):
            raise
    return datetime.fromisoformat(value[:-1] + "+00:00")  # Python 3.10 has no "Z"


def _loose_date(value: Any, _type: Any) -> date:
    """A date in a plain-string field: exactly ``YYYY-MM-DD`` (nothing cut off)."""
    if value.__class__ is not str:
        raise TypeError(f"expected a YYYY-MM-DD date string, got {type(value).__name__}")
    return date.fromisoformat(value)


_LOOSE_HOOKS: dict[Any, Callable[[Any, Any], Any]] = {
    datetime: _loose_datetime,
    date: _loose_date,
}


def _format_datetime(value: datetime) -> str:
    if value.tzinfo is not None and value.utcoffset() == timezone.utc.utcoffset(None):
        return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    return value.isoformat()


def _enum_member(value: Any, cls: type[enum.Enum]) -> Any:
    return cls(value)


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _renames(cls: type) -> dict[str, Any]:
    return {
        a.name: override(rename=json_key(a.name))
        for a in attrs.fields(cls)
        if json_key(a.name) != a.name
    }


def _loose_overrides(cls: type) -> dict[str, Any]:
    # The detailed twin must fail where the strict hooks fail, or it could not
    # name the field: loose dates and date-times use the exact parsers.
    overrides: dict[str, Any] = {}
    hints = typing.get_type_hints(cls)
    for a in attrs.fields(cls):
        if not a.metadata.get("instantly_async.loose"):
            continue
        inner = [t for t in getattr(hints[a.name], "__args__", ()) if t is not type(None)]
        parse = _LOOSE_HOOKS.get(inner[0]) if len(inner) == 1 else None
        if parse is not None:
            overrides[a.name] = override(rename=json_key(a.name), struct_hook=_optional(parse))
    return overrides


def _optional(parse: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _type: Any) -> Any:
        return None if value is None else parse(value, None)

    return hook


def _unstructure_overrides(cls: type) -> dict[str, Any]:
    # Omit what was left at None; a field whose default is a real value is always sent.
    overrides = _renames(cls)
    for a in attrs.fields(cls):
        if a.default is not None and a.default is not attrs.NOTHING:
            rename = a.name[:-1] if a.name in overrides else None
            overrides[a.name] = override(rename=rename, omit_if_default=False)
    if keeps_extra(cls):
        overrides[EXTRA] = overrides[NULLS] = override(omit=True)
    return overrides


def _configure(conv: cattrs.Converter) -> cattrs.Converter:
    conv.register_structure_hook(datetime, _parse_datetime)
    conv.register_structure_hook(date, _parse_date)
    conv.register_structure_hook(int, whole_number)
    conv.register_structure_hook(float, number)
    # IntEnum comes before int in its MRO: keep int-based enums on Enum(value).
    conv.register_structure_hook(enum.IntEnum, _enum_member)
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
        attrs.has,
        lambda cls: make_dict_structure_fn(cls, conv, **{**_renames(cls), **_loose_overrides(cls)}),
    )
    conv.register_unstructure_hook_factory(
        attrs.has,
        lambda cls: make_dict_unstructure_fn(
            cls, conv, _cattrs_omit_if_default=True, **_unstructure_overrides(cls)
        ),
    )
    return conv


log = logging.getLogger("instantly_async")
_warned: set[tuple[type, str]] = set()


def _warn_loose(cls: type, name: str, value: Any) -> None:
    # Once per field and process: a drifted field shows up on every object.
    # The value itself is not logged (it could carry anything the server echoes).
    if (cls, name) in _warned:
        return
    _warned.add((cls, name))
    log.warning(
        "%s.%s: the server sent a %s that does not fit this loosely documented field; "
        "the field is None and the value is kept unchanged in .extra[%r] "
        "(logged once per field; AsyncInstantly(strict=True) raises instead)",
        cls.__name__,
        name,
        type(value).__name__,
        json_key(name),
    )


def _speed_up(conv: cattrs.Converter, *, strict: bool) -> cattrs.Converter:
    # Every model gets one flat generated function (see _codegen); whatever it
    # cannot handle falls back to cattrs' own.
    on_loose = None if strict else _warn_loose
    conv.register_structure_hook_factory(
        attrs.has,
        lambda cls: (
            make_structure_fn(conv, cls, on_loose=on_loose, loose_hooks=_LOOSE_HOOKS)
            or make_dict_structure_fn(cls, conv, **{**_renames(cls), **_loose_overrides(cls)})
        ),
    )
    return conv


def _exporting(conv: cattrs.Converter) -> cattrs.Converter:
    def factory(cls: type) -> Callable[[Any], Any]:
        fields: Callable[[Any], Any] = make_dict_unstructure_fn(
            cls, conv, _cattrs_omit_if_default=True, **_unstructure_overrides(cls)
        )
        if not keeps_extra(cls):
            return fields

        def export(obj: Any) -> Any:
            out = fields(obj)
            for key in obj._nulls:
                out.setdefault(key, None)
            if obj.extra:
                out.update(obj.extra)
            return out

        return export

    conv.register_unstructure_hook_factory(attrs.has, factory)
    return conv


# The lenient converter is the default; its unstructure side builds request bodies.
converter = _speed_up(_configure(cattrs.Converter(detailed_validation=False)), strict=False)
strict_converter = _speed_up(_configure(cattrs.Converter(detailed_validation=False)), strict=True)
# Only for wording error messages.
_detailed = _configure(cattrs.Converter(detailed_validation=True))
# to_dict: fields, explicit nulls and extra, as the server sent them.
_export = _exporting(_configure(cattrs.Converter(detailed_validation=False)))

Hook = Callable[[Any, Any], Any]
_hooks: dict[Any, Hook] = {}
_strict_hooks: dict[Any, Hook] = {}


def structure(
    data: Any, cls: type[T], *, method: str, path: str, strict: bool = False, where: str = "$"
) -> T:
    """Structure a decoded response, turning any failure into APIResponseValidationError.

    ``strict`` also fails on loose values (instead of keeping them in ``extra``);
    ``where`` is the JSON path of ``data`` in the response, for messages.
    ``data`` that is a ``cls`` already (decoded by ``_typed``) is returned as is.
    """
    if data.__class__ is cls:
        return data
    hooks = _strict_hooks if strict else _hooks
    hook = hooks.get(cls)
    if hook is None:  # the converter's dispatch, once per response type
        hook = hooks[cls] = (strict_converter if strict else converter).get_structure_hook(cls)
    try:
        return hook(data, cls)  # type: ignore[no-any-return]
    except Exception:
        pass
    message = "the response does not match the documented shape"
    try:
        _detailed.structure(data, cls)
    except Exception as exc:
        details = cattrs.transform_error(exc, path=where)
        if details:
            message += ": " + "; ".join(details[:5])
    error = APIResponseValidationError(
        message, method=method, path=path, status_code=200, body=preview(data)
    )
    # A traceback printed with its locals must not show the raw response.
    del data
    raise error from None


def to_dict(model: Any) -> Any:
    """A model as the API's JSON, with everything the server sent.

    Keys as the API names them; a field the server sent as ``null`` comes back
    as ``None`` and one it left out stays out; the model's ``extra`` (unknown
    fields, unparsed loose values) is merged back in.  Dates and times are
    ISO-8601 (the same instant, not necessarily the same characters).  For a
    model built in code, fields left at ``None`` are omitted.
    """
    return _export.unstructure(model)


def request_dict(value: Any) -> Any:
    """A model or value as a request body part: no ``extra``, fields at ``None`` omitted."""
    return converter.unstructure(value)
