"""The schedule form and its operations, walked as an operator: new, edit, delete, charges."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual.widgets import DataTable, Input, Static

from tui.screens.order import OrderScreen
from tui.screens.schedule_charges import ScheduleChargesScreen
from tui.screens.schedule_form import ScheduleFormScreen
from tui.widgets.confirm import ConfirmDialog

from .tui_helpers import Spy, demo_backend, make_app, messages, open_schedule, settle


async def open_order(pilot: Any, number: str) -> OrderScreen:
    await settle(pilot)
    pilot.app.open_object("order", number)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OrderScreen) and screen.order is not None
    return screen


def form(pilot: Any) -> ScheduleFormScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ScheduleFormScreen), screen
    return screen


def errors(screen: Any) -> str:
    return str(screen.query_one("#errors", Static).content)


async def test_new_schedule_for_an_order_without_one() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_order(pilot, "O-00000009")
        await pilot.press("n")
        await settle(pilot)
        screen = form(pilot)
        assert screen.state.currency == "EUR" and screen.state.orders == ["O-00000009"]
        assert "✓ adds up" in str(screen.query_one("#summary", Static).content)
        await pilot.press(*"Launch")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        body = str(app.screen.body)
        assert "Installment 1/3" in body and "33.34%" in body
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen)
        schedules = app.screen.schedules
        assert len(schedules) == 1 and schedules[0].notes == "Launch"
        assert [i.percentage for i in schedules[0].schedule_items] == [
            Decimal("33.33"),
            Decimal("33.33"),
            Decimal("33.34"),
        ]
        assert any("created for O-00000009" in m for m in messages(app))


async def set_input(pilot: Any, screen: ScheduleFormScreen, selector: str, value: str) -> None:
    screen.query_one(selector, Input).value = value
    await pilot.pause()


async def set_cell(
    pilot: Any, screen: ScheduleFormScreen, row: int, field: str, value: str
) -> None:
    screen.query_one("#items", DataTable).move_cursor(row=row, animate=False)
    await pilot.pause()
    selector = {"name": "#item-name", "run_date": "#item-date", "value": "#item-value"}[field]
    await set_input(pilot, screen, selector, value)
    assert getattr(screen.state.items[row], field) == value


async def save_expecting(pilot: Any, screen: ScheduleFormScreen, rule: str, focus: str) -> str:
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert pilot.app.screen is screen, "a form with a problem is not sent"
    text = errors(screen)
    assert f"[{rule}]" in text, text
    focused = pilot.app.focused
    assert focused is not None and focused.id == focus, (rule, focused)
    return text


async def test_every_validation_message_focuses_its_field() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_order(pilot, "O-00000009")
        await pilot.press("n")
        await settle(pilot)
        screen = form(pilot)
        spy = Spy(app.backend, "create_invoice_schedule")

        await set_input(pilot, screen, "#notes", "x" * 256)
        assert "255" in await save_expecting(pilot, screen, "notes_length", "notes")
        await set_input(pilot, screen, "#notes", "ok")

        await set_input(pilot, screen, "#orders", "")
        await save_expecting(pilot, screen, "orders_required", "orders")
        await set_input(pilot, screen, "#orders", ", ".join(f"O-{n:08d}" for n in range(1, 12)))
        await save_expecting(pilot, screen, "orders_max", "orders")
        await set_input(pilot, screen, "#orders", "O-00000009, o-00000009")
        await save_expecting(pilot, screen, "orders_duplicate", "orders")
        await set_input(pilot, screen, "#orders", "O-00000009")

        await set_cell(pilot, screen, 0, "name", "n" * 101)
        await save_expecting(pilot, screen, "item_name_length", "item-name")
        await set_cell(pilot, screen, 0, "name", "First")

        await set_cell(pilot, screen, 1, "run_date", "soon")
        assert "+30d" in await save_expecting(pilot, screen, "run_date_format", "item-date")
        await set_cell(pilot, screen, 1, "run_date", "2026-01-01")
        await save_expecting(pilot, screen, "run_date_order", "item-date")
        await set_cell(pilot, screen, 1, "run_date", "")
        await save_expecting(pilot, screen, "run_date_blank_last", "item-date")
        assert screen.query_one("#items", DataTable).cursor_row == 2  # the row in error
        await set_cell(pilot, screen, 1, "run_date", "+45d")

        await set_cell(pilot, screen, 2, "value", "lots")
        await save_expecting(pilot, screen, "value_format", "item-value")
        await set_cell(pilot, screen, 2, "value", "0")
        await save_expecting(pilot, screen, "amount_positive", "item-value")
        await set_cell(pilot, screen, 2, "value", "10.005")
        assert "EUR amounts take at most 2 decimals" in await save_expecting(
            pilot, screen, "amount_decimals", "item-value"
        )
        await set_cell(pilot, screen, 2, "value", "120%")
        await save_expecting(pilot, screen, "percentage_range", "item-value")
        await set_cell(pilot, screen, 2, "value", "30%")
        assert "96.66%" in await save_expecting(pilot, screen, "percentages_sum", "item-value")

        for _ in range(3):
            await pilot.press("ctrl+d")
        assert screen.state.items == []
        await save_expecting(pilot, screen, "items_required", "items")
        assert spy.calls == []  # nothing was ever sent


async def test_the_item_and_subscription_limits_are_named() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_order(pilot, "O-00000009")
        await pilot.press("n")
        await settle(pilot)
        screen = form(pilot)
        screen.state.split(51, percent=True)
        await save_expecting(pilot, screen, "items_max", "items")
        screen.state.split(50, percent=True)
        info = screen.state.order_info["O-00000009"]
        screen.state.order_info["O-00000009"] = type(info)(
            "O-00000009", tuple(f"S-{n}" for n in range(301))
        )
        await save_expecting(pilot, screen, "subscriptions_max", "orders")


async def test_a_refused_save_keeps_what_was_typed() -> None:
    """By amount, the console cannot know the orders' total: the engine refuses the sum and
    the form comes back as typed, the refusal shown against it."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_order(pilot, "O-00000009")
        await pilot.press("n")
        await settle(pilot)
        screen = form(pilot)
        await set_input(pilot, screen, "#notes", "by amount")
        for row in range(3):
            await set_cell(pilot, screen, row, "value", "100.00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        again = form(pilot)
        assert again is not screen
        assert [r.value for r in again.state.items] == ["100.00"] * 3
        assert again.query_one("#notes", Input).value == "by amount"
        text = errors(again)
        assert text.startswith("Refused by the backend:") and "add up to" in text
        # a "no" at the confirmation also comes back to the form as typed
        await set_cell(pilot, again, 0, "value", "33.33%")
        await set_cell(pilot, again, 1, "value", "33.33%")
        await set_cell(pilot, again, 2, "value", "33.34%")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        third = form(pilot)
        assert [r.value for r in third.state.items] == ["33.33%", "33.33%", "33.34%"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen) and len(app.screen.schedules) == 1


async def test_edit_that_removes_an_item_shows_it_deleted_before_saving() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000001")
        await pilot.press("e")
        await settle(pilot)
        screen = form(pilot)
        screen.query_one("#items", DataTable).focus()
        screen.query_one("#items", DataTable).move_cursor(row=2, animate=False)
        await pilot.pause()
        await pilot.press("ctrl+d")
        await set_cell(pilot, screen, 1, "value", "2000.00")
        assert "✓ adds up" in str(screen.query_one("#summary", Static).content)
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "1 item(s) DELETED" in dialog.body
        assert "- DELETED Installment 3/3 · 2026-05-01 · 1,000.00 USD" in dialog.body
        assert "value 1,000.00 → 2,000.00" in dialog.body
        assert "FAKE" in dialog.environment
        await pilot.press("y")
        await settle(pilot)
        schedule = await app.backend.get_invoice_schedule("IS-00000001")
        assert [i.amount for i in schedule.schedule_items] == [
            Decimal("1000.00"),
            Decimal("2000.00"),
        ]
        # the schedule screen under the form shows it
        assert app.screen.schedule is not None
        assert len(app.screen.schedule.schedule_items) == 2


async def test_an_edit_that_changes_nothing_sends_nothing() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000002")
        spy = Spy(app.backend, "update_invoice_schedule")
        await pilot.press("e")
        await settle(pilot)
        screen = form(pilot)
        assert not screen.state.items[0].editable  # Processed: read-only, with why
        screen.query_one("#items", DataTable).move_cursor(row=0, animate=False)
        await pilot.pause()
        note = str(screen.query_one("#row-note", Static).content)
        assert "read-only" in note and "only Pending items can change" in note
        assert screen.query_one("#item-value", Input).disabled
        assert screen.query_one("#orders", Input).disabled  # PartiallyProcessed
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and "Nothing changed" in errors(screen)
        assert spy.calls == []
        await pilot.press("escape")  # nothing typed: leaves without asking
        await settle(pilot)
        assert not isinstance(app.screen, ScheduleFormScreen)


async def test_escape_asks_before_discarding_changes() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000001")
        await pilot.press("e")
        await settle(pilot)
        screen = form(pilot)
        await pilot.press(*"abc")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and screen.state.notes.endswith("abc")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, ScheduleFormScreen)


async def test_split_and_dates_helpers_from_the_keyboard() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000002")  # item 1 Processed, 2 000.00 of 6 000.00
        await pilot.press("e")
        await settle(pilot)
        screen = form(pilot)
        await set_input(pilot, screen, "#split-count", "3")
        await set_input(pilot, screen, "#split-start", "eom")
        await set_input(pilot, screen, "#split-every", "q")
        await pilot.press("ctrl+l")
        await settle(pilot)
        rows = screen.state.items
        assert len(rows) == 4 and not rows[0].editable
        assert [r.run_date for r in rows[1:]] == ["2026-03-31", "2026-06-30", "2026-09-30"]
        total = screen.state.total
        assert total is not None
        left = total - rows[0].original.amount  # type: ignore[union-attr]
        assert sum(Decimal(r.value) for r in rows[1:]) == left
        assert "✓ adds up" in str(screen.query_one("#summary", Static).content)


async def test_delete_a_pending_schedule_names_it_and_its_orders() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_order(pilot, "O-00000001")
        await open_schedule(pilot, "IS-00000001")
        await pilot.press("D")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "IS-00000001" in dialog.title_text
        assert "3,000.00 USD" in dialog.body and "O-00000001" in dialog.body
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen) and app.screen.schedules == []
        assert any("IS-00000001 deleted" in m for m in messages(app))


async def test_delete_is_refused_unless_pending() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000002")
        await pilot.press("D")
        await settle(pilot)
        assert app.screen is screen
        assert any("only a Pending schedule can be deleted" in m for m in messages(app))


async def test_detach_then_attach_back() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000004")
        await pilot.press("c")
        await settle(pilot)
        charges = app.screen
        assert isinstance(charges, ScheduleChargesScreen)
        assert [(r.charge, r.state) for r in charges.charges.rows] == [("C-00000004", "attached")]
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "- detach C-00000004 (A-S00000004, O-00000004)" in app.screen.body
        await pilot.press("y")
        await settle(pilot)
        assert any("detached C-00000004" in m for m in messages(app))
        await pilot.press("c")
        await settle(pilot)
        charges = app.screen
        assert isinstance(charges, ScheduleChargesScreen)
        assert [(r.charge, r.state) for r in charges.charges.rows] == [("C-00000004", "detached")]
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert "+ attach C-00000004" in app.screen.body  # type: ignore[attr-defined]
        await pilot.press("y")
        await settle(pilot)
        assert any("attached C-00000004" in m for m in messages(app))


async def test_charges_rules() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")  # Pending
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is screen
        assert any("only on a PartiallyProcessed or FullyProcessed" in m for m in messages(app))
        await open_schedule(pilot, "IS-00000002")  # its invoice is Draft
        await pilot.press("c")
        await settle(pilot)
        charges = app.screen
        assert isinstance(charges, ScheduleChargesScreen)
        await pilot.press("space")
        await pilot.pause()
        assert charges.charges.marked == set()
        text = str(charges.query_one("#charges-error", Static).content)
        assert "is Draft: post every invoice" in text


async def test_read_only_removes_all_four() -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        order = await open_order(pilot, "O-00000009")
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is order
        schedule = await open_schedule(pilot, "IS-00000001")
        for key in ("e", "D", "c"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is schedule
        for op in ("new_schedule", "edit_schedule", "delete_schedule", "charges"):
            assert not app.action_allowed(f"op('{op}')")


async def test_the_palette_offers_the_operations_that_may_run_here() -> None:
    from tui.commands import valid_actions

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        order = await open_order(pilot, "O-00000009")
        assert "new_schedule" in {spec.id for spec, *_ in valid_actions(app, order)}
        pending = await open_schedule(pilot, "IS-00000001")
        offered = {spec.id for spec, *_ in valid_actions(app, pending)}
        assert {"edit_schedule", "delete_schedule"} <= offered and "charges" not in offered
        done = await open_schedule(pilot, "IS-00000004")
        offered = {spec.id for spec, *_ in valid_actions(app, done)}
        assert {"edit_schedule", "charges"} <= offered and "delete_schedule" not in offered
