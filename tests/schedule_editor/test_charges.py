"""The charges of a schedule (from its subscriptions), their state, marks and the bodies."""

from __future__ import annotations

from backends.models import (
    DocumentStatus,
    InvoiceScheduleStatus,
    RatePlan,
    RatePlanCharge,
    SpecificSubscription,
    Subscription,
)
from tests.schedule_editor.factories import schedule
from tui.schedule_editor.charges import (
    Charges,
    charge_rows,
    charges_refusal,
    covered_subscriptions,
    specs_for,
)


def subscription(number: str, *charges: tuple[str, str | None]) -> Subscription:
    return Subscription(
        id=f"id-{number}",
        subscription_number=number,
        rate_plans=[
            RatePlan(
                rate_plan_name="Plan",
                rate_plan_charges=[
                    RatePlanCharge(number=c, name=f"Fee {c}", invoice_schedule_id=owner)
                    for c, owner in charges
                ],
            )
        ],
    )


def test_the_state_is_whichever_schedule_bills_the_charge() -> None:
    stored = schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, processed=1)
    rows = charge_rows(
        stored,
        [
            ("O-00000001", subscription("S-1", ("C-1", "sched1"), ("C-2", None))),
            ("O-00000001", subscription("S-2", ("C-3", "other-schedule"))),
        ],
    )
    assert [(r.order, r.subscription, r.charge, r.name, r.state) for r in rows] == [
        ("O-00000001", "S-1", "C-1", "Fee C-1", "attached"),
        ("O-00000001", "S-1", "C-2", "Fee C-2", "detached"),
        ("O-00000001", "S-2", "C-3", "Fee C-3", "other"),
    ]
    assert rows[2].other_schedule == "other-schedule" and not rows[2].markable


def test_covered_subscriptions_are_the_specific_ones_or_all_of_the_order() -> None:
    stored = schedule(InvoiceScheduleStatus.FULLY_PROCESSED, processed=3)
    stored.orders = ["O-00000001", "O-00000002"]
    stored.specific_subscriptions = [
        SpecificSubscription(order_key="O-00000002", subscription_key="S-9")
    ]
    of_order = {"O-00000001": ("S-1", "S-2"), "O-00000002": ("S-8", "S-9")}
    assert covered_subscriptions(stored, of_order) == [
        ("O-00000001", "S-1"),
        ("O-00000001", "S-2"),
        ("O-00000002", "S-9"),
    ]
    # a subscription two orders share is listed once, under the first
    assert covered_subscriptions(stored, {"O-00000001": ("S-9",)}) == [("O-00000001", "S-9")]


def test_marks_and_bodies() -> None:
    stored = schedule(InvoiceScheduleStatus.FULLY_PROCESSED, processed=3)
    rows = charge_rows(
        stored,
        [("O-00000001", subscription("S-1", ("C-1", "sched1"), ("C-2", "x"), ("C-3", None)))],
    )
    charges = Charges(stored, rows)
    assert charges.toggle("C-1") is None and charges.toggle("C-3") is None
    reason = charges.toggle("C-2")
    assert reason is not None and "billed by another invoice schedule" in reason
    assert [r.charge for r in charges.to_detach] == ["C-1"]
    assert [r.charge for r in charges.to_attach] == ["C-3"]
    assert charges.lines() == [
        "- detach C-1 (S-1, O-00000001)",
        "+ attach C-3 (S-1, O-00000001)",
    ]
    assert charges.toggle("C-1") is None and charges.to_detach == []
    assert charges.toggle("C-9") == "no charge there"
    body = specs_for([rows[0], rows[2]])
    assert [(s.order_key, s.subscription_key, s.charge_numbers) for s in body] == [
        ("O-00000001", "S-1", ["C-1", "C-3"])
    ]


def test_detach_needs_every_invoice_posted() -> None:
    stored = schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, processed=1)
    stored.schedule_items[0].invoice_status = DocumentStatus.DRAFT
    rows = charge_rows(stored, [("O-00000001", subscription("S-1", ("C-1", "sched1")))])
    reason = Charges(stored, rows).toggle("C-1")
    assert reason is not None and "INV00000001 of IS-00000001 is Draft" in reason
    # attaching back is not held by a Draft invoice: only the backend's rules apply
    rows = charge_rows(stored, [("O-00000001", subscription("S-1", ("C-1", None)))])
    assert Charges(stored, rows).toggle("C-1") is None


def test_charges_only_on_a_processed_schedule() -> None:
    assert charges_refusal(None) == "the schedule is still loading"
    reason = charges_refusal(schedule())
    assert reason is not None and "Pending" in reason
    assert charges_refusal(schedule(InvoiceScheduleStatus.PAUSED)) is not None
    assert charges_refusal(schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, 1)) is None
