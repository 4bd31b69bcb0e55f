"""Bill runs (``B`` from anywhere, or the palette): every bill run, newest first, paged from the
backend; ``f`` cycles the status filter (the backend filters); ``enter`` opens one.

Post, cancel and delete act on the run under the cursor (``current_run()``): operations in
:mod:`tui.operations.bill_runs`, shared with the bill run screen. ``n`` starts a new bill run
(the form of :mod:`tui.operations.new_bill_run`); once created, the cursor lands on it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label

from backends.models import BillRun, BillRunStatus, Page
from tui import actions
from tui.format import day, stamp, status, text_or_dash
from tui.screens.base import ConsoleScreen
from tui.widgets.paged_table import PagedTable

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


def _target(run: BillRun) -> str:
    """The target date; a scheduled run still waiting shows when it runs instead."""
    when = run.scheduled_execution_time
    if run.target_date is None and when is not None and run.status is BillRunStatus.PENDING:
        return f"runs {when:%m-%d %H:%M}"
    return day(run.target_date)


def bill_run_row(run: BillRun) -> tuple[Any, ...]:
    return (
        run.bill_run_number,
        status(run.status),
        text_or_dash(run.name),
        _target(run),
        day(run.invoice_date),
        text_or_dash(run.number_of_invoices),
        text_or_dash(run.number_of_credit_memos),
        "yes" if run.auto_post else "no",
        stamp(run.created_date),
    )


class BillRunsScreen(ConsoleScreen):
    SCOPE = actions.BILL_RUNS
    SHOWS_KINDS = frozenset({"bill_run"})
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.BILL_RUNS)  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__("Bill runs")
        self.status_filter: BillRunStatus | None = None
        #: a run to put the cursor on once the list shows it (one just created here)
        self.pending_cursor: str | None = None

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

    def focus_run(self, run_id: str) -> None:
        """Put the cursor on ``run_id`` when the list next shows it (after the reload)."""
        self.pending_cursor = run_id

    def _show_filter(self) -> None:
        which = self.status_filter.value if self.status_filter else "all statuses"
        key = self.billing_app.keys["filter_status"]
        self.query_one("#filter", Label).update(f"Bill runs · {which} · {key} changes the filter")

    @on(PagedTable.Loaded, "#bill-runs")
    def _loaded(self, event: PagedTable.Loaded) -> None:
        self.loaded_once = True
        for run in self.table.items:
            self.billing_app.remember_bill_run(run.bill_run_number, run.id)
        wanted = self.pending_cursor
        index = next((n for n, r in enumerate(self.table.items) if r.id == wanted), None)
        if index is not None:
            self.pending_cursor = None
            self.table.move_cursor(row=index, animate=False)
        noun = "bill run" if event.count == 1 else "bill runs"
        parts = [f"{event.count} {noun} loaded"]
        if self.status_filter is not None:
            parts[0] += f" ({self.status_filter.value})"
        parts.append("more available: scroll down" if event.has_more else "all loaded")
        parts.append("newest first")
        self.query_one("#status", Label).update(" · ".join(parts))

    @on(DataTable.RowSelected, "#bill-runs")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.billing_app.open_object("bill_run", str(event.row_key.value))

    def action_filter_status(self) -> None:
        index = STATUS_FILTERS.index(self.status_filter)
        self.status_filter = STATUS_FILTERS[(index + 1) % len(STATUS_FILTERS)]
        self._show_filter()
        self.query_one("#status", Label).update("loading bill runs…")
        self.table.start(self._fetch)
