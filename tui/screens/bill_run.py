"""Bill run: number, status, dates, filters, and the documents it produced.

The contract has no "documents of a bill run" call, so the documents are found through the bill
run's InvoiceSchedule filters: the items of those schedules whose invoice (or credit memo) came
from this bill run. Polls while the bill run is still running.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Label, Static

from backends.models import BillRun
from tui import actions
from tui.format import day, money, stamp, status, text_or_dash
from tui.screens.base import ConsoleScreen
from tui.widgets.fields import Fields


def short_id(value: str | None) -> str:
    """32-hex ids are unreadable in a table: the first 8 characters identify them well enough."""
    if not value:
        return "—"
    return value if len(value) <= 12 else f"{value[:8]}…"


class BillRunScreen(ConsoleScreen):
    SCOPE = actions.BILL_RUN
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.BILL_RUN)  # type: ignore[assignment]

    def __init__(self, bill_run_id: str) -> None:
        super().__init__(bill_run_id)
        self.bill_run_id = bill_run_id
        self.bill_run: BillRun | None = None
        self.documents: list[tuple[str, str]] = []  # (kind, key) per row
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="body"):
            yield Label("Bill run", classes="section")
            yield Fields(id="summary")
            yield Label("Filters", classes="section")
            filters: DataTable[Any] = DataTable(id="filters", cursor_type="row")
            yield filters
            yield Label("Documents", classes="section")
            docs: DataTable[Any] = DataTable(id="documents", cursor_type="row", zebra_stripes=True)
            yield docs
        yield Static("", id="status", classes="status-line")
        yield from self.compose_footer()

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
        docs = self.query_one("#documents", DataTable)
        for label, key in (
            ("Type", "type"),
            ("Number", "number"),
            ("Status", "status"),
            ("Amount", "amount"),
            ("Schedule", "schedule"),
            ("Item", "item"),
        ):
            docs.add_column(label, key=key)
        docs.focus()
        self._timer = self.set_interval(
            self.billing_app.profile.poll_interval, lambda: self.reload(quiet=True), pause=True
        )
        self.reload()

    def reload(self, quiet: bool = False) -> None:
        self._load(quiet)

    @work(group="load", exclusive=True, exit_on_error=False)
    async def _load(self, quiet: bool = False) -> None:
        backend = self.billing_app.backend
        body = self.query_one("#body")
        body.loading = not quiet and not self.loaded_once
        rows: list[tuple[Any, ...]] = []
        keys: list[tuple[str, str]] = []
        names: dict[str, str] = {}  # ids of schedules and items -> numbers and labels
        try:
            run = await backend.get_bill_run(self.bill_run_id)
            for flt in run.bill_run_filters:
                if not flt.invoice_schedule_id:
                    continue
                schedule = await backend.get_invoice_schedule(flt.invoice_schedule_id)
                names[schedule.id] = schedule.number
                for n, item in enumerate(schedule.schedule_items, 1):
                    label = item.name or f"item {n}"
                    names[item.id] = label
                    if item.bill_run_id == run.id and (item.invoice_id or item.invoice_number):
                        ref = item.invoice_id or item.invoice_number or ""
                        rows.append(
                            (
                                "Invoice",
                                item.invoice_number or ref,
                                status(item.invoice_status),
                                money(item.actual_amount, schedule.currency),
                                schedule.number,
                                label,
                            )
                        )
                        keys.append(("invoice", ref))
                    if item.credit_memo_id:
                        memo = await backend.get_credit_memo(item.credit_memo_id)
                        if memo.bill_run_id == run.id:
                            rows.append(
                                (
                                    "Credit memo",
                                    memo.number,
                                    status(memo.status),
                                    money(memo.amount, memo.currency),
                                    schedule.number,
                                    label,
                                )
                            )
                            keys.append(("credit_memo", memo.id))
        except Exception as exc:
            self.first_load_failed(f"bill run {self.bill_run_id}", exc)
            return
        finally:
            body.loading = False
        self.loaded_once = True
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
        docs = self.query_one("#documents", DataTable)
        row = docs.cursor_row
        docs.clear()
        for values in rows:
            docs.add_row(*values)
        if rows:
            docs.move_cursor(row=min(max(row, 0), len(rows) - 1), animate=False)
        self.documents = keys
        if self._timer is not None:
            if run.is_finished:
                self._timer.pause()
            else:
                self._timer.resume()
        state = "finished" if run.is_finished else "running: refreshing by itself"
        self.query_one("#status", Static).update(
            f"{len(rows)} document(s) · {state} · enter opens a document"
        )

    @on(DataTable.RowSelected, "#documents")
    def _open(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.documents):
            kind, key = self.documents[event.cursor_row]
            self.billing_app.open_object(kind, key)
