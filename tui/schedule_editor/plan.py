"""The typed values behind the form: what a create or update would make of the schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from backends.models import InvoiceSchedule, ScheduleItem, SpecificSubscription

__all__ = ["ItemPlan", "SchedulePlan", "SpecKey", "plan_of_schedule", "specific_key"]

#: specific subscriptions as comparable values: (order, subscription, charge numbers)
SpecKey = tuple[tuple[str, str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class ItemPlan:
    """One item: ``amount`` xor ``percentage`` (as Zuora takes them); ``id`` for a kept one."""

    id: str | None
    name: str
    run_date: date | None
    amount: Decimal | None = None
    percentage: Decimal | None = None

    def same_values(self, other: ItemPlan) -> bool:
        return (
            self.name == other.name
            and self.run_date == other.run_date
            and self.amount == other.amount
            and self.percentage == other.percentage
        )


@dataclass(frozen=True)
class SchedulePlan:
    """The schedule as the form would leave it (the lists complete, in order)."""

    orders: tuple[str, ...]
    items: tuple[ItemPlan, ...]
    notes: str = ""
    invoice_separately: bool = False
    specific_subscriptions: SpecKey = ()


def item_plan(item: ScheduleItem) -> ItemPlan:
    if item.percentage is not None:
        return ItemPlan(item.id, item.name or "", item.run_date, percentage=item.percentage)
    return ItemPlan(item.id, item.name or "", item.run_date, amount=item.amount)


def specific_key(specs: list[SpecificSubscription]) -> SpecKey:
    return tuple((s.order_key, s.subscription_key, tuple(s.charge_numbers)) for s in specs)


def plan_of_schedule(schedule: InvoiceSchedule) -> SchedulePlan:
    """The stored schedule in the same terms, to diff the form's plan against."""
    return SchedulePlan(
        orders=tuple(schedule.orders),
        items=tuple(item_plan(i) for i in schedule.schedule_items),
        notes=schedule.notes or "",
        invoice_separately=schedule.invoice_separately,
        specific_subscriptions=specific_key(schedule.specific_subscriptions),
    )
