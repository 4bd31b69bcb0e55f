"""Pilot tests: the screens, paging, search, state kept on back, palette, help and the log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.command import CommandPalette
from textual.widgets import DataTable, Input

from tui.screens.action_log import ActionLogScreen
from tui.screens.bill_run import BillRunScreen
from tui.screens.help import HelpScreen, help_rows
from tui.screens.invoice import InvoiceScreen
from tui.screens.order import OrderScreen
from tui.screens.orders import OrdersScreen
from tui.screens.schedule import ScheduleScreen
from tui.widgets.paged_table import PagedTable

from .tui_helpers import demo_backend, make_app, messages, settle


def orders_table(app: Any) -> PagedTable[Any]:
    return app.screen.query_one("#orders", PagedTable)


def status_text(app: Any) -> str:
    return str(app.screen.query_one("#status").content)


class CountingCalls:
    """Wrap a backend method to count its calls (and their arguments)."""

    def __init__(self, backend: Any, name: str) -> None:
        self.calls: list[tuple[Any, ...]] = []
        original = getattr(backend, name)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((args, kwargs))
            return await original(*args, **kwargs)

        setattr(backend, name, wrapper)


async def test_orders_page_from_the_backend_as_the_cursor_nears_the_end() -> None:
    backend = demo_backend()
    spy = CountingCalls(backend, "list_orders")
    app = make_app(backend, page_size=10)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = orders_table(app)
        assert isinstance(app.screen, OrdersScreen)
        assert table.row_count == 10 and len(spy.calls) == 1
        assert spy.calls[0][1]["page_size"] == 10 and spy.calls[0][1]["cursor"] is None
        assert "10 orders loaded · more available" in status_text(app)
        assert table.get_row_at(0)[0] == "O-00000001"
        table.move_cursor(row=5)  # not near the end yet: nothing more is fetched
        await settle(pilot)
        assert len(spy.calls) == 1
        await pilot.press("ctrl+end")  # cursor to the last loaded row: the next page comes
        await settle(pilot)
        assert table.row_count == 20 and len(spy.calls) == 2
        assert spy.calls[1][1]["cursor"] is not None
        while table.has_more:
            table.move_cursor(row=table.row_count - 1)
            await settle(pilot)
        assert table.row_count >= 37 and "all loaded" in status_text(app)


async def test_search_runs_on_the_backend_and_survives_drill_down_and_back() -> None:
    backend = demo_backend()
    spy = CountingCalls(backend, "list_orders")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "O", "minus")  # typed keys reach the search box...
        search = app.screen.query_one("#search", Input)
        assert search.has_focus and search.value == "O-"
        search.value = "O-00000003"  # ...the rest is set directly: 42 ms a key adds up
        await pilot.press("enter")
        await settle(pilot)
        assert spy.calls[-1][1]["search"] == "O-00000003"
        table = orders_table(app)
        assert table.row_count == 1 and table.get_row_at(0)[0] == "O-00000003"
        assert "search “O-00000003”" in status_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen) and app.screen.order_number == "O-00000003"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        assert orders_table(app).row_count == 1 and app.screen.search == "O-00000003"
        await pilot.press("escape")  # clears the search
        await settle(pilot)
        assert app.screen.search is None and orders_table(app).row_count > 30


async def test_enter_drills_down_and_escape_comes_back_to_the_same_row() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen) and app.screen.order_number == "O-00000003"
        info = app.screen.query_one("#info").plain
        assert "O-00000003" in info
        schedules = app.screen.query_one("#schedules", DataTable)
        assert schedules.get_row_at(0)[0] == "IS-00000003"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen) and app.screen.key == "IS-00000003"
        header = str(app.screen.query_one("#crumbs").render())
        assert "Orders › O-00000003 › IS-00000003" in header  # noqa: RUF001
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        assert orders_table(app).cursor_row == 2
        await pilot.press("escape")  # the root screen stays
        assert isinstance(app.screen, OrdersScreen)


async def test_refresh_keeps_the_cursor() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down", "r")
        await settle(pilot)
        assert orders_table(app).cursor_row == 3


async def test_header_shows_backend_profile_and_simulated_date() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        header = app.screen.query_one("ConsoleHeader")
        texts = [str(label.render()) for label in header.query("Label") if label.display]
        assert "FAKE" in texts and "profile demo" in texts and "sim 2026-03-02" in texts
        assert "READ-ONLY" not in texts


async def test_palette_jumps_by_number() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        palette_input = app.screen.query_one(Input)
        palette_input.value = "IS-00000004"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen) and app.screen.key == "IS-00000004"


async def test_unknown_number_says_so_and_goes_back() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("schedule", "IS-99999999")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        assert any(
            "IS-99999999" in n.title or "IS-99999999" in n.message for n in app._notifications
        )


async def test_documents_and_bill_run_screens() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("schedule", "IS-00000002")
        await settle(pilot)
        await pilot.press("enter")  # item 1 has a Draft invoice
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        summary = app.screen.query_one("#summary").plain
        assert "Draft" in summary and "2,000.00 USD" in summary
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, BillRunScreen)
        docs = app.screen.query_one("#documents", DataTable)
        assert docs.row_count >= 1 and docs.get_row_at(0)[1] == "Invoice"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)


async def test_help_lists_the_keys_as_bound_including_remaps() -> None:
    app = make_app(keymap={"generate": "G"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("schedule", "IS-00000001")
        await settle(pilot)
        rows = help_rows(app, app.screen)
        by_id = {r[2]: r[0] for r in rows}
        assert by_id["generate"] == "G" and by_id["refresh"] == "r" and by_id["post"] == "p"
        assert by_id["help"] == "?" and by_id["quit"] == "q" and by_id["advance_clock"] == "t"
        await pilot.press("g")  # the old key does nothing now
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        await pilot.press("G")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ScheduleScreen)


async def test_action_log_screen_and_jsonl_file(tmp_path: Path) -> None:
    log = tmp_path / "actions.jsonl"
    app = make_app(log_path=log)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("schedule", "IS-00000003")  # Paused: generate is refused
        await settle(pilot)
        await pilot.press("g", "l")
        await settle(pilot)
        assert isinstance(app.screen, ActionLogScreen)
        table = app.screen.query_one("#log", DataTable)
        assert table.row_count == 1
        row = table.get_row_at(0)
        assert row[2] == "generate" and str(row[4]) == "refused"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines[0]["action"] == "generate" and lines[0]["outcome"] == "refused"
    assert lines[0]["profile"] == "demo" and lines[0]["time"] == "2026-03-02T09:30:00+00:00"
    assert "Paused" in lines[0]["result"]


async def test_quit() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("q")
    assert app.return_code == 0
    assert messages(app) == []


async def test_sort_cycles_and_is_kept_across_drill_down() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = orders_table(app)
        await pilot.press("s")  # date, newest first
        dates = [str(table.get_row_at(n)[1]) for n in range(table.row_count)]
        assert dates == sorted(dates, reverse=True)
        assert "sorted by date" in status_text(app)
        await pilot.press("s")  # account
        first = table.get_row_at(0)[0]
        accounts = [str(table.get_row_at(n)[2]) for n in range(table.row_count)]
        assert accounts == sorted(accounts)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen) and app.screen.order_number == first
        await pilot.press("escape")
        await settle(pilot)
        assert "sorted by account" in status_text(app)
        assert orders_table(app).get_row_at(0)[0] == first
        await pilot.press("s", "s", "s")  # back to the backend's order
        assert orders_table(app).get_row_at(0)[0] == "O-00000001"


async def test_bill_run_numbers_resolve_once_seen() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("bill_run", "BR-00000001")  # not seen yet: says how to get there
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        assert "addressed by id" in messages(app)[-1]
        app.open_object("invoice", "INV00000001")  # its screen looks up the source bill run
        await settle(pilot)
        assert "BR-00000001" in app.bill_run_ids
        app.open_object("bill_run", "br-00000001")
        await settle(pilot)
        assert isinstance(app.screen, BillRunScreen)
        assert app.screen.crumb == "BR-00000001"
