"""Validation before sending: every problem names the field in error and the rule it breaks.

The rules are Zuora's (reference §3.4-3.5, the spec's maxLength) as the fake engine applies
them; the console checks them first so the operator fixes the form before anything is sent.
The backend stays the arbiter: what it still refuses is shown against the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from tui.schedule_editor.currency import quantum
from tui.schedule_editor.dates import DateInputError, parse_run_date
from tui.schedule_editor.plan import ItemPlan, SchedulePlan, specific_key
from tui.schedule_editor.split import HUNDRED
from tui.schedule_editor.state import FormState, ItemRow

__all__ = [
    "MAX_ITEMS",
    "MAX_ITEM_NAME",
    "MAX_NOTES",
    "MAX_ORDERS",
    "MAX_SUBSCRIPTIONS",
    "Problem",
    "Validation",
    "known_total",
    "parse_value",
    "validate",
]

MAX_ITEMS = 50
MAX_ORDERS = 10
MAX_SUBSCRIPTIONS = 300
MAX_NOTES = 255
MAX_ITEM_NAME = 100


@dataclass(frozen=True)
class Problem:
    """``field``: ``notes``, ``orders``, ``subscriptions``, ``items`` or an item cell (``row`` and ``column``:
    ``name``, ``run_date``, ``value``). ``rule``: a stable id the tests and the log use."""

    field: str
    rule: str
    message: str
    row: int | None = None
    column: str | None = None

    @property
    def where(self) -> str:
        if self.row is None:
            return self.field
        return f"item {self.row + 1} {self.column}"


@dataclass(frozen=True)
class Validation:
    problems: tuple[Problem, ...]
    plan: SchedulePlan | None

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_value(text: str) -> tuple[Decimal | None, Decimal | None]:
    """``(amount, None)`` or ``(None, percentage)``; raises ``ValueError`` with a sentence."""
    raw = text.strip().replace(",", "")
    if not raw:
        raise ValueError("give an amount (250.00) or a percentage (25%)")
    percent = raw.endswith("%")
    number = raw[:-1].strip() if percent else raw
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise ValueError(f"{text.strip()!r} is not an amount or a percentage") from None
    if not value.is_finite():
        raise ValueError(f"{text.strip()!r} is not an amount or a percentage")
    return (None, value) if percent else (value, None)


def known_total(state: FormState) -> Decimal | None:
    """The orders' total when the console knows it: the schedule's, while its orders and
    specific subscriptions are the stored ones (changing them changes the total)."""
    schedule = state.schedule
    if schedule is None or state.total is None:
        return state.total if schedule is None else None
    if list(schedule.orders) != state.orders or specific_key(
        schedule.specific_subscriptions
    ) != specific_key(state.resolve_specific()[0]):
        return None
    return state.total


def _item(row: ItemRow, n: int, state: FormState, today: date, out: list[Problem]) -> ItemPlan:
    """The typed item of a row; problems go to ``out``. Locked rows are taken as stored."""
    if row.original is not None and not row.editable:
        o = row.original
        if o.percentage is not None:
            return ItemPlan(o.id, o.name or "", o.run_date, percentage=o.percentage)
        return ItemPlan(o.id, o.name or "", o.run_date, amount=o.amount)
    if len(row.name) > MAX_ITEM_NAME:
        out.append(
            Problem(
                "items",
                "item_name_length",
                f"Item {n + 1}: a name takes at most {MAX_ITEM_NAME} characters "
                f"({len(row.name)} typed)",
                n,
                "name",
            )
        )
    run_date: date | None = None
    try:
        run_date = parse_run_date(row.run_date, today)
    except DateInputError as exc:
        out.append(Problem("items", "run_date_format", f"Item {n + 1}: {exc}", n, "run_date"))
    amount = percentage = None
    try:
        amount, percentage = parse_value(row.value)
    except ValueError as exc:
        out.append(Problem("items", "value_format", f"Item {n + 1}: {exc}", n, "value"))
    if amount is not None:
        if amount <= 0:
            out.append(
                Problem(
                    "items",
                    "amount_positive",
                    f"Item {n + 1}: the amount must be above 0",
                    n,
                    "value",
                )
            )
        elif amount != amount.quantize(quantum(state.currency)):
            out.append(
                Problem(
                    "items",
                    "amount_decimals",
                    f"Item {n + 1}: {state.currency} amounts take at most "
                    f"{state.places} decimals ({row.value.strip()} typed)",
                    n,
                    "value",
                )
            )
    if percentage is not None and not (0 < percentage <= HUNDRED):
        out.append(
            Problem(
                "items",
                "percentage_range",
                f"Item {n + 1}: a percentage must be above 0% and at most 100%",
                n,
                "value",
            )
        )
    return ItemPlan(row.id, row.name, run_date, amount=amount, percentage=percentage)


def validate(state: FormState, today: date) -> Validation:
    """Every problem of the form, in the order the fields appear; the plan when there is none."""
    problems: list[Problem] = []
    if len(state.notes) > MAX_NOTES:
        problems.append(
            Problem(
                "notes",
                "notes_length",
                f"Notes take at most {MAX_NOTES} characters ({len(state.notes)} typed)",
            )
        )

    # orders
    if not state.orders:
        problems.append(Problem("orders", "orders_required", "Name at least one order"))
    if len(state.orders) > MAX_ORDERS:
        problems.append(
            Problem(
                "orders",
                "orders_max",
                f"An invoice schedule takes at most {MAX_ORDERS} orders "
                f"({len(state.orders)} listed)",
            )
        )
    twice = sorted({o for o in state.orders if state.orders.count(o) > 1})
    if twice:
        problems.append(
            Problem("orders", "orders_duplicate", f"{', '.join(twice)} is listed twice")
        )
    # specific subscriptions: each one of the orders' own, once
    specs, unknown = state.resolve_specific()
    for number in unknown:
        known = ", ".join(n for _, n in state.known_subscriptions()) or "none known"
        problems.append(
            Problem(
                "subscriptions",
                "subscription_unknown",
                f"{number} is not a subscription of {', '.join(state.orders) or 'the orders'} "
                f"(theirs: {known})",
            )
        )
    twice = sorted({n for n in state.subscriptions if state.subscriptions.count(n) > 1})
    if twice:
        problems.append(
            Problem(
                "subscriptions", "subscriptions_duplicate", f"{', '.join(twice)} is listed twice"
            )
        )
    if state.schedule is not None and not state.orders_editable:
        stored = state.schedule
        if list(stored.orders) != state.orders or specific_key(
            stored.specific_subscriptions
        ) != specific_key(specs):
            where = "orders" if list(stored.orders) != state.orders else "subscriptions"
            problems.append(Problem(where, "orders_locked", state.orders_locked_reason or ""))
    subscriptions = state.subscription_count()
    if subscriptions > MAX_SUBSCRIPTIONS:
        problems.append(
            Problem(
                "subscriptions" if state.subscriptions else "orders",
                "subscriptions_max",
                f"An invoice schedule covers at most {MAX_SUBSCRIPTIONS} subscriptions; "
                f"this one would cover {subscriptions}",
            )
        )

    # items, one by one
    if not state.items:
        problems.append(Problem("items", "items_required", "Give the schedule at least one item"))
    if len(state.items) > MAX_ITEMS:
        problems.append(
            Problem(
                "items",
                "items_max",
                f"An invoice schedule takes at most {MAX_ITEMS} items ({len(state.items)} listed)",
            )
        )
    plans = [_item(row, n, state, today, problems) for n, row in enumerate(state.items)]

    # run dates: chronological; once one is blank, every later one is blank
    previous: tuple[int, date] | None = None
    blank: int | None = None
    for n, item in enumerate(plans):
        if item.run_date is None:
            if blank is None and state.items[n].run_date.strip() == "":
                blank = n
            continue
        if blank is not None:
            problems.append(
                Problem(
                    "items",
                    "run_date_blank_last",
                    f"Item {n + 1} has a run date after item {blank + 1}, which has none: "
                    "blank run dates come last",
                    n,
                    "run_date",
                )
            )
            continue
        if previous is not None and item.run_date < previous[1]:
            problems.append(
                Problem(
                    "items",
                    "run_date_order",
                    f"Item {n + 1} runs on {item.run_date.isoformat()}, before item "
                    f"{previous[0] + 1} ({previous[1].isoformat()}): run dates must be in order",
                    n,
                    "run_date",
                )
            )
            continue
        previous = (n, item.run_date)

    # the items add up
    cell_problems = any(p.column == "value" for p in problems)
    if plans and not cell_problems:
        problems.extend(_adds_up(state, plans))

    if problems:
        return Validation(tuple(problems), None)
    return Validation(
        (),
        SchedulePlan(
            orders=tuple(state.orders),
            items=tuple(plans),
            notes=state.notes,
            invoice_separately=state.invoice_separately,
            specific_subscriptions=specific_key(specs),
        ),
    )


def _adds_up(state: FormState, plans: list[ItemPlan]) -> list[Problem]:
    amounts = sum((p.amount for p in plans if p.amount is not None), Decimal(0))
    percentages = sum((p.percentage for p in plans if p.percentage is not None), Decimal(0))
    by_percentage = all(p.percentage is not None for p in plans)
    last = len(plans) - 1
    if by_percentage:
        if percentages != HUNDRED:
            return [
                Problem(
                    "items",
                    "percentages_sum",
                    f"The percentages add up to {percentages.normalize():f}%: they must add "
                    "up to 100%",
                    last,
                    "value",
                )
            ]
        return []
    total = known_total(state)
    if total is None:
        return []  # the console does not know the orders' total: the backend checks it
    exact = amounts + total * percentages / HUNDRED
    if exact.quantize(quantum(state.currency)) != total:
        return [
            Problem(
                "items",
                "amounts_total",
                f"The items add up to {exact.quantize(quantum(state.currency)):,} "
                f"{state.currency} but the orders' total is {total:,} {state.currency}: "
                "they must add up exactly",
                last,
                "value",
            )
        ]
    return []
