"""Response bodies decoded by msgspec straight into models: the speedups' fast path.

Why: decoding a page of campaigns into dicts and then structuring the dicts
cost the SDK about 1.6 times the instructions raw aiohttp spends on
``json.loads`` alone.  msgspec can decode into typed ``Struct`` objects
instead, checking every value as it reads it, in well under half of
``json.loads``' instructions; a generated function then moves each Struct's
fields into the attrs model.  With the ``speedups`` extra a listing or a pause
costs about the CPU instructions of raw aiohttp code that returns dicts.

The fast path only ever gives what :func:`~._converter.structure` would give,
or nothing.  Each Struct forbids unknown keys and takes every field in its
exact JSON type (a ``float`` field takes an integer as an integer), dates and
enums are converted by the converter's own functions, and anything that does
not fit (a key this SDK does not know, a number sent as a string, an epoch
date-time, an invalid or over-deep body) makes the decode fail.  The body then
takes the usual way (decoded to dicts, then structured), which keeps unknown
keys in ``extra``, handles loose values, warns, and words the errors.  After a
miss the fast path rests for that type for a few responses.

The vendor adds fields most months, so an unknown key is not a miss for long:
msgspec names it in its error, the model's Struct learns it (as ``Any``, kept
in ``extra``) and the body is tried again.  Learned keys come back in ``extra``
in the order they were learned, not necessarily the order of the body (JSON
objects have none).  ``LEARN_LIMIT`` keys per model at most, so a server that
invents keys cannot grow the Structs without bound.
"""

from __future__ import annotations

import enum
import itertools
import linecache
import re
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import attrs

from . import _json
from ._codegen import (
    EXTRA,
    NULLS,
    _init_only_assigns,
    _is_loose,
    _optional_inner,
    json_key,
    keeps_extra,
)

T = TypeVar("T")

#: Responses of one type that skip the fast path after it missed on one.
REST = 32
#: Unknown keys learned per model class, and per body: a server that invents
#: keys cannot grow the Structs without bound or make a body cost many tries.
LEARN_LIMIT = 64
LEARN_PER_BODY = 8

Factory = Callable[[type], "Decoder | None"]


class Unsupported(Exception):
    """A type the fast path does not build for (the usual path handles it)."""


@attrs.define(slots=True)
class DecodedPage(Generic[T]):
    """A list response decoded straight into models, and its raw cursor."""

    items: list[T]
    next_starting_after: str | None


def _same(var: str) -> str:
    """The expression for a wire value that is already the model's value."""
    return var


class _Builder:
    """Mirrors attrs models as msgspec Structs, with their conversion functions."""

    def __init__(
        self,
        msgspec: Any,
        hooks: Mapping[Any, Callable[[Any, Any], Any]],
        loose_hooks: Mapping[Any, Callable[[Any, Any], Any]],
    ) -> None:
        self.msgspec = msgspec
        self.hooks = hooks
        self.loose_hooks = loose_hooks
        self.models: dict[type, tuple[Any, Callable[[Any], Any]]] = {}
        self.learned: dict[type, tuple[str, ...]] = {}
        self._building: set[type] = set()
        self._ids = itertools.count()

    def model(self, cls: type) -> tuple[Any, Callable[[Any], Any]]:
        """``cls``'s Struct and the function turning one into a ``cls``."""
        built = self.models.get(cls)
        if built is None:
            if cls in self._building:
                raise Unsupported(f"{cls.__name__} contains itself")
            self._building.add(cls)
            try:
                built = self.models[cls] = self._model(cls)
            finally:
                self._building.discard(cls)
        return built

    def _model(self, cls: type) -> tuple[Any, Callable[[Any], Any]]:
        msgspec = self.msgspec
        if not _init_only_assigns(cls):
            raise Unsupported(f"{cls.__name__}.__init__ does more than assign")
        hints = typing.get_type_hints(cls)
        keep = keeps_extra(cls)
        env: dict[str, Any] = {
            "_list": list,
            "_map": map,
            "_new": object.__new__,
            "_cls": cls,
            "_UNSET": msgspec.UNSET,
        }
        fields: list[tuple[Any, ...]] = []
        rename: dict[str, str] = {}
        lines = [f"def to_{cls.__name__}(s):", "    obj = _new(_cls)"]
        if keep:
            lines.append("    nulls = ()")
        for a in attrs.fields(cls):
            if keep and a.name in (EXTRA, NULLS):
                continue
            if not a.init or isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
                raise Unsupported(f"{cls.__name__}.{a.name}: not a plain field")
            key, t = json_key(a.name), hints[a.name]
            if key != a.name:
                rename[a.name] = key
            inner = _optional_inner(t)
            wire, expr = self.field_type(inner if inner is not None else t, env, loose=_is_loose(a))
            if inner is not None:
                wire = wire | None
            required = a.default is attrs.NOTHING
            if required:
                fields.append((a.name, wire))
            else:
                fields.append((a.name, wire | msgspec.UnsetType, msgspec.UNSET))
                default = f"_default_{a.name}"
                env[default] = a.default
            target = f"obj.{a.name}"
            if inner is None and required:
                lines.append(f"    {target} = {expr('s.' + a.name)}")
                continue
            lines.append(f"    v = s.{a.name}")
            branch = "if"
            if inner is not None:
                lines.append("    if v is None:")
                lines.append(f"        {target} = None")
                if keep:
                    lines.append(f"        nulls += ({key!r},)")
                branch = "elif"
            if not required:
                lines.append(f"    {branch} v is _UNSET:")
                lines.append(f"        {target} = {default}")
                branch = "elif"
            lines.append("    else:")
            lines.append(f"        {target} = {expr('v')}")
        # Keys the vendor added since this SDK was written, learned from earlier
        # bodies: taken as any JSON and kept in ``extra``, as the usual path keeps them.
        learned = self.learned.get(cls, ())
        for i, key in enumerate(learned):
            fields.append((f"_learned{i}", Any, msgspec.UNSET))
            rename[f"_learned{i}"] = key
        if keep:
            lines.append("    extra = {}")
            for i, key in enumerate(learned):
                lines.append(f"    if (v := s._learned{i}) is not _UNSET: extra[{key!r}] = v")
            lines.append("    obj.extra = extra")
            lines.append("    obj._nulls = nulls")
        lines.append("    return obj")
        struct = msgspec.defstruct(
            f"{cls.__name__}Wire",
            fields,
            kw_only=True,
            rename=rename or None,
            forbid_unknown_fields=True,
            gc=False,  # short-lived and acyclic: no work for the collector
        )
        source = "\n".join(lines) + "\n"
        filename = f"<instantly_async fast path {cls.__module__}.{cls.__qualname__}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), env)  # our own generated source
        convert: Callable[[Any], Any] = env[f"to_{cls.__name__}"]
        return struct, convert

    def field_type(
        self, t: Any, env: dict[str, Any], *, loose: bool = False
    ) -> tuple[Any, Callable[[str], str]]:
        """The wire type msgspec checks ``t`` by, and how to turn a wire value into ``t``."""

        same = _same

        def bind(value: Any) -> str:
            name = f"_b{next(self._ids)}"
            env[name] = value
            return name

        inner = _optional_inner(t)
        if inner is not None:
            wire, expr = self.field_type(inner, env, loose=loose)
            if expr is same:
                return wire | None, same
            return wire | None, lambda v: f"(None if {v} is None else {expr(v)})"
        if t is str or t is bool or t is int or t is Any:
            return t, same
        if t is float:
            return int | float, same  # a JSON integer stays an int, as in the usual path
        if t is datetime or t is date:
            hooks = self.loose_hooks if loose else self.hooks
            hook = bind(hooks[t])
            return str, lambda v: f"{hook}({v}, None)"
        if isinstance(t, type) and issubclass(t, enum.Enum):
            base = int if issubclass(t, int) else str if issubclass(t, str) else None
            if base is None:
                raise Unsupported(f"{t.__name__}: neither a str nor an int enum")
            members, cls = bind(t._value2member_map_), bind(t)
            found = f"_m{next(self._ids)}"
            return (
                base,
                lambda v: (
                    f"({found} if ({found} := {members}.get({v})) is not None else {cls}({v}))"
                ),
            )
        if isinstance(t, type) and attrs.has(t):
            struct, convert = self.model(t)
            fn = bind(convert)
            return struct, lambda v: f"{fn}({v})"
        origin, args = typing.get_origin(t), typing.get_args(t)
        if origin is list and len(args) == 1:
            wire, expr = self.field_type(args[0], env, loose=loose)
            if expr is same:
                return list[wire], same  # type: ignore[valid-type]
            if isinstance(args[0], type) and attrs.has(args[0]):
                # map() runs the loop in C: no comprehension function to make and call.
                fn = expr("")[:-2]
                return list[wire], lambda v: f"_list(_map({fn}, {v}))"  # type: ignore[valid-type]
            item = f"_e{next(self._ids)}"
            return list[wire], lambda v: f"[{expr(item)} for {item} in {v}]"  # type: ignore[valid-type]
        if origin is dict and len(args) == 2 and args[0] is str:
            wire, expr = self.field_type(args[1], env, loose=loose)
            if expr is same:
                return dict[str, wire], same  # type: ignore[valid-type]
            k, val = f"_k{next(self._ids)}", f"_v{next(self._ids)}"
            return dict[str, wire], lambda v: (  # type: ignore[valid-type]
                f"{{{k}: {expr(val)} for {k}, {val} in {v}.items()}}"
            )
        raise Unsupported(f"no fast path for {t!r}")


_UNKNOWN_AT = re.compile(r"Object contains unknown field `(.*)` - at `(\$[^`]*)`", re.DOTALL)
_UNKNOWN_TOP = re.compile(r"Object contains unknown field `(.*)`", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]*)|\[(\d+|\.\.\.)\]")


def unknown_key(message: str) -> tuple[str, list[str | None]] | None:
    """The key and the path (field keys; None for an index) of msgspec's unknown-field error."""
    found = _UNKNOWN_AT.fullmatch(message)
    key, path = (found[1], found[2]) if found else (None, "$")
    if key is None:
        top = _UNKNOWN_TOP.fullmatch(message)
        if top is None:
            return None
        key = top[1]
    steps, at = [], 1
    while at < len(path):
        step = _STEP.match(path, at)
        if step is None:
            return None  # a key with "." or "[" in the path: not worth guessing
        steps.append(step[1])
        at = step.end()
    return key, steps


def locate(root: Any, steps: list[str | None]) -> type | None:
    """The model class at ``steps`` (field keys; None for an index) below the model ``root``."""
    t = root
    for step in steps:
        t = _optional_inner(t) or t
        if step is None:
            args = typing.get_args(t)
            if typing.get_origin(t) not in (list, dict) or not args:
                return None
            t = args[-1]
        else:
            if not (isinstance(t, type) and attrs.has(t)):
                return None
            hints = typing.get_type_hints(t)
            names = [a.name for a in attrs.fields(t) if json_key(a.name) == step]
            if not names:
                return None
            t = hints[names[0]]
    t = _optional_inner(t) or t
    return t if isinstance(t, type) and attrs.has(t) else None


class Decoder:
    """A decoder that steps aside for :data:`REST` calls after a miss.

    Shared by every client of the process; ``misses`` counts the bodies it
    handed to the usual path after trying them.  Without a lock: a race can
    only cost or save one attempt.
    """

    __slots__ = ("_convert", "_decode", "_learn", "_rest", "misses")

    def __init__(
        self,
        decode: Callable[[bytes], Any],
        convert: Callable[[Any], Any],
        learn: Callable[[Exception], bool],
    ) -> None:
        self._decode = decode
        self._convert = convert
        self._learn = learn
        self._rest = 0
        self.misses = 0

    def __call__(self, body: bytes) -> Any:
        if self._rest:
            self._rest -= 1
            return None
        for _ in range(LEARN_PER_BODY + 1):
            try:
                return self._convert(self._decode(body))
            except Exception as exc:  # any mismatch: the usual path decides, and words any error
                # An unknown key is learned (and the body tried again) instead.
                try:
                    learned = self._learn(exc)
                except Exception:  # never worse than the usual path
                    learned = False
                if not learned:
                    break
        self._rest = REST
        self.misses += 1
        return None


def _make(msgspec: Any) -> tuple[Factory, Factory]:
    from ._converter import _LOOSE_HOOKS, converter

    hooks = {t: converter.get_structure_hook(t) for t in (datetime, date)}
    builder = _Builder(msgspec, hooks, _LOOSE_HOOKS)
    # Built once per class; rebuilt in place when a key is learned.
    models: dict[type, Decoder | None] = {}
    pages: dict[type, Decoder | None] = {}

    def parts(cls: type, page: bool) -> tuple[Callable[[bytes], Any], Callable[[Any], Any]]:
        struct, convert = builder.model(cls)
        if not page:
            return msgspec.json.Decoder(struct).decode, convert
        # Other top-level keys are ignored, as the usual path ignores them.
        wire = msgspec.defstruct(
            f"{cls.__name__}PageWire",
            [("items", list[struct]), ("next_starting_after", str | None, None)],  # type: ignore[valid-type]
            gc=False,
        )

        def to_page(p: Any) -> DecodedPage[Any]:
            return DecodedPage(list(map(convert, p.items)), p.next_starting_after)

        return msgspec.json.Decoder(wire).decode, to_page

    def make(cls: type, page: bool) -> Decoder | None:
        if not attrs.has(cls):  # list[...] and other shapes: the usual way
            return None
        try:
            decode, convert = parts(cls, page)
        except Unsupported:
            return None
        return Decoder(decode, convert, lambda exc: learn(cls, page, exc))

    def learn(root: type, page: bool, exc: Exception) -> bool:
        if not isinstance(exc, msgspec.ValidationError):
            return False
        found = unknown_key(str(exc))
        if found is None:
            return False
        key, steps = found
        if page:  # $.items[i] is the model
            if steps[:1] != ["items"]:
                return False
            steps = steps[2:]
        cls = locate(root, steps)
        keys = builder.learned.get(cls, ()) if cls is not None else ()
        if cls is None or key in keys or len(keys) >= LEARN_LIMIT:
            return False
        builder.learned[cls] = (*keys, key)
        try:
            rebuild()
        except Exception:  # e.g. a key msgspec cannot rename to ('"', '\\', control characters)
            builder.learned[cls] = keys
            rebuild()
            return False
        return True

    def rebuild() -> None:
        builder.models.clear()  # every Struct that holds a changed one is rebuilt too
        for cache, page in ((models, False), (pages, True)):
            for model, decoder in cache.items():
                if decoder is not None:
                    decoder._decode, decoder._convert = parts(model, page)

    def model_decoder(cls: type) -> Decoder | None:
        """A decoder of ``cls`` bodies: bytes -> a ``cls``, or None to take the usual way."""
        try:
            return models[cls]
        except KeyError:  # once per class
            decoder = models[cls] = make(cls, page=False)
            return decoder

    def page_decoder(cls: type) -> Decoder | None:
        """A decoder of list bodies of ``cls``: bytes -> a DecodedPage, or None."""
        try:
            return pages[cls]
        except KeyError:
            decoder = pages[cls] = make(cls, page=True)
            return decoder

    return model_decoder, page_decoder


def _nothing(cls: type) -> Decoder | None:
    return None


if _json.CODEC == "msgspec":
    import msgspec as _msgspec

    model_decoder, page_decoder = _make(_msgspec)
else:  # without the speedups extra every body takes the usual way
    model_decoder = page_decoder = _nothing

__all__ = ["REST", "DecodedPage", "Unsupported", "model_decoder", "page_decoder"]
