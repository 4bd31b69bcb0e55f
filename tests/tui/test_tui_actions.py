"""Pilot tests for every action and every refusal, on the manual demo tenant."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable

from backends.errors import BusinessRuleError, NotFoundError
from backends.models import DocumentStatus, InvoiceScheduleStatus, ScheduleItemStatus
from tui.commands import valid_actions
from tui.screens.help import help_rows
from tui.screens.invoice import CreditMemoScreen, InvoiceScreen
from tui.screens.schedule import ScheduleScreen
from tui.widgets.confirm import ConfirmDialog

from .tui_helpers import Spy, demo_backend, make_app, messages, open_schedule, settle

DANGEROUS_KEYS = {"g", "p", "z", "b", "t"}


def row_cells(screen: ScheduleScreen, row: int) -> list[str]:
    return [str(c) for c in screen.query_one("#items", DataTable).get_row_at(row)]


def footer_keys(app: Any) -> set[str]:
    return {key for key, b in app.screen.active_bindings.items() if b.binding.show}


# ---------------------------------------------------------------- generate


async def test_generate_then_refresh_to_processed() -> None:
    backend = demo_backend()
    spy = Spy(backend, "execute_invoice_schedule")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")
        assert row_cells(screen, 0)[5] == "Pending" and "Generate" in row_cells(screen, 0)[6]
        await pilot.press("g")
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.focused is not None and app.screen.focused.id == "cancel"
        body = f"{app.screen.title_text} {app.screen.body} {app.screen.environment}"
        assert "IS-00000001" in body and "1,000.00 USD" in body and "FAKE" in body
        await pilot.press("y")
        await settle(pilot)
        assert len(spy.calls) == 1 and spy.calls[0][0] == "IS-00000001"
        assert row_cells(screen, 0)[5] == "Executing"
        assert "Refresh" in row_cells(screen, 0)[6]
        assert "watching bill run" in str(screen.query_one("#status").content)
        await backend.settle()
        await pilot.press("r")
        await settle(pilot)
        cells = row_cells(screen, 0)
        assert cells[5] == "Processed" and "Draft" in cells[6]
        assert screen.schedule is not None
        item = screen.schedule.schedule_items[0]
        assert item.invoice_number and item.invoice_number in cells[6]
        assert any("is Processed" in m for m in messages(app))
        assert not app.watcher.watched and not screen.watching


async def test_generate_updates_by_itself_while_polling() -> None:
    backend = demo_backend()
    app = make_app(backend, poll_interval=0.2)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")
        await pilot.press("g", "y")
        await settle(pilot)
        assert row_cells(screen, 0)[5] == "Executing"
        await backend.settle()
        for _ in range(100):  # no key pressed: the poll timer brings the result
            if row_cells(screen, 0)[5] == "Processed":
                break
            await pilot.pause(0.05)
        assert row_cells(screen, 0)[5] == "Processed"
        assert not app.watcher.watched  # the app's watcher saw the run finish
        await settle(pilot)
        assert not screen.watching  # polling stops once nothing is running


async def test_executing_item_found_on_open_is_watched_until_it_finishes() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000007")
        executing = [
            n
            for n, i in enumerate(screen.schedule.schedule_items)  # type: ignore[union-attr]
            if i.status is ScheduleItemStatus.EXECUTING
        ]
        assert executing and screen.watching
        await backend.settle()
        await pilot.press("r")
        await settle(pilot)
        assert row_cells(screen, executing[0])[5] == "Processed"
        assert not screen.watching


async def test_generate_targets_the_earliest_pending_item_wherever_the_cursor_is() -> None:
    backend = demo_backend()
    spy = Spy(backend, "execute_invoice_schedule")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")
        await pilot.press("down", "down", "g")  # the cursor on item 3: g still means item 1
        assert isinstance(app.screen, ConfirmDialog)
        assert "Installment 1/3" in app.screen.title_text
        await pilot.press("y")
        await settle(pilot)
        first = screen.schedule.schedule_items[0]  # type: ignore[union-attr]
        assert spy.calls == [("IS-00000001", first.id)]
        # while item 1 executes, no row offers Generate, and g is refused (the engine would)
        assert not any("Generate" in row_cells(screen, n)[6] for n in range(3))
        await pilot.press("g")
        await settle(pilot)
        assert "still Executing" in messages(app)[-1] and len(spy.calls) == 1
        await open_schedule(pilot, "IS-00000003")  # Paused
        await pilot.press("g")
        await settle(pilot)
        assert "Paused" in messages(app)[-1] and isinstance(app.screen, ScheduleScreen)
        assert len(spy.calls) == 1
        assert [e.outcome for e in app.action_log.entries] == ["ok", "refused", "refused"]


async def test_generate_cancelled_calls_nothing() -> None:
    backend = demo_backend()
    spy = Spy(backend, "execute_invoice_schedule")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000001")
        await pilot.press("g", "n")
        await pilot.press("g", "escape")
        await pilot.press("g", "enter")  # enter presses the focused button: Cancel
        await settle(pilot)
        assert spy.calls == [] and isinstance(app.screen, ScheduleScreen)
        assert [e.outcome for e in app.action_log.entries] == ["cancelled"] * 3


async def test_second_press_while_in_flight_does_nothing() -> None:
    backend = demo_backend()
    spy = Spy(backend, "execute_invoice_schedule", gated=True)
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")
        await pilot.press("g", "y")
        await pilot.pause()
        assert len(spy.calls) == 1 and app.is_in_flight("generate", "IS-00000001")
        assert app.busy_count == 1
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, ScheduleScreen)  # no second dialog
        assert "already in progress" in messages(app)[-1]
        spy.gate.set()
        await settle(pilot)
        assert len(spy.calls) == 1 and row_cells(screen, 0)[5] == "Executing"
        assert app.busy_count == 0


# ---------------------------------------------------------------- post


async def test_post_draft_invoice_from_the_row_and_refuse_a_posted_one() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000002")
        assert "Draft" in row_cells(screen, 0)[6]
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        dialog = app.screen
        assert dialog.title_text.startswith("Post invoice INV")
        assert "2,000.00 USD" in dialog.body and "FAKE" in dialog.environment
        await pilot.press("n")
        await settle(pilot)
        assert "Draft" in row_cells(screen, 0)[6]
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Posted" in row_cells(screen, 0)[6]
        assert any("posted" in m for m in messages(app))
        await pilot.press("p")  # now Posted: refused, nothing asked
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "only a Draft can be posted" in messages(app)[-1]
        outcomes = [(e.action, e.outcome) for e in app.action_log.entries]
        assert outcomes == [("post", "cancelled"), ("post", "ok"), ("post", "refused")]


async def test_post_from_the_invoice_screen() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000002")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InvoiceScreen)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert screen.document is not None and screen.document.status is DocumentStatus.POSTED
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        await pilot.press("r")
        await settle(pilot)
        assert "Posted" in row_cells(app.screen, 0)[6]


async def test_post_with_no_document_is_refused() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000001")
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "no billing document yet" in messages(app)[-1]


# ---------------------------------------------------------------- pause / resume


async def test_pause_and_resume_with_the_footer_label_following_the_state() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")
        assert app.screen.active_bindings["z"].binding.description == "Pause"
        await pilot.press("z")
        await settle(pilot)
        assert screen.schedule is not None
        assert screen.schedule.status is InvoiceScheduleStatus.PAUSED
        assert app.screen.active_bindings["z"].binding.description == "Resume"
        await pilot.press("g")  # paused: generate refused
        await settle(pilot)
        assert "Paused" in messages(app)[-1]
        await pilot.press("z")
        await settle(pilot)
        assert screen.schedule.status is InvoiceScheduleStatus.PENDING
        assert app.screen.active_bindings["z"].binding.description == "Pause"


async def test_resume_the_demo_paused_schedule_restores_generate() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000003")
        await pilot.press("z")
        await settle(pilot)
        assert screen.schedule is not None
        assert screen.schedule.status is not InvoiceScheduleStatus.PAUSED
        earliest = screen.schedule.earliest_pending_item
        assert earliest is not None
        row = screen.schedule.schedule_items.index(earliest)
        screen.query_one("#items", DataTable).move_cursor(row=row)
        await settle(pilot)
        assert screen.refusal("generate") is None


async def test_pause_a_fully_processed_schedule_as_zuora_allows() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000004")
        await pilot.press("z")
        await settle(pilot)
        assert "paused (Paused)" in messages(app)[-1]
        assert screen.schedule.status is InvoiceScheduleStatus.PAUSED  # type: ignore[union-attr]


# ---------------------------------------------------------------- create bill run


async def test_create_bill_run_yields_a_credit_memo_then_post_it() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000004")
        await pilot.press("b")
        assert isinstance(app.screen, ConfirmDialog)
        assert "IS-00000004" in app.screen.title_text and "FAKE" in app.screen.environment
        await pilot.press("y")
        await settle(pilot)
        assert app.watcher.watched  # the app, not the screen, waits for the run
        await backend.settle()
        await pilot.press("r")
        await settle(pilot)
        done = [m for m in messages(app) if m.startswith("Credit memo CM")]
        assert done and "for 200.00 USD created" in done[-1]
        last = len(screen.schedule.schedule_items) - 1  # type: ignore[union-attr]
        assert "CM" in row_cells(screen, last)[6] and "Draft" in row_cells(screen, last)[6]
        assert not app.watcher.watched
        table = screen.query_one("#items", DataTable)
        table.move_cursor(row=last)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CreditMemoScreen)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "200.00" in app.screen.body
        await pilot.press("y")
        await settle(pilot)
        memo = app.screen.document  # type: ignore[attr-defined]
        assert memo is not None and memo.status is DocumentStatus.POSTED
        results = [e.result for e in app.action_log.entries if e.action == "create_bill_run"]
        assert any("Credit memo CM" in r for r in results)


async def test_create_bill_run_without_anything_to_credit() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000005")
        await pilot.press("b", "y")
        await settle(pilot)
        await backend.settle()
        await pilot.press("r")
        await settle(pilot)
        assert any(m.startswith("No credit memo: nothing to credit") for m in messages(app))


async def test_create_bill_run_refused_unless_fully_processed() -> None:
    backend = demo_backend()
    spy = Spy(backend, "execute_invoice_schedule")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000001")
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen) and spy.calls == []
        assert "FullyProcessed" in messages(app)[-1]


# ---------------------------------------------------------------- clock


async def test_advance_clock_moves_the_header_date_and_reports() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        before = app.sim_date
        assert before is not None
        await pilot.press("t")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert app.sim_date is not None and app.sim_date >= before
        assert app.sim_date == await backend.today()
        assert "→" in messages(app)[-1]
        assert [e.action for e in app.action_log.entries] == ["advance_clock"]


# ---------------------------------------------------------------- read-only


async def test_read_only_hides_and_refuses_every_dangerous_action() -> None:
    backend = demo_backend()
    spy = Spy(backend, "execute_invoice_schedule")
    app = make_app(backend, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000002")
        header = app.screen.query_one("#readonly")
        assert header.display and str(header.render()) == "READ-ONLY"
        assert not DANGEROUS_KEYS & set(app.screen.active_bindings)
        assert not DANGEROUS_KEYS & footer_keys(app)
        ids = {r[2] for r in help_rows(app, app.screen)}
        assert not ids & {"generate", "post", "pause_resume", "create_bill_run", "advance_clock"}
        assert "refresh" in ids
        palette = {spec.id for spec, *_ in valid_actions(app, app.screen)}
        assert not palette & {"generate", "post", "pause_resume", "create_bill_run"}
        assert "refresh" in palette
        await pilot.press(*DANGEROUS_KEYS)
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert await app.run_action("generate", app.screen) is False
        screen.action_op("generate")  # invoked any other way: refused with a reason
        screen.action_op("post")
        screen.action_op("pause")
        screen.action_op("create_bill_run")
        app.action_op("advance_clock")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen) and spy.calls == []
        refusals = [e for e in app.action_log.entries if e.outcome == "refused"]
        assert len(refusals) == 5 and all("read-only" in e.result for e in refusals)
        assert screen.schedule is not None
        assert "Draft" in row_cells(screen, 0)[6]


# ---------------------------------------------------------------- errors and loading


async def test_backend_errors_become_notifications_and_the_screen_stays_usable() -> None:
    backend = demo_backend()

    async def refuse(*args: Any, **kwargs: Any) -> Any:
        raise BusinessRuleError("Invoice schedule is locked by another run", code=53100030)

    backend.execute_invoice_schedule = refuse
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")
        await pilot.press("g", "y")
        await settle(pilot)
        note = app._notifications
        last = list(note)[-1]
        assert last.severity == "error" and "53100030" in last.message
        assert "locked by another run" in last.message
        assert row_cells(screen, 0)[5] == "Pending"
        assert app.action_log.entries[-1].outcome == "error"
        assert not app.in_flight
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen) and app.screen is screen


async def test_load_errors_notify_and_keep_the_previous_data() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")
        original = backend.get_invoice_schedule

        async def broken(*args: Any, **kwargs: Any) -> Any:
            raise NotFoundError("gone", code=50000040)

        backend.get_invoice_schedule = broken
        await pilot.press("r")
        await settle(pilot)
        assert "50000040" in messages(app)[-1]
        assert app.screen is screen and row_cells(screen, 0)[5] == "Pending"
        backend.get_invoice_schedule = original


@pytest.mark.parametrize("error", [RuntimeError("engine bug"), BusinessRuleError("no")])
async def test_orders_load_error_never_crashes(error: Exception) -> None:
    backend = demo_backend()

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise error

    backend.list_orders = broken
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        from tui.screens.startup import StartupFailedScreen

        assert isinstance(app.screen, StartupFailedScreen)  # the first load is start-up
        await pilot.press("r")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, StartupFailedScreen)


async def test_loading_state_is_visible_while_the_backend_works() -> None:
    backend = demo_backend()
    spy = Spy(backend, "get_invoice_schedule", gated=True)
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("schedule", "IS-00000001")
        await pilot.pause()
        body = app.screen.query_one("#body")
        assert body.loading is True and spy.calls
        await pilot.press("question_mark")  # the input loop is not blocked
        await pilot.press("escape")
        spy.gate.set()
        await settle(pilot)
        assert body.loading is False


async def test_a_poll_does_not_cancel_a_slow_load() -> None:
    """On a backend slower than the poll interval, polls skip their turn instead of restarting
    the load each time (which would mean no load ever finishes)."""
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")
        spy = Spy(backend, "get_invoice_schedule", gated=True)
        screen.reload(quiet=True)
        await pilot.pause()
        for _ in range(3):
            screen._poll()
            await pilot.pause()
        assert len(spy.calls) == 1
        spy.gate.set()
        await settle(pilot)
        assert len(spy.calls) == 1 and screen.polls == 3
