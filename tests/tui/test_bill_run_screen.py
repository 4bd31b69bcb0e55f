"""The bill run screen: progress while it runs, then the counts, totals, documents and accounts
billed; post one document; a scheduled run's schedule and its cancel."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.widgets import DataTable, Static

from backends.models import (
    ALL_BATCHES,
    BillRunSchedule,
    BillRunStatus,
    ChargeType,
    CreateBillRunRequest,
    DocumentStatus,
    RepeatType,
)
from tui.screens.bill_run import BillRunScreen
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.fields import Fields

from .tui_helpers import demo_backend, make_app, messages, settle

AHEAD = date(2026, 4, 30)


async def open_run(pilot: Any, run_id: str) -> BillRunScreen:
    await settle(pilot)
    pilot.app.open_object("bill_run", run_id)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BillRunScreen) and screen.bill_run is not None
    return screen


def progress(screen: BillRunScreen) -> str:
    return str(screen.query_one("#progress", Static).content)


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


async def test_progress_while_it_runs_then_counts_and_accounts() -> None:
    backend = demo_backend()
    run = await backend.create_bill_run(
        CreateBillRunRequest(
            batches=[ALL_BATCHES], target_date=AHEAD, invoice_date=date(2026, 3, 2)
        )
    )
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_run(pilot, run.id)
        assert screen.progress is not None
        selected = screen.progress.number_of_accounts
        assert selected > 2
        assert progress(screen) == (
            f"0 of {selected} accounts processed · 0 invoices, 0 credit memos so far"
        )
        assert "running: refreshing by itself" in str(screen.query_one("#status", Static).content)
        assert screen._timer is not None and screen._timer._active.is_set()  # polled

        backend.engine.step_bill_run(run.id)  # Pending -> Processing
        backend.engine.step_bill_run(run.id)  # the first account billed
        screen.reload(quiet=True)
        await settle(pilot)
        assert screen.progress is not None and screen.progress.accounts_processed >= 1
        text = progress(screen)
        assert f"of {selected} accounts processed" in text and text.endswith("so far")
        assert screen.docs, "documents so far are listed"

        await backend.settle()
        screen.reload(quiet=True)
        await settle(pilot)
        final = screen.progress
        assert final is not None and final.accounts_processed == selected
        docs = await backend.list_bill_run_documents(run.id)
        usd = sum(i.amount for i in docs.invoices if i.currency == "USD")
        eur = sum(i.amount for i in docs.invoices if i.currency == "EUR")
        assert progress(screen) == (
            f"{selected} of {selected} accounts processed · {len(docs.invoices)} invoices "
            f"({eur:,.2f} EUR + {usd:,.2f} USD), 0 credit memos"
        )
        assert screen.table.row_count == len(docs.invoices)
        billed = rows(screen.query_one("#accounts", DataTable))
        assert [r[0] for r in billed] == [a.account_number for a in final.accounts]
        first = final.accounts[0]
        assert billed[0][1] == first.account_name
        assert billed[0][2] == str(first.number_of_invoices)
        assert billed[0][3].startswith(f"{first.invoice_total:,.2f} ")
        assert "finished" in str(screen.query_one("#status", Static).content)


async def test_enter_on_an_account_billed_opens_its_screen() -> None:
    from tui.screens.account import AccountScreen

    backend = demo_backend()
    run = await backend.create_bill_run(
        CreateBillRunRequest(batches=[ALL_BATCHES], target_date=AHEAD)
    )
    await backend.settle()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_run(pilot, run.id)
        accounts = screen.query_one("#accounts", DataTable)
        accounts.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        chosen = screen.progress.accounts[1]  # type: ignore[union-attr]
        opened = app.screen
        assert isinstance(opened, AccountScreen)
        assert opened.account is not None and opened.account.id == chosen.account_id


async def test_post_one_document_of_the_run() -> None:
    backend = demo_backend()
    run = await backend.create_bill_run(
        CreateBillRunRequest(
            batches=["Batch1"], target_date=AHEAD, charge_type_to_exclude=[ChargeType.USAGE]
        )
    )
    await backend.settle()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_run(pilot, run.id)
        screen.table.focus()
        await pilot.press("down")
        doc = screen.current_document()
        assert doc is not None and doc.status is DocumentStatus.DRAFT
        await pilot.press("P")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.title_text == f"Post invoice {doc.invoice_number}?"  # type: ignore[union-attr]
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert f"Invoice {doc.invoice_number} posted" in " ".join(messages(app))  # type: ignore[union-attr]
        statuses = {d.id: d.status for d in screen.docs}
        assert statuses[doc.id] is DocumentStatus.POSTED
        assert sum(s is DocumentStatus.DRAFT for s in statuses.values()) == len(statuses) - 1
        await pilot.press("P")  # the cursor is still on the posted one: refused, says why
        await settle(pilot)
        assert app.screen is screen
        assert "only a Draft can be posted" in messages(app)[-1]


async def test_a_scheduled_run_shows_its_schedule_and_cancels_once() -> None:
    backend = demo_backend()
    run = await backend.create_bill_run(
        CreateBillRunRequest(
            bill_cycle_day="15",
            batches=[ALL_BATCHES],
            schedule=BillRunSchedule(
                repeat_type=RepeatType.MONTHLY, repeat_from=date(2026, 3, 15), run_time=6
            ),
            target_date_offset=30,
        )
    )
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_run(pilot, run.id)
        summary = screen.query_one("#summary", Fields).plain
        assert "Bills: every account with bill cycle day 15" in summary
        assert "Schedule: monthly on day 15 at 06:00 from 2026-03-15" in summary
        assert "Runs: 2026-03-15 06:00" in summary
        assert "Dates: target run date +30d, invoice run date +0d" in summary
        assert "Target date" not in summary
        assert progress(screen) == (
            "Waiting for its run on 2026-03-15 06:00: it selects its accounts then"
        )
        status = str(screen.query_one("#status", Static).content)
        assert "scheduled: r reads it again" in status
        assert screen._timer is not None and not screen._timer._active.is_set()  # not polled

        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "Scheduled to run 2026-03-15 06:00" in dialog.body
        assert "the next run of its schedule is scheduled" in dialog.body
        await pilot.press("y")
        await settle(pilot)
        assert screen.bill_run is not None
        assert screen.bill_run.status is BillRunStatus.CANCELED
        page = await backend.list_bill_runs(page_size=1)
        following = page.items[0]
        assert following.id != run.id and following.status is BillRunStatus.PENDING
        assert f"{following.scheduled_execution_time:%Y-%m-%d}" == "2026-04-15"
