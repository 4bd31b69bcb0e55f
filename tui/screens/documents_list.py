"""Documents (``I`` from anywhere): the tenant's invoices and credit memos, newest document date
first (the backend's order), paged from ``list_documents``.

Filters, each asking the backend again: ``k`` cycles the type (both, invoices, credit memos),
``f`` the status; ``/`` edits the account (a number) and the date range (inclusive), applied
with ``enter``, left as they were with ``esc``. ``enter`` on a row opens the document.
``space`` marks an invoice and ``M`` bulk-posts the marked ones: the operations of
:mod:`tui.operations.documents`, reading ``current_document()`` and ``marked`` (Zuora's bulk post
takes invoices only: a credit memo is posted from its own screen).

Requests over REST (measured in ``tests/tui/test_accounts_requests.py``): first paint 2
(``/object-query/invoices`` and ``/object-query/credit-memos`` at once, merged by date); a type
filter makes it 1; each next page up to 2 (a side whose page is used up, or not, is asked
again); an account filter adds 1 (``GET /object-query/accounts/{number}``, for its id) when it
changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import var
from textual.widgets import DataTable, Input, Label

from backends.errors import NotFoundError
from backends.models import Account, BillingDocument, DocumentStatus, DocumentType, Page
from tui import actions
from tui.operations.documents import Marked
from tui.screens.base import ConsoleScreen
from tui.screens.marks import MarkedRows
from tui.widgets.documents_table import ALL_KEYS, DocumentsTable, document_kind

TYPE_FILTERS: tuple[DocumentType | None, ...] = (
    None,
    DocumentType.INVOICE,
    DocumentType.CREDIT_MEMO,
)
STATUS_FILTERS: tuple[DocumentStatus | None, ...] = (
    None,
    DocumentStatus.DRAFT,
    DocumentStatus.POSTED,
    DocumentStatus.CANCELED,
    DocumentStatus.ERROR,
)
_TYPE_TEXT = {
    None: "invoices and credit memos",
    DocumentType.INVOICE: "invoices",
    DocumentType.CREDIT_MEMO: "credit memos",
}
#: below this width the type (the number's prefix says it) and the balance are left out
NARROW = 100
NARROW_LEFT_OUT = frozenset({"type", "balance"})
_INPUTS = ("account", "from", "to")


def marked_invoice(doc: BillingDocument) -> Marked:
    return Marked(doc.id, doc.number, doc.status, doc.amount, doc.currency)


class DocumentsScreen(MarkedRows, ConsoleScreen):
    SCOPE = actions.DOCUMENTS
    #: every document may be listed: any change to one, or to a bill run, reloads the list
    SHOWS_KINDS = frozenset({"document", "bill_run"})
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.DOCUMENTS)  # type: ignore[assignment]

    #: invoices marked for a bulk post: invoice id -> the invoice as shown
    marked: var[dict[str, Marked]] = var(dict, bindings=True, always_update=True)

    def __init__(self) -> None:
        super().__init__("Documents")
        self.type_filter: DocumentType | None = None
        self.status_filter: DocumentStatus | None = None
        self.account_filter: Account | None = None
        self.date_from: date | None = None
        self.date_to: date | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Label("", id="filter", classes="section")
        with Horizontal(id="filter-inputs"):
            for label, name, hint in (
                ("Account ", "account", "number"),
                (" From ", "from", "YYYY-MM-DD"),
                (" To ", "to", "YYYY-MM-DD"),
            ):
                yield Label(label, classes="filter-label")
                field = Input(placeholder=hint, id=name, compact=True)
                field.can_focus = False  # until / : never where the first key goes
                yield field
        narrow = self.app.size.width < NARROW
        columns = [key for key in ALL_KEYS if not (narrow and key in NARROW_LEFT_OUT)]
        yield DocumentsTable(
            columns=columns, page_size=self.billing_app.profile.page_size, id="documents"
        )
        yield Label("loading documents…", id="status", classes="status-line")
        yield from self.compose_footer()

    @property
    def table(self) -> DocumentsTable:
        return self.query_one("#documents", DocumentsTable)

    def on_mount(self) -> None:
        for name in _INPUTS:
            self.query_one(f"#{name}", Input).cursor_blink = False
        self._show_filter()
        self.table.on_error = lambda exc: self.billing_app.report_error("documents", exc)
        self.table.start(self._fetch)
        self.table.focus()

    # ------------------------------------------------------------------ what it shows

    def identity(self) -> frozenset[str]:
        return frozenset({"documents"})

    def object_refs(self) -> frozenset[str]:
        refs: set[str] = set()
        for doc in self.table.items:
            refs |= {doc.id, doc.number}
        if self.account_filter is not None:
            refs |= {self.account_filter.id, self.account_filter.account_number}
        return frozenset(refs)

    def related_refs(self) -> frozenset[str]:
        return frozenset()

    def current_document(self) -> BillingDocument | None:
        return self.table.current_item()

    async def _fetch(self, cursor: str | None) -> Page[BillingDocument]:
        account = self.account_filter
        return await self.billing_app.backend.list_documents(
            document_type=self.type_filter,
            status=self.status_filter,
            account_id=account.id if account is not None else None,
            date_from=self.date_from,
            date_to=self.date_to,
            page_size=self.table.page_size,
            cursor=cursor,
        )

    def reload(self, quiet: bool = False) -> None:
        self.table.reload()

    def _restart(self) -> None:
        self._show_filter()
        self.query_one("#status", Label).update("loading documents…")
        self.table.start(self._fetch)

    def _show_filter(self) -> None:
        keys = self.billing_app.keys
        parts = [_TYPE_TEXT[self.type_filter].capitalize()]
        parts.append(self.status_filter.value if self.status_filter else "every status")
        account = self.account_filter
        parts.append(f"account {account.account_number}" if account else "every account")
        if self.date_from or self.date_to:
            since = self.date_from.isoformat() if self.date_from else "…"
            until = self.date_to.isoformat() if self.date_to else "…"
            parts.append(f"dated {since} to {until}")
        hint = (
            f"{keys['filter_type']} type · {keys['filter_status']} status · "
            f"{keys['search']} account and dates"
        )
        self.query_one("#filter", Label).update(f"{' · '.join(parts)}   ({hint})")

    @on(DocumentsTable.Loaded, "#documents")
    def _loaded(self, event: DocumentsTable.Loaded) -> None:
        self.loaded_once = True
        shown = {d.id: d for d in self.table.items}
        # a mark stays while its invoice is listed, with the status as listed now
        kept = {key: marked_invoice(shown[key]) for key in self.marked if key in shown}
        for key in set(self.marked) - set(kept):
            self.table.set_mark(key, False)
        self.marked = kept
        self._show_status()

    def _show_status(self) -> None:
        count = len(self.table.items)
        parts = [f"{count} document{'' if count == 1 else 's'} loaded"]
        parts.append("more available: scroll down" if self.table.has_more else "all loaded")
        parts.append("newest first")
        if self.marked:
            key = self.billing_app.keys["post_marked"]
            parts.append(f"{len(self.marked)} marked: {key} posts them")
        self.query_one("#status", Label).update(" · ".join(parts))

    @on(DataTable.RowSelected, "#documents")
    def _open(self, event: DataTable.RowSelected) -> None:
        doc = self.current_document()
        if doc is not None:
            self.billing_app.open_object(document_kind(doc), doc.id)

    # ------------------------------------------------------------------ filters

    def action_filter_type(self) -> None:
        index = TYPE_FILTERS.index(self.type_filter)
        self.type_filter = TYPE_FILTERS[(index + 1) % len(TYPE_FILTERS)]
        self._restart()

    def action_filter_status(self) -> None:
        index = STATUS_FILTERS.index(self.status_filter)
        self.status_filter = STATUS_FILTERS[(index + 1) % len(STATUS_FILTERS)]
        self._restart()

    def action_search(self) -> None:
        """Edit the account and date filters (``enter`` applies them, ``esc`` leaves them)."""
        for name in _INPUTS:
            self.query_one(f"#{name}", Input).can_focus = True
        self.query_one("#account", Input).focus()

    def _editing(self) -> bool:
        return any(self.query_one(f"#{name}", Input).has_focus for name in _INPUTS)

    def _stop_editing(self) -> None:
        self.table.focus()
        for name in _INPUTS:
            self.query_one(f"#{name}", Input).can_focus = False

    def _put_back(self) -> None:
        """The inputs show the filters in force."""
        account = self.account_filter
        self.query_one("#account", Input).value = account.account_number if account else ""
        self.query_one("#from", Input).value = self.date_from.isoformat() if self.date_from else ""
        self.query_one("#to", Input).value = self.date_to.isoformat() if self.date_to else ""

    def action_back(self) -> None:
        if self._editing():
            self._put_back()
            self._stop_editing()
            return
        super().action_back()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        dates: dict[str, date | None] = {}
        for name in ("from", "to"):
            text = self.query_one(f"#{name}", Input).value.strip()
            try:
                dates[name] = date.fromisoformat(text) if text else None
            except ValueError:
                self.notify(
                    f"{name.capitalize()}: {text!r} is not a date (YYYY-MM-DD)",
                    title="Filter not applied",
                    severity="warning",
                )
                self.query_one(f"#{name}", Input).focus()
                return
        since, until = dates["from"], dates["to"]
        if since is not None and until is not None and since > until:
            self.notify(
                f"From {since} is after To {until}", title="Filter not applied", severity="warning"
            )
            self.query_one("#from", Input).focus()
            return
        number = self.query_one("#account", Input).value.strip()
        self._stop_editing()
        self._apply(number, since, until)

    @work(group="filter", exclusive=True, exit_on_error=False)
    async def _apply(self, number: str, since: date | None, until: date | None) -> None:
        """Resolve the account number to its id (the backend filters by id), then list."""
        account = self.account_filter
        if not number:
            account = None
        elif account is None or number.upper() not in {
            account.account_number.upper(),
            account.id,
        }:
            try:
                account = await self.billing_app.backend.get_account(number)
            except NotFoundError:
                self.notify(
                    f"No account {number}: the filter stays as it was",
                    title="Filter not applied",
                    severity="warning",
                )
                self._put_back()
                return
            except Exception as exc:
                self.billing_app.report_error(f"account {number}", exc)
                self._put_back()
                return
        self.account_filter = account
        self.date_from, self.date_to = since, until
        self._put_back()
        self._restart()

    # ------------------------------------------------------------------ marks

    def mark_table(self) -> DataTable[Any]:
        return self.table

    def show_mark(self, row: str, marked: bool) -> None:
        self.table.set_mark(row, marked)
