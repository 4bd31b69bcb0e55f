"""The parts of the operation layer that need no UI: inputs, the watcher's outcome sentences,
the breadcrumb fitting, key names from the keymap, and that every action is declared once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backends.models import (
    BillRun,
    BillRunDocuments,
    BillRunStatus,
    CreditMemo,
    DocumentStatus,
    Invoice,
)
from tui import actions
from tui.keys import KeyNames
from tui.operations import OPERATIONS
from tui.operations.base import Field, Watch
from tui.watcher import outcome
from tui.widgets.header import fit_crumbs


def test_every_operation_is_declared_once_and_every_registry_operation_has_one() -> None:
    declared = {op.action_id for op in OPERATIONS.values()}
    flagged = {spec.id for spec in actions.ACTIONS if spec.operation}
    assert declared == flagged
    for spec in actions.ACTIONS:
        if spec.operation:
            for method in [m for m, _ in spec.methods] or [spec.id]:
                assert OPERATIONS[method].action_id == spec.id


def test_a_date_field_parses_with_its_default_and_range() -> None:
    field = Field("d", "Memo date", kind="date", default=date(2026, 4, 1), minimum=date(2026, 4, 1))
    assert field.range_text() == "on or after 2026-04-01"
    assert field.parse("") == date(2026, 4, 1)
    assert field.parse(" 2026-04-02 ") == date(2026, 4, 2)
    with pytest.raises(ValueError, match="too early"):
        field.parse("2026-03-31")
    with pytest.raises(ValueError, match="not a date"):
        field.parse("tomorrow")
    amount = Field("a", "Amount", kind="decimal", minimum=Decimal("0.01"))
    assert amount.parse("1,000.50") == Decimal("1000.50")
    choice = Field("c", "Preset", kind="choice", choices=("x", "y"))
    with pytest.raises(ValueError):
        choice.parse("z")


def _invoice(number: str, amount: str) -> Invoice:
    return Invoice(
        id=number.lower(),
        invoice_number=number,
        account_id="a",
        status=DocumentStatus.DRAFT,
        currency="USD",
        amount=Decimal(amount),
        amount_without_tax=Decimal(amount),
        balance=Decimal(amount),
        invoice_date=date(2026, 3, 2),
    )


def test_the_watcher_names_documents_with_numbers_and_amounts() -> None:
    run = BillRun(id="r", bill_run_number="BR-00000009", status=BillRunStatus.COMPLETED)
    generate = Watch("r", "BR-00000009", "generate", "IS-00000001 Installment 1/3", "invoice")
    docs = BillRunDocuments(invoices=[_invoice("INV00000009", "1000")])
    assert outcome(generate, run, docs)[1] == (
        "IS-00000001 Installment 1/3 is Processed: invoice INV00000009 for 1,000.00 USD (Draft)"
    )
    credit = Watch("r", "BR-00000009", "create_bill_run", "IS-00000004", "credit")
    assert outcome(credit, run, BillRunDocuments())[1].startswith(
        "No credit memo: nothing to credit"
    )
    memo = CreditMemo(
        id="m",
        number="CM00000002",
        account_id="a",
        status=DocumentStatus.DRAFT,
        currency="USD",
        amount=Decimal(200),
        unapplied_amount=Decimal(200),
        credit_memo_date=date(2026, 3, 2),
    )
    said = outcome(credit, run, BillRunDocuments(credit_memos=[memo]))[1]
    assert said.startswith("Credit memo CM00000002 for 200.00 USD created")
    failed = run.model_copy(update={"status": BillRunStatus.ERROR})
    assert outcome(credit, failed, BillRunDocuments())[0] == "error"


def test_crumbs_put_the_current_screen_first_when_they_do_not_fit() -> None:
    parts = ["Orders", "O-00000002", "IS-00000002", "INV00000001"]
    assert fit_crumbs(parts, 80).startswith("Orders")
    narrow = fit_crumbs(parts, 30)
    assert narrow.startswith("INV00000001") and len(narrow) <= 30


def test_key_names_follow_the_keymap() -> None:
    keys = KeyNames({"generate": "G", "confirm_no": "N,escape"})
    assert keys.label("generate") == "Generate (G)"
    assert keys["confirm_no"] == "N" and keys.all("confirm_no") == ["N", "esc"]
    assert keys["help"] == "?" and keys["mark"] == "space"
