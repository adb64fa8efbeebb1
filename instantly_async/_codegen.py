"""Flat structure functions for the attrs models, registered as cattrs hooks.

Why: cattrs' generated function calls one hook per field, and for an optional
field that hook dispatches again on the inner type; a fully populated Campaign
took about 185 Python calls and was slower than pydantic v2.  Here each model
gets one function whose field conversions are written inline (primitives,
optionals, open enums, lists of any of these, nested models by a direct
call), so structuring a Campaign takes about two dozen calls.  Types it does
not know (dates, dicts, ``Any``) still go through the converter's own hooks.

The conversions are the ones cattrs performs without detailed validation:
``str(v)``, ``float(v)`` and so on for primitives, ``Enum(v)`` for enums, the
default for an absent key, a ``KeyError`` for an absent required key, unknown
keys ignored.  Failures are reported by the detailed converter (see
``_converter.structure``), so this code only has to be fast and right.
"""

from __future__ import annotations

import enum
import itertools
import linecache
import types
import typing
from collections.abc import Callable
from typing import Any

import attrs
import cattrs

_PRIMITIVES: frozenset[Any] = frozenset({str, int, float, bool})
_ABSENT = object()
_BUILDING: set[type] = set()  # classes whose function is being written (recursion guard)


def _optional_inner(t: Any) -> Any:
    """``X`` for ``X | None`` (or ``Optional[X]``), else None."""
    if typing.get_origin(t) not in (typing.Union, types.UnionType):
        return None
    args = typing.get_args(t)
    if len(args) != 2 or type(None) not in args:
        return None
    return args[0] if args[1] is type(None) else args[1]


class _Writer:
    """Builds the source of one structure function and the names it closes over."""

    def __init__(self, conv: cattrs.Converter, cls: type) -> None:
        self.conv = conv
        self.cls = cls
        self.env: dict[str, Any] = {"_ABSENT": _ABSENT, "_new": object.__new__}
        self._ids = itertools.count()

    def bind(self, prefix: str, value: Any) -> str:
        name = f"_{prefix}{next(self._ids)}"
        self.env[name] = value
        return name

    def expr(self, t: Any, var: str) -> str:
        """An expression that structures ``var`` (a plain name) into ``t``."""
        inner = _optional_inner(t)
        if inner is not None:
            return f"(None if {var} is None else {self.expr(inner, var)})"
        if t in _PRIMITIVES:
            return f"{t.__name__}({var})"
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
                f"[{self.expr(args[0], item)} for {item} in {var}])"
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


def _source(writer: _Writer) -> str | None:
    cls = writer.cls
    hints = typing.get_type_hints(cls)
    target = writer.bind("cls", cls)
    lines = [f"def structure_{cls.__name__}(o, _=None):"]
    # Why: calling an attrs __init__ with thirty-odd keyword arguments cost more
    # than everything else a flat Campaign needs; when __init__ could only
    # assign them, assigning them here builds the same object.
    assign = _init_only_assigns(cls)
    if assign:
        lines.append(f"    obj = _new({target})")
    kwargs = []
    for a in attrs.fields(cls):
        if not a.init or isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            return None  # not a shape this writer handles: cattrs' own code does
        key, t = json_key(a.name), hints[a.name]
        local = f"obj.{a.name}" if assign else f"f_{a.name}"
        if a.default is attrs.NOTHING:
            lines.append(f"    v = o[{key!r}]")
            lines.append(f"    {local} = {writer.expr(t, 'v')}")
        elif a.default is None and _optional_inner(t) is not None:
            lines.append(f"    v = o.get({key!r})")
            lines.append(f"    {local} = {writer.expr(t, 'v')}")
        else:
            default = writer.bind("default", a.default)
            lines.append(f"    v = o.get({key!r}, _ABSENT)")
            lines.append(f"    {local} = {default} if v is _ABSENT else {writer.expr(t, 'v')}")
        kwargs.append(f"{a.alias}={local}")
    lines.append("    return obj" if assign else f"    return {target}({', '.join(kwargs)})")
    return "\n".join(lines) + "\n"


def make_structure_fn(conv: cattrs.Converter, cls: type) -> Callable[[Any, Any], Any] | None:
    """A flat structure function for the attrs class ``cls``, or None to let cattrs do it."""
    writer = _Writer(conv, cls)
    _BUILDING.add(cls)
    try:
        source = _source(writer)
    finally:
        _BUILDING.discard(cls)
    if source is None:
        return None
    filename = f"<instantly_async structure {cls.__module__}.{cls.__qualname__}>"
    # Registered like attrs' and cattrs' own generated code, so tracebacks show it.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), writer.env)  # our own generated source
    fn: Callable[[Any, Any], Any] = writer.env[f"structure_{cls.__name__}"]
    return fn
