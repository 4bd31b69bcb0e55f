"""When a scheduled bill run runs: the first day on or after a date that its schedule matches.

Zuora's rules as ``POST /v1/bill-runs`` documents them (the fake engine applies the same):
Daily every day; Weekly on the ``weeklyOnDay`` days (``repeatFrom``'s weekday if none);
Monthly on ``repeatFrom``'s day of the month (clamped to a shorter month) or, with
``monthlyOnEndOfMonth``, on the last day; never before ``repeatFrom`` nor after ``repeatTo``.
The form uses it to say when the first run will be, and to refuse a schedule with none.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from backends.models import BillRunSchedule, RepeatType, Weekday

__all__ = ["first_run", "month_start"]

_WEEKDAYS = list(Weekday)


def _matches(schedule: BillRunSchedule, day: date) -> bool:
    kind = schedule.repeat_type
    if kind is RepeatType.NONE:
        return day == schedule.repeat_from
    if kind is RepeatType.DAILY:
        return True
    if kind is RepeatType.WEEKLY:
        days = schedule.weekly_on_day or [_WEEKDAYS[schedule.repeat_from.weekday()]]
        return _WEEKDAYS[day.weekday()] in days
    last = calendar.monthrange(day.year, day.month)[1]
    wanted = last if schedule.monthly_on_end_of_month else min(schedule.repeat_from.day, last)
    return day.day == wanted


def first_run(schedule: BillRunSchedule, today: date) -> date | None:
    """The first run day on or after ``today`` (and ``repeatFrom``); None when there is none."""
    day = max(today, schedule.repeat_from)
    for _ in range(400):  # a year and more covers every pattern
        if schedule.repeat_to is not None and day > schedule.repeat_to:
            return None
        if _matches(schedule, day):
            return day
        day += timedelta(days=1)
    return None


def month_start(start: date, day_of_month: int) -> date:
    """The first date on or after ``start`` whose day is ``day_of_month``: a Monthly run takes
    its day of the month from ``repeatFrom``, so "monthly on the 15th from March 2" starts on
    March 15. A day a month lacks (the 31st in April) moves on to the next month that has it."""
    day = start
    while day.day != day_of_month:
        day += timedelta(days=1)
    return day
