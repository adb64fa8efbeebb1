"""The models cover the OpenAPI document: every property has a field, every enum its values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args, get_origin

import attrs
import pytest

from instantly_async import models
from instantly_async._converter import converter, unstructure

SPEC_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "api" / "openapi.json"
SHIPPED = Path(models.__file__).resolve().parents[1] / "testing" / "_openapi.json"


def load_spec() -> dict[str, Any]:
    # CI has ../shared beside the clone; the package ships a copy for the fake server.
    path = SPEC_PATH if SPEC_PATH.exists() else SHIPPED
    return json.loads(path.read_text())


SPEC = load_spec()
SCHEMAS = SPEC["components"]["schemas"]


def response_schema(path: str, method: str = "get") -> dict[str, Any]:
    schema: dict[str, Any] = SPEC["paths"][path][method]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    return schema


def unwrap(tp: Any) -> Any:
    """The attrs class (or enum) inside Optional[...] / list[...] / dict[...]."""
    while True:
        args = [a for a in get_args(tp) if a is not type(None)]
        if get_origin(tp) is None or not args:
            return tp
        tp = args[-1]


def walk(
    schema: dict[str, Any],
    cls: type,
    where: str,
    problems: list[str],
    shared: frozenset[str] = frozenset(),
) -> None:
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    if schema.get("type") == "array" or "array" in (schema.get("type") or []):
        schema = schema.get("items", {})
    fields = {a.name.rstrip("_"): a for a in attrs.fields(cls)}
    for name, sub in schema.get("properties", {}).items():
        if name not in fields:
            problems.append(f"{where}.{name} has no field on {cls.__name__}")
            continue
        inner = unwrap(fields[name].type)
        if attrs.has(inner):
            walk(sub, inner, f"{where}.{name}", problems)
    for name in fields:
        if schema.get("properties") and name not in schema["properties"] and name not in shared:
            problems.append(f"{cls.__name__}.{name} is not in the spec at {where}")


@pytest.mark.parametrize(
    ("schema", "cls"),
    [
        (lambda: SCHEMAS["Campaign"], models.Campaign),
        (lambda: SCHEMAS["CampaignSubsequence"], models.Subsequence),
        (lambda: response_schema("/api/v2/campaigns/{id}/sending-status"), models.SendingStatus),
        (lambda: response_schema("/api/v2/campaigns/analytics"), models.CampaignAnalytics),
        (lambda: response_schema("/api/v2/campaigns/analytics/overview"), models.AnalyticsOverview),
        (lambda: response_schema("/api/v2/campaigns/analytics/daily"), models.DailyAnalytics),
        (lambda: response_schema("/api/v2/campaigns/analytics/steps"), models.StepAnalytics),
        (lambda: response_schema("/api/v2/subsequences/analytics"), models.SubsequenceAnalytics),
    ],
)
def test_every_spec_property_has_a_field(schema: Any, cls: type) -> None:
    problems: list[str] = []
    walk(schema(), cls, "$", problems)
    assert problems == []


def test_subsequence_step_rows_share_the_campaign_step_model() -> None:
    # Same shape minus the opportunity counts, which only campaign analytics fill in.
    problems: list[str] = []
    opportunity_fields = frozenset(
        {"opportunities", "unique_opportunities", "meetings_booked", "won"}
    )
    schema = response_schema("/api/v2/subsequences/{id}/analytics/steps")
    walk(schema, models.StepAnalytics, "$", problems, shared=opportunity_fields)
    assert problems == []


def enum_values(schema: dict[str, Any], *path: str) -> set[Any]:
    node: Any = schema
    for key in path:
        node = node[key]
    return {v for v in node["enum"] if v is not None}


def test_enums_match_the_spec() -> None:
    camp = SCHEMAS["Campaign"]["properties"]
    sub = SCHEMAS["CampaignSubsequence"]["properties"]
    step = sub["sequences"]["items"]["properties"]["steps"]["items"]["properties"]
    slot = sub["subsequence_schedule"]["properties"]["schedules"]["items"]["properties"]
    checks = [
        (models.CampaignStatus, enum_values(camp, "status")),
        (models.CampaignStatus, enum_values(sub, "status")),
        (models.NotSendingStatus, enum_values(camp, "not_sending_status")),
        (
            models.LeadActivity,
            enum_values(sub, "conditions", "properties", "lead_activity", "items"),
        ),
        (
            models.AutoVariantTrigger,
            enum_values(camp, "auto_variant_select", "properties", "trigger"),
        ),
        (models.DelayUnit, enum_values(step, "delay_unit")),
        (models.StepType, enum_values(step, "type")),
        (models.DailyLimitMode, enum_values(sub, "daily_limit_mode")),
        (
            models.LimitMode,
            enum_values(camp, "limit_emails_per_company_override", "properties", "mode"),
        ),
        (
            models.LimitScope,
            enum_values(camp, "limit_emails_per_company_override", "properties", "scope"),
        ),
        (
            models.RoutingAction,
            enum_values(camp, "provider_routing_rules", "items", "properties", "action"),
        ),
        (
            models.EspProvider,
            enum_values(
                camp, "provider_routing_rules", "items", "properties", "sender_esp", "items"
            ),
        ),
        (
            models.DiagnosticsStatus,
            enum_values(
                response_schema("/api/v2/campaigns/{id}/sending-status"),
                "properties",
                "diagnostics",
                "properties",
                "status",
            ),
        ),
    ]
    for enum_cls, values in checks:
        assert {m.value for m in enum_cls} == values, enum_cls.__name__
    assert enum_values(slot, "timezone") == models.TIMEZONES


def test_open_enums_and_unknown_fields_never_break_parsing() -> None:
    raw = {
        "id": "c1",
        "name": "n",
        "status": 12,
        "campaign_schedule": {"schedules": [], "start_date": "2025-09-13T12:09:51.520Z"},
        "timestamp_created": "2026-01-01T00:00:00.000Z",
        "timestamp_updated": "2026-01-01T00:00:00Z",
        "not_sending_status": 7,
        "auto_variant_select": {"trigger": "vibes"},
        "a_field_from_next_month": [1, 2, 3],
    }
    campaign = converter.structure(raw, models.Campaign)
    assert campaign.status == 12 and isinstance(campaign.status, models.CampaignStatus)
    assert campaign.auto_variant_select is not None
    assert campaign.auto_variant_select.trigger == "vibes"
    assert str(campaign.campaign_schedule.start_date) == "2025-09-13"
    back = unstructure(campaign)
    assert back["status"] == 12 and back["auto_variant_select"] == {"trigger": "vibes"}
    assert back["campaign_schedule"]["start_date"] == "2025-09-13"
    assert back["timestamp_created"] == "2026-01-01T00:00:00.000Z"
