"""Account: bill-to, currency, batch, bill cycle day, payment term, balance; and its orders,
invoice schedules, invoices, credit memos and bill runs, each a table paged from the backend
whose rows open their screens (``enter``; ``tab`` moves between the tables).

The account is read first (the lists need its id and number), then the five lists' first pages
at once in one task group: one failure cancels the others and is one notification. A reload
reads the account and every list again together, as many rows as each table had loaded.

Requests over REST on opening, 8 (measured in ``tests/tui/test_accounts_requests.py``):
1 ``GET /object-query/accounts/{key}``, then at once: orders 1 (``/v1/orders/invoiceOwner/…``;
the account's name is known from the account read), invoice schedules 1 (Object Query,
``accountid``), invoices 1 and credit memos 1 (Object Query, each with its type), bill runs 3
(the account's invoices and credit memos for their bill run numbers, then ``billing-runs`` by
number; 2 when the account has no documents). A reload: the same 8, all at once. A next page
of one table costs what its first page cost.

``space`` marks an invoice of the Invoices section and ``M`` bulk-posts the marked ones, as on
the Documents list (the ``mark`` / ``post_marked`` operations of :mod:`tui.operations.documents`,
reading ``current_document()`` and ``marked``); a mark stays while its invoice is listed.

Generate billing documents (``G``) is an operation (:mod:`tui.operations.accounts`) whose target
is ``account`` and the bill runs shown; ``bill_run_account`` is what a new bill run started here
is preset to.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import DataTable, Label, Static

from backends.models import (
    Account,
    BillingDocument,
    BillRun,
    DocumentStatus,
    DocumentType,
    InvoiceSchedule,
    Order,
    Page,
)
from tui import actions
from tui.format import day, money, status, text_or_dash
from tui.operations.documents import Marked
from tui.screens.base import ConsoleScreen
from tui.screens.bill_runs import COLUMNS as BILL_RUN_COLUMNS
from tui.screens.bill_runs import bill_run_row
from tui.screens.marks import MarkedRows
from tui.widgets.documents_table import DocumentsTable, document_kind
from tui.widgets.fields import Fields
from tui.widgets.paged_table import PagedTable

ORDER_COLUMNS = (
    ("Order", "order"),
    ("Date", "date"),
    ("Status", "status"),
    ("Subscriptions", "subscriptions"),
    ("Schedule", "schedule"),
)

SCHEDULE_COLUMNS = (
    ("Schedule", "number"),
    ("Status", "status"),
    ("Total", "total"),
    ("Billed", "billed"),
    ("Unbilled", "unbilled"),
    ("Next run date", "next"),
)

#: the account's documents: its own number and account need no column
DOCUMENT_COLUMNS = ("number", "status", "date", "amount", "balance")

#: (table id, section title) in the order shown
SECTIONS = (
    ("orders", "Orders"),
    ("schedules", "Invoice schedules"),
    ("invoices", "Invoices"),
    ("memos", "Credit memos"),
    ("runs", "Bill runs"),
)


def order_row(order: Order) -> tuple[Any, ...]:
    subs = [s.subscription_number for s in order.subscriptions]
    subs_text = "—" if not subs else subs[0] + (f" +{len(subs) - 1}" if len(subs) > 1 else "")
    return (
        order.order_number,
        day(order.order_date),
        status(order.status),
        subs_text,
        text_or_dash(order.invoice_schedule_number),
    )


def schedule_row(s: InvoiceSchedule) -> tuple[Any, ...]:
    return (
        s.number,
        status(s.status),
        money(s.total_amount, s.currency),
        money(s.billed_amount, s.currency),
        money(s.unbilled_amount, s.currency),
        day(s.next_run_date),
    )


def bill_to_text(account: Account) -> str:
    contact = account.bill_to
    if contact is None:
        return "—"
    parts = [p for p in (contact.full_name, contact.work_email) if p]
    return " · ".join(parts) or "—"


def first_error(exc: BaseException) -> BaseException:
    """The first real error inside a task group's exception group."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


class AccountScreen(MarkedRows, ConsoleScreen):
    SCOPE = actions.ACCOUNT
    #: a bill run (its documents, its status) or any schedule may have changed: this account's
    #: sections list them
    SHOWS_KINDS = frozenset({"bill_run", "schedule"})
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.ACCOUNT)  # type: ignore[assignment]

    #: the account as last loaded; the footer follows it
    account: var[Account | None] = var(None, bindings=True, always_update=True)
    #: invoices of the Invoices section marked for a bulk post: invoice id -> as shown
    marked: var[dict[str, Marked]] = var(dict, bindings=True, always_update=True)

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key

    @property
    def bill_run_account(self) -> Account | None:
        """The account a bill run started from here bills (``None`` while loading)."""
        return self.account

    def compose(self) -> ComposeResult:
        page_size = self.billing_app.profile.page_size
        yield from self.compose_header()
        with VerticalScroll(id="body", classes="account-body"):
            yield Label("Account", classes="section")
            yield Fields(id="info")
            for table_id, title in SECTIONS:
                yield Label(title, id=f"{table_id}-title", classes="section")
                yield self._table(table_id, page_size)
        yield Static("", id="status", classes="status-line")
        yield from self.compose_footer()

    @staticmethod
    def _table(table_id: str, page_size: int) -> PagedTable[Any]:
        if table_id == "orders":
            return PagedTable[Order](
                columns=ORDER_COLUMNS,
                to_row=order_row,
                row_key=lambda o: o.order_number,
                page_size=page_size,
                id=table_id,
            )
        if table_id == "schedules":
            return PagedTable[InvoiceSchedule](
                columns=SCHEDULE_COLUMNS,
                to_row=schedule_row,
                row_key=lambda s: s.number,
                page_size=page_size,
                id=table_id,
            )
        if table_id == "runs":
            return PagedTable[BillRun](
                columns=BILL_RUN_COLUMNS,
                to_row=bill_run_row,
                row_key=lambda r: r.id,
                page_size=page_size,
                id=table_id,
            )
        # the invoices carry the marks of a bulk post (Zuora's bulk post takes invoices only)
        columns = ("mark", *DOCUMENT_COLUMNS) if table_id == "invoices" else DOCUMENT_COLUMNS
        return DocumentsTable(columns=columns, page_size=page_size, id=table_id)

    def tables(self) -> dict[str, PagedTable[Any]]:
        return {table_id: self.query_one(f"#{table_id}", PagedTable) for table_id, _ in SECTIONS}

    def on_mount(self) -> None:
        for table_id, table in self.tables().items():
            table.on_error = lambda exc, t=table_id: self._page_failed(t, exc)
        self.query_one("#orders", PagedTable).focus()
        self.reload()

    # ------------------------------------------------------------------ what it shows

    def identity(self) -> frozenset[str]:
        account = self.account
        return frozenset({self.key} | ({account.id, account.account_number} if account else set()))

    def object_refs(self) -> frozenset[str]:
        refs = set(self.identity())
        tables = self.tables()
        for order in tables["orders"].items:
            refs.add(order.order_number)
        refs |= self.schedule_refs()
        for table_id in ("invoices", "memos"):
            for doc in tables[table_id].items:
                refs |= {doc.id, doc.number}
        for run in tables["runs"].items:
            refs |= {run.id, run.bill_run_number}
        return frozenset(refs)

    def schedule_refs(self) -> frozenset[str]:
        refs: set[str] = set()
        for s in self.query_one("#schedules", PagedTable).items:
            refs |= {s.id, s.number, *(i.id for i in s.schedule_items)}
        return frozenset(refs)

    def related_refs(self) -> frozenset[str]:
        """What generating documents here changes: the account and its schedules."""
        return self.identity() | self.schedule_refs()

    def bill_runs_shown(self) -> list[BillRun]:
        return list(self.query_one("#runs", PagedTable).items)

    def schedules_shown(self) -> list[InvoiceSchedule]:
        return list(self.query_one("#schedules", PagedTable).items)

    # ------------------------------------------------------------------ loading

    def reload(self, quiet: bool = False) -> None:
        self._load(quiet)

    def _fetchers(self, account: Account) -> None:
        """Each table pages from its own list, filtered to this account."""
        backend = self.billing_app.backend
        tables = self.tables()

        async def orders(cursor: str | None) -> Page[Order]:
            page = await backend.list_orders(
                search=account.account_number, page_size=tables["orders"].page_size, cursor=cursor
            )
            # the search also matches order numbers and name starts: keep this account's only
            own = [o for o in page.items if o.existing_account_number == account.account_number]
            return Page(items=own, next_cursor=page.next_cursor)

        async def schedules(cursor: str | None) -> Page[InvoiceSchedule]:
            return await backend.list_invoice_schedules(
                account_id=account.id, page_size=tables["schedules"].page_size, cursor=cursor
            )

        def documents(kind: DocumentType, table_id: str) -> Any:
            async def fetch(cursor: str | None) -> Page[BillingDocument]:
                return await backend.list_documents(
                    document_type=kind,
                    account_id=account.id,
                    page_size=tables[table_id].page_size,
                    cursor=cursor,
                )

            return fetch

        async def runs(cursor: str | None) -> Page[BillRun]:
            return await backend.list_bill_runs(
                account_id=account.id, page_size=tables["runs"].page_size, cursor=cursor
            )

        tables["orders"].use(orders)
        tables["schedules"].use(schedules)
        tables["invoices"].use(documents(DocumentType.INVOICE, "invoices"))
        tables["memos"].use(documents(DocumentType.CREDIT_MEMO, "memos"))
        tables["runs"].use(runs)

    async def _rows(self) -> dict[str, tuple[list[Any], str | None]]:
        tables = self.tables()
        async with asyncio.TaskGroup() as group:
            tasks = {
                table_id: group.create_task(table.fetch_rows(table.keep))
                for table_id, table in tables.items()
            }
        return {table_id: task.result() for table_id, task in tasks.items()}

    @work(group="load", exclusive=True, exit_on_error=False)
    async def _load(self, quiet: bool = False) -> None:
        backend = self.billing_app.backend
        body = self.query_one("#body")
        body.loading = not quiet and not self.loaded_once
        try:
            known = self.account
            if known is None:
                account = await backend.get_account(self.key)
                self._fetchers(account)
                rows = await self._rows()
            else:
                async with asyncio.TaskGroup() as group:
                    account_task = group.create_task(backend.get_account(known.id))
                    rows_task = group.create_task(self._rows())
                account, rows = account_task.result(), rows_task.result()
        except Exception as exc:
            body.loading = False
            self.first_load_failed(f"account {self.key}", first_error(exc))
            return
        body.loading = False
        self.loaded_once = True
        self._show(account, rows)

    def _show(self, account: Account, rows: dict[str, tuple[list[Any], str | None]]) -> None:
        self.account = account
        self.set_crumb(account.account_number)
        self.query_one("#info", Fields).show(
            [
                ("Account", account.account_number),
                ("Name", account.name),
                ("Bill to", bill_to_text(account)),
                ("Status", status(account.status)),
                ("Currency", account.currency),
                ("Balance", money(account.balance, account.currency)),
                ("Batch", text_or_dash(account.batch)),
                ("Payment term", text_or_dash(account.payment_term)),
                ("Bill cycle day", str(account.bill_cycle_day)),
            ]
        )
        tables = self.tables()
        for table_id, (items, cursor) in rows.items():
            tables[table_id].show_rows(items, cursor)
        for run in tables["runs"].items:
            self.billing_app.remember_bill_run(run.bill_run_number, run.id)
        self._show_status()

    def _page_failed(self, table_id: str, exc: BaseException) -> None:
        title = dict(SECTIONS)[table_id].lower()
        number = self.account.account_number if self.account else self.key
        self.billing_app.report_error(f"the {title} of {number}", exc)

    @on(PagedTable.Loaded)
    def _section_loaded(self, event: PagedTable.Loaded) -> None:
        table_id = event.table.id or ""
        titles = dict(SECTIONS)
        if table_id not in titles:
            return
        count = event.count
        text = f"{titles[table_id]} · {count if count else 'none'}"
        if event.has_more:
            text += " (more below: scroll down)"
        if table_id == "invoices":
            self._keep_marks(event.table)
        if table_id in ("invoices", "memos"):
            drafts = sum(d.status is DocumentStatus.DRAFT for d in event.table.items)
            if drafts:
                text += f" · {drafts} Draft"
        if table_id == "runs":
            for run in event.table.items:
                self.billing_app.remember_bill_run(run.bill_run_number, run.id)
        self.query_one(f"#{table_id}-title", Label).update(text)

    def _show_status(self) -> None:
        keys = self.billing_app.keys
        parts = ["enter opens the row", "tab moves between sections"]
        if self.billing_app.action_allowed("generate_documents"):
            parts.append(f"{keys['generate_documents']} generates billing documents now")
        if self.marked:
            parts.append(f"{len(self.marked)} marked: {keys['post_marked']} posts them")
        elif self.billing_app.action_allowed("mark"):
            parts.append(f"{keys['mark']} marks an invoice")
        self.query_one("#status", Static).update(" · ".join(parts))

    # ------------------------------------------------------------------ marks

    def current_document(self) -> BillingDocument | None:
        """The document under the cursor of the Invoices or Credit memos section, if focused."""
        focused = self.focused
        if isinstance(focused, DocumentsTable):
            doc: BillingDocument | None = focused.current_item()
            return doc
        return None

    def mark_table(self) -> DataTable[Any]:
        return self.query_one("#invoices", DocumentsTable)

    def show_mark(self, row: str, marked: bool) -> None:
        self.query_one("#invoices", DocumentsTable).set_mark(row, marked)

    def advance_after_mark(self, table: DataTable[Any]) -> bool:
        return table.has_focus  # marks come from the Invoices section, the one focused

    def _keep_marks(self, table: PagedTable[Any]) -> None:
        """A mark stays while its invoice is listed, with the status as listed now."""
        if not isinstance(table, DocumentsTable):
            return
        shown = {d.id: d for d in table.items}
        kept = {
            key: Marked(d.id, d.number, d.status, d.amount, d.currency)
            for key in self.marked
            if (d := shown.get(key)) is not None
        }
        for key in set(self.marked) - set(kept):
            table.set_mark(key, False)
        if kept != self.marked:
            self.marked = kept
            self._show_status()

    # ------------------------------------------------------------------ opening rows

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        table = event.data_table
        if not isinstance(table, PagedTable) or event.row_key.value is None:
            return
        key = str(event.row_key.value)
        app = self.billing_app
        if table.id == "orders":
            app.open_object("order", key)
        elif table.id == "schedules":
            app.open_object("schedule", key)
        elif table.id == "runs":
            app.open_object("bill_run", key)
        elif isinstance(table, DocumentsTable):
            doc = table.current_item()
            if doc is not None:
                app.open_object(document_kind(doc), doc.id)
