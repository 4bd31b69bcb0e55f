"""The invoice and credit memo screens over REST into the fake server name the account by number
and name: Zuora's documents carry the account's id only, so the screen reads the account
(``GET /object-query/accounts/{id}``, one request, at once with the bill run and the lines), and
``a`` opens the account screen."""

from __future__ import annotations

from typing import Any

import pytest

from backends.models import DocumentType
from tests.server.factories import FakeServerBackend, rest_over_asgi_backend
from tui.screens.account import AccountScreen
from tui.screens.invoice import CreditMemoScreen, DocumentScreen, InvoiceScreen
from tui.widgets.fields import Fields

from .test_accounts_requests import Requests
from .tui_helpers import make_app, settle


@pytest.fixture
async def backend() -> Any:
    built = rest_over_asgi_backend()
    yield built
    await built.aclose()


def account_field(screen: DocumentScreen) -> str:
    assert screen.document is not None
    return str(dict(screen.fields(screen.document, screen.bill_run))["Account"])


async def test_the_invoice_screen_names_its_account_and_opens_it(
    backend: FakeServerBackend,
) -> None:
    app = make_app(backend)
    requests = Requests(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await requests.mark()
        app.open_object("invoice", "INV00000002")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InvoiceScreen) and screen.document is not None
        assert screen.document.account_number is None  # Zuora's invoice names the id only
        assert account_field(screen) == "A00000003 · Initech GmbH"
        assert "Account: A00000003 · Initech GmbH" in screen.query_one("#summary", Fields).plain
        doc = screen.document
        schedule_id = screen.lines[0].invoice_schedule_id
        # the invoice, then at once its bill run, its account (the one request more) and its
        # lines; the lines' schedule (which reads its items' document statuses) after them
        assert sorted(await requests.since()) == sorted(
            [
                "GET /v1/invoices/INV00000002",
                f"GET /v1/bill-runs/{doc.bill_run_id}",
                f"GET /object-query/accounts/{doc.account_id}",
                "GET /v1/invoices/INV00000002/items",
                f"GET /v1/invoice-schedules/{schedule_id}",
                "GET /object-query/invoices",
            ]
        )
        assert "opens the account" in str(screen.query_one("#status").content)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen) and app.screen.account is not None
        assert app.screen.account.account_number == "A00000003"


async def test_the_credit_memo_screen_names_its_account(backend: FakeServerBackend) -> None:
    schedule = await backend.get_invoice_schedule("IS-00000004")
    await backend.execute_invoice_schedule(schedule.id)  # its next item is a credit
    await backend.settle()
    memos = await backend.list_documents(document_type=DocumentType.CREDIT_MEMO)
    assert [m.number for m in memos.items] == ["CM00000001"]
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("credit_memo", memos.items[0].id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CreditMemoScreen) and screen.document is not None
        assert account_field(screen) == "A00000004 · Umbrella Health"
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen) and app.screen.account is not None
        assert app.screen.account.account_number == "A00000004"
