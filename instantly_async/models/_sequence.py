"""Email sequences, shared by campaigns and subsequences."""

from __future__ import annotations

import attrs

from ._enums import DelayUnit, StepType


@attrs.define(kw_only=True)
class Variant:
    """One A/Z variant of a step: subject and HTML body (``<br/>`` for line breaks)."""

    subject: str
    body: str
    v_disabled: bool | None = None


@attrs.define(kw_only=True)
class Step:
    """One email of a sequence.

    ``delay`` is the wait before the *next* email; ``pre_delay`` is the wait
    before the first email of a subsequence (ignored for campaigns).  Units
    default to days.
    """

    type: StepType
    delay: float
    variants: list[Variant]
    delay_unit: DelayUnit | None = None
    pre_delay: float | None = None
    pre_delay_unit: DelayUnit | None = None


@attrs.define(kw_only=True)
class Sequence:
    """A list of steps.  The API only uses the first sequence of a campaign."""

    steps: list[Step]
