"""Checks of nested request objects, run on their JSON form before sending.

Working on the unstructured form means one code path covers both models and
plain dicts.  Rules are the OpenAPI document's (timing ``HH:MM``, day keys,
variant counts); each message names the failing place.
"""

from __future__ import annotations

import re
from typing import Any

from ._exceptions import InvalidArgumentError

_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_DAYS = frozenset("0123456")
MAX_VARIANTS = 26


def _fail(where: str, problem: str) -> InvalidArgumentError:
    return InvalidArgumentError(f"{where}: {problem}")


def check_schedule(schedule: Any, where: str) -> None:
    if schedule is None:
        return
    if not isinstance(schedule, dict):
        raise _fail(where, "must be a Schedule or a mapping")
    slots = schedule.get("schedules")
    if not isinstance(slots, list) or not slots:
        raise _fail(f"{where}.schedules", "needs at least one schedule entry")
    for i, slot in enumerate(slots):
        here = f"{where}.schedules[{i}]"
        if not isinstance(slot, dict):
            raise _fail(here, "must be a ScheduleSlot or a mapping")
        for key in ("name", "timing", "days", "timezone"):
            if slot.get(key) is None:
                raise _fail(here, f"'{key}' is required")
        timing = slot["timing"]
        if not isinstance(timing, dict):
            raise _fail(f"{here}.timing", "must be a Timing or a mapping")
        for key in ("from", "to"):
            value = timing.get(key)
            if not isinstance(value, str) or not _HHMM.match(value):
                raise _fail(f"{here}.timing.{key}", f"{value!r} is not a 24-hour HH:MM time")
        days = slot["days"]
        if not isinstance(days, dict) or not days:
            raise _fail(f"{here}.days", 'must map at least one day "0".."6" to true/false')
        for day, on in days.items():
            if day not in _DAYS or not isinstance(on, bool):
                raise _fail(
                    f"{here}.days", f'{day!r}: {on!r} is not a day "0".."6" mapped to a bool'
                )


def check_sequences(sequences: Any, where: str, *, variant_rules: bool) -> None:
    """``variant_rules``: 1 to 26 variants per step, at least one enabled.

    The subsequence schema states these bounds; the campaign schema does not,
    so campaigns are only checked for shape.
    """
    if sequences is None:
        return
    if not isinstance(sequences, list):
        raise _fail(where, "must be a list of Sequence")
    for i, sequence in enumerate(sequences):
        steps = sequence.get("steps") if isinstance(sequence, dict) else None
        if not isinstance(steps, list):
            raise _fail(f"{where}[{i}].steps", "is required and must be a list of Step")
        for j, step in enumerate(steps):
            here = f"{where}[{i}].steps[{j}]"
            if not isinstance(step, dict):
                raise _fail(here, "must be a Step or a mapping")
            variants = step.get("variants")
            if not isinstance(variants, list):
                raise _fail(f"{here}.variants", "is required and must be a list of Variant")
            if not variant_rules:
                continue
            if not 1 <= len(variants) <= MAX_VARIANTS:
                raise _fail(
                    f"{here}.variants", f"has {len(variants)} variants; 1 to {MAX_VARIANTS} allowed"
                )
            if all(isinstance(v, dict) and v.get("v_disabled") is True for v in variants):
                raise _fail(f"{here}.variants", "at least one variant must be enabled")


CRM_STATUS_RANGE = (-30000, 30000)


def check_conditions(conditions: Any, where: str, lead_activities: frozenset[int]) -> None:
    """``crm_status``: built-in or custom label values in -30000..30000;
    ``lead_activity``: documented values only; ``reply_contains``: text."""
    if conditions is None:
        return
    if not isinstance(conditions, dict):
        raise _fail(where, "must be Conditions or a mapping")
    low, high = CRM_STATUS_RANGE
    crm = conditions.get("crm_status")
    if crm is not None:
        if not isinstance(crm, list):
            raise _fail(f"{where}.crm_status", "must be a list of integers")
        for value in crm:
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise _fail(f"{where}.crm_status", f"{value!r} is not an integer in {low}..{high}")
    activity = conditions.get("lead_activity")
    if activity is not None:
        if not isinstance(activity, list):
            raise _fail(f"{where}.lead_activity", "must be a list of LeadActivity")
        for value in activity:
            if isinstance(value, bool) or value not in lead_activities:
                raise _fail(
                    f"{where}.lead_activity",
                    f"{value!r} is not one of {sorted(lead_activities)}",
                )
    reply = conditions.get("reply_contains")
    if reply is not None and not isinstance(reply, str):
        raise _fail(f"{where}.reply_contains", "must be a string")
