"""A small JSON-Schema validator for exactly the keywords the vendor document uses.

Schemas are compiled once into closures.  A check returns nothing on success and
raises :class:`SchemaViolation` on the first failure, so the success path pays
for no bookkeeping at all; the failing path collects the instance path while the
exception unwinds.

Keyword order and messages follow Ajv v8 with ``allErrors: false`` (what Fastify
runs), because clients and their tests see exactly that first message:
``type``, then ``enum`` and ``not``, then the checks for the value's own JSON
type (``maximum``/``minimum``; ``pattern``; ``maxItems``/``minItems``, ``items``,
``contains``; ``minProperties``, ``required``, ``additionalProperties``,
``properties``).  ``format`` is ignored, as Fastify does without ajv-formats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Check", "SchemaCompiler", "SchemaViolation", "format_error", "js_number"]

Check = Callable[[Any], None]


class SchemaViolation(Exception):
    """The first rule a value breaks; ``path`` is filled innermost-first."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.path: list[str] = []

    @property
    def instance_path(self) -> str:
        """JSON pointer of the offending value, Ajv style (``/a/0/b``)."""
        return "".join("/" + _escape(p) for p in reversed(self.path))


def format_error(data_var: str, exc: SchemaViolation) -> str:
    """Fastify's rendering: ``body/campaign_schedule must have required property 'x'``."""
    return f"{data_var}{exc.instance_path} {exc.message}"


def js_number(value: float) -> str:
    """Numbers as JavaScript prints them in messages (``100``, not ``100.0``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _is_number(v: Any) -> bool:
    t = type(v)
    return t is int or t is float


def _is_integer(v: Any) -> bool:
    t = type(v)
    return t is int or (t is float and v.is_integer())


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "null": lambda v: v is None,
    "boolean": lambda v: type(v) is bool,
    "integer": _is_integer,
    "number": _is_number,
    "string": lambda v: type(v) is str,
    "array": lambda v: type(v) is list,
    "object": lambda v: type(v) is dict,
}


def _enum_key(v: Any) -> tuple[str, Any]:
    # Python says True == 1; JSON Schema does not, so tag values by JSON kind.
    t = type(v)
    if t is bool:
        return ("b", v)
    if t is int or t is float:
        return ("n", v)
    if t is str:
        return ("s", v)
    if v is None:
        return ("z", None)
    return ("o", repr(v))


def _type_check(types: list[str]) -> Callable[[Any], bool]:
    tests = [_TYPE_TESTS[t] for t in types]
    if len(tests) == 1:
        return tests[0]
    return lambda v: any(test(v) for test in tests)


class SchemaCompiler:
    """Compiles schemas of one document, resolving local ``$ref`` pointers.

    With ``use_defaults`` the compiled checks fill in missing properties that
    declare a ``default`` (Fastify's Ajv runs with ``useDefaults: true``).

    With ``nullable_enums`` a ``null`` passes an ``enum`` that omits it when the
    ``type`` list admits ``"null"``.  Strict JSON Schema says otherwise, but the
    vendor writes nullable enums that way (``not_sending_status`` is
    ``type: [null, number]`` with ``enum: [1, 2, 3, 4, 99]``) and answers
    ``null``, since Fastify's serializer never checks enums.
    """

    def __init__(
        self,
        document: Mapping[str, Any],
        *,
        use_defaults: bool = False,
        nullable_enums: bool = False,
    ) -> None:
        self._document = document
        self._use_defaults = use_defaults
        self._nullable_enums = nullable_enums
        self._refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return _accept
        if schema is False:
            return _reject
        if not isinstance(schema, dict):
            raise TypeError(f"not a schema: {schema!r}")
        return self._compile_object(schema)

    def _resolve(self, ref: str) -> Check:
        compiled = self._refs.get(ref)
        if compiled is not None:
            return compiled
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref is supported: {ref}")
        # Installed before compiling so a recursive schema finds its own entry.
        cell: list[Check] = []
        self._refs[ref] = lambda v: cell[0](v)
        target: Any = self._document
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        cell.append(self.compile(target))
        self._refs[ref] = cell[0]
        return cell[0]

    def _compile_object(self, s: dict[str, Any]) -> Check:
        ref_check = self._resolve(s["$ref"]) if "$ref" in s else None

        type_test: Callable[[Any], bool] | None = None
        type_msg = ""
        types: list[str] = []
        if "type" in s:
            types = s["type"] if isinstance(s["type"], list) else [s["type"]]
            type_test = _type_check(types)
            type_msg = "must be " + ",".join(types)

        enum_keys: frozenset[tuple[str, Any]] | None = None
        if "enum" in s:
            allowed = list(s["enum"])
            if self._nullable_enums and "null" in types:
                allowed.append(None)
            enum_keys = frozenset(_enum_key(v) for v in allowed)

        not_check = self.compile(s["not"]) if "not" in s else None

        maximum = s.get("maximum")
        minimum = s.get("minimum")
        pattern = re.compile(s["pattern"]) if "pattern" in s else None
        pattern_msg = f'must match pattern "{s["pattern"]}"' if pattern else ""

        max_items = s.get("maxItems")
        min_items = s.get("minItems")
        items_check = self.compile(s["items"]) if "items" in s else None
        contains_check = self.compile(s["contains"]) if "contains" in s else None

        min_props = s.get("minProperties")
        required: tuple[str, ...] = tuple(s.get("required", ()))
        props: dict[str, Check] = {
            name: self.compile(sub) for name, sub in s.get("properties", {}).items()
        }
        prop_items = tuple(props.items())
        addl = s.get("additionalProperties", True)
        addl_check: Check | None = None
        if isinstance(addl, dict):
            addl_check = self.compile(addl)
        forbid_addl = addl is False
        defaults: tuple[tuple[str, Any], ...] = ()
        if self._use_defaults:
            defaults = tuple(
                (name, sub["default"])
                for name, sub in s.get("properties", {}).items()
                if isinstance(sub, dict) and "default" in sub
            )

        has_number = maximum is not None or minimum is not None
        has_array = (
            max_items is not None
            or min_items is not None
            or items_check is not None
            or contains_check is not None
        )
        has_object = bool(
            min_props is not None or required or prop_items or forbid_addl or addl_check or defaults
        )

        def check(v: Any) -> None:
            if ref_check is not None:
                ref_check(v)
            if type_test is not None and not type_test(v):
                raise SchemaViolation(type_msg)
            if enum_keys is not None and _enum_key(v) not in enum_keys:
                raise SchemaViolation("must be equal to one of the allowed values")
            if not_check is not None:
                try:
                    not_check(v)
                except SchemaViolation:
                    pass
                else:
                    raise SchemaViolation("must NOT be valid")
            t = type(v)
            if t is dict:
                if has_object:
                    _check_object(v)
            elif t is list:
                if has_array:
                    _check_array(v)
            elif t is str:
                if pattern is not None and pattern.search(v) is None:
                    raise SchemaViolation(pattern_msg)
            elif (t is int or t is float) and has_number:
                if maximum is not None and v > maximum:
                    raise SchemaViolation(f"must be <= {js_number(maximum)}")
                if minimum is not None and v < minimum:
                    raise SchemaViolation(f"must be >= {js_number(minimum)}")

        def _check_array(v: list[Any]) -> None:
            if max_items is not None and len(v) > max_items:
                raise SchemaViolation(f"must NOT have more than {max_items} items")
            if min_items is not None and len(v) < min_items:
                raise SchemaViolation(f"must NOT have fewer than {min_items} items")
            if items_check is not None:
                for i, item in enumerate(v):
                    try:
                        items_check(item)
                    except SchemaViolation as exc:
                        exc.path.append(str(i))
                        raise
            if contains_check is not None:
                for item in v:
                    try:
                        contains_check(item)
                    except SchemaViolation:
                        continue
                    break
                else:
                    raise SchemaViolation("must contain at least 1 valid item(s)")

        def _check_object(v: dict[str, Any]) -> None:
            for name, default in defaults:
                if name not in v:
                    v[name] = default
            if min_props is not None and len(v) < min_props:
                raise SchemaViolation(f"must NOT have fewer than {min_props} properties")
            for name in required:
                if name not in v:
                    raise SchemaViolation(f"must have required property '{name}'")
            if forbid_addl:
                for key in v:
                    if key not in props:
                        raise SchemaViolation("must NOT have additional properties")
            for name, sub in prop_items:
                if name in v:
                    try:
                        sub(v[name])
                    except SchemaViolation as exc:
                        exc.path.append(name)
                        raise
            if addl_check is not None:
                for key, value in v.items():
                    if key not in props:
                        try:
                            addl_check(value)
                        except SchemaViolation as exc:
                            exc.path.append(key)
                            raise

        return check


def _accept(v: Any) -> None:
    return None


def _reject(v: Any) -> None:
    raise SchemaViolation("boolean schema is false")
