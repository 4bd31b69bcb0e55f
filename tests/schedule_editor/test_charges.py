"""The charges of a schedule, their state, marks and the detach / attach bodies."""

from __future__ import annotations

from decimal import Decimal

from backends.models import DocumentStatus, InvoiceItem, InvoiceScheduleStatus
from tests.schedule_editor.factories import schedule
from tui.schedule_editor.charges import (
    Charges,
    DetachLedger,
    charge_rows,
    charges_refusal,
    ledger_for,
    specs_for,
)


def line(charge: str, sub: str) -> InvoiceItem:
    return InvoiceItem(
        id=f"l-{charge}",
        charge_name="Installment",
        charge_amount=Decimal("10.00"),
        charge_number=charge,
        subscription_number=sub,
        invoice_schedule_id="sched1",
    )


def test_rows_from_invoice_lines_and_the_ledger() -> None:
    stored = schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, processed=1)
    ledger = DetachLedger()
    lines = {
        "INV00000001": [line("C-1", "S-1"), line("C-2", "S-2")],
        "INV00000002": [line("C-1", "S-1")],
    }
    rows = charge_rows(stored, {"O-00000001": ("S-1", "S-2")}, lines, ledger)
    assert [(r.order, r.subscription, r.charge, r.billed_on, r.state) for r in rows] == [
        ("O-00000001", "S-1", "C-1", ("INV00000001", "INV00000002"), "attached"),
        ("O-00000001", "S-2", "C-2", ("INV00000001",), "attached"),
    ]
    ledger.record_detach(stored.id, rows[:1])
    rows = charge_rows(stored, {"O-00000001": ("S-1", "S-2")}, lines, ledger)
    assert [r.state for r in rows] == ["detached", "attached"]
    ledger.record_attach(stored.id, rows[:1])
    assert ledger.of(stored.id) == {}


def test_marks_and_bodies() -> None:
    stored = schedule(InvoiceScheduleStatus.FULLY_PROCESSED, processed=3)
    ledger = DetachLedger()
    ledger.record_detach(stored.id, [])
    rows = charge_rows(
        stored,
        {"O-00000001": ("S-1",)},
        {"INV00000001": [line("C-1", "S-1"), line("C-2", "S-1"), line("C-3", "S-1")]},
        ledger,
    )
    ledger.record_detach(stored.id, rows[2:])
    rows = charge_rows(stored, {}, {"INV00000001": [line("C-1", "S-1")]}, ledger)
    charges = Charges(stored, rows)
    assert charges.toggle("C-1") is None and charges.toggle("C-3") is None
    assert [r.charge for r in charges.to_detach] == ["C-1"]
    assert [r.charge for r in charges.to_attach] == ["C-3"]
    assert charges.lines() == [
        "- detach C-1 (S-1, O-00000001)",
        "+ attach C-3 (S-1, O-00000001)",
    ]
    assert charges.toggle("C-1") is None and charges.to_detach == []
    assert charges.toggle("C-9") == "no charge there"
    body = specs_for(rows)
    assert [(s.order_key, s.subscription_key, s.charge_numbers) for s in body] == [
        ("O-00000001", "S-1", ["C-1", "C-3"])
    ]


def test_detach_needs_every_invoice_posted() -> None:
    stored = schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, processed=1)
    stored.schedule_items[0].invoice_status = DocumentStatus.DRAFT
    rows = charge_rows(stored, {}, {"INV00000001": [line("C-1", "S-1")]}, DetachLedger())
    reason = Charges(stored, rows).toggle("C-1")
    assert reason is not None and "INV00000001 of IS-00000001 is Draft" in reason


def test_charges_only_on_a_processed_schedule() -> None:
    assert charges_refusal(None) == "the schedule is still loading"
    reason = charges_refusal(schedule())
    assert reason is not None and "Pending" in reason
    assert charges_refusal(schedule(InvoiceScheduleStatus.PAUSED)) is not None
    assert charges_refusal(schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, 1)) is None


def test_one_ledger_per_app() -> None:
    class App:
        pass

    a, b = App(), App()
    assert ledger_for(a) is ledger_for(a) and ledger_for(a) is not ledger_for(b)
