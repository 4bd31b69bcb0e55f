"""Pilot tests for stepping back and working in batches (issue 8, the console half):
unpost / cancel / reverse, the bill runs screen, multi-select and bulk post, invoice lines."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from textual.widgets import DataTable

from backends.errors import BusinessRuleError
from backends.models import BillRunStatus, DocumentStatus, ScheduleItemStatus
from tui.screens.bill_run import BillRunScreen
from tui.screens.bill_runs import BillRunsScreen
from tui.screens.help import help_rows
from tui.screens.invoice import CreditMemoScreen, InvoiceScreen
from tui.screens.schedule import ScheduleScreen
from tui.widgets.confirm import ConfirmDialog

from .tui_helpers import Spy, demo_backend, make_app, messages, open_schedule, settle

NEW_DANGEROUS_KEYS = {"u", "x", "v", "M"}


async def open_bill_runs(pilot: Any) -> BillRunsScreen:
    await settle(pilot)
    await pilot.press("B")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BillRunsScreen)
    return screen


def cells(screen: Any, table_id: str, row: int) -> list[str]:
    return [str(c) for c in screen.query_one(table_id, DataTable).get_row_at(row)]


def dialog_text(app: Any) -> str:
    dialog = app.screen
    assert isinstance(dialog, ConfirmDialog)
    return f"{dialog.title_text}\n{dialog.body}\n{dialog.environment}"


def goto_run(screen: BillRunsScreen, number: str) -> None:
    table = screen.table
    index = next(n for n, r in enumerate(table.items) if r.bill_run_number == number)
    table.move_cursor(row=index)


# ---------------------------------------------------------------- unpost, cancel, reverse


async def test_unpost_then_cancel_from_a_schedule_row_and_generate_again() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000009")  # item 1: INV00000007 Posted
        assert "Posted" in cells(screen, "#items", 0)[6]
        await pilot.press("u")
        await settle(pilot)
        text = dialog_text(app)
        assert "Unpost invoice INV00000007?" in text and "613.56 USD" in text
        assert "FAKE" in text and "back to Draft" in text
        await pilot.press("y")
        await settle(pilot)
        assert "INV00000007 Draft" in cells(screen, "#items", 0)[6]
        await pilot.press("x")
        await settle(pilot)
        text = dialog_text(app)
        assert "Cancel invoice INV00000007?" in text and "613.56 USD" in text
        assert "back to Pending" in text
        await pilot.press("y")
        await settle(pilot)
        assert screen.schedule is not None
        item = screen.schedule.schedule_items[0]
        assert item.status is ScheduleItemStatus.PENDING and item.invoice_id is None
        assert "Generate" in cells(screen, "#items", 0)[6]  # it can be generated again
        assert screen.refusal("generate") is None
        log = [(e.action, e.object, e.outcome) for e in app.action_log.entries]
        assert log == [
            ("unpost", "INV00000007", "ok"),
            ("cancel_invoice", "INV00000007", "ok"),
        ]
        assert "Invoice INV00000007 canceled (613.56 USD)" in messages(app)


async def test_reverse_says_a_credit_memo_is_created_and_creates_it() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000004")  # INV00000003 Posted, 600.00
        await pilot.press("v")
        await settle(pilot)
        text = dialog_text(app)
        assert "Reverse invoice INV00000003?" in text
        assert "credit memo of 600.00 USD will be created" in text and "FAKE" in text
        await pilot.press("y")
        await settle(pilot)
        note = messages(app)[-1]
        assert note.startswith("Invoice INV00000003 reversed by credit memo CM")
        invoice = await backend.get_invoice("INV00000003")
        assert invoice.reversed
        assert screen.schedule is not None
        assert screen.schedule.schedule_items[0].status is ScheduleItemStatus.PENDING
        assert app.action_log.entries[-1].action == "reverse"


async def test_the_invoice_screen_unposts_and_refuses_what_its_state_forbids() -> None:
    backend = demo_backend()
    spy = Spy(backend, "cancel_invoice")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("invoice", "INV00000002")  # Posted
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InvoiceScreen)
        await pilot.press("x")  # cancel: only a Draft
        await settle(pilot)
        assert app.screen is screen and "only a Draft invoice can be canceled" in messages(app)[-1]
        await pilot.press("u", "y")
        await settle(pilot)
        assert screen.document is not None and screen.document.status is DocumentStatus.DRAFT
        await pilot.press("v")  # reverse: only a Posted
        await settle(pilot)
        assert app.screen is screen and "only a Posted invoice" in messages(app)[-1]
        await pilot.press("u")  # unpost again: it is Draft now
        await settle(pilot)
        assert app.screen is screen and "only a Posted invoice can be unposted" in messages(app)[-1]
        assert spy.calls == []
        outcomes = [(e.action, e.outcome) for e in app.action_log.entries]
        assert outcomes == [
            ("cancel_invoice", "refused"),
            ("unpost", "ok"),
            ("reverse", "refused"),
            ("unpost", "refused"),
        ]


async def test_unpost_a_credit_memo_and_the_backend_refusing_an_applied_one() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000004")
        await pilot.press("b", "y")  # the credit bill run: a Draft credit memo of 200.00
        await settle(pilot)
        await backend.settle()
        await pilot.press("r")
        await settle(pilot)
        screen.table.move_cursor(row=screen.table.row_count - 1)
        await pilot.press("m", "p", "y")
        await settle(pilot)
        memo_screen = app.screen
        assert isinstance(memo_screen, CreditMemoScreen)
        assert memo_screen.document is not None
        assert memo_screen.document.status is DocumentStatus.POSTED
        await pilot.press("u")
        await settle(pilot)
        assert "Unpost credit memo CM" in dialog_text(app) and "200.00 USD" in dialog_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert memo_screen.document.status is DocumentStatus.DRAFT
        # a reversal's memo is applied to its invoice: the backend refuses, one notification
        memo = await backend.reverse_invoice("INV00000003")
        app.open_object("credit_memo", memo.id)
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        # the console's rule sees it applied, as the engine would: refused, nothing called
        assert "cannot be unposted" in messages(app)[-1]
        assert app.action_log.entries[-1].outcome == "refused"
        assert isinstance(app.screen, CreditMemoScreen) and not app.in_flight


async def test_row_refusals_and_no_as_an_answer_call_nothing() -> None:
    backend = demo_backend()
    spies = {name: Spy(backend, name) for name in ("unpost_invoice", "reverse_invoice")}
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000002")  # item 1 Draft, items 2-3 nothing
        await pilot.press("u")
        await settle(pilot)
        assert "only a Posted invoice can be unposted" in messages(app)[-1]
        await pilot.press("v")
        await settle(pilot)
        assert "only a Posted invoice can be reversed" in messages(app)[-1]
        await pilot.press("down", "x")
        await settle(pilot)
        assert "has no invoice" in messages(app)[-1]
        assert screen.refusal("cancel_invoice") is not None
        await open_schedule(pilot, "IS-00000004")
        await pilot.press("v", "n")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert all(spy.calls == [] for spy in spies.values())
        assert [e.outcome for e in app.action_log.entries] == ["refused"] * 3 + ["cancelled"]


async def test_second_press_while_an_unpost_is_in_flight_does_nothing() -> None:
    backend = demo_backend()
    spy = Spy(backend, "unpost_invoice", gated=True)
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000009")
        await pilot.press("u", "y")
        await pilot.pause()
        assert len(spy.calls) == 1 and app.busy_count == 1
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ScheduleScreen)  # no second dialog
        assert "already in progress" in messages(app)[-1]
        spy.gate.set()
        await settle(pilot)
        assert len(spy.calls) == 1 and app.busy_count == 0 and not app.in_flight


async def test_a_refusal_from_the_backend_is_one_notification_with_its_code() -> None:
    backend = demo_backend()

    async def refuse(*args: Any, **kwargs: Any) -> Any:
        raise BusinessRuleError("Invoice has applied credit; unapply it first", code=53200040)

    backend.unpost_invoice = refuse
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000009")
        await pilot.press("u", "y")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "53200040" in errors[0].message
        assert "unapply it first" in errors[0].message
        assert app.screen is screen and "Posted" in cells(screen, "#items", 0)[6]
        assert app.action_log.entries[-1].outcome == "error" and not app.in_flight


async def test_read_only_removes_the_new_keys_and_refuses_them() -> None:
    backend = demo_backend()
    spy = Spy(backend, "unpost_invoice")
    app = make_app(backend, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000009")
        bound = set(app.screen.active_bindings)
        assert not NEW_DANGEROUS_KEYS & bound and "space" not in bound
        assert "F" not in bound and "B" in bound  # the bill runs list is read-only safe
        ids = {r[2] for r in help_rows(app, app.screen)}
        assert not ids & {"unpost", "cancel_invoice", "reverse", "mark", "post_marked"}
        await pilot.press(*NEW_DANGEROUS_KEYS, "space")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen) and not screen.marked
        for op_id in ("unpost", "cancel_invoice", "reverse", "mark", "post_marked"):
            screen.action_op(op_id)
        await settle(pilot)
        assert spy.calls == [] and isinstance(app.screen, ScheduleScreen)
        refusals = [e for e in app.action_log.entries if e.outcome == "refused"]
        assert len(refusals) == 5 and all("read-only" in e.result for e in refusals)
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BillRunsScreen)
        assert not {"p", "x", "d"} & set(app.screen.active_bindings)


# ---------------------------------------------------------------- bill runs


async def test_bill_runs_newest_first_filter_and_paging_from_the_backend() -> None:
    backend = demo_backend()
    spy = Spy(backend, "list_bill_runs")
    app = make_app(backend, page_size=10)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_bill_runs(pilot)
        table = screen.table
        assert table.row_count == 10 and table.get_row_at(0)[0] == "BR-00000027"
        assert [r.bill_run_number for r in table.items][:3] == [
            "BR-00000027",
            "BR-00000026",
            "BR-00000025",
        ]
        assert spy.kwargs[0] == {"status": None, "page_size": 10, "cursor": None}
        status = str(screen.query_one("#status").content)
        assert "10 bill runs loaded · more available" in status and "newest first" in status
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert table.row_count == 20 and spy.kwargs[-1]["cursor"] is not None
        for wanted in (BillRunStatus.PENDING, BillRunStatus.PROCESSING, BillRunStatus.COMPLETED):
            await pilot.press("f")
            await settle(pilot)
            assert spy.kwargs[-1]["status"] is wanted and spy.kwargs[-1]["cursor"] is None
        assert {r.status for r in table.items} == {BillRunStatus.COMPLETED}
        assert table.row_count == 5 and "(Completed)" in str(screen.query_one("#status").content)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BillRunScreen)
        assert app.screen.bill_run is not None
        assert app.screen.bill_run.bill_run_number == "BR-00000024"


async def test_bill_runs_from_the_palette_too() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Bill runs")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BillRunsScreen)


async def test_post_a_completed_run_and_refuse_a_posted_one() -> None:
    backend = demo_backend()
    spy = Spy(backend, "post_bill_run")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_bill_runs(pilot)
        goto_run(screen, "BR-00000002")  # Posted
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is screen and "only a Completed bill run" in messages(app)[-1]
        goto_run(screen, "BR-00000001")  # Completed, one Draft invoice of 2,000.00
        await pilot.press("p")
        await settle(pilot)
        text = dialog_text(app)
        assert "Post bill run BR-00000001?" in text and "FAKE" in text
        assert "1 document: 1 invoice (2,000.00 USD) · 1 Draft" in text
        await pilot.press("y")
        await settle(pilot)
        assert len(spy.calls) == 1
        run = screen.current_run()
        assert run is not None and run.status is BillRunStatus.POSTED
        assert (await backend.get_invoice("INV00000001")).status is DocumentStatus.POSTED
        assert "Bill run BR-00000001 posted (Posted)" in messages(app)


async def test_cancel_then_delete_a_run_from_its_own_screen() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        runs = await open_bill_runs(pilot)
        goto_run(runs, "BR-00000009")  # Completed, INV00000008 Draft
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BillRunScreen)
        await pilot.press("d")  # delete: only Canceled or Error
        await settle(pilot)
        assert app.screen is screen and "only a Canceled or Error" in messages(app)[-1]
        await pilot.press("x")
        await settle(pilot)
        assert "Cancel bill run BR-00000009?" in dialog_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert screen.bill_run is not None and screen.bill_run.status is BillRunStatus.CANCELED
        await pilot.press("d")
        await settle(pilot)
        assert "Delete bill run BR-00000009?" in dialog_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is runs  # nothing left to show: back to the list, reloaded
        assert "BR-00000009" not in {r.bill_run_number for r in runs.table.items}
        log = [(e.action, e.outcome) for e in app.action_log.entries]
        assert log == [
            ("delete_bill_run", "refused"),
            ("cancel_bill_run", "ok"),
            ("delete_bill_run", "ok"),
        ]


async def test_the_bill_run_screen_lists_documents_from_the_backend() -> None:
    backend = demo_backend()
    spy = Spy(backend, "list_bill_run_documents")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        runs = await open_bill_runs(pilot)
        goto_run(runs, "BR-00000001")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BillRunScreen) and len(spy.calls) == 1
        row = cells(screen, "#documents", 0)
        assert row[1:5] == ["Invoice", "INV00000001", "Draft", "2,000.00 USD"]


# ---------------------------------------------------------------- multi-select and bulk post


async def test_mark_rows_and_bulk_post_with_mixed_results() -> None:
    backend = demo_backend()
    spy = Spy(backend, "post_invoices")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000009")  # item 1: INV00000007 Posted
        await pilot.press("down", "g", "y")  # item 2 gets a Draft invoice
        await settle(pilot)
        await backend.settle()
        await pilot.press("r")
        await settle(pilot)
        assert screen.schedule is not None
        draft = screen.schedule.schedule_items[1].invoice_number
        assert draft and "Draft" in cells(screen, "#items", 1)[6]
        await pilot.press("up", "space")  # marks item 1 and moves down
        await pilot.press("space")  # marks item 2
        await pilot.press("space")  # item 3 has no invoice: refused
        await settle(pilot)
        assert len(screen.marked) == 2 and "no invoice to mark" in messages(app)[-1]
        assert cells(screen, "#items", 0)[0].startswith("●")
        assert "2 marked: M posts them" in str(screen.query_one("#status").content)
        await pilot.press("M")
        await settle(pilot)
        text = dialog_text(app)
        assert "Post 2 marked invoices?" in text and "1 Draft as shown here" in text
        assert "1 of them not Draft here" in text
        await pilot.press("y")
        await settle(pilot)
        assert len(spy.calls) == 1 and len(spy.calls[0][0]) == 2
        summary = messages(app)[-1]
        assert summary.startswith("1 posted, 1 refused: ")
        assert "INV00000007" in summary and "(59210020)" in summary
        assert "Posted" in cells(screen, "#items", 1)[6] and not screen.marked
        per_doc = [
            (e.object, e.outcome) for e in app.action_log.entries if e.action == "post_marked"
        ]
        assert per_doc == [
            ("marked invoices", "ok"),
            ("INV00000007", "refused"),
            (draft, "ok"),
        ]


async def test_bulk_post_of_marked_documents_on_a_bill_run() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("bill_run", (await backend.list_bill_runs()).items[-1].id)  # BR-1
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BillRunScreen)
        assert "M" not in app.screen.active_bindings  # nothing marked: nothing to post
        await pilot.press("M")
        await settle(pilot)
        assert app.screen is screen
        assert screen.refusal("post_marked") == "nothing is marked: space marks an invoice"
        await pilot.press("space")
        await settle(pilot)
        footer = {k for k, b in app.screen.active_bindings.items() if b.binding.show}
        assert {"M", "space"} <= footer and "1 marked" in str(screen.query_one("#status").content)
        await pilot.press("M", "y")
        await settle(pilot)
        assert messages(app)[-1] == "1 posted, 0 refused"
        assert cells(screen, "#documents", 0)[3] == "Posted" and not screen.marked


# ---------------------------------------------------------------- invoice lines


async def test_invoice_lines_link_back_to_their_schedule_item() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("invoice", "INV00000004")  # IS-00000004, item 2
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InvoiceScreen) and len(screen.lines) == 1
        row = cells(screen, "#lines", 0)
        assert row[3] == "600.00 USD" and row[5] == "IS-00000004 Installment 2/2"
        await pilot.press("s")
        await settle(pilot)
        schedule = app.screen
        assert isinstance(schedule, ScheduleScreen) and schedule.key != "IS-00000004"
        assert schedule.crumb == "IS-00000004"
        assert schedule.table.cursor_row == 1
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # enter on the line does the same
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen) and app.screen.table.cursor_row == 1


# ---------------------------------------------------------------- remappable modal keys


async def test_dialog_keys_follow_the_keymap() -> None:
    backend = demo_backend()
    spy = Spy(backend, "unpost_invoice")
    app = make_app(backend, keymap={"confirm_yes": "j", "help_close": "h"})
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000009")
        await pilot.press("u", "y")  # y is no longer "yes"
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and spy.calls == []
        await pilot.press("j")
        await settle(pilot)
        assert len(spy.calls) == 1
        await pilot.press("question_mark")
        await pilot.press("h")
        assert isinstance(app.screen, ScheduleScreen)


# ---------------------------------------------------------------- fake-server


def test_fake_server_help_through_the_console_script(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.__main__ import main

    monkeypatch.setattr(sys, "argv", ["billing-tui", "fake-server", "--help"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "usage: billing-tui fake-server" in out and "--port" in out


async def test_a_failing_bill_run_poll_notifies_once_per_outage() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        runs = await open_bill_runs(pilot)
        goto_run(runs, "BR-00000001")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BillRunScreen)

        async def down(*args: Any, **kwargs: Any) -> Any:
            raise BusinessRuleError("backend down", code=50000000)

        backend.get_bill_run = down
        for _ in range(3):
            screen._poll()
            await settle(pilot)
        assert sum("backend down" in m for m in messages(app)) == 1
        assert app.screen is screen  # a loaded screen stays on a failed poll
