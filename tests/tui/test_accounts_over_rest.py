"""The Accounts, Account and Documents walk over the REST backend into the fake server: the same
keys as on the in-process fake, through Object Query, the v1 orders and Zuora's generate
billing documents by account."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from backends.models import DocumentStatus, ScheduleItemStatus
from tests.server.factories import FakeServerBackend, rest_over_asgi_backend
from tui.screens.account import AccountScreen
from tui.screens.accounts import AccountsScreen
from tui.screens.documents_list import DocumentsScreen
from tui.screens.invoice import InvoiceScreen
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.paged_table import PagedTable

from .tui_helpers import make_app, messages, settle


@pytest.fixture
async def backend() -> Any:
    built = rest_over_asgi_backend()
    yield built
    await built.aclose()


async def test_accounts_account_invoice_and_back_over_rest(backend: FakeServerBackend) -> None:
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        accounts = app.screen
        assert isinstance(accounts, AccountsScreen) and len(accounts.table.items) == 12
        await pilot.press("slash", *"Initech", "enter")  # Object Query's name.SW: as written
        await settle(pilot)
        assert [a.account_number for a in accounts.table.items] == ["A00000003"]
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountScreen) and screen.account is not None
        assert screen.account.bill_to is not None
        assert screen.account.bill_to.full_name == "Bill Lumbergh"
        tables = screen.tables()
        assert [o.order_number for o in tables["orders"].items] == ["O-00000003"]
        assert [s.number for s in tables["schedules"].items] == ["IS-00000003"]
        assert [r.bill_run_number for r in tables["runs"].items] == ["BR-00000002"]
        await pilot.press("tab", "tab")
        assert app.focused is screen.query_one("#invoices", PagedTable)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        assert app.screen.document is not None
        assert app.screen.document.invoice_number == "INV00000002"
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is accounts


async def test_documents_filter_mark_two_and_post_over_rest(backend: FakeServerBackend) -> None:
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentsScreen) and len(screen.table.items) == 26
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("slash")
        screen.query_one("#account", Input).value = "A00000011"
        await pilot.press("enter")
        await settle(pilot)
        # one date: Object Query orders the ties its own way
        listed = [d.number for d in screen.table.items]
        assert sorted(listed) == ["INV00000008", "INV00000013", "INV00000018", "INV00000023"]
        assert {d.account_number for d in screen.table.items} == {"A00000011"}
        await pilot.press("space", "space", "M")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert messages(app)[-1] == "2 posted, 0 refused"
        assert [d.number for d in screen.table.items] == listed[2:]
        assert (await backend.get_invoice(listed[1])).status is DocumentStatus.POSTED


async def test_generate_by_account_bills_the_paused_schedule_over_rest(
    backend: FakeServerBackend,
) -> None:
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("account", "A00000003")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountScreen)
        await pilot.press("G")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "Environment: REST" in str(dialog.query_one("#environment").content)
        dialog.query_one("#field-target_date", Input).value = "2026-05-15"
        await pilot.press("y")
        await settle(pilot)
        said = messages(app)[-1]
        assert said.startswith("A00000003: invoice INV") and "3,000.00 EUR, Draft" in said
        assert len(screen.tables()["invoices"].items) == 2  # read again after the change
        schedule = await backend.get_invoice_schedule("IS-00000003")
        assert schedule.schedule_items[1].status is ScheduleItemStatus.PROCESSED
