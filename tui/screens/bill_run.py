"""Bill run: number, status, dates, filters, and the documents it produced
(``list_bill_run_documents``). Polls while the bill run is still running.

``p`` posts the run (Completed only), ``x`` cancels it (Pending / Completed), ``d`` deletes it
(Canceled / Error); ``space`` marks an invoice and ``M`` bulk-posts the marked ones; ``enter``
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
from textual.timer import Timer
from textual.widgets import DataTable, Label, Static

from backends.models import BillRun, BillRunDocuments, CreditMemo, Invoice, PostResult
from tui import actions
from tui.actions import bill_run_refusal
from tui.format import day, money, stamp, status, text_or_dash
from tui.screens.base import ConsoleScreen
from tui.screens.bill_runs import documents_summary, request_bill_run_action
from tui.screens.documents import Marked, request_bulk_post
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


def short_id(value: str | None) -> str:
    """32-hex ids are unreadable in a table: the first 8 characters identify them well enough."""
    if not value:
        return "—"
    return value if len(value) <= 12 else f"{value[:8]}…"


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

    def __init__(self, bill_run_id: str) -> None:
        super().__init__(bill_run_id)
        self.bill_run_id = bill_run_id
        self.bill_run: BillRun | None = None
        self.docs: list[Invoice | CreditMemo] = []
        #: invoices marked for a bulk post: invoice id -> the invoice as shown
        self.marked: dict[str, Marked] = {}
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
                names[item.id] = actions.item_label(schedule, item)
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
                short_id(flt.account_id),
                short_id(flt.subscription_id),
                names.get(flt.invoice_schedule_id or "", short_id(flt.invoice_schedule_id)),
                names.get(
                    flt.invoice_schedule_item_id or "", short_id(flt.invoice_schedule_item_id)
                ),
            )
        docs: list[Invoice | CreditMemo] = [*documents.invoices, *documents.credit_memos]
        self.docs = docs
        # a mark stays only while its invoice is still in the run
        ids = {d.id for d in docs if isinstance(d, Invoice)}
        self.marked = {k: m for k, m in self.marked.items() if k in ids}
        for doc in docs:
            if isinstance(doc, Invoice) and doc.id in self.marked:
                self.marked[doc.id] = self._marked(doc)
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
        self.refresh_bindings()

    def _show_status(self) -> None:
        run = self.bill_run
        parts = [f"{len(self.docs)} document(s)"]
        if run is not None:
            parts.append("finished" if run.is_finished else "running: refreshing by itself")
        if self.marked:
            parts.append(f"{len(self.marked)} marked: M posts them")
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

    def refusal(self, action_id: str) -> str | None:
        if action_id in actions.BILL_RUN_STATUSES:
            return bill_run_refusal(action_id, self.bill_run)
        if action_id == "mark":
            doc = self.current_document()
            if doc is None:
                return "no document here"
            if not isinstance(doc, Invoice):
                return f"{doc.number} is a credit memo: bulk post takes invoices"
            return None
        if action_id == "post_marked":
            return None if self.marked else "nothing is marked: space marks an invoice"
        return None

    def action_mark(self) -> None:
        app = self.billing_app
        doc = self.current_document()
        obj = self.crumb if doc is None else doc.id
        if app.refuse_read_only("mark", obj):
            return
        reason = self.refusal("mark")
        if reason is not None or not isinstance(doc, Invoice):
            app.refuse("mark", obj, reason or "not an invoice")
            return
        if doc.id in self.marked:
            del self.marked[doc.id]
        else:
            self.marked[doc.id] = self._marked(doc)
        self.table.update_cell(doc.id, "mark", MARK if doc.id in self.marked else "")
        self._show_status()
        self.refresh_bindings()
        row = self.table.cursor_row
        if row < self.table.row_count - 1:
            self.table.move_cursor(row=row + 1)

    def action_post_marked(self) -> None:
        def done(results: list[PostResult]) -> None:
            self.marked.clear()
            self.reload(quiet=True)

        request_bulk_post(self.billing_app, list(self.marked.values()), done)

    # ------------------------------------------------------------------ the run itself

    def _run_action(self, action_id: str) -> None:
        app = self.billing_app
        run = self.bill_run
        obj = run.bill_run_number if run else self.crumb
        if app.refuse_read_only(action_id, obj):
            return
        reason = bill_run_refusal(action_id, run)
        if reason is not None or run is None:
            app.refuse(action_id, obj, reason or "still loading")
            return
        request_bill_run_action(app, action_id, run.id, self._after_run_action)

    def _after_run_action(self, run: BillRun | None) -> None:
        from tui.screens.bill_runs import BillRunsScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, BillRunsScreen):
                screen.reload(quiet=True)
        if run is None:  # deleted: nothing left to show here
            if self.app.screen is self and len(self.app.screen_stack) > 2:
                self.app.pop_screen()
            return
        self.reload(quiet=True)

    def action_post_bill_run(self) -> None:
        self._run_action("post_bill_run")

    def action_cancel_bill_run(self) -> None:
        self._run_action("cancel_bill_run")

    def action_delete_bill_run(self) -> None:
        self._run_action("delete_bill_run")
