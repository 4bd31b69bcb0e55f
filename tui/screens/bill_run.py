"""Bill run: number, status, who it bills, dates, its schedule (a scheduled run), its progress
(``get_bill_run_progress``: accounts processed of those selected), the documents it produced
(``list_bill_run_documents``) with their counts and totals, and the accounts it billed. Polls
while the bill run is still running; a scheduled run waiting for a later day is not polled (the
simulated clock's change, or ``r``, reads it again).

Post, cancel and delete the run, post the document under the cursor, mark an invoice and
bulk-post the marked ones: operations (:mod:`tui.operations`) reading ``bill_run``,
``current_document()`` and ``marked``; ``enter`` opens a document, and on an account row the
account's screen.
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

from backends.models import (
    BillRun,
    BillRunAccount,
    BillRunDocuments,
    BillRunProgress,
    BillRunStatus,
    CreditMemo,
    DocumentStatus,
    Invoice,
)
from tui import actions
from tui.bill_run_form.describe import schedule_words, who_words
from tui.format import day, money, short_id, stamp, status, text_or_dash
from tui.operations.bill_runs import bill_run_refs, documents_summary, totals
from tui.operations.documents import Marked
from tui.operations.rules import item_label
from tui.screens.base import ConsoleScreen
from tui.screens.marks import MarkedRows
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

ACCOUNT_COLUMNS = (
    ("Account", "account"),
    ("Name", "name"),
    ("Invoices", "invoices"),
    ("Invoiced", "invoiced"),
    ("Credit memos", "memos"),
    ("Credited", "credited"),
)

MARK = Text("●", style="bold magenta")


def account_row(account: BillRunAccount, docs: list[Invoice | CreditMemo]) -> tuple[Any, ...]:
    """One account the run billed; totals in the currency of its documents."""
    mine = [d for d in docs if d.account_id == account.account_id]
    currency = mine[0].currency if mine else None
    return (
        account.account_number or short_id(account.account_id),
        text_or_dash(account.account_name),
        str(account.number_of_invoices),
        money(account.invoice_total, currency) if currency else money(account.invoice_total),
        str(account.number_of_credit_memos),
        money(account.credit_memo_total, currency)
        if currency
        else money(account.credit_memo_total),
    )


def progress_text(run: BillRun, progress: BillRunProgress | None, docs: BillRunDocuments) -> str:
    """``2 of 4 accounts processed · 3 invoices (5,651.65 USD) so far`` while it runs; the
    counts and totals once it has finished."""
    if progress is None:
        return "progress not available: " + documents_summary(docs)
    invoices = [i for i in docs.invoices if i.status is not DocumentStatus.CANCELED]
    memos = [m for m in docs.credit_memos if m.status is not DocumentStatus.CANCELED]
    counts = f"{len(invoices)} invoice{'' if len(invoices) == 1 else 's'}"
    if invoices:
        counts += f" ({totals([(i.amount, i.currency) for i in invoices])})"
    counts += f", {len(memos)} credit memo{'' if len(memos) == 1 else 's'}"
    if memos:
        counts += f" ({totals([(m.amount, m.currency) for m in memos])})"
    accounts = (
        f"{progress.accounts_processed} of {progress.number_of_accounts} "
        f"account{'' if progress.number_of_accounts == 1 else 's'} processed"
    )
    if run.is_finished:
        return f"{accounts} · {counts}"
    return f"{accounts} · {counts} so far"


def is_waiting(run: BillRun, today: Any) -> bool:
    """A scheduled run waiting for a later day (nothing to poll for until then)."""
    when = run.scheduled_execution_time
    return (
        run.is_scheduled
        and run.status is BillRunStatus.PENDING
        and when is not None
        and when.date() > today
    )


def document_row(
    doc: Invoice | CreditMemo, marked: bool, account_number: str | None = None
) -> tuple[Any, ...]:
    """``account_number``: the account's number when the document names only its id (Zuora's
    v1 documents of a bill run carry ``accountId``; the run's progress knows the numbers)."""
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
        text_or_dash(doc.account_number or account_number or doc.account_id),
        day(dated),
    )


class BillRunScreen(MarkedRows, ConsoleScreen):
    DEFAULT_CSS = """
    BillRunScreen .progress-line { height: auto; padding: 0 1; }
    """
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
        self.progress: BillRunProgress | None = None
        self._documents: BillRunDocuments = BillRunDocuments()
        self._timer: Timer | None = None
        #: True while polls fail: one notification per outage, not one per poll
        self.poll_failing = False

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="body"):
            yield Label("Bill run", classes="section")
            yield Fields(id="summary")
            yield Label("Progress", classes="section")
            yield Static("", id="progress", classes="progress-line", markup=False)
            yield Label("Filters", classes="section", id="filters-title")
            filters: DataTable[Any] = DataTable(id="filters", cursor_type="row")
            yield filters
            yield Label("Documents", classes="section", id="documents-title")
            docs: DataTable[Any] = DataTable(id="documents", cursor_type="row", zebra_stripes=True)
            yield docs
            yield Label("Accounts billed", classes="section", id="accounts-title")
            billed: DataTable[Any] = DataTable(id="accounts", cursor_type="row", zebra_stripes=True)
            yield billed
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
        accounts = self.query_one("#accounts", DataTable)
        for label, key in ACCOUNT_COLUMNS:
            accounts.add_column(label, key=key)
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
            run, documents, progress = await asyncio.gather(
                backend.get_bill_run(self.bill_run_id),
                backend.list_bill_run_documents(self.bill_run_id),
                self._progress(),
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
        self._apply(run, documents, names, progress)

    async def _progress(self) -> BillRunProgress | None:
        """The run's progress; a failure leaves it unknown (the run and documents still show)."""
        try:
            result: BillRunProgress = await self.billing_app.backend.get_bill_run_progress(
                self.bill_run_id
            )
        except Exception:
            return None
        return result

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

    def _summary(self, run: BillRun, names: dict[str, str]) -> list[tuple[str, object]]:
        accounts = [
            names.get(f.account_id, short_id(f.account_id))
            for f in run.bill_run_filters
            if f.account_id and f.filter_type.value == "Account"
        ]
        who = (
            who_words(run.batches, run.bill_cycle_day, accounts)
            if accounts or run.batches is not None or not run.bill_run_filters
            else "the filters below"
        )
        excluded = ", ".join(c.value for c in run.charge_type_to_exclude) or "none"
        pairs: list[tuple[str, object]] = [
            ("Bill run", run.bill_run_number),
            ("Status", status(run.status)),
            ("Name", text_or_dash(run.name)),
            ("Bills", who),
        ]
        if run.schedule is not None:
            when = run.scheduled_execution_time
            pairs += [
                ("Schedule", schedule_words(run.schedule)),
                ("Runs", f"{when:%Y-%m-%d %H:%M}" if when is not None else "—"),
            ]
        if run.schedule is not None and run.target_date is None:
            target = run.target_date_offset or 0
            invoice = run.invoice_date_offset or 0
            pairs.append(("Dates", f"target run date +{target}d, invoice run date +{invoice}d"))
        else:
            pairs += [
                ("Target date", day(run.target_date)),
                ("Invoice date", day(run.invoice_date)),
            ]
        pairs += [
            ("Excluded", excluded),
            ("Auto post", "yes" if run.auto_post else "no"),
            ("Created", stamp(run.created_date)),
            ("Updated", stamp(run.updated_date)),
        ]
        return pairs

    def _apply(
        self,
        run: BillRun,
        documents: BillRunDocuments,
        names: dict[str, str],
        progress: BillRunProgress | None = None,
    ) -> None:
        self.bill_run = run
        self.progress = progress
        self._documents = documents
        self.billing_app.remember_bill_run(run.bill_run_number, run.id)
        self.set_crumb(run.bill_run_number)
        self.query_one("#summary", Fields).show(self._summary(run, names))
        waiting = is_waiting(run, self.billing_app.today())
        when = run.scheduled_execution_time
        self.query_one("#progress", Static).update(
            f"Waiting for its run on {when:%Y-%m-%d %H:%M}: it selects its accounts then"
            if waiting and when is not None
            else progress_text(run, progress, documents)
        )
        self.query_one("#filters-title").display = bool(run.bill_run_filters)
        filters = self.query_one("#filters", DataTable)
        filters.display = bool(run.bill_run_filters)
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
        every: list[Invoice | CreditMemo] = [*documents.invoices, *documents.credit_memos]
        # a mark stays only while its invoice is still in the run
        self.marked = {
            d.id: self._marked(d) for d in every if isinstance(d, Invoice) and d.id in self.marked
        }
        self._fill_documents()
        self._fill_accounts(every)
        if self._timer is not None:
            if run.is_finished or is_waiting(run, self.billing_app.today()):
                self._timer.pause()
            else:
                self._timer.resume()
        self._show_status()

    def _fill_documents(self) -> None:
        documents = self._documents
        every: list[Invoice | CreditMemo] = [*documents.invoices, *documents.credit_memos]
        docs = every
        self.docs = docs
        table = self.table
        row = table.cursor_row
        table.clear()
        numbers = {
            a.account_id: a.account_number
            for a in (self.progress.accounts if self.progress is not None else [])
        }
        for doc in docs:
            cells = document_row(doc, doc.id in self.marked, numbers.get(doc.account_id))
            table.add_row(*cells, key=doc.id)
        if docs:
            table.move_cursor(row=min(max(row, 0), len(docs) - 1), animate=False)
        self.query_one("#documents-title", Label).update(
            f"Documents · {documents_summary(documents)}"
        )

    def _fill_accounts(self, every: list[Invoice | CreditMemo]) -> None:
        progress = self.progress
        table = self.query_one("#accounts", DataTable)
        accounts = progress.accounts if progress is not None else []
        row = table.cursor_row
        table.clear()
        for account in accounts:
            table.add_row(*account_row(account, every), key=account.account_id)
        if accounts:
            table.move_cursor(row=min(max(row, 0), len(accounts) - 1), animate=False)
        shown = progress is not None
        table.display = bool(accounts)
        title = self.query_one("#accounts-title", Label)
        title.display = shown
        if progress is not None:
            title.update(
                f"Accounts billed · {len(accounts)}"
                + ("" if accounts else " (none yet)")
                + (" · enter opens an account" if accounts else "")
            )

    def current_account(self) -> BillRunAccount | None:
        progress = self.progress
        table = self.query_one("#accounts", DataTable)
        if progress is None or not progress.accounts or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((a for a in progress.accounts if a.account_id == key), None)

    @on(DataTable.RowSelected, "#accounts")
    def _open_account(self, event: DataTable.RowSelected) -> None:
        account = self.current_account()
        if account is None:
            return
        self.billing_app.open_object("account", account.account_id)

    def _show_status(self) -> None:
        run = self.bill_run
        parts = [f"{len(self.docs)} document(s)"]
        if run is not None:
            if run.is_finished:
                parts.append("finished")
            elif is_waiting(run, self.billing_app.today()):
                parts.append(f"scheduled: {self.billing_app.keys['refresh']} reads it again")
            else:
                parts.append("running: refreshing by itself")
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

    def mark_table(self) -> DataTable[Any]:
        return self.table

    def show_mark(self, row: str, marked: bool) -> None:
        self.table.update_cell(row, "mark", MARK if marked else "")

    @staticmethod
    def _marked(doc: Invoice) -> Marked:
        return Marked(doc.id, doc.invoice_number, doc.status, doc.amount, doc.currency)
