"""Snapshots of the schedule form (empty, filled, with errors) and the charges screen, at
120x36 and 80x24. Regenerate on purpose with ``--snapshot-update`` and look at them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from .tui_helpers import make_app, settle

SIZES = [(120, 36), (80, 24)]
SIZE_IDS = ["120x36", "80x24"]

Step = Callable[[Any], Awaitable[None]]


async def new_form(pilot: Any) -> None:
    await settle(pilot)
    pilot.app.open_object("order", "O-00000009")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)


async def empty(pilot: Any) -> None:
    await new_form(pilot)
    for _ in range(3):
        await pilot.press("ctrl+d")
    await settle(pilot)


async def filled(pilot: Any) -> None:
    await settle(pilot)
    pilot.app.open_object("schedule", "IS-00000002")
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    await pilot.press(*"Q2", "tab")  # notes, then on to the orders
    await settle(pilot)


async def with_errors(pilot: Any) -> None:
    await new_form(pilot)
    screen = pilot.app.screen
    screen.query_one("#items").move_cursor(row=1, animate=False)
    await settle(pilot)
    screen.query_one("#item-date").value = "2026-01-01"
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def charges(pilot: Any) -> None:
    await settle(pilot)
    pilot.app.open_object("schedule", "IS-00000004")
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("space")
    await settle(pilot)


SCENES: dict[str, Step] = {
    "form_empty": empty,
    "form_filled": filled,
    "form_errors": with_errors,
    "charges": charges,
}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", list(SCENES))
def test_schedule_editor_screens(snap_compare: Any, name: str, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), run_before=SCENES[name], terminal_size=size)
