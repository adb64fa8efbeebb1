"""Models: structure parsed JSON into typed objects, per object.

``sdk``: the SDK's cattrs converter into the attrs ``Campaign``; ``pydantic``:
``Campaign.model_validate`` on pydantic v2 models of the same shape
(``benchmarks/_pydantic_models.py``); ``dict``: no model at all, reading the
same fields (nested ones included) from the dicts, the floor any model pays
on top of.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from instantly_async._converter import converter
from instantly_async.models import Campaign

from .. import _pydantic_models as pyd
from .._config import Config
from .._fixtures import campaigns
from .._report import Results

NAME = "5. models (structure fully populated Campaign JSON)"
COUNT = 10_000
KINDS = ("sdk", "pydantic", "dict")


def _touch(c: dict[str, Any]) -> int:
    """Read every field a Campaign model has, as code working on plain dicts would."""
    n = 0
    for key in (
        "id", "name", "status", "timestamp_created", "timestamp_updated", "pl_value",
        "is_evergreen", "email_gap", "random_wait_max", "text_only", "first_email_text_only",
        "email_list", "daily_limit", "stop_on_reply", "email_tag_list", "link_tracking",
        "open_tracking", "stop_on_auto_reply", "daily_max_leads", "prioritize_new_leads",
        "match_lead_esp", "not_sending_status", "stop_for_company", "core_variables",
        "custom_variables", "insert_unsubscribe_header", "allow_risky_contacts",
        "disable_bounce_protect", "cc_list", "bcc_list", "organization", "owned_by", "ai_sdr_id",
    ):  # fmt: skip
        if c.get(key) is not None:
            n += 1
    schedule = c["campaign_schedule"]
    for slot in schedule["schedules"]:
        n += len(slot["name"]) + len(slot["timing"]["from"]) + len(slot["timing"]["to"])
        n += len(slot["days"]) + len(slot["timezone"])
    n += schedule.get("start_date") is not None
    n += schedule.get("end_date") is not None
    for sequence in c.get("sequences") or ():
        for step in sequence["steps"]:
            n += len(step["type"]) + int(step["delay"]) + (step.get("delay_unit") is not None)
            n += step.get("pre_delay") is not None
            n += step.get("pre_delay_unit") is not None
            for variant in step["variants"]:
                n += len(variant["subject"]) + len(variant["body"])
                n += variant.get("v_disabled") is not None
    avs = c.get("auto_variant_select")
    if avs is not None:
        n += len(avs["trigger"])
    override = c.get("limit_emails_per_company_override")
    if override is not None:
        n += len(override["mode"]) + (override.get("daily_limit") is not None)
        n += override.get("scope") is not None
    for rule in c.get("provider_routing_rules") or ():
        n += rule.get("action") is not None
        n += len(rule.get("recipient_esp") or ()) + len(rule.get("sender_esp") or ())
    return n


def _sdk(c: dict[str, Any]) -> Any:
    return converter.structure(c, Campaign)


STRUCTURE: dict[str, Callable[[dict[str, Any]], Any]] = {
    "sdk": _sdk,
    "pydantic": pyd.Campaign.model_validate,
    "dict": _touch,
}


def _check(data: list[dict[str, Any]]) -> None:
    """Both models must have read the same thing, or the race is meaningless."""
    a, b = _sdk(data[0]), pyd.Campaign.model_validate(data[0])
    assert a.id == b.id and a.status == b.status and a.timestamp_created == b.timestamp_created
    assert a.campaign_schedule.start_date == b.campaign_schedule.start_date
    slot_a, slot_b = a.campaign_schedule.schedules[0], b.campaign_schedule.schedules[0]
    assert slot_a.timing.from_ == slot_b.timing.from_
    assert a.sequences is not None and b.sequences is not None
    step_a, step_b = a.sequences[0].steps[2], b.sequences[0].steps[2]
    assert step_a.variants[1].subject == step_b.variants[1].subject
    assert a.provider_routing_rules is not None and b.provider_routing_rules is not None
    assert len(a.provider_routing_rules) == len(b.provider_routing_rules) == 2
    assert a.limit_emails_per_company_override is not None
    assert b.limit_emails_per_company_override is not None
    assert a.limit_emails_per_company_override.scope == b.limit_emails_per_company_override.scope


async def run(cfg: Config, results: Results) -> None:
    data = campaigns(cfg.n(COUNT))
    _check(data)
    for fn in STRUCTURE.values():  # warm up: cattrs generates code, pydantic builds validators
        for c in data[:100]:
            fn(c)
    case = f"{len(data):,} campaigns"
    for i in range(cfg.runs):
        per_object: dict[str, float] = {}
        for kind in cfg.order(KINDS, i):
            fn = STRUCTURE[kind]
            start = time.perf_counter()
            for c in data:
                fn(c)
            per_object[kind] = (time.perf_counter() - start) / len(data) * 1e6
            results.row(NAME, case, kind).add(**{"us/object": per_object[kind]})
        results.row(NAME, case, "sdk").add(
            **{"x pydantic time": per_object["sdk"] / per_object["pydantic"]}
        )
    ratio = results.row(NAME, case, "sdk").median("x pydantic time")
    results.target("models: sdk time / pydantic time", ratio, "< 1", ratio < 1.0)
