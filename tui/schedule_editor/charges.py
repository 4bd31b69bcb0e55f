"""Detach and attach charges: the schedule's charges, their state, marks, and the requests.

The charges come from the subscriptions the schedule covers (each order's specific subscriptions,
or all of the order's subscriptions), read with ``get_subscription``: each charge names the
schedule that bills it now (``invoice_schedule_id``). So a charge is

* ``attached``: this schedule bills it (it can be detached);
* ``detached``: no schedule bills it. Zuora keeps no list of what was detached from where, so
  the console offers attaching any such charge of the schedule's subscriptions; Zuora takes back
  only charges detached from this schedule (with nothing billed since) and refuses the rest,
  which the console shows as the backend's refusal (inferred);
* ``other``: another schedule bills it; neither action applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from backends.models import (
    DocumentStatus,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    SpecificSubscription,
    Subscription,
)

__all__ = [
    "ChargeRow",
    "Charges",
    "charge_rows",
    "charges_refusal",
    "covered_subscriptions",
    "specs_for",
]

State = Literal["attached", "detached", "other"]


@dataclass(frozen=True)
class ChargeRow:
    order: str
    subscription: str
    charge: str
    name: str
    state: State
    #: the schedule billing it when that is another one (its id, as the subscription names it)
    other_schedule: str | None = None

    @property
    def markable(self) -> bool:
        return self.state != "other"


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


def covered_subscriptions(
    schedule: InvoiceSchedule, subscriptions_of_order: Mapping[str, tuple[str, ...]]
) -> list[tuple[str, str]]:
    """(order, subscription) the schedule covers, each subscription once, in order: an order's
    specific subscriptions when the schedule names some, else every subscription of the order."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for order in schedule.orders:
        specific = [
            s.subscription_key for s in schedule.specific_subscriptions if s.order_key == order
        ]
        for subscription in specific or subscriptions_of_order.get(order, ()):
            if subscription not in seen:
                seen.add(subscription)
                out.append((order, subscription))
    return out


def charge_rows(
    schedule: InvoiceSchedule,
    covered: Iterable[tuple[str, Subscription]],
) -> list[ChargeRow]:
    """Every charge of the covered subscriptions ((order, subscription) pairs), with its state."""
    rows: list[ChargeRow] = []
    for order, subscription in covered:
        for plan in subscription.rate_plans:
            for charge in plan.rate_plan_charges:
                owner = charge.invoice_schedule_id
                if owner in (schedule.id, schedule.number):
                    state: State = "attached"
                elif owner is None:
                    state = "detached"
                else:
                    state = "other"
                rows.append(
                    ChargeRow(
                        order,
                        subscription.subscription_number,
                        charge.number,
                        charge.name or plan.rate_plan_name or "",
                        state,
                        owner if state == "other" else None,
                    )
                )
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
        if row.state == "other":
            return (
                f"{row.charge} is billed by another invoice schedule: it can be neither "
                f"detached from nor attached to {self.schedule.number}"
            )
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
