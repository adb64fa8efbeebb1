"""Hypothesis strategies that draw JSON from the OpenAPI document's own schemas.

Covers exactly the keywords the document uses: type (and type arrays), enum,
properties / required / additionalProperties, items, minItems / maxItems,
minimum / maximum, pattern (the HH:MM timing), minProperties, contains + not
(at least one enabled variant), format date / date-time / email, $ref.

What is drawn is what the document accepts, no more and no less: a ``string``
without ``format`` is any text (also where the vendor happens to send dates),
a ``number`` is an integer or a fraction, and an object that does not forbid
them may carry keys the document never names.  ``vendor_formats`` instead
draws the loosely documented fields the way the vendor's examples fill them
(date-times, dates, integer codes), which is what the SDK used to need.
"""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import strategies as st

JSON = Any
_TEXT = st.text(max_size=12)
# Timestamps as the vendor writes them: milliseconds and Z.
_DATETIME = st.datetimes(allow_imaginary=False).map(
    lambda d: d.isoformat(timespec="milliseconds") + "Z"
)
_DATE = st.dates().map(lambda d: d.isoformat())
_EMAIL = st.from_regex(r"\A[a-z0-9._]{1,10}@[a-z0-9]{1,10}\.[a-z]{2,4}\Z")
_NUMBER = st.one_of(
    st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False)
)
_SCALARS = st.one_of(st.none(), st.booleans(), _NUMBER, _TEXT)
_ANY_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_TEXT, inner, max_size=3)),
    max_leaves=6,
)

# Loosely documented fields, drawn in the vendor's own formats with vendor_formats.
VENDOR_DATETIMES = frozenset(
    {
        "timestamp_created",
        "timestamp_updated",
        "last_updated",
        "issue_first_seen_at",
        "last_healthy_send_at",
        "issue_started_at",
    }
)
VENDOR_DATES = frozenset({"date"})
VENDOR_INTEGER_CODES = frozenset({"crm_status", "campaign_status"})
# A map of weekday digits to booleans: keys beyond "0".."6" are not drawn (the
# model types it dict[str, bool]).
_CLOSED_MAPS = frozenset({"days"})


def from_schema(
    schema: dict[str, Any],
    components: dict[str, Any],
    name: str = "",
    *,
    vendor_formats: bool = False,
    unknown_keys: bool = True,
) -> st.SearchStrategy[JSON]:
    """Any JSON value ``schema`` accepts; ``name`` is the property it is drawn for."""
    options = _Options(components, vendor_formats, unknown_keys)
    return options.draw(schema, name)


class _Options:
    def __init__(self, components: dict[str, Any], vendor_formats: bool, unknown_keys: bool):
        self.components = components
        self.vendor_formats = vendor_formats
        self.unknown_keys = unknown_keys

    def draw(self, schema: dict[str, Any], name: str) -> st.SearchStrategy[JSON]:
        if "$ref" in schema:
            return self.draw(self.components[schema["$ref"].rsplit("/", 1)[1]], name)
        if not schema:
            return _ANY_JSON
        if "enum" in schema:
            values = list(schema["enum"])
            kinds = schema.get("type", [])
            if "null" in kinds and None not in values:
                values.append(None)  # the vendor's way to write a nullable enum
            return st.sampled_from(values)
        types = schema.get("type", "object")
        types = [types] if isinstance(types, str) else list(types)
        options = [self._one(t, schema, name) for t in types]
        return st.one_of(*options) if len(options) > 1 else options[0]

    def _one(self, kind: str, schema: dict[str, Any], name: str) -> st.SearchStrategy[JSON]:
        vendor = self.vendor_formats
        if kind == "null":
            return st.none()
        if kind == "boolean":
            return st.booleans()
        if kind == "integer" or (kind == "number" and vendor and name in VENDOR_INTEGER_CODES):
            low, high = schema.get("minimum", -(10**12)), schema.get("maximum", 10**12)
            return st.integers(int(low), int(high))
        if kind == "number":
            low, high = schema.get("minimum"), schema.get("maximum")
            ints = st.integers(
                None if low is None else int(-(-low // 1)), None if high is None else int(high)
            )
            fractions = st.floats(low, high, allow_nan=False, allow_infinity=False)
            return st.one_of(ints, fractions)
        if kind == "string":
            if "pattern" in schema:
                return st.from_regex(schema["pattern"], fullmatch=True)
            fmt = schema.get("format")
            if fmt == "date" or (vendor and name in VENDOR_DATES):
                return _DATE
            if fmt == "date-time" or (vendor and name in VENDOR_DATETIMES):
                return _DATETIME
            if fmt == "email":
                return _EMAIL
            return _TEXT
        if kind == "array":
            items = self.draw(schema.get("items", {}), name)
            lists = st.lists(
                items,
                min_size=schema.get("minItems", 0),
                max_size=min(schema.get("maxItems", 3), 3),
            )
            if "contains" in schema:
                # The only use: at least one variant not disabled.
                lists = lists.filter(lambda xs: any(x.get("v_disabled") is not True for x in xs))
            return lists
        return self._object(schema, name)

    def _object(self, schema: dict[str, Any], name: str) -> st.SearchStrategy[JSON]:
        props: dict[str, Any] = schema.get("properties", {})
        open_ = schema.get("additionalProperties", True) is not False and name not in _CLOSED_MAPS
        if not props:
            return st.dictionaries(_TEXT, _ANY_JSON, max_size=3) if open_ else st.just({})
        required = set(schema.get("required", ()))
        fixed = {k: self.draw(v, k) for k, v in props.items() if k in required}
        optional = {k: self.draw(v, k) for k, v in props.items() if k not in required}
        drawn = st.fixed_dictionaries(fixed, optional=optional)
        if open_ and self.unknown_keys:
            # Keys the document does not name, which it allows here.
            unknown = st.dictionaries(_TEXT.filter(lambda k: k not in props), _ANY_JSON, max_size=2)
            drawn = st.builds(lambda known, more: {**more, **known}, drawn, unknown)
        if "minProperties" in schema:
            drawn = drawn.filter(lambda d: len(d) >= schema["minProperties"])
        return drawn


def _instant(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" else text)
    except ValueError:
        return None


def same(sent: Any, back: Any) -> bool:
    """Equal as JSON: keys, nulls and types alike; numbers by value; date-times as instants."""
    if isinstance(sent, dict):
        return (
            isinstance(back, dict)
            and sent.keys() == back.keys()
            and all(same(sent[k], back[k]) for k in sent)
        )
    if isinstance(sent, list):
        return isinstance(back, list) and len(sent) == len(back) and all(map(same, sent, back))
    if isinstance(sent, (int, float)) and not isinstance(sent, bool):
        return isinstance(back, (int, float)) and not isinstance(back, bool) and sent == back
    if isinstance(sent, str) and isinstance(back, str) and sent != back:
        return _instant(sent) is not None and _instant(sent) == _instant(back)
    return bool(sent == back) and type(sent) is type(back)
