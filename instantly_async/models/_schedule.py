"""Sending schedules, shared by campaigns (``campaign_schedule``) and subsequences."""

import datetime

import attrs

from ._base import Model


@attrs.define(kw_only=True)
class Timing(Model):
    """A daily sending window, ``HH:MM`` on a 24-hour clock (``from_`` is JSON ``from``)."""

    from_: str
    to: str


@attrs.define(kw_only=True)
class ScheduleSlot(Model):
    """One entry of ``schedules``: a named window, its days and its timezone."""

    name: str
    timing: Timing
    days: dict[str, bool]
    """Keys ``"0"``..``"6"`` -> send on that day.  The API does not say whether
    ``"0"`` is Sunday or Monday; at least one key is required."""
    timezone: str
    """One of :data:`TIMEZONES` (legacy IANA names; ``"UTC"`` is not among them)."""


@attrs.define(kw_only=True)
class Schedule(Model):
    """A ``campaign_schedule`` or ``subsequence_schedule``."""

    schedules: list[ScheduleSlot]
    """At least one slot."""
    start_date: datetime.date | None = None
    """First day, in the campaign's timezone.  The API has sent both ``YYYY-MM-DD``
    and full date-times here; both parse to the calendar date."""
    end_date: datetime.date | None = None
    """Last day, in the campaign's timezone (same formats as ``start_date``)."""
