"""A dialog that asks for values opens on Cancel; the first tab reaches its first field, and
tab goes on through the fields to the action's button and back to Cancel."""

from __future__ import annotations

from textual.widgets import Button, Input

from tui.widgets.confirm import ConfirmDialog

from .tui_helpers import demo_backend, make_app, settle


async def test_tab_from_cancel_reaches_the_first_field_and_enter_there_confirms() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("account", "A00000003")  # its schedule IS-00000003 is Paused
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert isinstance(dialog.focused, Button) and dialog.focused.id == "cancel"
        await pilot.press("tab")
        assert dialog.focused is dialog.query_one("#field-target_date", Input)
        await pilot.press("shift+tab")
        assert isinstance(dialog.focused, Button) and dialog.focused.id == "cancel"
        await pilot.press("shift+tab")
        assert isinstance(dialog.focused, Button) and dialog.focused.id == "confirm"
        await pilot.press("tab", "tab")
        target = dialog.query_one("#field-target_date", Input)
        assert dialog.focused is target
        target.value = ""
        await pilot.press(*"2026-05-15", "enter")
        await settle(pilot)
        generated = [e for e in app.action_log.entries if e.action == "generate_documents"]
        assert generated and all(e.outcome == "ok" for e in generated)
        number = next(e.object for e in generated if e.object.startswith("INV"))
    invoice = await backend.get_invoice(number)
    assert invoice.amount == 3000 and invoice.status.value == "Draft"
