"""The action registry and the rules behind every refusal, without a UI."""

from __future__ import annotations

from decimal import Decimal

from backends.models import (
    BillRun,
    BillRunStatus,
    DocumentStatus,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    ScheduleItem,
    ScheduleItemStatus,
)
from tui import actions
from tui.commands import parse_object_number
from tui.operations import rules


def schedule(status: InvoiceScheduleStatus, *item_status: ScheduleItemStatus) -> InvoiceSchedule:
    items = [
        ScheduleItem(
            id=f"i{n}", amount=Decimal(100), actual_amount=Decimal(100), status=s, name=None
        )
        for n, s in enumerate(item_status, 1)
    ]
    return InvoiceSchedule(
        id="s",
        number="IS-00000009",
        account_id="a",
        status=status,
        currency="USD",
        total_amount=Decimal(300),
        actual_amount=Decimal(300),
        billed_amount=Decimal(0),
        unbilled_amount=Decimal(300),
        schedule_items=items,
    )


P, E, D = ScheduleItemStatus.PENDING, ScheduleItemStatus.EXECUTING, ScheduleItemStatus.PROCESSED


def test_registry_ids_are_unique_and_every_dangerous_action_is_known() -> None:
    ids = [a.id for a in actions.ACTIONS]
    assert len(ids) == len(set(ids))
    dangerous = {a.id for a in actions.ACTIONS if a.dangerous}
    assert dangerous == {
        "generate",
        "post",
        "pause_resume",
        "create_bill_run",
        "advance_clock",
        "unpost",
        "cancel_invoice",
        "reverse",
        "post_marked",
        "post_run_invoices",
        "post_bill_run",
        "cancel_bill_run",
        "delete_bill_run",
        "new_schedule",
        "edit_schedule",
        "delete_schedule",
        "charges",
        "generate_documents",
        "new_bill_run",
        "post_document",
        "form_save",
        "charges_apply",
    }
    hidden = {a.id for a in actions.ACTIONS if a.read_only_hidden}
    assert hidden == {
        "mark",
        "charges_mark",
        "fault_add",
        "fault_delete",
        "fault_clear",
        "fault_panel",
    }
    keys = {a.id: a.key for a in actions.ACTIONS}
    assert keys["generate"] == "g" and keys["refresh"] == "r" and keys["post"] == "p"
    assert keys["pause_resume"] == "z" and keys["create_bill_run"] == "b"
    assert keys["advance_clock"] == "t" and keys["command_palette"] == "ctrl+p"
    assert (keys["unpost"], keys["cancel_invoice"], keys["reverse"]) == ("u", "x", "v")
    assert (keys["mark"], keys["post_marked"], keys["bill_runs"]) == ("space", "M", "B")
    assert (keys["post_bill_run"], keys["cancel_bill_run"], keys["delete_bill_run"]) == (
        "p",
        "x",
        "d",
    )
    assert keys["fault_panel"] == "F" and keys["filter_status"] == "f"
    assert (keys["accounts"], keys["documents"], keys["generate_documents"]) == ("A", "I", "G")
    assert (keys["confirm_yes"], keys["confirm_no"]) == ("y", "n,escape")
    assert keys["help_close"] == "escape,q,question_mark"
    assert {"confirm_yes", "confirm_no", "help_close"} <= actions.REMAPPABLE_IDS


def test_bindings_carry_registry_ids() -> None:
    bindings = actions.bindings_for(actions.SCHEDULE)
    assert {(b.key, b.action, b.id) for b in bindings} >= {
        ("g", "op('generate')", "generate"),
        ("z", "op('pause')", "pause_resume"),
        ("z", "op('resume')", "pause_resume"),
    }
    assert actions.by_method("screen.resume") is actions.by_id("pause_resume")
    assert actions.by_method("op('resume')") is actions.by_id("pause_resume")
    assert actions.action_method("op", ("generate",)) == "generate"


def test_generate_only_the_earliest_pending_item_of_an_unpaused_schedule() -> None:
    s = schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, D, P, P)
    assert rules.generate_refusal(s, s.schedule_items[1]) is None
    assert "earliest Pending" in (rules.generate_refusal(s, s.schedule_items[2]) or "")
    assert "already Processed" in (rules.generate_refusal(s, s.schedule_items[0]) or "")
    paused = schedule(InvoiceScheduleStatus.PAUSED, P, P)
    assert "Paused" in (rules.generate_refusal(paused, paused.schedule_items[0]) or "")
    busy = schedule(InvoiceScheduleStatus.PENDING, E, P)
    assert "Executing" in (rules.generate_refusal(busy, busy.schedule_items[0]) or "")
    # the next item waits for the running bill run: the engine refuses a second one
    assert "still Executing" in (rules.generate_refusal(busy, busy.schedule_items[1]) or "")
    assert rules.generate_refusal(None, None) is not None
    assert rules.generate_refusal(s, None) is not None


def test_other_rules() -> None:
    pending = schedule(InvoiceScheduleStatus.PENDING, P)
    done = schedule(InvoiceScheduleStatus.FULLY_PROCESSED, D)
    paused = schedule(InvoiceScheduleStatus.PAUSED, P)
    assert rules.pause_refusal(pending) is None and rules.pause_refusal(paused)
    # Zuora pauses a FullyProcessed schedule too
    assert rules.pause_refusal(done) is None and rules.resume_refusal(pending)
    assert rules.resume_refusal(paused) is None
    assert rules.create_bill_run_refusal(done) is None
    assert "FullyProcessed" in (rules.create_bill_run_refusal(pending) or "")
    assert rules.post_refusal("invoice", "INV1", DocumentStatus.DRAFT) is None
    assert "Posted" in (rules.post_refusal("invoice", "INV1", DocumentStatus.POSTED) or "")
    assert rules.post_refusal("invoice", None, None)


def test_document_and_bill_run_rules() -> None:
    posted, draft = DocumentStatus.POSTED, DocumentStatus.DRAFT
    assert rules.unpost_refusal("invoice", "INV1", posted) is None
    assert "only a Posted" in (rules.unpost_refusal("invoice", "INV1", draft) or "")
    assert "reversed" in (rules.unpost_refusal("invoice", "INV1", posted, True) or "")
    assert rules.cancel_invoice_refusal("INV1", draft) is None
    assert "only a Draft" in (rules.cancel_invoice_refusal("INV1", posted) or "")
    assert rules.reverse_refusal("INV1", posted) is None
    assert "only a Posted" in (rules.reverse_refusal("INV1", draft) or "")
    assert "already reversed" in (rules.reverse_refusal("INV1", posted, True) or "")
    assert "paid" in (rules.reverse_refusal("INV1", posted, False, Decimal(5)) or "")
    run = BillRun(id="r", bill_run_number="BR-00000001", status=BillRunStatus.COMPLETED)
    assert rules.bill_run_refusal("post_bill_run", run) is None
    assert rules.bill_run_refusal("cancel_bill_run", run) is None
    assert "Canceled or Error" in (rules.bill_run_refusal("delete_bill_run", run) or "")
    run.status = BillRunStatus.POSTED
    assert "only a Completed bill run" in (rules.bill_run_refusal("post_bill_run", run) or "")
    run.status = BillRunStatus.ERROR
    assert rules.bill_run_refusal("delete_bill_run", run) is None
    assert rules.bill_run_refusal("post_bill_run", None) is not None


def test_modal_keys_are_remappable_and_checked() -> None:
    assert actions.keymap_problem({"confirm_yes": "Y", "help_close": "escape"}) is None
    problem = actions.keymap_problem({"confirm_yes": "n"})
    assert problem is not None and problem[0] == "confirm_yes"
    # a modal's own key may repeat a global key: the modal's binding wins
    assert actions.keymap_problem({"confirm_yes": "q"}) is None


def test_object_numbers_for_the_palette() -> None:
    assert parse_object_number("is-00000001") == ("schedule", "invoice schedule", "IS-00000001")
    assert parse_object_number("O-00000007")[0] == "order"  # type: ignore[index]
    assert parse_object_number("INV00000001")[0] == "invoice"  # type: ignore[index]
    assert parse_object_number("CM00000001")[0] == "credit_memo"  # type: ignore[index]
    assert parse_object_number("BR-00000001")[0] == "bill_run"  # type: ignore[index]
    assert parse_object_number("generate") is None
