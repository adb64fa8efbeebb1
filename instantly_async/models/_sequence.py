"""Email sequences, shared by campaigns and subsequences."""

import attrs

from ._base import Model
from ._enums import DelayUnit, StepType


@attrs.define(kw_only=True)
class Variant(Model):
    """One A/Z variant of a step."""

    subject: str
    body: str
    """HTML; use ``<br/>`` for line breaks."""
    v_disabled: bool | None = None
    """True to stop sending this variant.  Subsequences need at least one enabled
    variant per step (and 1 to 26 variants)."""


@attrs.define(kw_only=True)
class Step(Model):
    """One email of a sequence."""

    type: StepType
    delay: float
    """Wait before the NEXT email, in ``delay_unit``."""
    variants: list[Variant]
    delay_unit: DelayUnit | None = None
    """Unit of ``delay``; the API's default is days."""
    pre_delay: float | None = None
    """Wait before the FIRST email of a subsequence, in ``pre_delay_unit``;
    ignored for campaigns."""
    pre_delay_unit: DelayUnit | None = None
    """Unit of ``pre_delay``; the API's default is days."""


@attrs.define(kw_only=True)
class Sequence(Model):
    """An ordered list of steps.  Only the first sequence of a list is used: send one."""

    steps: list[Step]
