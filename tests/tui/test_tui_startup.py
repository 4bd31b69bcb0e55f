"""Start-up stays lean: the CLI does not import Textual for `config path`, the app does not
import the fake engine or httpx until a backend is built, and the first page is drawn once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui.widgets.paged_table import PagedTable

from .tui_helpers import make_app, settle

ROOT = Path(__file__).resolve().parents[2]


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_cli_and_config_do_not_import_textual() -> None:
    modules = _modules_after("import tui.cli, tui.config, tui.__main__")
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}


def test_app_does_not_import_backends_or_http() -> None:
    modules = _modules_after("import tui.app")
    assert not {m for m in modules if m.startswith(("backends.fake", "backends.rest", "httpx"))}


def test_app_does_not_import_the_operations_or_other_screens_until_used() -> None:
    modules = _modules_after("import tui.app, tui.screens.orders")
    assert "tui.operations.base" in modules  # Change, for BillingChanged
    declarations = {m for m in modules if m.startswith(("tui.operations.", "tui.schedule_editor"))}
    assert declarations == {"tui.operations.base"}
    screens = {m for m in modules if m.startswith("tui.screens.")}
    assert screens == {"tui.screens.base", "tui.screens.orders"}


def test_config_path_command_runs_in_a_fresh_process(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "config", "path"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"XDG_CONFIG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    ).stdout
    assert out.strip() == str(tmp_path / "billing-tui" / "config.toml")


async def test_the_first_page_of_orders_is_drawn_once_and_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every row of the first page is rendered once, with its columns already as wide as its
    cells: no first frame of cut-off numbers ("O-000") drawn over a moment later."""
    drawn: list[tuple[str, str]] = []  # (order number, the row's text) per row rendered afresh
    original = PagedTable._render_line_in_row

    def spy(self: PagedTable[Any], row_key: Any, line_no: int, *args: Any, **kw: Any) -> Any:
        before = len(self._row_render_cache)
        fixed, scrollable = original(self, row_key, line_no, *args, **kw)
        if len(self._row_render_cache) > before and str(row_key.value).startswith("O-"):
            text = "".join(s.text for cell in scrollable for s in cell)
            drawn.append((str(row_key.value), text))
        return fixed, scrollable

    monkeypatch.setattr(PagedTable, "_render_line_in_row", spy)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#orders", PagedTable).row_count == 42
    numbers = [number for number, _ in drawn]
    assert numbers and len(numbers) == len(set(numbers)), "a row was drawn twice"
    assert all(number in text for number, text in drawn), drawn[:3]
