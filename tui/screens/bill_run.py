"""Bill run: number, status, dates, filters, and the documents it produced
(``list_bill_run_documents``). Polls while the bill run is still running.

Post, cancel and delete the run, mark an invoice and bulk-post the marked ones: operations
(:mod:`tui.operations`) reading ``bill_run``, ``current_document()`` and ``marked``; ``enter``
opens a document.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import DataTable, Label, Static

from backends.models import BillRun, BillRunDocuments, CreditMemo, Invoice
from tui import actions
from tui.format import day, money, short_id, stamp, status, text_or_dash
from tui.operations.bill_runs import bill_run_refs, documents_summary
from tui.operations.documents import Marked
from tui.operations.rules import item_label
from tui.screens.base import ConsoleScreen
from tui.widgets.fields import Fields

DOC_COLUMNS = (
    ("", "mark"),
    ("Type", "type"),
    ("Number", "number"),
    ("Status", "status"),
    ("Amount", "amount"),
    ("Balance", "balance"),
    ("Account", "account"),
    ("Date", "date"),
)

MARK = Text("●", style="bold magenta")


def document_row(doc: Invoice | CreditMemo, marked: bool) -> tuple[Any, ...]:
    if isinstance(doc, Invoice):
        kind, number, balance, dated = "Invoice", doc.invoice_number, doc.balance, doc.invoice_date
    else:
        kind, number, balance, dated = (
            "Credit memo",
            doc.number,
            doc.unapplied_amount,
            doc.credit_memo_date,
        )
    state = status(doc.status)
    if doc.reversed:
        state = Text.assemble(state, " reversed")
    return (
        MARK if marked else "",
        kind,
        number,
        state,
        money(doc.amount, doc.currency),
        money(balance, doc.currency),
        text_or_dash(doc.account_number or doc.account_id),
        day(dated),
    )


class BillRunScreen(ConsoleScreen):
    SCOPE = actions.BILL_RUN
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.BILL_RUN)  # type: ignore[assignment]

    #: the run as last loaded; the footer follows it
    bill_run: var[BillRun | None] = var(None, bindings=True, always_update=True)
    #: invoices marked for a bulk post: invoice id -> the invoice as shown
    marked: var[dict[str, Marked]] = var(dict, bindings=True, always_update=True)

    def __init__(self, bill_run_id: str) -> None:
        super().__init__(bill_run_id)
        self.bill_run_id = bill_run_id
        self.docs: list[Invoice | CreditMemo] = []
        self._timer: Timer | None = None
        #: True while polls fail: one notification per outage, not one per poll
        self.poll_failing = False

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="body"):
            yield Label("Bill run", classes="section")
            yield Fields(id="summary")
            yield Label("Filters", classes="section")
            filters: DataTable[Any] = DataTable(id="filters", cursor_type="row")
            yield filters
            yield Label("Documents", classes="section", id="documents-title")
            docs: DataTable[Any] = DataTable(id="documents", cursor_type="row", zebra_stripes=True)
            yield docs
        yield Static("", id="status", classes="status-line")
        yield from self.compose_footer()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#documents", DataTable)

    def on_mount(self) -> None:
        filters = self.query_one("#filters", DataTable)
        for label, key in (
            ("Filter", "type"),
            ("Account", "account"),
            ("Subscription", "subscription"),
            ("Invoice schedule", "schedule"),
            ("Schedule item", "item"),
        ):
            filters.add_column(label, key=key)
        for label, key in DOC_COLUMNS:
            self.table.add_column(label, key=key, width=1 if key == "mark" else None)
        self.table.focus()
        self._timer = self.set_interval(
            self.billing_app.profile.poll_interval, self._poll, pause=True
        )
        self.reload()

    def identity(self) -> frozenset[str]:
        run = self.bill_run
        return frozenset({self.bill_run_id} | ({run.bill_run_number} if run else set()))

    def object_refs(self) -> frozenset[str]:
        refs = set(self.identity())
        for doc in self.docs:
            refs |= {doc.id, doc.invoice_number if isinstance(doc, Invoice) else doc.number}
        if self.bill_run is not None:
            refs |= bill_run_refs(self.bill_run)
        return frozenset(refs)

    def related_refs(self) -> frozenset[str]:
        return self.identity()

    def reload(self, quiet: bool = False) -> None:
        self._load(quiet)

    def _poll(self) -> None:
        if not self.load_running():
            self._load(True)

    @work(group="load", exclusive=True, exit_on_error=False)
    async def _load(self, quiet: bool = False) -> None:
        backend = self.billing_app.backend
        body = self.query_one("#body")
        body.loading = not quiet and not self.loaded_once
        try:
            run, documents = await asyncio.gather(
                backend.get_bill_run(self.bill_run_id),
                backend.list_bill_run_documents(self.bill_run_id),
            )
        except Exception as exc:
            body.loading = False
            if not (quiet and self.poll_failing):
                self.first_load_failed(f"bill run {self.bill_run_id}", exc)
            self.poll_failing = quiet
            return
        names = await self._filter_names(run)
        body.loading = False
        self.loaded_once = True
        self.poll_failing = False
        self._apply(run, documents, names)

    async def _filter_names(self, run: BillRun) -> dict[str, str]:
        """Schedule and item ids of the run's filters -> numbers and labels (ids if unreadable)."""
        ids = sorted({f.invoice_schedule_id for f in run.bill_run_filters if f.invoice_schedule_id})
        backend = self.billing_app.backend
        found = await asyncio.gather(
            *(backend.get_invoice_schedule(i) for i in ids), return_exceptions=True
        )
        names: dict[str, str] = {}
        for schedule in found:
            if isinstance(schedule, BaseException):
                continue
            names[schedule.id] = schedule.number
            for item in schedule.schedule_items:
                names[item.id] = item_label(schedule, item)
        accounts = sorted({f.account_id for f in run.bill_run_filters if f.account_id})
        read = await asyncio.gather(
            *(backend.get_account(a) for a in accounts), return_exceptions=True
        )
        for account in read:
            if not isinstance(account, BaseException):
                names[account.id] = account.account_number
        return names

    def _apply(self, run: BillRun, documents: BillRunDocuments, names: dict[str, str]) -> None:
        self.bill_run = run
        self.billing_app.remember_bill_run(run.bill_run_number, run.id)
        self.set_crumb(run.bill_run_number)
        self.query_one("#summary", Fields).show(
            [
                ("Bill run", run.bill_run_number),
                ("Status", status(run.status)),
                ("Name", text_or_dash(run.name)),
                ("Target date", day(run.target_date)),
                ("Invoice date", day(run.invoice_date)),
                ("Auto post", "yes" if run.auto_post else "no"),
                ("Invoices", text_or_dash(run.number_of_invoices)),
                ("Credit memos", text_or_dash(run.number_of_credit_memos)),
                ("Created", stamp(run.created_date)),
                ("Updated", stamp(run.updated_date)),
            ]
        )
        filters = self.query_one("#filters", DataTable)
        filters.clear()
        for flt in run.bill_run_filters:
            filters.add_row(
                flt.filter_type.value,
                names.get(flt.account_id or "", short_id(flt.account_id)),
                short_id(flt.subscription_id),
                names.get(flt.invoice_schedule_id or "", short_id(flt.invoice_schedule_id)),
                names.get(
                    flt.invoice_schedule_item_id or "", short_id(flt.invoice_schedule_item_id)
                ),
            )
        docs: list[Invoice | CreditMemo] = [*documents.invoices, *documents.credit_memos]
        self.docs = docs
        # a mark stays only while its invoice is still in the run
        self.marked = {
            d.id: self._marked(d) for d in docs if isinstance(d, Invoice) and d.id in self.marked
        }
        table = self.table
        row = table.cursor_row
        table.clear()
        for doc in docs:
            table.add_row(*document_row(doc, doc.id in self.marked), key=doc.id)
        if docs:
            table.move_cursor(row=min(max(row, 0), len(docs) - 1), animate=False)
        self.query_one("#documents-title", Label).update(
            f"Documents · {documents_summary(documents)}"
        )
        if self._timer is not None:
            if run.is_finished:
                self._timer.pause()
            else:
                self._timer.resume()
        self._show_status()

    def _show_status(self) -> None:
        run = self.bill_run
        parts = [f"{len(self.docs)} document(s)"]
        if run is not None:
            parts.append("finished" if run.is_finished else "running: refreshing by itself")
        if self.marked:
            parts.append(
                f"{len(self.marked)} marked: {self.billing_app.keys['post_marked']} posts them"
            )
        parts.append("enter opens a document")
        self.query_one("#status", Static).update(" · ".join(parts))

    # ------------------------------------------------------------------ documents

    def current_document(self) -> Invoice | CreditMemo | None:
        row = self.table.cursor_row
        if not self.docs or not 0 <= row < len(self.docs):
            return None
        key = self.table.coordinate_to_cell_key(self.table.cursor_coordinate).row_key.value
        return next((d for d in self.docs if d.id == key), None)

    @on(DataTable.RowSelected, "#documents")
    def _open(self, event: DataTable.RowSelected) -> None:
        doc = self.current_document()
        if doc is not None:
            kind = "invoice" if isinstance(doc, Invoice) else "credit_memo"
            self.billing_app.open_object(kind, doc.id)

    @staticmethod
    def _marked(doc: Invoice) -> Marked:
        return Marked(doc.id, doc.invoice_number, doc.status, doc.amount, doc.currency)

    def action_state(self, action: str) -> bool | None:
        if action == "post_marked":  # in the footer only while something is marked
            return bool(self.marked)
        return True

    def toggle_mark(self, row: str, mark: Marked) -> None:
        marked = dict(self.marked)
        if row in marked:
            del marked[row]
        else:
            marked[row] = mark
        self.marked = marked
        self.table.update_cell(row, "mark", MARK if row in marked else "")
        self._show_status()
        cursor = self.table.cursor_row
        if cursor < self.table.row_count - 1:
            self.table.move_cursor(row=cursor + 1)

    def clear_marks(self) -> None:
        for row in self.marked:
            self.table.update_cell(row, "mark", "")
        self.marked = {}
        self._show_status()
