"""80x24 is supported, and the README's keys table is the registry's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from tui.keys_table import keys_table
from tui.screens.help import HelpScreen

from .tui_helpers import make_app, open_schedule, settle

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_keys_table_is_the_registry() -> None:
    text = README.read_text(encoding="utf-8")
    lines = text[text.index("### Keys") :].splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("|"))
    end = next(n for n in range(first, len(lines)) if not lines[n].startswith("|"))
    readme = "\n".join(lines[first:end])
    assert readme == keys_table(), "README keys table is stale: python -m tui.keys_table"


def footer_keys(app: Any) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [k.key_display for k in app.screen.query(FooterKey)]


@pytest.mark.parametrize(
    "where", ["orders", "order", "schedule", "invoice", "bill_runs", "action_log"]
)
async def test_every_footer_keeps_help_log_and_quit_at_80_columns(where: str) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if where == "order":
            app.open_object("order", "O-00000001")
        elif where == "schedule":
            app.open_object("schedule", "IS-00000004")
        elif where == "invoice":
            app.open_object("invoice", "INV00000001")
        elif where == "bill_runs":
            app.action_bill_runs()
        elif where == "action_log":
            app.action_action_log()
        await settle(pilot)
        keys = footer_keys(app)
        assert {"?", "l", "q"} <= set(keys), keys


async def test_help_at_80x24_scrolls_and_keeps_whole_descriptions() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_schedule(pilot, "IS-00000001")
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        scroll = app.screen.query_one("#keys-scroll")
        shot = app.export_screenshot().replace("&#160;", " ")
        assert "invoice the earliest" in shot and "Pending item now" in shot  # wrapped, whole
        assert scroll.max_scroll_y > 0  # more than fits: it scrolls
        await pilot.press("pagedown")
        await settle(pilot)
        assert scroll.scroll_y > 0


async def test_the_action_log_filters_by_any_text() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000003")
        await pilot.press("g")  # refused: Paused
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        table = app.screen.query_one("#log", DataTable)
        assert table.row_count == 2
        await pilot.press("slash", *"paused", "enter")
        await settle(pilot)
        assert table.row_count == 1 and "generate" in str(table.get_row_at(0)[2])
        await pilot.press("escape")  # clears the filter first
        await settle(pilot)
        assert table.row_count == 2
        await pilot.press("escape")  # then goes back
        await settle(pilot)
        assert app.screen.query("#items")
