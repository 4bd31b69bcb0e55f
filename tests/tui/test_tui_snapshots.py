"""Snapshot tests: every screen and dialog at 120x36 and at 80x24.

Deterministic by construction: the manual demo tenant (fixed simulated date), a fixed clock
injected into the app, theme textual-dark, animations off, workers awaited before the shot.
Regenerate on purpose with ``pytest tests/tui/test_tui_snapshots.py --snapshot-update`` and look.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tui.app import BillingApp

from .tui_helpers import demo_backend, fault_double, make_app, settle

BIG = (120, 36)
SMALL = (80, 24)

Step = Callable[[Any, Any], Awaitable[None]]


def press(*keys: str) -> Step:
    async def step(pilot: Any, backend: Any) -> None:
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return step


def open_(kind: str, key: str) -> Step:
    async def step(pilot: Any, backend: Any) -> None:
        pilot.app.open_object(kind, key)
        await settle(pilot)

    return step


async def finish_bill_runs(pilot: Any, backend: Any) -> None:
    await backend.settle()
    await pilot.press("r")
    await settle(pilot)


def cursor_to_last(table_id: str) -> Step:
    async def step(pilot: Any, backend: Any) -> None:
        table = pilot.app.screen.query_one(table_id)
        table.move_cursor(row=table.row_count - 1)
        await settle(pilot)

    return step


def scenario(
    *steps: Step, read_only: bool = False, backend: Any | None = None
) -> tuple[BillingApp, Any]:
    backend = backend if backend is not None else demo_backend()
    app = make_app(backend, read_only=read_only)

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for step in steps:
            await step(pilot, backend)

    return app, run_before


MAIN = {
    "orders": (),
    "order": (open_("order", "O-00000002"),),
    "schedule": (open_("schedule", "IS-00000002"),),
}


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["120x36", "80x24"])
@pytest.mark.parametrize("name", list(MAIN))
def test_main_screens(snap_compare: Any, name: str, size: tuple[int, int]) -> None:
    app, run_before = scenario(*MAIN[name])
    assert snap_compare(app, run_before=run_before, terminal_size=size)


SCREENS: dict[str, tuple[tuple[Step, ...], bool]] = {
    "orders_search": ((press("slash", *"Acme", "enter"),), False),
    "schedule_generate_link": ((open_("schedule", "IS-00000001"),), False),
    "schedule_executing": ((open_("schedule", "IS-00000001"), press("g", "y")), False),
    "schedule_processed": (
        (open_("schedule", "IS-00000001"), press("g", "y"), finish_bill_runs),
        False,
    ),
    "schedule_paused": ((open_("schedule", "IS-00000003"),), False),
    "schedule_percentages": ((open_("schedule", "IS-00000006"),), False),
    "schedule_credit_memo": (
        (open_("schedule", "IS-00000004"), press("b", "y"), finish_bill_runs),
        False,
    ),
    "schedule_read_only": ((open_("schedule", "IS-00000002"),), True),
    "invoice": ((open_("schedule", "IS-00000002"), press("enter")), False),
    "credit_memo": (
        (
            open_("schedule", "IS-00000004"),
            press("b", "y"),
            finish_bill_runs,
            cursor_to_last("#items"),
            press("m"),
        ),
        False,
    ),
    "bill_run": ((open_("schedule", "IS-00000002"), press("enter", "o")), False),
    "help": ((open_("schedule", "IS-00000001"), press("question_mark")), False),
    "help_read_only": ((open_("schedule", "IS-00000001"), press("question_mark")), True),
    "action_log": (
        (open_("schedule", "IS-00000003"), press("g", "z", "l")),
        False,
    ),
    "confirm_generate": ((open_("schedule", "IS-00000001"), press("g")), False),
    "confirm_post": ((open_("schedule", "IS-00000002"), press("p")), False),
    "confirm_create_bill_run": ((open_("schedule", "IS-00000004"), press("b")), False),
    "confirm_advance_clock": ((press("t"),), False),
    # issue 8: step back, bill runs, batches
    "bill_runs": ((press("B"),), False),
    "bill_run_marked": ((press("B"), cursor_to_last("#bill-runs"), press("enter", "space")), False),
    "confirm_unpost": ((open_("schedule", "IS-00000009"), press("u")), False),
    "confirm_cancel_invoice": ((open_("schedule", "IS-00000002"), press("x")), False),
    "confirm_reverse": ((open_("schedule", "IS-00000004"), press("v")), False),
    "confirm_bulk_post": ((open_("schedule", "IS-00000004"), press("space", "space", "M")), False),
    "confirm_post_bill_run": ((press("B"), cursor_to_last("#bill-runs"), press("p")), False),
    "invoice_deep_crumbs": (
        (open_("order", "O-00000002"), press("enter", "enter")),
        False,
    ),
    "action_log_filtered": (
        (open_("schedule", "IS-00000003"), press("g", "z", "l", "slash", *"paus", "enter")),
        False,
    ),
}


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["120x36", "80x24"])
@pytest.mark.parametrize("name", list(SCREENS))
def test_screens_and_dialogs(snap_compare: Any, name: str, size: tuple[int, int]) -> None:
    steps, read_only = SCREENS[name]
    app, run_before = scenario(*steps, read_only=read_only)
    assert snap_compare(app, run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["120x36", "80x24"])
def test_startup_failed(snap_compare: Any, size: tuple[int, int]) -> None:
    from backends.errors import AuthenticationError

    backend = demo_backend()

    async def refused(**kwargs: Any) -> Any:
        raise AuthenticationError(
            "Zuora refused the OAuth client credentials: check the client id and secret of "
            "this profile (Invalid client credentials)",
            status=401,
            request_id="a7ce2f6d-3ddd-a2d6-d814-d12ab2956e39",
        )

    backend.list_orders = refused
    app, run_before = scenario(backend=backend)
    assert snap_compare(app, run_before=run_before, terminal_size=size)


async def add_fault_rules(pilot: Any, backend: Any) -> None:
    from textual.widgets import OptionList

    for index in (0, 1, 2):
        await pilot.press("a")
        await settle(pilot)
        pilot.app.screen.query_one(OptionList).highlighted = index
        await pilot.press("enter")
        await settle(pilot)
    pilot.app.clear_notifications()
    await settle(pilot)


FAULT_SCREENS: dict[str, tuple[Step, ...]] = {
    "fault_panel": (press("F"), add_fault_rules),
    "fault_presets": (press("F", "a"),),
}


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["120x36", "80x24"])
@pytest.mark.parametrize("name", list(FAULT_SCREENS))
def test_fault_panel(snap_compare: Any, name: str, size: tuple[int, int]) -> None:
    app, run_before = scenario(*FAULT_SCREENS[name], backend=fault_double())
    assert snap_compare(app, run_before=run_before, terminal_size=size)
