"""Accounts (``A`` from anywhere): every account by ascending number, paged from
``list_accounts``; ``/`` searches on the backend (the start of a number or of a name);
``enter`` opens the account.

Requests over REST: first paint 1 (``GET /object-query/accounts``, the bill-to contact
expanded), each next page 1, a search 1. Measured in ``tests/tui/test_accounts_requests.py``.
The list shows balances, so any change to documents or bill runs reloads it (1 request).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Label

from backends.models import Account, Page
from tui import actions
from tui.format import money, text_or_dash
from tui.screens.base import ConsoleScreen
from tui.widgets.paged_table import PagedTable
from tui.widgets.search_field import SearchField

COLUMNS = (
    ("Account", "number"),
    ("Name", "name"),
    ("Currency", "currency"),
    ("Batch", "batch"),
    ("Bill cycle day", "bcd"),
    ("Balance", "balance"),
)


def account_row(account: Account) -> tuple[Any, ...]:
    return (
        account.account_number,
        account.name,
        account.currency,
        text_or_dash(account.batch),
        str(account.bill_cycle_day),
        money(account.balance, account.currency),
    )


class AccountsScreen(ConsoleScreen):
    SCOPE = actions.ACCOUNTS
    #: balances move when documents are posted or bill runs post theirs
    SHOWS_KINDS = frozenset({"document", "bill_run"})
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.ACCOUNTS)  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__("Accounts")

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield SearchField("search accounts: the start of a number or name; enter runs it")
        yield PagedTable[Account](
            columns=COLUMNS,
            to_row=account_row,
            row_key=lambda a: a.account_number,
            page_size=self.billing_app.profile.page_size,
            id="accounts",
        )
        yield Label("loading accounts…", id="status", classes="status-line")
        yield from self.compose_footer()

    @property
    def table(self) -> PagedTable[Account]:
        return self.query_one("#accounts", PagedTable)

    def on_mount(self) -> None:
        self.table.on_error = lambda exc: self.billing_app.report_error("accounts", exc)
        self.table.start(self._fetch)
        self.table.focus()

    def identity(self) -> frozenset[str]:
        return frozenset({"accounts"})

    def object_refs(self) -> frozenset[str]:
        refs: set[str] = set()
        for account in self.table.items:
            refs |= {account.id, account.account_number}
        return frozenset(refs)

    async def _fetch(self, cursor: str | None) -> Page[Account]:
        return await self.billing_app.backend.list_accounts(
            search=self.search, page_size=self.table.page_size, cursor=cursor
        )

    def reload(self, quiet: bool = False) -> None:
        self.table.reload()

    def current_account(self) -> Account | None:
        return self.table.current_item()

    @on(PagedTable.Loaded, "#accounts")
    def _loaded(self, event: PagedTable.Loaded) -> None:
        self.loaded_once = True
        noun = "account" if event.count == 1 else "accounts"
        parts = []
        if self.search:
            parts.append(f"search “{self.search}”")
        parts.append(f"{event.count} {noun} loaded")
        parts.append("more available: scroll down" if event.has_more else "all loaded")
        parts.append("by account number")
        parts.append(f"{self.billing_app.keys['search']} searches")
        self.query_one("#status", Label).update(" · ".join(parts))

    @on(DataTable.RowSelected, "#accounts")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.billing_app.open_object("account", str(event.row_key.value))

    # -- search
    @property
    def search(self) -> str | None:
        """The search the list is narrowed to (``None``: every account)."""
        return self.query_one(SearchField).applied

    def action_search(self) -> None:
        self.query_one(SearchField).open()

    @on(Input.Submitted, "#search")
    def _submit(self, event: Input.Submitted) -> None:
        self.query_one(SearchField).apply(event.value)
        self.table.focus()
        self.query_one("#status", Label).update("searching accounts…")
        self.table.start(self._fetch)

    def action_back(self) -> None:
        """While typing a search: leave the field as it was; else back."""
        if self.query_one(SearchField).leave():
            self.table.focus()
            return
        super().action_back()
