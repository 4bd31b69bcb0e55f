"""Detach and attach charges: the schedule's charges, their state, marks, and the requests.

The contract names a schedule's charges only through what they billed (invoice lines carry the
subscription and charge numbers) and says nothing of what was detached: Zuora's schedule carries
no list of detached charges. So a charge counts as *detached from this schedule* when this
console detached it (the :class:`DetachLedger`, one per app session); attaching is offered for
those only. The backend stays the arbiter of both.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from backends.models import (
    DocumentStatus,
    InvoiceItem,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    SpecificSubscription,
)

__all__ = [
    "ChargeRow",
    "Charges",
    "DetachLedger",
    "charge_rows",
    "charges_refusal",
    "ledger_for",
    "specs_for",
]

State = Literal["attached", "detached"]


@dataclass(frozen=True)
class ChargeRow:
    order: str
    subscription: str
    charge: str
    #: invoice numbers of this schedule that billed the charge
    billed_on: tuple[str, ...]
    state: State


@dataclass
class DetachLedger:
    """Charges this console detached, per schedule id: charge → (order, subscription)."""

    detached: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)

    def of(self, schedule_id: str) -> dict[str, tuple[str, str]]:
        return self.detached.get(schedule_id, {})

    def record_detach(self, schedule_id: str, rows: Iterable[ChargeRow]) -> None:
        book = self.detached.setdefault(schedule_id, {})
        for row in rows:
            book[row.charge] = (row.order, row.subscription)

    def record_attach(self, schedule_id: str, rows: Iterable[ChargeRow]) -> None:
        book = self.detached.get(schedule_id, {})
        for row in rows:
            book.pop(row.charge, None)


_LEDGERS: weakref.WeakKeyDictionary[object, DetachLedger] = weakref.WeakKeyDictionary()


def ledger_for(app: object) -> DetachLedger:
    """The app session's ledger (created on first use)."""
    ledger = _LEDGERS.get(app)
    if ledger is None:
        ledger = _LEDGERS[app] = DetachLedger()
    return ledger


def charges_refusal(schedule: InvoiceSchedule | None) -> str | None:
    """Why ``c`` may not open on this schedule (Zuora: PartiallyProcessed or FullyProcessed)."""
    if schedule is None:
        return "the schedule is still loading"
    if schedule.status not in {
        InvoiceScheduleStatus.PARTIALLY_PROCESSED,
        InvoiceScheduleStatus.FULLY_PROCESSED,
    }:
        return (
            f"{schedule.number} is {schedule.status.value}: charges can be detached or attached "
            "only on a PartiallyProcessed or FullyProcessed schedule"
        )
    return None


def detach_refusal(schedule: InvoiceSchedule) -> str | None:
    """Zuora detaches only when every invoice the schedule produced is posted."""
    for item in schedule.schedule_items:
        if item.invoice_id and item.invoice_status is DocumentStatus.DRAFT:
            return (
                f"{item.invoice_number or 'an invoice'} of {schedule.number} is Draft: post "
                "every invoice of the schedule before detaching charges"
            )
    return None


def charge_rows(
    schedule: InvoiceSchedule,
    subscriptions_of_order: Mapping[str, tuple[str, ...]],
    lines: Mapping[str, list[InvoiceItem]],
    ledger: DetachLedger,
) -> list[ChargeRow]:
    """Every charge the schedule billed (``lines``: invoice number → its lines) and every
    charge this console detached from it, each with its order, subscription and state."""
    detached = ledger.of(schedule.id)

    def order_of(subscription: str) -> str:
        for spec in schedule.specific_subscriptions:
            if spec.subscription_key == subscription:
                return spec.order_key
        for order in schedule.orders:
            if subscription in subscriptions_of_order.get(order, ()):
                return order
        return schedule.orders[0] if schedule.orders else ""

    billed: dict[str, tuple[str, list[str]]] = {}
    for invoice, items in lines.items():
        for line in items:
            if line.invoice_schedule_id not in (None, schedule.id) or not line.charge_number:
                continue
            sub, invoices = billed.setdefault(
                line.charge_number, (line.subscription_number or "", [])
            )
            if invoice not in invoices:
                invoices.append(invoice)
    rows: list[ChargeRow] = []
    for charge, (sub, invoices) in billed.items():
        order, subscription = detached.get(charge, (order_of(sub), sub))
        rows.append(
            ChargeRow(
                order,
                subscription,
                charge,
                tuple(invoices),
                "detached" if charge in detached else "attached",
            )
        )
    for charge, (order, subscription) in detached.items():
        if charge not in billed:
            rows.append(ChargeRow(order, subscription, charge, (), "detached"))
    rows.sort(key=lambda r: (r.order, r.subscription, r.charge))
    return rows


def specs_for(rows: Iterable[ChargeRow]) -> list[SpecificSubscription]:
    """The detach / attach body: one entry per (order, subscription) with its charges."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        grouped.setdefault((row.order, row.subscription), []).append(row.charge)
    return [
        SpecificSubscription(order_key=o, subscription_key=s, charge_numbers=c)
        for (o, s), c in grouped.items()
    ]


@dataclass
class Charges:
    """The charges screen's state: the rows and the marks."""

    schedule: InvoiceSchedule
    rows: list[ChargeRow]
    marked: set[str] = field(default_factory=set)

    def toggle(self, charge: str) -> str | None:
        """Mark or unmark; the reason when the charge cannot be marked."""
        row = next((r for r in self.rows if r.charge == charge), None)
        if row is None:
            return "no charge there"
        if charge in self.marked:
            self.marked.discard(charge)
            return None
        if row.state == "attached":
            reason = detach_refusal(self.schedule)
            if reason is not None:
                return reason
        self.marked.add(charge)
        return None

    @property
    def to_detach(self) -> list[ChargeRow]:
        return [r for r in self.rows if r.charge in self.marked and r.state == "attached"]

    @property
    def to_attach(self) -> list[ChargeRow]:
        return [r for r in self.rows if r.charge in self.marked and r.state == "detached"]

    def lines(self) -> list[str]:
        out = [f"- detach {r.charge} ({r.subscription}, {r.order})" for r in self.to_detach]
        out += [f"+ attach {r.charge} ({r.subscription}, {r.order})" for r in self.to_attach]
        return out
