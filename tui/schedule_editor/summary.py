"""The live line under the items: total, billed, unbilled, and whether the items add up."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backends.models import ScheduleItemStatus
from tui.schedule_editor.currency import quantum
from tui.schedule_editor.split import HUNDRED
from tui.schedule_editor.state import FormState
from tui.schedule_editor.validate import known_total, parse_value

__all__ = ["Summary", "summarize"]


@dataclass(frozen=True)
class Summary:
    total: Decimal | None
    planned: Decimal | None
    billed: Decimal
    unbilled: Decimal | None
    percent: Decimal
    #: True: the items add up; False: they do not; None: the console cannot tell yet
    adds_up: bool | None
    text: str


def _money(value: Decimal | None, currency: str) -> str:
    return "?" if value is None else f"{value:,} {currency}"


def summarize(state: FormState) -> Summary:
    """Planned amounts of the rows as typed (rows that do not parse count as nothing)."""
    total = known_total(state)
    q = quantum(state.currency)
    amounts = Decimal(0)
    percentages = Decimal(0)
    billed = Decimal(0)
    unreadable = 0
    for row in state.items:
        if row.original is not None and not row.editable:
            original = row.original
            if original.status is ScheduleItemStatus.PROCESSED:
                billed += original.actual_amount
            if original.percentage is not None:
                percentages += original.percentage
            else:
                amounts += original.amount
            continue
        try:
            amount, percentage = parse_value(row.value)
        except ValueError:
            unreadable += 1
            continue
        amounts += amount or 0
        percentages += percentage or 0
    only_percent = amounts == 0 and percentages > 0
    planned: Decimal | None
    if total is not None:
        planned = (amounts + total * percentages / HUNDRED).quantize(q)
    elif percentages == 0:
        planned = amounts.quantize(q)
    else:
        planned = None
    adds_up: bool | None
    if unreadable or not state.items:
        adds_up = False
    elif only_percent:
        adds_up = percentages == HUNDRED
    elif total is not None and planned is not None:
        adds_up = planned == total
    else:
        adds_up = None
    unbilled = None if planned is None else planned - billed
    parts = [f"Items {len(state.items)}"]
    if only_percent or total is None:
        parts.append(f"{percentages.normalize():f}% of 100%" if percentages else "")
    if planned is not None:
        parts.append(f"planned {_money(planned, state.currency)}")
    parts.append(
        f"total {_money(total, state.currency)}" if total is not None else "total: on save"
    )
    parts.append(f"billed {_money(billed.quantize(q), state.currency)}")
    if unbilled is not None:
        parts.append(f"unbilled {_money(unbilled, state.currency)}")
    if adds_up is True:
        verdict = "✓ adds up"
    elif adds_up is False:
        if unreadable:
            verdict = f"✗ {unreadable} item(s) without a readable amount"
        elif only_percent:
            verdict = f"✗ {(HUNDRED - percentages).normalize():f}% left to place"
        elif total is not None and planned is not None:
            verdict = f"✗ {_money(total - planned, state.currency)} left to place"
        else:
            verdict = "✗ no items"
    else:
        verdict = "? amounts are checked against the orders' total on save"
    text = " · ".join(p for p in parts if p) + " · " + verdict
    return Summary(total, planned, billed, unbilled, percentages, adds_up, text)
