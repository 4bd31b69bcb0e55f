"""Specific subscriptions in the form: added and removed, validated, shown in the diff and sent
in the complete lists."""

from __future__ import annotations

from textual.widgets import Input

from tui.screens.schedule_form import ScheduleFormScreen
from tui.widgets.confirm import ConfirmDialog

from .test_schedule_editor_forms import errors, form, open_order, set_input
from .tui_helpers import Spy, demo_backend, make_app, open_schedule, settle


async def test_a_specific_subscription_of_an_added_order_is_created_then_removed() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_order(pilot, "O-00000009")
        await pilot.press("n")
        await settle(pilot)
        screen = form(pilot)
        # another order of the same account: its subscriptions are read when the field is left
        screen.query_one("#orders", Input).focus()
        await set_input(pilot, screen, "#orders", "O-00000009, O-00000018")
        screen.query_one("#subscriptions", Input).focus()
        await settle(pilot)
        note = str(screen.query_one("#subscriptions-note").content)
        assert "A-S00000016 (O-00000018)" in note and "A-S00000008 (O-00000009)" in note
        await set_input(pilot, screen, "#subscriptions", "A-S00000016")
        assert screen.state.subscription_count() == 2  # all of O-00000009's, and the one
        create = Spy(backend, "create_invoice_schedule")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog), errors(screen)
        assert "Specific subscriptions: A-S00000016 (O-00000018)" in str(app.screen.body)
        await pilot.press("y")
        await settle(pilot)
        (request,) = create.calls[0]
        assert request.orders == ["O-00000009", "O-00000018"]
        assert [(s.order_key, s.subscription_key) for s in request.specific_subscriptions] == [
            ("O-00000018", "A-S00000016")
        ]
        number = app.screen.schedules[0].number  # type: ignore[attr-defined]

        await open_schedule(pilot, number)
        await pilot.press("e")
        await settle(pilot)
        screen = form(pilot)
        assert screen.query_one("#subscriptions", Input).value == "A-S00000016"
        await set_input(pilot, screen, "#subscriptions", "")
        update = Spy(backend, "update_invoice_schedule")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "- subscription A-S00000016 (O-00000018) removed" in str(app.screen.body)
        await pilot.press("y")
        await settle(pilot)
        (_, sent) = update.calls[0]
        assert sent.specific_subscriptions == [] and sent.orders == ["O-00000009", "O-00000018"]
        assert (await backend.get_invoice_schedule(number)).specific_subscriptions == []


async def test_a_subscription_the_orders_do_not_hold_is_refused_in_the_form() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_order(pilot, "O-00000009")
        await pilot.press("n")
        await settle(pilot)
        screen = form(pilot)
        await set_input(pilot, screen, "#subscriptions", "A-S00000001, A-S00000008, A-S00000008")
        create = Spy(backend, "create_invoice_schedule")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleFormScreen) and create.calls == []
        text = errors(screen)
        assert "A-S00000001 is not a subscription of O-00000009" in text
        assert "[subscription_unknown]" in text and "[subscriptions_duplicate]" in text
        field = screen.query_one("#subscriptions", Input)
        assert app.focused is field and field.has_class("-in-error")
        assert field.value == "A-S00000001, A-S00000008, A-S00000008"  # kept as typed


async def test_subscriptions_are_read_only_once_the_schedule_has_billed() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000002")
        await pilot.press("e")
        await settle(pilot)
        screen = form(pilot)
        assert screen.query_one("#subscriptions", Input).disabled
        assert screen.query_one("#orders", Input).disabled


async def test_saving_reads_the_subscriptions_of_an_order_typed_just_before() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_order(pilot, "O-00000009")
        await pilot.press("n")
        await settle(pilot)
        screen = form(pilot)
        await set_input(pilot, screen, "#orders", "O-00000009, O-00000018")
        await set_input(pilot, screen, "#subscriptions", "A-S00000016")
        await pilot.press("ctrl+s")  # the orders field was never left
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog), errors(screen)


async def test_amounts_that_miss_the_known_total_and_locked_orders_are_named() -> None:
    from .test_schedule_editor_forms import save_expecting, set_cell

    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000002")  # 3 x 2,000.00 USD, item 1 Processed
        await pilot.press("e")
        await settle(pilot)
        screen = form(pilot)
        update = Spy(backend, "update_invoice_schedule")
        await set_cell(pilot, screen, 2, "value", "1000.00")
        text = await save_expecting(pilot, screen, "amounts_total", "item-value")
        assert "5,000.00 USD but the orders' total is 6,000.00 USD" in text
        await set_cell(pilot, screen, 2, "value", "2000.00")
        # the orders field is disabled once the schedule has billed; were the list changed
        # anyway, saving names the rule and sends nothing
        screen.state.orders.append("O-00000099")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and "[orders_locked]" in errors(screen)
        assert update.calls == []
