"""The console, over the REST backend, against the spec-minimal tenant: every answer carries only
the fields Zuora's spec requires and its documented samples show (``tests/rest/spec_tenant.py``),
money the spec types as decimal strings comes as strings in some answers and numbers in others.

One walk covers the whole navigation (orders page, search by number, account and name, order,
schedule, invoice with its lines, credit memo, bill run, bill runs list), another every action
(generate to Processed, post, pause and resume, unpost, cancel, reverse, create bill run, bulk
post). The outcome is read from the action log, and every load error the console reports is
recorded as it is raised (toasts expire under load; the record does not).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from textual.widgets import DataTable, Input

from backends.fake.server.app import create_app
from backends.fake.server.tenants import TenantRegistry
from backends.fake.server.transport import FakeServerTransport
from backends.models import DocumentStatus, InvoiceScheduleStatus, ScheduleItemStatus
from tests.rest.spec_tenant import SpecMinimalTransport
from tests.server.factories import (
    LOOPBACK,
    Control,
    FakeServerBackend,
    _no_sleep,
    _rest,
    new_client_id,
)
from tui.app import BillingApp
from tui.screens.bill_run import BillRunScreen
from tui.screens.bill_runs import BillRunsScreen
from tui.screens.invoice import CreditMemoScreen, InvoiceScreen
from tui.screens.order import OrderScreen
from tui.screens.orders import OrdersScreen
from tui.screens.schedule import ScheduleScreen
from tui.widgets.confirm import ConfirmDialog

from .tui_helpers import make_app, open_schedule, settle


@pytest.fixture
async def tenant() -> AsyncIterator[tuple[FakeServerBackend, SpecMinimalTransport]]:
    app = create_app(TenantRegistry(), save_on_shutdown=False)
    cid = new_client_id("spec-minimal")
    wire = SpecMinimalTransport(FakeServerTransport(app))
    http = httpx.AsyncClient(transport=FakeServerTransport(app), base_url=LOOPBACK)
    backend = FakeServerBackend(
        _rest(LOOPBACK, cid, wire, sleep=_no_sleep), Control(http, cid), http
    )
    yield backend, wire
    await backend.aclose()


def load_errors(app: BillingApp) -> list[str]:
    """Every error the console reports, recorded when raised."""
    seen: list[str] = []
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("severity") == "error":
            seen.append(f"{kwargs.get('title')}: {message}")
        original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return seen


def rows(app: BillingApp, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


async def search(pilot: Any, term: str) -> list[list[str]]:
    await pilot.press("slash")
    pilot.app.screen.query_one("#search", Input).value = term
    await pilot.press("enter")
    await settle(pilot)
    found = rows(pilot.app, "#orders")
    await pilot.press("escape")  # clears the search
    await settle(pilot)
    return found


async def test_the_whole_navigation_over_the_spec_minimal_tenant(
    tenant: tuple[FakeServerBackend, SpecMinimalTransport],
) -> None:
    backend, wire = tenant
    await backend.execute_invoice_schedule("IS-00000004")  # a credit memo, CM00000001
    await backend.settle()
    account = await backend.get_account("A00000001")
    app = make_app(backend)
    errors = load_errors(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        page = rows(app, "#orders")
        assert len(page) > 10 and page[0][0].startswith("O-")

        assert [r[0] for r in await search(pilot, "O-00000003")] == ["O-00000003"]
        by_account = await search(pilot, "A00000001")
        assert by_account and all("A00000001" in " ".join(r) for r in by_account)
        assert await search(pilot, account.name.split()[0])

        await pilot.press("enter")  # the first order
        await settle(pilot)
        assert isinstance(app.screen, OrderScreen) and app.screen.order is not None
        assert rows(app, "#schedules")
        await pilot.press("enter")  # its first schedule
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen) and app.screen.schedule is not None
        assert app.screen.schedule.schedule_items

        app.open_object("invoice", "INV00000001")
        await settle(pilot)
        invoice = app.screen
        assert isinstance(invoice, InvoiceScreen) and invoice.document is not None
        assert rows(app, "#lines"), "the invoice's lines (GET /v1/invoices/{key}/items)"
        await pilot.press("o")  # its bill run
        await settle(pilot)
        assert isinstance(app.screen, BillRunScreen) and app.screen.bill_run is not None

        app.open_object("credit_memo", "CM00000001")
        await settle(pilot)
        assert isinstance(app.screen, CreditMemoScreen) and app.screen.document is not None
        assert app.screen.document.status is DocumentStatus.DRAFT

        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BillRunsScreen) and rows(app, "#bill-runs")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BillRunScreen) and app.screen.bill_run is not None
    assert errors == []
    assert app.return_code is None
    # the tenant really was minimal: fields the fake sends and no sample shows never arrived,
    # and money came as strings in some answers
    assert "GET /v1/orders orders[].category" in wire.stripped
    assert wire.money_as_strings > 0


async def confirm(pilot: Any, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog), keys
    await pilot.press("y")
    await settle(pilot)


async def settled(pilot: Any, backend: FakeServerBackend, screen: ScheduleScreen) -> None:
    """The server finishes its bill runs; the schedule reloads."""
    await backend.settle()
    await pilot.press("r")
    await settle(pilot)
    assert pilot.app.screen is screen


async def test_every_action_over_the_spec_minimal_tenant(
    tenant: tuple[FakeServerBackend, SpecMinimalTransport],
) -> None:
    backend, _ = tenant
    app = make_app(backend)
    errors = load_errors(app)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_schedule(pilot, "IS-00000001")
        await confirm(pilot, "g")  # generate item 1
        await settled(pilot, backend, screen)
        first = screen.schedule.schedule_items[0]  # type: ignore[union-attr]
        assert first.status is ScheduleItemStatus.PROCESSED and first.invoice_number
        await confirm(pilot, "p")  # post its invoice
        await pilot.press("z")  # pause
        await settle(pilot)
        assert screen.schedule.status is InvoiceScheduleStatus.PAUSED  # type: ignore[union-attr]
        await pilot.press("z")  # resume
        await settle(pilot)
        assert screen.schedule.status is not InvoiceScheduleStatus.PAUSED  # type: ignore[union-attr]
        await confirm(pilot, "u")  # unpost
        await confirm(pilot, "x")  # cancel: the item is Pending again
        assert screen.schedule.schedule_items[0].status is ScheduleItemStatus.PENDING  # type: ignore[union-attr]

        await confirm(pilot, "g")  # items 1 and 2 get Draft invoices, then both are posted
        await settled(pilot, backend, screen)
        await confirm(pilot, "down", "g")
        await settled(pilot, backend, screen)
        await pilot.press("up", "space", "space")
        await settle(pilot)
        assert len(screen.marked) == 2
        await confirm(pilot, "M")  # bulk post

        await pilot.press("escape")
        await settle(pilot)
        screen = await open_schedule(pilot, "IS-00000004")  # INV00000003 Posted
        await confirm(pilot, "b")  # create bill run: a credit memo
        await settled(pilot, backend, screen)
        await confirm(pilot, "v")  # reverse
    log = [(e.action, e.outcome, e.result) for e in app.action_log.entries if e.action != "refresh"]
    shown = "\n".join(f"{a} {o} {r}" for a, o, r in log)
    assert all(outcome == "ok" for _, outcome, _ in log), shown
    expected = [
        ("generate", "started for IS-00000001 item 1"),
        ("generate", "item 1 is Processed: invoice INV"),
        ("post", "posted"),
        ("pause_resume", "paused"),
        ("pause_resume", "resumed"),
        ("unpost", "unposted"),
        ("cancel_invoice", "canceled"),
        ("generate", "started for IS-00000001 item 1"),
        ("generate", "item 1 is Processed"),
        ("generate", "started for IS-00000001 item 2"),
        ("generate", "item 2 is Processed"),
        ("post_marked", "2 posted, 0 refused"),
        ("post_marked", "posted"),
        ("post_marked", "posted"),
        ("create_bill_run", "started for IS-00000004"),
        ("create_bill_run", "Credit memo CM00000001 for 200.00 USD created"),
        ("reverse", "Invoice INV00000003 reversed by credit memo CM"),
    ]
    assert len(log) == len(expected), shown
    for (action, _, result), (want, says) in zip(log, expected, strict=True):
        assert action == want and says in result, shown
    assert errors == []
    posted = await backend.get_invoice_schedule("IS-00000001")
    assert all(i.invoice_status is DocumentStatus.POSTED for i in posted.schedule_items[:2])
