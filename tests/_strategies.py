"""Hypothesis strategies that draw JSON from the OpenAPI document's own schemas.

Covers exactly the keywords the document uses: type (and type arrays), enum,
properties / required / additionalProperties, items, minItems / maxItems,
minimum / maximum, pattern (the HH:MM timing), minProperties, contains + not
(at least one enabled variant), format date / date-time, $ref.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

JSON = Any
_TEXT = st.text(max_size=12)
# Timestamps as the vendor writes them: milliseconds and Z.
_DATETIME = st.datetimes(allow_imaginary=False).map(
    lambda d: d.isoformat(timespec="milliseconds") + "Z"
)
_DATE = st.dates().map(lambda d: d.isoformat())
# No nulls inside free-form objects: the comparison treats a null key as absent.
_SCALARS = st.one_of(st.booleans(), st.integers(-1000, 1000), _TEXT)

# The spec types these as JSON "number" but documents integer codes; an
# OpenIntEnum cannot hold 1.5, and no client could either (see the API notes, 8.1).
INTEGER_CODES = frozenset({"status", "not_sending_status", "crm_status", "lead_activity"})
# Timestamps the current spec leaves without a format (earlier versions said date-time).
DATETIME_FIELDS = frozenset({"timestamp_created", "timestamp_updated", "timestamp_leads_updated"})


def from_schema(
    schema: dict[str, Any], components: dict[str, Any], name: str = ""
) -> st.SearchStrategy[JSON]:
    if "$ref" in schema:
        return from_schema(components[schema["$ref"].rsplit("/", 1)[1]], components, name)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    types = schema.get("type", "object")
    types = [types] if isinstance(types, str) else list(types)
    options = [_one(t, schema, components, name) for t in types]
    return st.one_of(*options) if len(options) > 1 else options[0]


def _one(
    kind: str, schema: dict[str, Any], components: dict[str, Any], name: str
) -> st.SearchStrategy[JSON]:
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer" or (kind == "number" and name in INTEGER_CODES):
        return st.integers(int(schema.get("minimum", -(10**6))), int(schema.get("maximum", 10**6)))
    if kind == "number":
        low, high = schema.get("minimum", -1e6), schema.get("maximum", 1e6)
        return st.one_of(
            st.integers(int(low), int(high)),
            st.floats(low, high, allow_nan=False, allow_infinity=False),
        )
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
        if schema.get("format") == "date":
            return _DATE
        if schema.get("format") == "date-time" or name in DATETIME_FIELDS:
            return _DATETIME
        return _TEXT
    if kind == "array":
        items = from_schema(schema.get("items", {}), components, name)
        lists = st.lists(
            items, min_size=schema.get("minItems", 0), max_size=min(schema.get("maxItems", 3), 3)
        )
        if "contains" in schema:
            # The only use: at least one variant not disabled.
            lists = lists.filter(lambda xs: any(x.get("v_disabled") is not True for x in xs))
        return lists
    return _object(schema, components)


def _object(schema: dict[str, Any], components: dict[str, Any]) -> st.SearchStrategy[JSON]:
    props: dict[str, Any] = schema.get("properties", {})
    if not props:
        return st.dictionaries(_TEXT, _SCALARS, max_size=3)
    required = set(schema.get("required", ()))
    fixed = {k: from_schema(v, components, k) for k, v in props.items() if k in required}
    optional = {k: from_schema(v, components, k) for k, v in props.items() if k not in required}
    drawn = st.fixed_dictionaries(fixed, optional=optional)
    if "minProperties" in schema:
        drawn = drawn.filter(lambda d: len(d) >= schema["minProperties"])
    return drawn
