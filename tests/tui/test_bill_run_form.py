"""The new-bill-run form walked as an operator: every validation, the confirmation, a refusal
that keeps what was typed, the account search, the preset from an account, esc, read-only; and
the demo walks "bill Batch1 ahead for next month excluding usage" and "schedule a daily run and
watch the simulated clock create it"."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

from textual.widgets import Checkbox, Input, OptionList, Static

from backends.models import BillRunStatus, ChargeType, DocumentStatus
from tui.bill_run_form.state import new_state
from tui.screens.bill_run_form import BillRunFormScreen
from tui.screens.bill_runs import BillRunsScreen
from tui.widgets.confirm import ConfirmDialog

from ..bill_run_form.test_validate import CASES, TODAY
from .tui_helpers import demo_backend, make_app, messages, settle


def form(pilot: Any) -> BillRunFormScreen:
    screen = pilot.app.screen
    assert isinstance(screen, BillRunFormScreen), screen
    return screen


def errors(screen: BillRunFormScreen) -> str:
    return str(screen.query_one("#errors", Static).content)


async def open_form(pilot: Any) -> BillRunFormScreen:
    await settle(pilot)
    await pilot.press("B")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BillRunsScreen)
    await pilot.press("n")
    await settle(pilot)
    return form(pilot)


async def type_into(pilot: Any, screen: BillRunFormScreen, field: str, text: str) -> None:
    widget = screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def test_every_validation_is_shown_against_its_field() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for changes, field, rule, words in CASES:
            state = replace(new_state(TODAY), **changes)  # type: ignore[arg-type]
            app.push_screen(BillRunFormScreen(state, today=TODAY))
            await settle(pilot)
            screen = form(pilot)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is screen, f"{rule}: the form was sent"
            shown = errors(screen)
            assert f"[{rule}]" in shown and words in shown, (rule, shown)
            focused = app.focused
            if field == "exclude":
                assert isinstance(focused, Checkbox) and (focused.id or "").startswith("exclude-")
                assert screen.query_one("#exclude-Usage").has_class("-in-error")
            else:
                assert focused is not None and focused.id == field, (rule, focused)
                assert focused.has_class("-in-error")
            app.pop_screen()
            await pilot.pause()


async def test_batch1_ahead_for_next_month_excluding_usage() -> None:
    """The demo step: B, n, target date eom+1, tick Usage, ctrl+s, y; the run is watched."""
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_form(pilot)
        assert screen.state.who == "batches" and screen.state.batches == "Batch1"
        await type_into(pilot, screen, "target_date", "eom+1")
        advance = str(screen.query_one("#advance", Static).content)
        assert advance == (
            "Billing in advance: invoice date 2026-03-02 with target date 2026-04-30 bills "
            "April's period on March 2."
        )
        screen.query_one("#exclude-Usage", Checkbox).focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.title_text == "Create this bill run?"
        assert (
            "every account in Batch1, target date 2026-04-30, invoice date 2026-03-02, "
            "excluding Usage, invoices left Draft"
        ) in dialog.body
        assert "Environment: FAKE" in dialog.environment
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, BillRunsScreen)
        created = [m for m in messages(app) if m.startswith("Bill run BR-00000028 created")]
        assert created, messages(app)
        run = app.screen.table.items[0]
        assert run.bill_run_number == "BR-00000028"
        assert run.batches == ["Batch1"] and run.charge_type_to_exclude == [ChargeType.USAGE]
        assert "BR-00000028" in {w.bill_run_number for w in app.watcher.watched.values()}

        await backend.settle()
        app.watcher.check_now()
        await settle(pilot)
        assert (
            "Bill run BR-00000028 for every account in Batch1: 3 invoices (5,651.65 USD) · 3 Draft"
        ) in messages(app)
        docs = await backend.list_bill_run_documents(run.id)
        assert {i.target_date for i in docs.invoices} == {run.target_date}
        assert all(i.status is DocumentStatus.DRAFT for i in docs.invoices)


async def test_schedule_a_daily_run_and_the_clock_creates_it() -> None:
    """The demo step: n, Daily, target offset 30, ctrl+s, y; then t (twice: the demo's first
    due item is today's) runs the scheduled run and schedules the next."""
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_form(pilot)
        screen.query_one("#when").focus()
        await pilot.press("right")
        await pilot.pause()
        assert screen.state.when == "daily"
        assert screen.query_one("#row-offsets").display
        assert not screen.query_one("#row-dates").display
        await type_into(pilot, screen, "target_offset", "30")
        assert str(screen.query_one("#advance", Static).content).startswith(
            "Billing in advance: each run bills what is due up to 30 day(s)"
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog) and dialog.title_text == "Schedule this bill run?"
        assert "daily at 02:00 from 2026-03-03" in dialog.body
        assert "target date 30 days after each run date" in dialog.body
        assert "First run 2026-03-03 at 02:00" in dialog.body
        await pilot.press("y")
        await settle(pilot)
        assert (
            "Bill run BR-00000028 scheduled: every account in Batch1, daily at 02:00 from "
            "2026-03-03, target date 30 days after each run date, invoice date on each run date, "
            "invoices left Draft; first run 2026-03-03 02:00"
        ) in messages(app)
        assert not app.watcher.watched  # a definition: nothing to watch until it runs
        bill_runs = app.screen
        assert isinstance(bill_runs, BillRunsScreen)
        assert bill_runs.table.items[0].status is BillRunStatus.PENDING

        for _ in range(2):
            await pilot.press("t")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
        ran = [m for m in messages(app) if "scheduled bill run BR-00000028 ran" in m]
        assert ran and "target 2026-04-02" in ran[0], messages(app)
        runs = {r.bill_run_number: r for r in bill_runs.table.items}
        assert runs["BR-00000028"].status is BillRunStatus.COMPLETED
        following = runs["BR-00000030"]
        assert following.status is BillRunStatus.PENDING and following.schedule is not None
        assert f"{following.scheduled_execution_time:%Y-%m-%d}" == "2026-03-04"


async def test_a_refusal_by_the_backend_keeps_what_was_typed() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_form(pilot)
        screen.query_one("#who").focus()
        await pilot.press("left", "left")
        assert screen.state.who == "account"
        await type_into(pilot, screen, "account", "A09999999")
        await type_into(pilot, screen, "name", "one off")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "account A09999999" in app.screen.body
        await pilot.press("n")  # no: back to the form as typed
        await settle(pilot)
        screen = form(pilot)
        assert screen.query_one("#account", Input).value == "A09999999"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = form(pilot)
        assert errors(screen).startswith("Refused by the backend:"), errors(screen)
        assert "A09999999" in errors(screen)
        assert screen.query_one("#account", Input).value == "A09999999"
        assert screen.query_one("#name", Input).value == "one off"
        assert screen.state.who == "account"
        assert any("New bill run failed" in str(n.title) for n in app._notifications)


async def test_one_account_found_by_name() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_form(pilot)
        screen.query_one("#who").focus()
        await pilot.press("left", "left")
        await type_into(pilot, screen, "account", "hoo")
        await settle(pilot)
        matches = screen.query_one("#matches", OptionList)
        assert matches.display and matches.option_count == 1
        assert "A00000010  Hooli Cloud" in str(matches.get_option_at_index(0).prompt)
        await pilot.press("down")
        assert app.focused is matches
        await pilot.press("enter")
        await settle(pilot)
        assert screen.state.account == "A00000010"
        assert not matches.display
        note = str(screen.query_one("#who-note", Static).content)
        assert note.startswith("A00000010 Hooli Cloud · USD · Batch3 · bill cycle day 15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "account A00000010 (Hooli Cloud), target date 2026-03-02" in app.screen.body
        await pilot.press("y")
        await settle(pilot)
        run = (await app.backend.list_bill_runs(page_size=1)).items[0]
        account = await app.backend.get_account("A00000010")
        assert [f.account_id for f in run.bill_run_filters] == [account.id]


async def test_a_screen_naming_an_account_presets_the_form() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        account = await app.backend.get_account("A00000002")
        app.runner.start("new_bill_run", SimpleNamespace(bill_run_account=account, crumb="A2"))
        await settle(pilot)
        screen = form(pilot)
        assert screen.state.who == "account" and screen.state.account == "A00000002"
        assert screen.query_one("#row-account").display
        assert str(screen.query_one("#who-note", Static).content).startswith(
            "A00000002 Globex Industries"
        )
        app.pop_screen()
        app.in_flight.clear()
        await pilot.pause()
        app.runner.start("new_bill_run", SimpleNamespace(bill_run_account=None, crumb="A2"))
        await settle(pilot)
        assert not isinstance(app.screen, BillRunFormScreen)
        assert "the account is still loading" in " ".join(messages(app))


async def test_esc_leaves_at_once_untouched_and_asks_once_typed() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_form(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BillRunsScreen)
        screen = await open_form(pilot)
        await type_into(pilot, screen, "name", "x")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.title_text == "Discard this bill run?"
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, BillRunsScreen)


async def test_read_only_removes_the_form_but_keeps_the_lists() -> None:
    from tui.commands import valid_actions

    app = make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BillRunsScreen) and screen.table.items
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, BillRunsScreen)  # the key is not bound
        app.runner.start("new_bill_run", screen)  # nor runs any other way
        await settle(pilot)
        assert isinstance(app.screen, BillRunsScreen)
        assert any("read-only" in m for m in messages(app)), messages(app)
        assert "new_bill_run" not in {spec.id for spec, *_ in valid_actions(app, screen)}
        keys = {b.binding.id for b in screen.active_bindings.values() if b.enabled}
        assert "new_bill_run" not in keys


async def test_a_tab_typed_right_after_a_choice_reaches_the_field_it_shows() -> None:
    """Keys arriving in one burst (a terminal sends them so): the choice, then tab. Textual
    orders focus by the last layout, where the field just shown has none yet."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        for key in ("left", "left", "tab"):
            app.post_message(events.Key(key, "\t" if key == "tab" else None))
        await pilot.pause()
        await pilot.pause()
        assert screen.state.who == "account"
        assert app.focused is screen.query_one("#account")
        await pilot.press("shift+tab")
        assert app.focused is screen.query_one("#who")


async def test_tabs_in_a_burst_each_move_one_field() -> None:
    from textual import events

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_form(pilot)
        for _ in range(5):
            app.post_message(events.Key("tab", "\t"))
        await pilot.pause()
        await pilot.pause()
        assert app.focused is screen.query_one("#target_date")


async def test_a_remapped_save_key_saves_and_the_form_names_it() -> None:
    """The form's keys are the registry's: ``[keymap] form_save`` moves save, and the summary
    and the help name the key as bound."""
    from tui.screens.help import help_rows

    app = make_app(keymap={"form_save": "ctrl+w", "form_leave": "ctrl+g"})
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_form(pilot)
        await type_into(pilot, screen, "target_date", "someday")
        summary = str(screen.query_one("#summary", Static).content)
        assert summary.endswith("ctrl+w lists them"), summary
        rows = {row[2]: row[0] for row in help_rows(app, screen)}
        assert (rows["form_save"], rows["form_leave"]) == ("^w", "^g")
        await pilot.press("ctrl+s")  # no longer bound: nothing checked
        await settle(pilot)
        assert app.screen is screen and errors(screen) == ""
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert app.screen is screen and "someday" in errors(screen)
        await type_into(pilot, screen, "target_date", "eom+1")
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, BillRunsScreen)
        assert any(m.startswith("Bill run BR-00000028 created") for m in messages(app))
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # no longer leaves
        await settle(pilot)
        assert isinstance(app.screen, BillRunFormScreen)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, BillRunsScreen)


async def test_read_only_disables_save_on_a_form_pushed_anyway() -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = BillRunFormScreen(new_state(TODAY), today=TODAY)
        app.push_screen(screen)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        enabled = {b.binding.id for b in screen.active_bindings.values() if b.enabled}
        assert "form_save" not in enabled and "form_leave" in enabled


async def test_the_footer_keeps_help_log_and_quit_at_80_columns_while_a_field_types() -> None:
    from textual.widgets._footer import FooterKey

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot)
        screen.query_one("#batches", Input).focus()
        await settle(pilot)
        shown = {k.key_display: not k.has_class("-disabled") for k in screen.query(FooterKey)}
        # shown, greyed while the field takes printable keys as text
        assert {"?", "l", "q"} <= set(shown) and not any(shown[k] for k in "?lq")
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and app.screen is screen
