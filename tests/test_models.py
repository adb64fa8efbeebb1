"""The models cover the vendor's OpenAPI document.

* An example document built from the spec's own ``example`` values structures into
  each model (also with only the required keys present);
* every property of every response (and request body) object has a field, and
  every field is a property: nothing is left unmodelled or invented;
* required and nullable match: a required key has no default, an optional one
  defaults to ``None``, a nullable one admits ``None``;
* every enum in the spec has exactly our enum's values.

The converter here is a plain cattrs one, configured only as far as the models
need (ISO date-times with ``Z``, both date forms, ``from_`` <-> ``from``), so the
models are checked on their own, not through the SDK's converter.
"""

from __future__ import annotations

import datetime
import enum
import json
import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import attrs
import cattrs
import pytest
from cattrs.gen import make_dict_structure_fn, override

from instantly_async import models
from instantly_async._open_enum import is_known

# The vendor document with its ``example`` values (the shipped copy has them stripped).
SPEC_PATH = Path(__file__).resolve().parent / "vendor" / "openapi.json"

# Spec-required keys the models deliberately leave optional: (class, field).
LENIENT_REQUIRED = {
    # "Exclude the total leads from the result" (exclude_total_leads_count).
    ("CampaignAnalytics", "leads_count"),
}

# Enum-valued properties typed as plain strings, checked against a constant instead.
STRING_ENUMS: dict[str, frozenset[str]] = {"timezone": models.TIMEZONES}

# Enum query parameters: name -> our enum.
QUERY_ENUMS: dict[str, type[enum.Enum]] = {
    "status": models.CampaignStatus,
    "exclude_status": models.CampaignStatus,
    "campaign_status": models.CampaignStatus,
}


def _datetime(value: Any, _: Any) -> datetime.datetime:
    if isinstance(value, str) and value.endswith("Z"):
        value = value[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(value)


def _date(value: Any, _: Any) -> datetime.date:
    # "2025-09-25" or "2025-09-13T12:09:51.520Z": the date part either way.
    return datetime.date.fromisoformat(value[:10])


def make_converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_structure_hook(datetime.datetime, _datetime)
    conv.register_structure_hook(datetime.date, _date)

    def structure_fn(cls: type) -> Any:
        renames = {
            a.name: override(rename=a.name[:-1]) for a in attrs.fields(cls) if a.name.endswith("_")
        }
        return make_dict_structure_fn(cls, conv, **renames)

    conv.register_structure_hook_factory(attrs.has, structure_fn)
    return conv


CONVERTER = make_converter()


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC_PATH.read_text())
    return loaded


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def types_of(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def operation(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for item in spec["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return op
    raise KeyError(operation_id)


def response(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    schema = operation(spec, operation_id)["responses"]["200"]["content"]["application/json"]
    return resolve(spec, schema["schema"])


def request(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    schema = operation(spec, operation_id)["requestBody"]["content"]["application/json"]
    return resolve(spec, schema["schema"])


def items(schema: dict[str, Any]) -> dict[str, Any]:
    while "array" in types_of(schema):
        schema = schema["items"]
    return schema


# Each model against the response it parses (list envelopes and arrays unwrapped).
RESPONSES = [
    ("getCampaign", models.Campaign),
    ("listCampaign", models.Campaign),
    ("getCampaignSubsequence", models.Subsequence),
    ("listCampaignSubsequence", models.Subsequence),
    ("getCampaignSendingStatus", models.SendingStatus),
    ("getSubsequenceSendingStatus", models.SendingStatus),
    ("getCampaignAnalytics", models.CampaignAnalytics),
    ("getCampaignAnalyticsOverview", models.AnalyticsOverview),
    ("getDailyCampaignAnalytics", models.DailyAnalytics),
    ("getCampaignStepsAnalytics", models.StepAnalytics),
    ("getSubsequenceAnalytics", models.SubsequenceAnalytics),
    ("getSubsequenceStepsAnalytics", models.SubsequenceStepAnalytics),
]

# Request bodies whose properties must all be settable through the model.
REQUESTS = [
    ("createCampaign", models.Campaign),
    ("patchCampaign", models.Campaign),
    ("createCampaignSubsequence", models.Subsequence),
    ("patchCampaignSubsequence", models.Subsequence),
]


def model_schema(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    schema = items(response(spec, operation_id))
    if operation_id.startswith("list"):  # {items: [...], next_starting_after}
        schema = resolve(spec, items(schema["properties"]["items"]))
    return schema


# -- example documents -------------------------------------------------------------

_FALLBACK = {"string": "x", "number": 1, "integer": 1, "boolean": True}


def example(spec: dict[str, Any], schema: dict[str, Any], *, minimal: bool) -> Any:
    """A document built from the spec's ``example`` values (only required keys if minimal)."""
    schema = resolve(spec, schema)
    kinds = [k for k in types_of(schema) if k != "null"]
    if "object" in kinds or "properties" in schema:
        required = set(schema.get("required", []))
        return {
            name: example(spec, sub, minimal=minimal)
            for name, sub in schema.get("properties", {}).items()
            if not minimal or name in required
        }
    if "array" in kinds:
        return [example(spec, schema["items"], minimal=minimal)]
    if "example" in schema:
        return schema["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("enum"):
        return next(v for v in schema["enum"] if v is not None)
    return _FALLBACK[kinds[0]]


@pytest.mark.parametrize("minimal", [False, True], ids=["full", "required-only"])
@pytest.mark.parametrize(("operation_id", "cls"), RESPONSES, ids=[r[0] for r in RESPONSES])
def test_spec_examples_structure(
    spec: dict[str, Any], operation_id: str, cls: type, minimal: bool
) -> None:
    document = example(spec, model_schema(spec, operation_id), minimal=minimal)
    parsed = CONVERTER.structure(document, cls)
    assert isinstance(parsed, cls)
    if not minimal:
        # Spot-check the conversions the conventions promise.
        if isinstance(parsed, models.Campaign):
            slot = parsed.campaign_schedule.schedules[0]
            assert slot.timing.from_ and isinstance(parsed.timestamp_created, datetime.datetime)
            assert parsed.campaign_schedule.start_date == datetime.date(1970, 1, 1)
            assert is_known(parsed.status)
        if isinstance(parsed, models.DailyAnalytics):
            assert parsed.date == datetime.date(1970, 1, 1)


# -- fields against properties ------------------------------------------------------


def inner_types(tp: Any) -> list[Any]:
    """The classes inside ``X | None``, ``list[X]``, ``dict[str, X]``."""
    origin = get_origin(tp)
    if origin is None:
        return [tp]
    found: list[Any] = []
    for arg in get_args(tp):
        if arg is not type(None):
            found.extend(inner_types(arg))
    return found


def admits_none(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType) and type(None) in get_args(tp)


def check_enum(
    name: str, schema: dict[str, Any], field_type: Any, where: str, problems: list[str]
) -> None:
    if "enum" in schema:
        spec_values = {v for v in schema["enum"] if v is not None}
    elif "x-enumDescriptions" in schema:  # documented values of an open number field
        spec_values = {int(k) for k in schema["x-enumDescriptions"]}
    else:
        return
    enums = [t for t in inner_types(field_type) if isinstance(t, type) and issubclass(t, enum.Enum)]
    if enums:
        ours: set[Any] = {m.value for m in enums[0]}
    elif name in STRING_ENUMS:
        ours = set(STRING_ENUMS[name])
    else:
        problems.append(f"{where}: the spec has an enum, the field is {field_type}")
        return
    if ours != spec_values:
        problems.append(f"{where}: spec enum {sorted(map(str, spec_values))} != ours")


def check_looseness(schema: dict[str, Any], field: Any, where: str, problems: list[str]) -> None:
    """A field is loose exactly when the spec's type is wider than the model's.

    A ``string`` without ``format`` parsed as a date or date-time, or a
    ``number`` without ``enum`` held as an integer code, is loose (a value
    that does not fit is kept in ``extra`` leniently).  A ``number`` is never
    held in an ``int`` otherwise: that would round fractions.
    """
    kinds = set(types_of(schema)) - {"null"}
    inner = set(inner_types(field.type)) - {type(None)}
    narrower = (
        kinds == {"string"}
        and "format" not in schema
        and bool(inner & {datetime.date, datetime.datetime})
    ) or (
        kinds == {"number"}
        and "enum" not in schema
        and any(t is int or (isinstance(t, type) and issubclass(t, int)) for t in inner)
    )
    loose = bool(field.metadata.get("instantly_async.loose"))
    if narrower != loose:
        problems.append(f"{where}: loose is {loose}, the spec's type says {narrower}")
    if loose and not admits_none(field.type):
        problems.append(f"{where}: loose, so it must admit None")


def walk(
    spec: dict[str, Any],
    schema: dict[str, Any],
    cls: type,
    where: str,
    problems: list[str],
    *,
    is_response: bool,
) -> None:
    schema = resolve(spec, items(resolve(spec, schema)))
    fields = {
        a.name.removesuffix("_"): a for a in attrs.fields(cls) if a.name not in ("extra", "_nulls")
    }
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    for name, sub in properties.items():
        here = f"{where}.{name}"
        field = fields.get(name)
        if field is None:
            problems.append(f"{here}: no field on {cls.__name__}")
            continue
        if isinstance(field.type, str):
            problems.append(f"{cls.__name__}.{field.name}: string annotation {field.type!r}")
            continue
        sub = resolve(spec, sub)
        if is_response:  # request bodies reuse the response models; skip their "required"
            lenient = (cls.__name__, field.name) in LENIENT_REQUIRED
            if name in required and not lenient:
                if field.default is not attrs.NOTHING:
                    problems.append(f"{here}: required, but {cls.__name__} gives it a default")
            elif field.default is not None:
                problems.append(f"{here}: optional, but the default is not None")
        if "null" in types_of(sub) and not admits_none(field.type):
            problems.append(f"{here}: nullable, but {field.type} does not admit None")
        check_enum(name, items(sub), field.type, here, problems)
        check_looseness(items(sub), field, here, problems)
        nested = [t for t in inner_types(field.type) if attrs.has(t)]
        if nested:
            walk(spec, sub, nested[0], here, problems, is_response=is_response)
    if is_response:
        extra = set(fields) - set(properties)
        problems.extend(f"{where}.{name}: {cls.__name__} field not in the spec" for name in extra)


@pytest.mark.parametrize(("operation_id", "cls"), RESPONSES, ids=[r[0] for r in RESPONSES])
def test_response_properties_match_fields(
    spec: dict[str, Any], operation_id: str, cls: type
) -> None:
    problems: list[str] = []
    walk(spec, model_schema(spec, operation_id), cls, "$", problems, is_response=True)
    assert problems == []


@pytest.mark.parametrize(("operation_id", "cls"), REQUESTS, ids=[r[0] for r in REQUESTS])
def test_request_properties_have_fields(spec: dict[str, Any], operation_id: str, cls: type) -> None:
    problems: list[str] = []
    walk(spec, request(spec, operation_id), cls, "$", problems, is_response=False)
    assert problems == []


def test_query_parameter_enums_match(spec: dict[str, Any]) -> None:
    checked = 0
    for item in spec["paths"].values():
        for op in item.values():
            for param in op.get("parameters", []) if isinstance(op, dict) else []:
                if "enum" in param.get("schema", {}):
                    ours = {m.value for m in QUERY_ENUMS[param["name"]]}
                    assert set(param["schema"]["enum"]) == ours, param["name"]
                    checked += 1
    assert checked == 4  # list status/exclude_status, overview and daily campaign_status


def has_enum(node: Any) -> bool:
    """Whether an inline schema declares an enum (not following ``$ref``).

    ``contains`` is skipped: it is the subsequence "one variant enabled" rule.
    """
    if isinstance(node, dict):
        if "enum" in node:
            return True
        return any(has_enum(v) for k, v in node.items() if k != "contains")
    return isinstance(node, list) and any(has_enum(v) for v in node)


def test_every_spec_enum_is_checked(spec: dict[str, Any]) -> None:
    """Guard for the walks above: no 200 response or request body with an enum escapes them.

    (Error envelopes are not modelled here; query parameters are all checked above.)
    """
    covered_responses = {op for op, _ in RESPONSES}
    covered_components = {id(model_schema(spec, op)) for op in covered_responses}
    covered_requests = {op for op, _ in REQUESTS}
    missed: list[str] = []
    for item in spec["paths"].values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            op_id = op["operationId"]
            ok = op.get("responses", {}).get("200", {}).get("content", {})
            schema = ok.get("application/json", {}).get("schema", {})
            if "$ref" in schema:
                if id(resolve(spec, schema)) not in covered_components:
                    missed.append(f"{op_id} response")
            elif has_enum(schema) and op_id not in covered_responses:
                missed.append(f"{op_id} response")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if has_enum(body) and op_id not in covered_requests:
                missed.append(f"{op_id} request body")
    assert missed == []


# -- openness --------------------------------------------------------------------------


def test_unknown_values_and_keys_still_parse() -> None:
    raw = {
        "id": "s1",
        "parent_campaign": "c1",
        "workspace": "w1",
        "status": 12,
        "name": "n",
        "conditions": {"crm_status": [1, 12345], "lead_activity": [7]},
        "timestamp_created": "2026-01-01T00:00:00.000Z",
        "timestamp_leads_updated": "2026-01-01T00:00:00Z",
        "daily_limit_mode": "someday",
        "a_field_from_next_month": [1, 2, 3],
    }
    sub = CONVERTER.structure(raw, models.Subsequence)
    assert sub.status == 12 and not is_known(sub.status)
    assert isinstance(sub.status, models.CampaignStatus)
    assert sub.conditions.crm_status == [models.CrmStatus.INTERESTED, 12345]
    assert sub.daily_limit_mode == "someday"
    assert sub.timestamp_created.tzinfo is not None
