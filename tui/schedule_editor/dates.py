"""Run dates: what an operator may type, and the monthly / quarterly series helpers."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

__all__ = ["DateInputError", "add_months", "end_of_month", "parse_run_date", "series"]

_RELATIVE = re.compile(r"^\+(\d{1,4})([dwmq])$")


class DateInputError(ValueError):
    """The text is not a date the form understands; the message says what is."""


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(start: date, months: int) -> date:
    """``start`` moved by whole months, end-of-month aware: from the last day of a month the
    result is the last day of the target month (Jan 31 → Feb 28 → Mar 31); another day is kept,
    or clamped to a shorter month's end (Jan 30 → Feb 28, then Mar 30)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if start == end_of_month(start):
        return date(year, month + 1, last)
    return date(year, month + 1, min(start.day, last))


def series(start: date, count: int, every_months: int) -> list[date]:
    """``count`` dates from ``start``, each ``every_months`` after the first (1: monthly,
    3: quarterly). Each is computed from ``start``, so a clamped February does not drag the
    later dates to the 28th."""
    return [add_months(start, n * every_months) for n in range(count)]


def parse_run_date(text: str, today: date) -> date | None:
    """A run date as typed: blank (no run date), ``2026-04-01``, ``+30d`` / ``+2w`` / ``+3m`` /
    ``+1q`` from the tenant's ``today``, ``eom`` (the end of today's month) or ``eom+1`` (the
    end of next month)."""
    raw = text.strip().lower()
    if not raw:
        return None
    if raw == "today":
        return today
    if raw.startswith("eom"):
        rest = raw[3:]
        if not rest:
            return end_of_month(today)
        if re.fullmatch(r"\+\d{1,3}", rest):
            return end_of_month(add_months(today.replace(day=1), int(rest[1:])))
        raise DateInputError(f"{text.strip()!r}: write eom, or eom+N for N months later")
    match = _RELATIVE.match(raw)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if unit == "d":
            return today + timedelta(days=amount)
        if unit == "w":
            return today + timedelta(weeks=amount)
        return add_months(today, amount * (3 if unit == "q" else 1))
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DateInputError(
            f"{text.strip()!r} is not a date: write 2026-04-01, +30d, +3m or eom"
        ) from None
