"""The fault panel (``F``): fake only, hidden in read-only; add a preset, delete one, clear all.

Runs against a tiny in-test double of the ``FaultInjection`` capability and, once FakeBackend
implements it, against the real fake too.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, OptionList

from backends.base import FaultInjection
from backends.fake.backend import FakeBackend
from tui.screens.faults import FaultPanelScreen
from tui.screens.orders import OrdersScreen
from tui.screens.schedule import ScheduleScreen
from tui.widgets.confirm import ConfirmDialog

from .tui_helpers import demo_backend, fault_double, make_app, messages, settle

REAL_FAULTS = hasattr(FakeBackend, "add_fault_rule")


def backends_under_test() -> list[Any]:
    params = [pytest.param(fault_double, id="double")]
    real = pytest.mark.skipif(not REAL_FAULTS, reason="FakeBackend has no fault rules yet")
    params.append(pytest.param(demo_backend, id="fake", marks=real))
    return params


def rule_rows(app: Any) -> list[list[str]]:
    table = app.screen.query_one("#rules", DataTable)
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


async def add_preset(pilot: Any, index: int) -> None:
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog) and pilot.app.screen.picker_only
    pilot.app.screen.query_one(OptionList).highlighted = index
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("make_backend", backends_under_test())
async def test_add_presets_delete_one_and_clear(make_backend: Any) -> None:
    backend = make_backend()
    assert isinstance(backend, FaultInjection)
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, FaultPanelScreen) and rule_rows(app) == []
        assert "no rules" in str(app.screen.query_one("#status").content)
        await add_preset(pilot, 0)  # 30% rate limits on every call
        await add_preset(pilot, 1)  # next generate hits lock contention
        await add_preset(pilot, 2)  # next post drops after the engine ran
        rows = rule_rows(app)
        assert [r[1:3] for r in rows] == [
            ["rate_limit", "any"],
            ["lock", "POST_ExecuteInvoiceSchedule"],
            ["drop", "PUT_PostInvoice"],
        ]
        assert rows[0][5:8] == ["always", "30%", "before"]
        assert rows[1][5] == "1" and rows[2][7] == "after"
        assert len(await backend.list_fault_rules()) == 3
        await pilot.press("a", "escape")  # the picker cancelled adds nothing
        await settle(pilot)
        assert len(rule_rows(app)) == 3
        await pilot.press("d")  # the cursor is on the first rule
        await settle(pilot)
        assert [r[1] for r in rule_rows(app)] == ["lock", "drop"]
        await pilot.press("c")
        await settle(pilot)
        assert rule_rows(app) == [] and await backend.list_fault_rules() == []
        await pilot.press("c")  # nothing to clear
        await settle(pilot)
        assert "there are no rules" in messages(app)[-1]
        log = [(e.action, e.outcome) for e in app.action_log.entries]
        assert log == [
            ("fault_add", "ok"),
            ("fault_add", "ok"),
            ("fault_add", "ok"),
            ("fault_add", "cancelled"),
            ("fault_delete", "ok"),
            ("fault_clear", "ok"),
            ("fault_clear", "refused"),
        ]


@pytest.mark.parametrize("make_backend", backends_under_test())
async def test_a_lock_rule_makes_the_next_generate_fail_once(make_backend: Any) -> None:
    backend = make_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        await add_preset(pilot, 1)
        app.open_object("schedule", "IS-00000001")
        await settle(pilot)
        await pilot.press("g", "y")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and isinstance(app.screen, ScheduleScreen)
        assert app.action_log.entries[-1].outcome == "error"
        await pilot.press("g", "y")  # the rule fired once: this one goes through
        await settle(pilot)
        assert app.action_log.entries[-1].outcome == "ok"
        await pilot.press("F")
        await settle(pilot)
        assert rule_rows(app)[0][9] == "1"  # fired


async def test_hidden_without_the_capability_and_in_read_only() -> None:
    plain = make_app(demo_backend()) if not REAL_FAULTS else None
    if plain is not None:
        async with plain.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert "F" not in plain.screen.active_bindings
            await pilot.press("F")
            await settle(pilot)
            assert isinstance(plain.screen, OrdersScreen)
    app = make_app(fault_double(), read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "F" not in app.screen.active_bindings
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        app.action_fault_panel()  # invoked any other way: refused with a reason
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        assert "read-only" in messages(app)[-1]
