"""The vendor's OpenAPI document, turned into routes and compiled request checks.

The document ships inside the package (``_openapi.json``, the vendor slice with
``description``/``example``/``examples`` removed) so the fake never needs the
repository checkout at run time.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

from ._schema import Check, SchemaCompiler, SchemaViolation, format_error

__all__ = [
    "DOC_KEYS",
    "Operation",
    "QueryParam",
    "Router",
    "Spec",
    "load_spec",
    "strip_docs",
]

DOC_KEYS = frozenset({"description", "example", "examples"})

_METHODS = ("get", "post", "put", "patch", "delete")
_SLOT = "{}"  # a path parameter, whatever its name


def strip_docs(node: Any, *, names: bool = False) -> Any:
    """Drop documentation-only keys; ``names`` marks maps keyed by property name."""
    if isinstance(node, dict):
        return {
            key: strip_docs(value, names=key in ("properties", "patternProperties") and not names)
            for key, value in node.items()
            if names or key not in DOC_KEYS
        }
    if isinstance(node, list):
        return [strip_docs(value) for value in node]
    return node


class QueryParam:
    """One query parameter: how to coerce its strings and how to check the result."""

    __slots__ = ("check", "coerce", "default", "has_default", "name", "required")

    def __init__(self, name: str, schema: Mapping[str, Any], required: bool, check: Check) -> None:
        self.name = name
        self.required = required
        self.check = check
        self.has_default = "default" in schema
        self.default = schema.get("default")
        self.coerce = _coercer(schema)


def _coerce_scalar(kind: str | None, raw: str) -> Any:
    # Mirrors Ajv coerceTypes: a string that is not a clean number or boolean
    # is left alone so the type check reports it.
    if kind in ("number", "integer"):
        text = raw.strip()
        if not text or "_" in text:  # JavaScript's Number() knows no digit separators
            return raw
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return raw
        return raw if math.isnan(number) or math.isinf(number) else number
    if kind == "boolean":
        if raw == "true":
            return True
        if raw == "false":
            return False
    return raw


def _coercer(schema: Mapping[str, Any]) -> Callable[[list[str]], Any]:
    kind = schema.get("type")
    if kind == "array":
        item_kind = (schema.get("items") or {}).get("type")

        def coerce_array(values: list[str]) -> Any:
            return [_coerce_scalar(item_kind, v) for v in values]

        return coerce_array

    def coerce_one(values: list[str]) -> Any:
        # Ajv's "array" coercion turns a one-element array into its element;
        # a repeated scalar parameter stays an array and fails the type check.
        if len(values) == 1:
            return _coerce_scalar(kind, values[0])
        return list(values)

    return coerce_one


class Operation:
    """One vendor operation with its compiled request rules."""

    __slots__ = (
        "body_check",
        "body_required",
        "method",
        "operation_id",
        "params",
        "path",
        "responses",
    )

    def __init__(
        self,
        method: str,
        path: str,
        raw: Mapping[str, Any],
        compiler: SchemaCompiler,
    ) -> None:
        self.method = method.upper()
        self.path = path
        self.operation_id: str = raw["operationId"]
        self.params: tuple[QueryParam, ...] = tuple(
            QueryParam(
                p["name"],
                p.get("schema", {}),
                bool(p.get("required")),
                compiler.compile(p.get("schema", {})),
            )
            for p in raw.get("parameters", ())
            if p.get("in") == "query"
        )
        body = raw.get("requestBody")
        self.body_required = bool(body and body.get("required"))
        self.body_check: Check | None = None
        if body is not None:
            schema = body["content"]["application/json"].get("schema", {})
            self.body_check = compiler.compile(schema)
        self.responses: dict[int, Any] = {}
        for status, response in raw.get("responses", {}).items():
            content = response.get("content") or {}
            media = content.get("application/json")
            self.responses[int(status)] = None if media is None else media.get("schema", {})

    def parse_query(
        self, query: Mapping[str, list[str]], *, validate: bool
    ) -> tuple[dict[str, Any], str | None]:
        """Coerce the declared parameters; return them with the first validation error."""
        error: str | None = None
        if validate:
            # Ajv checks ``required`` before any property's own rules.
            for param in self.params:
                if param.required and param.name not in query:
                    error = f"querystring must have required property '{param.name}'"
                    break
        values: dict[str, Any] = {}
        for param in self.params:
            raw = query.get(param.name)
            if raw is None:
                if param.has_default:
                    values[param.name] = param.default
                continue
            value = param.coerce(raw)
            values[param.name] = value
            if validate and error is None:
                try:
                    param.check(value)
                except SchemaViolation as exc:
                    exc.path.append(param.name)
                    error = format_error("querystring", exc)
        return values, error


class Router:
    """Literal paths first, then templates with one parameter segment (``{id}``).

    Matching is two dict lookups, and literal routes such as
    ``/api/v2/campaigns/analytics`` beat ``/api/v2/campaigns/{id}`` for the same
    method, as they do in find-my-way (Fastify's router).
    """

    def __init__(self, operations: list[Operation]) -> None:
        self._literal: dict[tuple[str, str], Operation] = {}
        self._templated: dict[tuple[str, str], Operation] = {}
        self._param_positions: set[int] = set()
        for op in operations:
            segments = op.path.split("/")
            params = [i for i, seg in enumerate(segments) if seg.startswith("{")]
            if not params:
                self._literal[(op.method, op.path)] = op
                continue
            if len(params) != 1:
                raise ValueError(f"unsupported path template {op.path}")
            self._param_positions.add(params[0])
            segments[params[0]] = _SLOT
            self._templated[(op.method, "/".join(segments))] = op

    def match(self, method: str, path: str) -> tuple[Operation, str | None] | None:
        op = self._literal.get((method, path))
        if op is not None:
            return op, None
        segments = path.split("/")
        for pos in self._param_positions:
            if pos < len(segments) and segments[pos]:
                value = segments[pos]
                segments[pos] = _SLOT
                op = self._templated.get((method, "/".join(segments)))
                segments[pos] = value
                if op is not None:
                    return op, value
        return None


class Spec:
    """All operations of the shipped document, compiled once."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        request_compiler = SchemaCompiler(document, use_defaults=True)
        self._response_compiler = SchemaCompiler(document, nullable_enums=True)
        self.operations: dict[str, Operation] = {}
        for path, item in document["paths"].items():
            for method in _METHODS:
                raw = item.get(method)
                if raw is not None:
                    op = Operation(method, path, raw, request_compiler)
                    self.operations[op.operation_id] = op
        self.router = Router(list(self.operations.values()))
        self._response_checks: dict[tuple[str, int], Check] = {}

    def response_check(self, operation_id: str, status: int) -> Check:
        """The check for one declared response; KeyError when it is undeclared."""
        key = (operation_id, status)
        check = self._response_checks.get(key)
        if check is None:
            schema = self.operations[operation_id].responses[status]
            check = self._response_compiler.compile({} if schema is None else schema)
            self._response_checks[key] = check
        return check


@functools.cache
def load_spec() -> Spec:
    text = resources.files(__package__).joinpath("_openapi.json").read_text(encoding="utf-8")
    return Spec(json.loads(text))
