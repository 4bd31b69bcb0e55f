"""Walks an operator takes, one per class of defect the console must never show again:
stale screens after going back, dead ends, inputs a rule needs, keys named as bound, outcomes
announced after leaving, lost replies, raw ids where a number is expected."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input

from backends.errors import OutcomeUnknownError
from backends.models import BillRunStatus
from backends.tracing import report_recovery
from tui.screens.action_log import ActionLogScreen
from tui.screens.bill_run import BillRunScreen
from tui.screens.bill_runs import BillRunsScreen
from tui.screens.faults import FaultPanelScreen
from tui.screens.invoice import CreditMemoScreen, InvoiceScreen
from tui.screens.order import OrderScreen
from tui.screens.orders import OrdersScreen
from tui.screens.schedule import ScheduleScreen
from tui.widgets.confirm import ConfirmDialog

from .tui_helpers import demo_backend, make_app, messages, open_schedule, settle


def cells(screen: Any, table_id: str, row: int) -> list[str]:
    return [str(c) for c in screen.query_one(table_id, DataTable).get_row_at(row)]


async def finish_bill_runs(pilot: Any) -> None:
    """The fake completes its bill runs; the app's watcher looks at once."""
    await pilot.app.backend.settle()
    pilot.app.watcher.check_now()
    await settle(pilot)


# ---------------------------------------------------------------- stale after back


async def test_the_order_below_shows_what_generate_did_when_the_operator_comes_back() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # O-00000001
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen)
        assert cells(app.screen, "#schedules", 0)[1:4] == ["Pending", "3,000.00 USD", "0.00 USD"]
        await pilot.press("enter")  # IS-00000001
        await settle(pilot)
        await pilot.press("g", "y")
        await settle(pilot)
        await finish_bill_runs(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen)
        row = cells(app.screen, "#schedules", 0)
        assert row[1] == "PartiallyProcessed" and row[3] == "1,000.00 USD"


async def test_posting_on_the_invoice_screen_is_true_on_the_schedule_below() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        schedule = await open_schedule(pilot, "IS-00000002")  # item 1: a Draft invoice
        assert "Draft" in cells(schedule, "#items", 0)[6]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        await pilot.press("p", "y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is schedule and "Posted" in cells(schedule, "#items", 0)[6]
        await pilot.press("p")  # refused by the console's rule, not by a stale screen
        await settle(pilot)
        assert "is Posted" in messages(app)[-1]
        await pilot.press("u")  # and what the true state allows is offered
        assert isinstance(app.screen, ConfirmDialog) or app.workers
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)


# ---------------------------------------------------------------- dead ends and the stack


async def test_every_screen_can_be_left_with_escape() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        run_id = (await app.backend.list_bill_runs()).items[-1].id
        openers = [
            (lambda: app.open_object("order", "O-00000001"), OrderScreen),
            (lambda: app.open_object("schedule", "IS-00000002"), ScheduleScreen),
            (lambda: app.open_object("invoice", "INV00000001"), InvoiceScreen),
            (lambda: app.open_object("credit_memo", "CM00000001"), CreditMemoScreen),
            (lambda: app.open_object("bill_run", run_id), BillRunScreen),
            (app.action_bill_runs, BillRunsScreen),
            (app.action_fault_panel, FaultPanelScreen),
            (app.action_action_log, ActionLogScreen),
        ]
        if not hasattr(app.backend, "add_fault_rule"):
            openers = [o for o in openers if o[1] is not FaultPanelScreen]
        await app.backend.execute_invoice_schedule("IS-00000004")  # makes CM00000001
        await app.backend.settle()
        for open_it, kind in openers:
            open_it()
            await settle(pilot)
            assert isinstance(app.screen, kind), kind
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, OrdersScreen), kind


async def test_opening_an_object_already_on_the_stack_goes_back_to_it() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        schedule = await open_schedule(pilot, "IS-00000002")
        depth = len(app.screen_stack)
        await pilot.press("enter")  # the item's invoice
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        await pilot.press("s")  # its line's schedule item: the schedule already open
        await settle(pilot)
        assert app.screen is schedule and len(app.screen_stack) == depth
        for _ in range(3):  # l, B, l, B...: never more than one of each
            await pilot.press("l", "B")
            await settle(pilot)
        assert len(app.screen_stack) == depth + 2


async def test_breadcrumb_shows_the_current_screen_first_when_narrow() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # a schedule row without a document: stays
        await settle(pilot)
        app.open_object("invoice", "INV00000001")
        await settle(pilot)
        crumbs = app.screen.query_one("#crumbs")
        text = crumbs.plain  # type: ignore[attr-defined]
        assert text.startswith("INV00000001"), text
        full = " › ".join(crumbs.parts)  # type: ignore[attr-defined]  # noqa: RUF001
        assert len(full) > crumbs.content_region.width or text == full


# ---------------------------------------------------------------- inputs a rule needs


async def test_reverse_asks_for_the_memo_date_never_before_the_invoice_date() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")
        for _ in range(2):  # items 1 and 2: item 2's invoice is dated 2026-04-01, after today
            await pilot.press("g", "y")
            await settle(pilot)
            await finish_bill_runs(pilot)
        item = screen.schedule.schedule_items[1]  # type: ignore[union-attr]
        await backend.post_invoice(item.invoice_id)
        screen.table.move_cursor(row=1)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        field = dialog.query_one("#field-memo_date", Input)
        assert field.value == "2026-04-01"  # today (2026-03-02) would be refused
        assert "on or after 2026-04-01" in str(dialog.query(".field-label").first().content)
        field.value = "2026-03-15"
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is dialog and "too early" in str(dialog.query_one("#error").content)
        field.value = "2026-04-10"
        await pilot.press("enter")  # the field has the focus now: enter confirms
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "dated 2026-04-10" in messages(app)[-1]
        invoice = await backend.get_invoice(item.invoice_id)
        assert invoice.reversed


# ---------------------------------------------------------------- keys named as bound


async def test_every_label_follows_the_keymap() -> None:
    keymap = {"generate": "G", "pause_resume": "Z", "confirm_yes": "Y", "confirm_no": "N,escape"}
    app = make_app(keymap=keymap)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")
        assert cells(screen, "#items", 0)[6] == "Generate (G)"
        await pilot.press("G")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        buttons = {str(b.label) for b in dialog.query("Button")}
        assert buttons == {"Cancel (N)", "Generate (Y)"}
        await pilot.press("N")
        await open_schedule(pilot, "IS-00000003")  # Paused
        await pilot.press("G")
        await settle(pilot)
        assert "resume it (Z)" in messages(app)[-1]


# ---------------------------------------------------------------- outcomes after leaving


async def test_a_bill_run_outcome_is_announced_after_leaving_its_screen() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000004")
        await pilot.press("b", "y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        await finish_bill_runs(pilot)
        said = messages(app)[-1]
        assert said.startswith("Credit memo CM") and "for 200.00 USD created" in said
        entry = app.action_log.entries[-1]
        assert entry.action == "create_bill_run" and entry.outcome == "ok"
        assert "CM" in entry.result and "IS-00000004" in entry.result


async def test_a_bill_run_that_ends_in_error_is_announced_and_logged() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000001")
        await pilot.press("g", "y")
        await settle(pilot)
        (watched,) = app.watcher.watched.values()
        real = backend.get_bill_run

        async def ended_in_error(bill_run_id: str) -> Any:
            run = await real(bill_run_id)
            return run.model_copy(update={"status": BillRunStatus.ERROR})

        backend.get_bill_run = ended_in_error
        await pilot.press("escape")
        app.watcher.check_now()
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and watched.bill_run_number in errors[-1].message
        assert app.action_log.entries[-1].outcome == "error"


# ---------------------------------------------------------------- lost replies


async def test_a_recovered_lost_reply_is_one_success_that_says_so() -> None:
    backend = demo_backend()
    real = backend.post_invoice

    async def post_after_a_lost_reply(key: str) -> Any:
        invoice = await real(key)
        report_recovery(f"{invoice.invoice_number} is Posted")
        return invoice

    backend.post_invoice = post_after_a_lost_reply
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000002")
        await pilot.press("p", "y")
        await settle(pilot)
        note = list(app._notifications)[-1]
        assert note.severity == "information" and "posted" in note.message
        assert "recovered from a lost reply" in note.message and "is Posted" in note.message
        entry = app.action_log.entries[-1]
        assert entry.outcome == "ok" and "recovered from a lost reply" in entry.result
        assert "Posted" in cells(screen, "#items", 0)[6]


async def test_an_unknown_outcome_says_what_to_check_and_reads_the_object_again() -> None:
    backend = demo_backend()
    real = backend.post_invoice

    async def lost(key: str) -> Any:
        invoice = await real(key)  # it happened, but nobody could tell
        raise OutcomeUnknownError("reply lost", object_ref=invoice.invoice_number)

    backend.post_invoice = lost
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000002")
        number = screen.schedule.schedule_items[0].invoice_number  # type: ignore[union-attr]
        await pilot.press("p", "y")
        await settle(pilot)
        note = list(app._notifications)[-1]
        assert note.severity == "warning" and f"outcome unknown: check {number}" in note.message
        assert not [n for n in app._notifications if n.severity == "error"]
        assert app.action_log.entries[-1].outcome == "unknown"
        assert "Posted" in cells(screen, "#items", 0)[6]  # read again: the truth shows


# ---------------------------------------------------------------- numbers, not ids


async def test_a_credit_memo_names_its_referred_invoice_by_number() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        memo = await backend.reverse_invoice("INV00000003")
        app.open_object("credit_memo", memo.id)
        await settle(pilot)
        fields = app.screen.query_one("#summary").plain  # type: ignore[attr-defined]
        assert "Referred invoice: INV00000003" in fields
        assert memo.referred_invoice_id not in fields
