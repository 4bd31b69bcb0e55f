"""The form's and the charges screen's keys come from the registry: the keymap remaps them, help
lists them with their ids, the palette offers them, and the footer keeps help / log / quit
without letting a typed ``q`` quit."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from tui import actions
from tui.screens.help import HelpScreen, help_rows
from tui.screens.schedule_charges import ScheduleChargesScreen
from tui.widgets.confirm import ConfirmDialog

from .test_schedule_editor_forms import form, open_order
from .tui_helpers import make_app, open_schedule, settle


def footer(app: Any) -> dict[str, bool]:
    """Footer key → enabled."""
    return {k.key_display: not k.has_class("-disabled") for k in app.screen.query(FooterKey)}


async def new_form(pilot: Any) -> Any:
    await open_order(pilot, "O-00000009")
    await pilot.press("n")
    await settle(pilot)
    return form(pilot)


def test_the_form_keys_are_registry_entries_with_ids() -> None:
    ids = {s.id for s in actions.specs_for(actions.SCHEDULE_FORM)}
    assert {"form_save", "form_add_item", "form_remove_item", "form_split", "form_leave"} <= ids
    ids = {s.id for s in actions.specs_for(actions.SCHEDULE_CHARGES)}
    assert {"charges_mark", "charges_apply", "charges_leave"} <= ids
    assert actions.by_id("form_save").dangerous and actions.by_id("charges_apply").dangerous


def test_a_keymap_clash_on_the_form_is_refused() -> None:
    problem = actions.keymap_problem({"form_add_item": "ctrl+s"})
    assert problem is not None and problem[0] == "form_add_item"
    assert "schedule_form" in problem[1]
    assert actions.keymap_problem({"form_add_item": "ctrl+b"}) is None


async def test_remapped_form_keys_work_and_are_named_as_bound() -> None:
    app = make_app(keymap={"form_add_item": "ctrl+b", "form_save": "ctrl+w"})
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await new_form(pilot)
        await pilot.press("ctrl+n")  # no longer bound: nothing added
        await settle(pilot)
        assert len(screen.state.items) == 3
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert len(screen.state.items) == 4
        shown = footer(app)
        assert "^b" in shown and "^w" in shown and "^n" not in shown
        await pilot.press("ctrl+d", "ctrl+w")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)


async def test_help_on_the_form_lists_its_keys_by_id() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await new_form(pilot)
        screen.query_one("#items").focus()
        await settle(pilot)
        ids = {row[2] for row in help_rows(app, screen)}
        assert {"form_save", "form_add_item", "form_remove_item", "form_split"} <= ids
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_the_palette_offers_the_form_keys() -> None:
    from tui.commands import valid_actions

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await new_form(pilot)
        offered = {spec.id for spec, *_ in valid_actions(app, screen)}
        assert {"form_save", "form_add_item", "form_split"} <= offered


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_the_footer_keeps_help_log_and_quit_and_q_types_in_a_field(
    size: tuple[int, int],
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await new_form(pilot)
        assert isinstance(app.focused, Input)  # the notes field
        shown = footer(app)
        # shown, but greyed out while a field takes printable keys as text
        assert {"?", "l", "q"} <= set(shown) and not any(shown[k] for k in "?lq")
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and screen.state.notes == "q"
        screen.query_one("#items").focus()
        await settle(pilot)
        shown = footer(app)
        assert all(shown[k] for k in "?lq")
        await pilot.press("l")
        await settle(pilot)
        assert app.screen is not screen  # the action log opened from the table


async def test_the_charges_keys_follow_the_keymap() -> None:
    app = make_app(keymap={"charges_mark": "x"})
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000004")
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleChargesScreen)
        await pilot.press("x")
        await settle(pilot)
        assert screen.charges.marked == {"C-00000004"}
        assert "x marks" in str(screen.query_one("#charges-note").content)
