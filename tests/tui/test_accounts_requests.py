"""Request counts of the Accounts, Account and Documents screens over REST into the fake server,
as the operator drives them (first paint, next page, a filter, opening an account).

Counted from the fake server's journal: every API request of this tenant after the step began
(the OAuth token and the ``/_fake/`` control plane left out). The figures are the ones written
in the screens' module docstrings.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from tests.server.factories import FakeServerBackend, rest_over_asgi_backend
from tui.screens.account import AccountScreen
from tui.screens.accounts import AccountsScreen
from tui.screens.documents_list import DocumentsScreen

from .tui_helpers import make_app, settle


@pytest.fixture
async def backend() -> Any:
    built = rest_over_asgi_backend()
    yield built
    await built.aclose()


class Requests:
    """API requests of one tenant since the last :meth:`since` call."""

    def __init__(self, backend: FakeServerBackend) -> None:
        self.control = backend.control
        self.seq = 0

    async def mark(self) -> None:
        entries = await self.control.journal()
        self.seq = max((e["seq"] for e in entries), default=0)

    async def since(self) -> list[str]:
        entries = await self.control.journal()
        new = [e for e in entries if e["seq"] > self.seq]
        self.seq = max((e["seq"] for e in entries), default=self.seq)
        return [
            f"{e['method']} {e['path']}"
            for e in new
            if not e["path"].startswith(("/_fake", "/oauth"))
        ]


async def test_accounts_first_paint_next_page_and_search(backend: FakeServerBackend) -> None:
    app = make_app(backend, page_size=5)
    requests = Requests(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await requests.mark()
        await pilot.press("A")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountsScreen)
        assert len(screen.table.items) == 5 and screen.table.has_more
        assert await requests.since() == ["GET /object-query/accounts"]

        screen.table.move_cursor(row=4)  # near the end: the next page is asked for
        await settle(pilot)
        assert len(screen.table.items) == 10
        assert await requests.since() == ["GET /object-query/accounts"]

        await pilot.press("slash", *"Initech", "enter")
        await settle(pilot)
        assert [a.account_number for a in screen.table.items] == ["A00000003"]
        assert await requests.since() == ["GET /object-query/accounts"]


async def test_opening_an_account_reads_it_then_its_five_lists_at_once(
    backend: FakeServerBackend,
) -> None:
    app = make_app(backend)
    requests = Requests(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await requests.mark()
        app.open_object("account", "A00000003")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountScreen) and screen.account is not None
        paths = await requests.since()
        assert paths[0] == "GET /object-query/accounts/A00000003"
        assert sorted(paths[1:]) == sorted(
            [
                # its orders (their account's name is known from the account read)
                "GET /v1/orders/invoiceOwner/A00000003",
                "GET /object-query/invoice-schedules",
                "GET /object-query/invoices",  # the invoices section
                "GET /object-query/credit-memos",  # the credit memos section
                # bill runs: its documents' bill run numbers, then the runs by number
                "GET /object-query/invoices",
                "GET /object-query/credit-memos",
                "GET /object-query/billing-runs",
            ]
        )
        assert len(paths) == 8

        await pilot.press("r")  # a reload reads the account and the lists again, together
        await settle(pilot)
        again = await requests.since()
        assert len(again) == 8
        assert again.count(f"GET /object-query/accounts/{screen.account.id}") == 1


async def test_documents_first_paint_next_page_and_filters(backend: FakeServerBackend) -> None:
    app = make_app(backend, page_size=5)
    requests = Requests(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await requests.mark()
        await pilot.press("I")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentsScreen)
        assert len(screen.table.items) == 5 and screen.table.has_more
        assert sorted(await requests.since()) == [
            "GET /object-query/credit-memos",
            "GET /object-query/invoices",
        ]

        screen.table.move_cursor(row=4)
        await settle(pilot)
        assert len(screen.table.items) == 10
        assert len(await requests.since()) <= 2

        screen.table.move_cursor(row=0)  # (a cursor left near the end pages in more)
        await settle(pilot)
        await pilot.press("k")  # invoices only: one list
        await settle(pilot)
        assert await requests.since() == ["GET /object-query/invoices"]

        await pilot.press("slash")
        screen.query_one("#account", Input).value = "A00000002"
        await pilot.press("enter")
        await settle(pilot)
        # the number is read once for its id, then the list
        assert await requests.since() == [
            "GET /object-query/accounts/A00000002",
            "GET /object-query/invoices",
        ]
        assert {d.account_number for d in screen.table.items} == {"A00000002"}

        await pilot.press("f")  # the same account: no second account read
        await settle(pilot)
        assert await requests.since() == ["GET /object-query/invoices"]
