"""Flat structure functions for the attrs models, registered as cattrs hooks.

Why: cattrs' generated function calls one hook per field, and for an optional
field that hook dispatches again on the inner type; a fully populated Campaign
took about 185 Python calls and was slower than pydantic v2.  Here each model
gets one function whose field conversions are written inline (primitives,
optionals, open enums, lists of any of these, nested models by a direct
call), so structuring a Campaign takes about two dozen calls.  Types it does
not know (dates, dicts, ``Any``) still go through the converter's own hooks.

The conversions are the ones cattrs performs without detailed validation
(``str(v)``, ``Enum(v)``, the default for an absent key, a ``KeyError`` for an
absent required key), except for numbers, which are never rounded: an
``int`` field takes a whole number only, a ``float`` field keeps an ``int``
as it came.  Failures are reported by the detailed converter (see
``_converter.structure``), so this code only has to be fast and right.

A model with ``extra`` and ``_nulls`` fields (``models.Model``) also keeps
what it has no typed place for: unknown keys go to ``extra`` (counting the
absent known keys tells whether there are any), keys that came as ``null`` to
``_nulls`` (looked up only for fields that came out ``None``).  In lenient mode
a loosely documented field (``models.LOOSE``) whose value does not convert is
left ``None`` and its raw value goes to ``extra``; in strict mode it fails
like any other field.
"""

from __future__ import annotations

import enum
import functools
import itertools
import linecache
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs

_ABSENT = object()
_BUILDING: set[type] = set()  # classes whose function is being written (recursion guard)
EXTRA, NULLS = "extra", "_nulls"
_LOOSE_KEY = "instantly_async.loose"

# (model class, field, raw value) -> None: reports a loose value kept in ``extra``.
OnLoose = Callable[[type, str, Any], None]


def _optional_inner(t: Any) -> Any:
    """``X`` for ``X | None`` (or ``Optional[X]``), else None."""
    if typing.get_origin(t) not in (typing.Union, types.UnionType):
        return None
    args = typing.get_args(t)
    if len(args) != 2 or type(None) not in args:
        return None
    return args[0] if args[1] is type(None) else args[1]


def whole_number(value: Any, _type: Any = None) -> int:
    """An ``int`` field's value: a whole number, never a rounded fraction."""
    if value.__class__ is float:
        if value.is_integer():
            return int(value)
        raise ValueError(f"{value!r} is not a whole number")
    return int(value)


def number(value: Any, _type: Any = None) -> float:
    """A ``float`` (JSON ``number``) field's value: an ``int`` stays an ``int``."""
    cls = value.__class__
    if cls is int or cls is float:
        return value  # type: ignore[no-any-return]
    return float(value)


def keeps_extra(cls: type) -> bool:
    """True for a model with the ``extra`` and ``_nulls`` fields of ``models.Model``."""
    names = {a.name for a in attrs.fields(cls)}
    return EXTRA in names and NULLS in names


def _is_loose(a: attrs.Attribute[Any]) -> bool:
    return bool(a.metadata.get(_LOOSE_KEY))


class _Writer:
    """Builds the source of one structure function and the names it closes over."""

    def __init__(
        self,
        conv: cattrs.Converter,
        cls: type,
        loose_hooks: Mapping[Any, Callable[[Any, Any], Any]],
    ) -> None:
        self.conv = conv
        self.cls = cls
        self.loose_hooks = loose_hooks
        self.env: dict[str, Any] = {"_ABSENT": _ABSENT, "_new": object.__new__}
        self._ids = itertools.count()

    def bind(self, prefix: str, value: Any) -> str:
        name = f"_{prefix}{next(self._ids)}"
        self.env[name] = value
        return name

    def expr(self, t: Any, var: str, *, loose: bool = False) -> str:
        """An expression that structures ``var`` (a plain name) into ``t``."""
        inner = _optional_inner(t)
        if inner is not None:
            return f"(None if {var} is None else {self.expr(inner, var, loose=loose)})"
        if loose and t in self.loose_hooks:
            return f"{self.bind('loose', self.loose_hooks[t])}({var}, None)"
        if t is str or t is bool:
            return f"{t.__name__}({var})"
        if t is int:
            return f"({var} if {var}.__class__ is int else {self.bind('int', whole_number)}({var}))"
        if t is float:
            return (
                f"({var} if {var}.__class__ is float or {var}.__class__ is int "
                f"else {self.bind('float', float)}({var}))"
            )
        if t is Any:
            return var
        if isinstance(t, type) and issubclass(t, enum.Enum):
            # ``Enum(v)`` runs EnumType.__call__ and Enum.__new__ in Python, whose
            # first step is this dict lookup: a hit is the same member; a miss
            # (an unknown value: an open enum's pseudo-member to mint) takes the
            # real call.  An unhashable value fails either way.
            members, cls = self.bind("members", t._value2member_map_), self.bind("enum", t)
            found = f"_m{next(self._ids)}"
            return f"({found} if ({found} := {members}.get({var})) is not None else {cls}({var}))"
        if isinstance(t, type) and attrs.has(t):
            if t in _BUILDING:  # a model that contains itself: look its hook up at run time
                conv = self.conv
                return f"{self.bind('model', lambda v, _: conv.structure(v, t))}({var}, None)"
            return f"{self.bind('model', self.conv.get_structure_hook(t))}({var}, None)"
        origin, args = typing.get_origin(t), typing.get_args(t)
        # Empty lists and objects are common in responses, and a comprehension
        # costs a function call even when it has nothing to do.
        if origin is list and len(args) == 1:
            item = f"_e{next(self._ids)}"
            return (
                f"([] if {var}.__class__ is list and not {var} else "
                f"[{self.expr(args[0], item, loose=loose)} for {item} in {var}])"
            )
        if origin is dict and len(args) == 2:
            k, v = f"_k{next(self._ids)}", f"_v{next(self._ids)}"
            pair = f"{self.expr(args[0], k)}: {self.expr(args[1], v)}"
            return (
                f"({{}} if {var}.__class__ is dict and not {var} else "
                f"{{{pair} for {k}, {v} in {var}.items()}})"
            )
        hook = self.bind("hook", self.conv.get_structure_hook(t))
        return f"{hook}({var}, {self.bind('type', t)})"


def json_key(name: str) -> str:
    """The JSON key of an attribute: ``from_`` is ``from`` (the underscore dodges a keyword)."""
    return name[:-1] if name.endswith("_") and not name.startswith("_") else name


def _init_only_assigns(cls: type) -> bool:
    """True when the attrs-made ``__init__`` of ``cls`` does nothing but store its arguments."""
    init = cls.__init__  # type: ignore[misc]
    return (
        getattr(init, "__code__", None) is not None
        and init.__code__.co_filename.startswith("<attrs generated")
        and getattr(cls, "__setattr__", None) is object.__setattr__
        and not hasattr(cls, "__attrs_pre_init__")
        and not hasattr(cls, "__attrs_post_init__")
        and all(a.validator is None and a.converter is None for a in attrs.fields(cls))
    )


def _unknown_keys(known: frozenset[str], o: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in o.items() if k not in known}


def _keep_loose(
    on_loose: OnLoose, cls: type, name: str, kept: dict[str, Any] | None, key: str, value: Any
) -> dict[str, Any]:
    on_loose(cls, name, value)
    if kept is None:
        kept = {}
    kept[key] = value
    return kept


def _source(writer: _Writer, on_loose: OnLoose | None) -> str | None:
    """The function's source; ``on_loose`` None is strict mode (loose fields fail like others)."""
    cls = writer.cls
    hints = typing.get_type_hints(cls)
    target = writer.bind("cls", cls)
    keep = keeps_extra(cls)
    lines = [f"def structure_{cls.__name__}(o, _=None):"]
    # Why: calling an attrs __init__ with thirty-odd keyword arguments cost more
    # than everything else a flat Campaign needs; when __init__ could only
    # assign them, assigning them here builds the same object.
    assign = _init_only_assigns(cls)
    if assign:
        lines.append(f"    obj = _new({target})")
    if keep:
        lines.append("    nulls = ()")
        lines.append("    absent = 0")
    lenient_loose = on_loose is not None and any(_is_loose(a) for a in attrs.fields(cls))
    if lenient_loose:
        lines.append("    kept = None")
    kwargs, known = [], []
    for a in attrs.fields(cls):
        if keep and a.name in (EXTRA, NULLS):
            continue
        if not a.init or isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            return None  # not a shape this writer handles: cattrs' own code does
        key, t = json_key(a.name), hints[a.name]
        known.append(key)
        local = f"obj.{a.name}" if assign else f"f_{a.name}"
        kwargs.append(f"{a.alias}={local}")
        inner = _optional_inner(t)
        loose = _is_loose(a)
        if loose and inner is None:
            raise TypeError(f"{cls.__name__}.{a.name}: a loose field must admit None")
        if a.default is attrs.NOTHING:
            get, always_present = f"o[{key!r}]", True
        elif a.default is None and inner is not None:
            get, always_present = f"o.get({key!r})", False
        else:
            if loose:
                raise TypeError(f"{cls.__name__}.{a.name}: a loose field defaults to None")
            default = writer.bind("default", a.default)
            lines.append(f"    v = o.get({key!r}, _ABSENT)")
            lines.append(f"    {local} = {default} if v is _ABSENT else {writer.expr(t, 'v')}")
            if keep:
                lines.append("    if v is _ABSENT: absent += 1")
            continue
        lines.append(f"    v = {get}")
        if inner is None:
            lines.append(f"    {local} = {writer.expr(t, 'v')}")
            continue
        lines.append("    if v is None:")
        lines.append(f"        {local} = None")
        if keep:
            null = f"nulls += ({key!r},)"
            if always_present:
                lines.append(f"        {null}")
            else:
                lines.append(f"        if {key!r} in o: {null}")
                lines.append("        else: absent += 1")
        lines.append("    else:")
        converted = writer.expr(inner, "v", loose=loose)
        if loose and on_loose is not None:
            report = writer.bind("keep", functools.partial(_keep_loose, on_loose, cls, a.name))
            lines.append("        try:")
            lines.append(f"            {local} = {converted}")
            lines.append("        except Exception:")
            lines.append(f"            {local} = None")
            lines.append(f"            kept = {report}(kept, {key!r}, v)")
        else:
            lines.append(f"        {local} = {converted}")
    if keep:
        known_keys = writer.bind("known", frozenset(known))
        unknown = writer.bind("unknown", _unknown_keys)
        # Every known key was looked up above (a required one must be there), so
        # there are unknown keys exactly when ``o`` has more than the known ones
        # present: a length, where a set comparison cost ~30 ns a key.
        extra = f"({{}} if len(o) + absent == {len(known)} else {unknown}({known_keys}, o))"
        if lenient_loose:
            extra = f"({extra} if kept is None else {{**{unknown}({known_keys}, o), **kept}})"
        if assign:
            lines.append(f"    obj.extra = {extra}")
            lines.append("    obj._nulls = nulls")
        else:
            kwargs.append(f"extra={extra}")
    if assign:
        lines.append("    return obj")
    else:
        lines.append(f"    obj = {target}({', '.join(kwargs)})")
        if keep:
            lines.append("    object.__setattr__(obj, '_nulls', nulls)")
        lines.append("    return obj")
    return "\n".join(lines) + "\n"


def make_structure_fn(
    conv: cattrs.Converter,
    cls: type,
    *,
    on_loose: OnLoose | None = None,
    loose_hooks: Mapping[Any, Callable[[Any, Any], Any]] | None = None,
) -> Callable[[Any, Any], Any] | None:
    """A flat structure function for the attrs class ``cls``, or None to let cattrs do it.

    ``on_loose`` given: lenient mode, called once per loose value kept in
    ``extra``.  ``loose_hooks`` replace the converter's hooks for loose fields
    of those types (exact parsers, so that what parses also formats back).
    """
    writer = _Writer(conv, cls, loose_hooks or {})
    _BUILDING.add(cls)
    try:
        source = _source(writer, on_loose)
    finally:
        _BUILDING.discard(cls)
    if source is None:
        return None
    mode = "strict" if on_loose is None else "lenient"
    filename = f"<instantly_async structure {mode} {cls.__module__}.{cls.__qualname__}>"
    # Registered like attrs' and cattrs' own generated code, so tracebacks show it.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), writer.env)  # our own generated source
    fn: Callable[[Any, Any], Any] = writer.env[f"structure_{cls.__name__}"]
    return fn


__all__ = [
    "EXTRA",
    "NULLS",
    "OnLoose",
    "json_key",
    "keeps_extra",
    "make_structure_fn",
    "number",
    "whole_number",
]
