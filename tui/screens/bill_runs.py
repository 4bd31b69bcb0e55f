"""Bill runs (``B`` from anywhere, or the palette): every bill run, newest first, paged from the
backend; ``f`` cycles the status filter (the backend filters); ``enter`` opens one.

``p`` posts a Completed run, ``x`` cancels a Pending or Completed one, ``d`` deletes a Canceled or
Error one. The flows (:func:`request_bill_run_action`) are shared with the bill run screen: fetch
the run fresh, refuse with a reason, confirm naming the run, its documents, total and the
environment, then call the backend through ``app.perform``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from backends.models import BillRun, BillRunDocuments, BillRunStatus, DocumentStatus, Page
from tui import actions
from tui.actions import bill_run_refusal
from tui.format import day, money, stamp, status, text_or_dash
from tui.screens.base import ConsoleScreen
from tui.widgets.paged_table import PagedTable

if TYPE_CHECKING:
    from tui.app import BillingApp

#: the status filter cycles through these (None: every status)
STATUS_FILTERS: tuple[BillRunStatus | None, ...] = (
    None,
    BillRunStatus.PENDING,
    BillRunStatus.PROCESSING,
    BillRunStatus.COMPLETED,
    BillRunStatus.POSTED,
    BillRunStatus.CANCELED,
    BillRunStatus.ERROR,
)

COLUMNS = (
    ("Bill run", "number"),
    ("Status", "status"),
    ("Name", "name"),
    ("Target date", "target"),
    ("Invoice date", "invoice_date"),
    ("Invoices", "invoices"),
    ("Credit memos", "memos"),
    ("Auto post", "auto_post"),
    ("Created", "created"),
)


def bill_run_row(run: BillRun) -> tuple[Any, ...]:
    return (
        run.bill_run_number,
        status(run.status),
        text_or_dash(run.name),
        day(run.target_date),
        day(run.invoice_date),
        text_or_dash(run.number_of_invoices),
        text_or_dash(run.number_of_credit_memos),
        "yes" if run.auto_post else "no",
        stamp(run.created_date),
    )


def totals(amounts: list[tuple[Decimal, str]]) -> str:
    """``2,000.00 USD`` (or ``1.00 USD + 2.00 EUR``) for (amount, currency) pairs."""
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    for amount, currency in amounts:
        by_currency[currency] += amount
    if not by_currency:
        return money(Decimal(0))
    return " + ".join(money(v, c) for c, v in sorted(by_currency.items()))


def documents_summary(docs: BillRunDocuments) -> str:
    """``2 documents: 1 invoice (2,000.00 USD), 1 credit memo (200.00 USD) · 1 Draft``
    (canceled documents left out; credit memos only named when there are some)."""
    invoices = [i for i in docs.invoices if i.status is not DocumentStatus.CANCELED]
    memos = [m for m in docs.credit_memos if m.status is not DocumentStatus.CANCELED]
    drafts = sum(i.status is DocumentStatus.DRAFT for i in invoices) + sum(
        m.status is DocumentStatus.DRAFT for m in memos
    )
    count = len(invoices) + len(memos)
    parts = [f"{len(invoices)} invoice{'' if len(invoices) == 1 else 's'}"]
    if invoices:
        parts[0] += f" ({totals([(i.amount, i.currency) for i in invoices])})"
    if memos:
        memo_total = totals([(m.amount, m.currency) for m in memos])
        parts.append(f"{len(memos)} credit memo{'' if len(memos) == 1 else 's'} ({memo_total})")
    return f"{count} document{'' if count == 1 else 's'}: {', '.join(parts)} · {drafts} Draft"


_CONSEQUENCE = {
    "post_bill_run": "Every Draft document of the run is posted and the run becomes Posted.",
    "cancel_bill_run": (
        "The run becomes Canceled; its Draft documents are canceled and their schedule items go "
        "back to Pending."
    ),
    "delete_bill_run": "The run is deleted for good, with its Draft and canceled documents.",
}
_VERB = {"post_bill_run": "Post", "cancel_bill_run": "Cancel", "delete_bill_run": "Delete"}
_DONE = {"post_bill_run": "posted", "cancel_bill_run": "canceled", "delete_bill_run": "deleted"}


def request_bill_run_action(
    app: BillingApp,
    action_id: str,
    bill_run_id: str,
    on_done: Callable[[BillRun | None], None],
) -> None:
    """Post, cancel or delete bill run ``bill_run_id``; ``on_done`` gets the run (None: deleted)."""
    prepare_key = f"{action_id}-prepare:{bill_run_id}"
    if app.refuse_read_only(action_id, bill_run_id):
        return
    if prepare_key in app.in_flight:  # held from the first press until the call has answered
        app.notify(f"{actions.by_id(action_id).label} is already in progress", timeout=3)
        return
    app.in_flight.add(prepare_key)

    async def prepare() -> None:
        backend = app.backend
        try:
            run = await backend.get_bill_run(bill_run_id)
            app.remember_bill_run(run.bill_run_number, run.id)
            refusal = bill_run_refusal(action_id, run)
            docs = None if refusal else await backend.list_bill_run_documents(bill_run_id)
        except Exception as exc:
            app.in_flight.discard(prepare_key)
            app.report_error(f"bill run {bill_run_id}", exc)
            return
        number = run.bill_run_number
        if refusal is not None or docs is None:
            app.in_flight.discard(prepare_key)
            app.refuse(action_id, number, refusal or "no documents")
            return
        body = (
            f"{number} · {run.status.value} · target {day(run.target_date)}"
            + (f" · {run.name}" if run.name else "")
            + f"\n{documents_summary(docs)}\n{_CONSEQUENCE[action_id]}"
        )
        app.confirm(
            action_id,
            number,
            f"{_VERB[action_id]} bill run {number}?",
            body,
            f"{_VERB[action_id]} run",
            lambda: app.run_worker(run_action(run), group=action_id, exit_on_error=False),
            lambda: app.in_flight.discard(prepare_key),
        )

    async def run_action(run: BillRun) -> None:
        backend = app.backend
        number = run.bill_run_number
        deleting = action_id == "delete_bill_run"

        async def call() -> BillRun:
            if action_id == "post_bill_run":
                return await backend.post_bill_run(bill_run_id)
            if action_id == "cancel_bill_run":
                return await backend.cancel_bill_run(bill_run_id)
            await backend.delete_bill_run(bill_run_id)
            return run

        def describe(result: BillRun) -> str:
            return f"{number} deleted" if deleting else f"{number} {result.status.value}"

        try:
            result = await app.perform(action_id, number, call, describe)
        finally:
            app.in_flight.discard(prepare_key)
        if result is None:
            return
        state = "" if deleting else f" ({result.status.value})"
        app.notify(f"Bill run {number} {_DONE[action_id]}{state}", title=_DONE[action_id].title())
        on_done(None if deleting else result)

    app.run_worker(prepare(), group=f"{action_id}-prepare", exit_on_error=False)


class BillRunsScreen(ConsoleScreen):
    SCOPE = actions.BILL_RUNS
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.BILL_RUNS)  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__("Bill runs")
        self.status_filter: BillRunStatus | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Label("", id="filter", classes="section")
        yield PagedTable[BillRun](
            columns=COLUMNS,
            to_row=bill_run_row,
            row_key=lambda r: r.id,
            page_size=self.billing_app.profile.page_size,
            id="bill-runs",
        )
        yield Label("loading bill runs…", id="status", classes="status-line")
        yield from self.compose_footer()

    @property
    def table(self) -> PagedTable[BillRun]:
        return self.query_one("#bill-runs", PagedTable)

    def on_mount(self) -> None:
        self._show_filter()
        self.table.on_error = lambda exc: self.billing_app.report_error("bill runs", exc)
        self.table.start(self._fetch)
        self.table.focus()

    async def _fetch(self, cursor: str | None) -> Page[BillRun]:
        return await self.billing_app.backend.list_bill_runs(
            status=self.status_filter, page_size=self.table.page_size, cursor=cursor
        )

    def reload(self, quiet: bool = False) -> None:
        self.table.reload()

    def current_run(self) -> BillRun | None:
        return self.table.current_item()

    def _show_filter(self) -> None:
        which = self.status_filter.value if self.status_filter else "all statuses"
        self.query_one("#filter", Label).update(f"Bill runs · {which} · f changes the filter")

    @on(PagedTable.Loaded, "#bill-runs")
    def _loaded(self, event: PagedTable.Loaded) -> None:
        self.loaded_once = True
        for run in self.table.items:
            self.billing_app.remember_bill_run(run.bill_run_number, run.id)
        noun = "bill run" if event.count == 1 else "bill runs"
        parts = [f"{event.count} {noun} loaded"]
        if self.status_filter is not None:
            parts[0] += f" ({self.status_filter.value})"
        parts.append("more available: scroll down" if event.has_more else "all loaded")
        parts.append("newest first")
        self.query_one("#status", Label).update(" · ".join(parts))
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#bill-runs")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.billing_app.open_object("bill_run", str(event.row_key.value))

    def refusal(self, action_id: str) -> str | None:
        if action_id in actions.BILL_RUN_STATUSES:
            return bill_run_refusal(action_id, self.current_run())
        return None

    def action_filter_status(self) -> None:
        index = STATUS_FILTERS.index(self.status_filter)
        self.status_filter = STATUS_FILTERS[(index + 1) % len(STATUS_FILTERS)]
        self._show_filter()
        self.query_one("#status", Label).update("loading bill runs…")
        self.table.start(self._fetch)

    def _run_action(self, action_id: str) -> None:
        app = self.billing_app
        run = self.current_run()
        obj = run.bill_run_number if run else "bill runs"
        if app.refuse_read_only(action_id, obj):
            return
        reason = bill_run_refusal(action_id, run)
        if reason is not None or run is None:
            app.refuse(action_id, obj, reason or "no bill run")
            return
        request_bill_run_action(app, action_id, run.id, lambda _run: self.reload(quiet=True))

    def action_post_bill_run(self) -> None:
        self._run_action("post_bill_run")

    def action_cancel_bill_run(self) -> None:
        self._run_action("cancel_bill_run")

    def action_delete_bill_run(self) -> None:
        self._run_action("delete_bill_run")
