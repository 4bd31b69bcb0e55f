"""Marking on the account screen's Invoices section, as on the Documents list: ``space`` marks
the invoice under the cursor, ``M`` bulk-posts the marked ones after a confirmation, another
section has nothing to mark, and read-only removes both keys."""

from __future__ import annotations

from typing import Any

from backends.models import DocumentStatus
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.documents_table import MARK

from .test_accounts_screens import open_account, section, title
from .tui_helpers import make_app, messages, settle


async def to_invoices(pilot: Any, screen: Any) -> None:
    section(screen, "invoices").focus()
    await pilot.pause()


async def test_space_marks_invoices_and_m_posts_them() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_account(pilot, "A00000011")  # four Draft invoices
        await pilot.press("space")  # the orders section has focus: nothing to mark there
        await settle(pilot)
        assert screen.marked == {} and "no document here" in messages(app)[-1]
        await to_invoices(pilot, screen)
        invoices = section(screen, "invoices")
        first, second = (d.number for d in invoices.items[:2])
        await pilot.press("space", "space")  # the cursor moves down after each mark
        await settle(pilot)
        assert sorted(m.number for m in screen.marked.values()) == sorted([first, second])
        assert invoices.get_cell_at((0, 0)) == MARK and invoices.get_cell_at((1, 0)) == MARK
        assert "2 marked: M posts them" in str(screen.query_one("#status").content)
        invoices.move_cursor(row=0)
        await pilot.press("space")  # unmarks
        await settle(pilot)
        assert [m.number for m in screen.marked.values()] == [second]
        invoices.move_cursor(row=0)
        await pilot.press("space")
        await settle(pilot)

        await pilot.press("M")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog) and dialog.title_text.startswith("Post")
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert screen.marked == {} and invoices.get_cell_at((0, 0)) == ""
        posted = {d.number: d.status for d in invoices.items}
        assert posted[first] is posted[second] is DocumentStatus.POSTED
        assert sum(s is DocumentStatus.DRAFT for s in posted.values()) == 2
        assert "2 Draft" in title(screen, "invoices")


async def test_read_only_removes_marking_on_the_account_screen() -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_account(pilot, "A00000011")
        await to_invoices(pilot, screen)
        await pilot.press("space", "M")
        await settle(pilot)
        assert screen.marked == {} and not isinstance(app.screen, ConfirmDialog)
        assert "marks an invoice" not in str(screen.query_one("#status").content)
