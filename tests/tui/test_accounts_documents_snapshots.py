"""Snapshots of the Accounts, Account and Documents screens (and the generate dialog, marks) at
120x36 and 80x24, on the manual demo tenant with a fixed clock (see test_tui_snapshots.py).
Regenerate on purpose with ``--snapshot-update`` and look at them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from .tui_helpers import make_app, settle

BIG = (120, 36)
SMALL = (80, 24)

Step = Callable[[Any], Awaitable[None]]


def press(*keys: str) -> Step:
    async def step(pilot: Any) -> None:
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return step


def open_(kind: str, key: str) -> Step:
    async def step(pilot: Any) -> None:
        pilot.app.open_object(kind, key)
        await settle(pilot)

    return step


SCREENS: dict[str, tuple[Step, ...]] = {
    "accounts": (press("A"),),
    "accounts_search": (press("A", "slash", *"Glob", "enter"),),
    "account": (open_("account", "A00000003"),),
    "account_many": (open_("account", "A00000002"),),
    "confirm_generate_documents": (open_("account", "A00000003"), press("G")),
    "documents": (press("I"),),
    "documents_draft_marked": (press("I", "f", "down", "space", "space"),),
}


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["120x36", "80x24"])
@pytest.mark.parametrize("name", list(SCREENS))
def test_accounts_and_documents(snap_compare: Any, name: str, size: tuple[int, int]) -> None:
    app = make_app()

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for step in SCREENS[name]:
            await step(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=size)
