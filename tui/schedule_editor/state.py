"""The form's state: what the operator typed, kept as text until it is validated.

An item's value is one text: ``250.00`` is an amount, ``25%`` a percentage (Zuora takes either
per item). Items that are not Pending are carried as they are (``locked`` says why), since an
update must send them back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from backends.models import (
    InvoiceSchedule,
    InvoiceScheduleStatus,
    ScheduleItem,
    ScheduleItemStatus,
    SpecificSubscription,
)
from tui.schedule_editor.currency import decimals
from tui.schedule_editor.dates import series
from tui.schedule_editor.split import split_percentages, split_total

__all__ = [
    "FormState",
    "ItemRow",
    "OrderInfo",
    "edit_state",
    "format_value",
    "new_state",
]


@dataclass(frozen=True)
class OrderInfo:
    """What the form knows of an order: its number and its subscriptions' numbers."""

    order_number: str
    subscriptions: tuple[str, ...] = ()


@dataclass
class ItemRow:
    """One schedule item as the operator sees and types it."""

    name: str = ""
    run_date: str = ""
    value: str = ""
    #: the item's id when it exists on the schedule (an update keeps it)
    id: str | None = None
    status: ScheduleItemStatus = ScheduleItemStatus.PENDING
    #: why the row cannot be edited (``None``: it can)
    locked: str | None = None
    #: the stored item, for locked rows and for the diff
    original: ScheduleItem | None = None

    @property
    def editable(self) -> bool:
        return self.locked is None

    @property
    def is_percentage(self) -> bool:
        return self.value.strip().endswith("%")


@dataclass
class FormState:
    """Everything the schedule form holds; the screen edits it, nothing else does."""

    account_key: str
    currency: str
    orders: list[str]
    items: list[ItemRow] = field(default_factory=list)
    notes: str = ""
    invoice_separately: bool = False
    #: the specific subscriptions as stored (an edit keeps their orders and charge numbers)
    specific_subscriptions: list[SpecificSubscription] = field(default_factory=list)
    #: the specific subscriptions as typed (numbers); none: every subscription of the orders
    subscriptions: list[str] = field(default_factory=list)
    #: what the form knows of each order (subscriptions, for the 300-subscription limit)
    order_info: dict[str, OrderInfo] = field(default_factory=dict)
    #: the orders' total when the console knows it (an existing schedule's total)
    total: Decimal | None = None
    #: the schedule being edited (``None``: a new one)
    schedule: InvoiceSchedule | None = None

    @property
    def places(self) -> int:
        return decimals(self.currency)

    @property
    def is_new(self) -> bool:
        return self.schedule is None

    @property
    def orders_editable(self) -> bool:
        return self.schedule is None or self.schedule.status is InvoiceScheduleStatus.PENDING

    @property
    def orders_locked_reason(self) -> str | None:
        if self.orders_editable:
            return None
        assert self.schedule is not None
        return (
            f"{self.schedule.number} is {self.schedule.status.value}: orders change only "
            "while the schedule is Pending"
        )

    def copy(self) -> FormState:
        return replace(
            self,
            orders=list(self.orders),
            items=[replace(i) for i in self.items],
            specific_subscriptions=list(self.specific_subscriptions),
            subscriptions=list(self.subscriptions),
            order_info=dict(self.order_info),
        )

    # ------------------------------------------------------------------ editing helpers

    def add_item(self, at: int | None = None) -> int:
        """A blank Pending row after ``at`` (default: at the end); returns its index."""
        index = len(self.items) if at is None else max(0, min(at + 1, len(self.items)))
        self.items.insert(index, ItemRow(name=f"Installment {len(self.items) + 1}"))
        return index

    def remove_item(self, index: int) -> str | None:
        """Remove a row; the reason when it may not be removed."""
        if not 0 <= index < len(self.items):
            return "no row there"
        row = self.items[index]
        if row.locked is not None:
            return f"{row.name or 'this item'} cannot be removed: {row.locked}"
        del self.items[index]
        return None

    def editable_rows(self) -> list[int]:
        return [n for n, row in enumerate(self.items) if row.editable]

    def split(self, count: int, *, total: Decimal | None = None, percent: bool = False) -> None:
        """Replace the editable rows by ``count`` equal ones: amounts of what is left of the
        total after the locked rows, or percentages of 100 (remainder on the last)."""
        if count < 1:
            raise ValueError("split into at least one item")
        locked = [row for row in self.items if not row.editable]
        editable = [row for row in self.items if row.editable]
        if percent:
            taken = sum((_percentage(r) or Decimal(0) for r in locked), Decimal(0))
            values = [
                f"{v}%"
                for v in split_total((Decimal(100) - taken).quantize(Decimal("0.01")), count, 2)
            ]
        else:
            whole = total if total is not None else self.total
            if whole is None:
                raise ValueError("give the total to split (the console does not know it yet)")
            left = whole - sum((r.original.amount for r in locked if r.original), Decimal(0))
            if left <= 0:
                raise ValueError("nothing is left to split after the processed items")
            values = [format_value(v, self.places) for v in split_total(left, count, self.places)]
        rows: list[ItemRow] = []
        for n, value in enumerate(values):
            old = editable[n] if n < len(editable) else None
            name = f"Installment {len(locked) + n + 1}/{len(locked) + count}"
            rows.append(
                ItemRow(
                    name=name,
                    run_date=old.run_date if old else "",
                    value=value,
                    id=old.id if old else None,
                    original=old.original if old else None,
                )
            )
        self.items = locked + rows

    def fill_dates(self, start: date, every_months: int) -> None:
        """Run dates for the editable rows: ``start``, then every ``every_months`` months."""
        rows = [row for row in self.items if row.editable]
        for row, day in zip(rows, series(start, len(rows), every_months), strict=True):
            row.run_date = day.isoformat()

    def order_of(self, subscription: str) -> str | None:
        """The order (of this form's) a specific subscription belongs to: as stored, else the
        first order whose known subscriptions name it; ``None`` when none does."""
        for spec in self.specific_subscriptions:
            if spec.subscription_key == subscription and spec.order_key in self.orders:
                return spec.order_key
        for order in self.orders:
            info = self.order_info.get(order)
            if info is not None and subscription in info.subscriptions:
                return order
        return None

    def resolve_specific(self) -> tuple[list[SpecificSubscription], list[str]]:
        """The typed specific subscriptions as Zuora takes them (order, subscription, charge
        numbers as stored), and the numbers no order of the form is known to hold."""
        stored = {s.subscription_key: s for s in self.specific_subscriptions}
        specs: list[SpecificSubscription] = []
        unknown: list[str] = []
        for number in self.subscriptions:
            order = self.order_of(number)
            if order is None:
                unknown.append(number)
                continue
            old = stored.get(number)
            charges = list(old.charge_numbers) if old and old.order_key == order else []
            specs.append(
                SpecificSubscription(
                    order_key=order, subscription_key=number, charge_numbers=charges
                )
            )
        return specs, unknown

    def known_subscriptions(self) -> list[tuple[str, str]]:
        """(order, subscription) of every subscription the form knows its orders to hold."""
        return [
            (order, number)
            for order in self.orders
            for number in (self.order_info[order].subscriptions if order in self.order_info else ())
        ]

    def subscription_count(self) -> int:
        """Subscriptions the schedule covers: an order's specific ones, or all of them."""
        specs, unknown = self.resolve_specific()
        numbers: set[str] = set(unknown)
        for order in self.orders:
            specific = [s.subscription_key for s in specs if s.order_key == order]
            if specific:
                numbers.update(specific)
            else:
                info = self.order_info.get(order)
                numbers.update(info.subscriptions if info else ())
        return len(numbers)


def _percentage(row: ItemRow) -> Decimal | None:
    if row.original is not None and row.original.percentage is not None and not row.editable:
        return row.original.percentage
    text = row.value.strip()
    if text.endswith("%"):
        try:
            return Decimal(text[:-1].strip())
        except ArithmeticError:
            return None
    return None


def format_value(amount: Decimal, places: int) -> str:
    return f"{amount:.{places}f}"


def _row_of(item: ScheduleItem, schedule: InvoiceSchedule, places: int) -> ItemRow:
    value = (
        f"{item.percentage.normalize():f}%"
        if item.percentage is not None
        else format_value(item.amount, places)
    )
    locked = None
    if item.status is not ScheduleItemStatus.PENDING:
        document = item.invoice_number or item.credit_memo_number
        locked = (
            f"{item.status.value}"
            + (f" ({document})" if document else "")
            + (": only Pending items can change")
        )
    return ItemRow(
        name=item.name or "",
        run_date=item.run_date.isoformat() if item.run_date else "",
        value=value,
        id=item.id,
        status=item.status,
        locked=locked,
        original=item,
    )


def edit_state(
    schedule: InvoiceSchedule, account_key: str, order_info: dict[str, OrderInfo] | None = None
) -> FormState:
    """The form over an existing schedule, as stored."""
    places = decimals(schedule.currency)
    return FormState(
        account_key=account_key,
        currency=schedule.currency,
        orders=list(schedule.orders),
        items=[_row_of(i, schedule, places) for i in schedule.schedule_items],
        notes=schedule.notes or "",
        invoice_separately=schedule.invoice_separately,
        specific_subscriptions=[s.model_copy(deep=True) for s in schedule.specific_subscriptions],
        subscriptions=[s.subscription_key for s in schedule.specific_subscriptions],
        order_info=dict(order_info or {}),
        total=schedule.total_amount,
        schedule=schedule,
    )


def new_state(
    account_key: str,
    currency: str,
    order: OrderInfo,
    *,
    start: date,
    count: int = 3,
) -> FormState:
    """A new schedule for ``order``: ``count`` equal percentages, monthly from ``start``."""
    state = FormState(
        account_key=account_key,
        currency=currency,
        orders=[order.order_number],
        order_info={order.order_number: order},
    )
    values = split_percentages(count)
    for n, (value, day) in enumerate(zip(values, series(start, count, 1), strict=True), 1):
        state.items.append(
            ItemRow(name=f"Installment {n}/{count}", run_date=day.isoformat(), value=f"{value}%")
        )
    return state
