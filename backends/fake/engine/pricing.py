"""Money arithmetic: what a charge is worth, how percentages become amounts, how to split a sum.

A recurring charge is worth ``price * quantity * billing periods`` between its effective start and
end dates; a part month is prorated by days in that month (inferred: Zuora's proration options are
tenant settings). A one-time charge is worth ``price * quantity`` unless it ends before it starts.
Usage charges are worth nothing to a schedule: Zuora silently excludes them.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from backends.models import ChargeType, RatePlanCharge

__all__ = ["CENT", "add_months", "cents", "charge_value", "months_between", "split_evenly"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

_PERIOD_MONTHS = {
    "Month": 1,
    "Quarter": 3,
    "Semi-Annual": 6,
    "Annual": 12,
}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> Decimal:
    """Whole months from ``start`` to ``end`` plus the remaining days as a fraction of a month."""
    if end <= start:
        return ZERO
    whole = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, whole) > end:
        whole -= 1
    anchor = add_months(start, whole)
    rest_days = (end - anchor).days
    if rest_days == 0:
        return Decimal(whole)
    month_days = calendar.monthrange(anchor.year, anchor.month)[1]
    return Decimal(whole) + Decimal(rest_days) / Decimal(month_days)


def charge_value(charge: RatePlanCharge) -> Decimal:
    unit = charge.price * charge.quantity
    if charge.type is ChargeType.USAGE:
        return ZERO
    end = charge.effective_end_date
    if charge.type is ChargeType.ONE_TIME:
        if end is not None and end <= charge.start:
            return ZERO
        return cents(unit)
    if end is None:
        return ZERO  # an evergreen charge has no total a schedule could split
    period = _PERIOD_MONTHS.get(charge.billing_period or "Month", 1)
    return cents(unit * months_between(charge.start, end) / period)


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """``parts`` amounts in cents that add up to ``total``; the last takes the rounding."""
    share = cents(total / parts)
    amounts = [share] * (parts - 1)
    amounts.append(total - sum(amounts, ZERO))
    return amounts


def percentage_amounts(total: Decimal, percentages: Sequence[Decimal]) -> list[Decimal]:
    """Amounts for items defined by percentage; rounding goes to the last of them."""
    amounts = [cents(total * p / 100) for p in percentages]
    exact = total * sum(percentages, ZERO) / 100
    if amounts:
        amounts[-1] += cents(exact) - sum(amounts, ZERO)
    return amounts
