"""Sending schedules, shared by campaigns and subsequences."""

from __future__ import annotations

from datetime import date

import attrs


@attrs.define(kw_only=True)
class Timing:
    """A daily sending window in 24-hour ``HH:MM`` (``from_`` is JSON ``from``)."""

    from_: str
    to: str


@attrs.define(kw_only=True)
class ScheduleSlot:
    """One named window: the hours, the days and the timezone.

    ``days`` maps ``"0"``..``"6"`` to whether to send that day (the API does not
    say whether "0" is Sunday or Monday); ``timezone`` is one of ``TIMEZONES``.
    """

    name: str
    timing: Timing
    days: dict[str, bool]
    timezone: str


@attrs.define(kw_only=True)
class Schedule:
    """A ``campaign_schedule`` or ``subsequence_schedule``.

    ``start_date``/``end_date`` are calendar dates in the campaign's timezone;
    the API has sent them both as ``YYYY-MM-DD`` and as date-times, and both parse.
    """

    schedules: list[ScheduleSlot]
    start_date: date | None = None
    end_date: date | None = None
