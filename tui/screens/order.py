"""Order: the basic information, subscriptions with their order actions, and invoice schedules."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Label, Static

from backends.models import InvoiceSchedule, Order
from tui import actions
from tui.format import day, money, stamp, status, text_or_dash
from tui.screens.base import ConsoleScreen
from tui.widgets.fields import Fields


class OrderScreen(ConsoleScreen):
    SCOPE = actions.ORDER
    #: a change that may move any schedule's amounts (a document canceled from its own screen)
    SHOWS_KINDS = frozenset({"schedule"})
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.ORDER)  # type: ignore[assignment]

    def __init__(self, order_number: str) -> None:
        super().__init__(order_number)
        self.order_number = order_number
        self.order: Order | None = None
        self.schedules: list[InvoiceSchedule] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="body"):
            yield Label("Basic information", classes="section")
            yield Fields(id="info")
            yield Label("Invoice schedules", classes="section")
            schedules: DataTable[object] = DataTable(
                id="schedules", cursor_type="row", zebra_stripes=True
            )
            yield schedules
            yield Label("Subscriptions and order actions", classes="section")
            subs: DataTable[object] = DataTable(
                id="subscriptions", cursor_type="row", zebra_stripes=True
            )
            yield subs
        yield Static("", id="status", classes="status-line")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        schedules = self.query_one("#schedules", DataTable)
        for label, key in (
            ("Schedule", "number"),
            ("Status", "status"),
            ("Total", "total"),
            ("Billed", "billed"),
            ("Unbilled", "unbilled"),
            ("Next run date", "next"),
        ):
            schedules.add_column(label, key=key)
        subs = self.query_one("#subscriptions", DataTable)
        for label, key in (
            ("Subscription", "subscription"),
            ("Version", "version"),
            ("Owner", "owner"),
            ("Order action", "action"),
            ("Seq", "seq"),
            ("Trigger / effective date", "date"),
        ):
            subs.add_column(label, key=key)
        schedules.focus()
        self.reload()

    def identity(self) -> frozenset[str]:
        return frozenset({self.order_number})

    def object_refs(self) -> frozenset[str]:
        refs = set(self.identity())
        for s in self.schedules:
            refs |= {s.id, s.number}
            refs |= {i.id for i in s.schedule_items}
        return frozenset(refs)

    def reload(self, quiet: bool = False) -> None:
        self._load(quiet)

    @work(group="load", exclusive=True, exit_on_error=False)
    async def _load(self, quiet: bool = False) -> None:
        backend = self.billing_app.backend
        body = self.query_one("#body")
        body.loading = not quiet and not self.loaded_once
        try:
            order, page = await asyncio.gather(
                backend.get_order(self.order_number),
                backend.list_invoice_schedules(order_number=self.order_number, page_size=50),
            )
        except Exception as exc:
            self.first_load_failed(f"order {self.order_number}", exc)
            return
        finally:
            body.loading = False
        self.loaded_once = True
        self.order = order
        self.schedules = page.items
        self._show(order, page.items, page.has_more)

    def _show(self, order: Order, schedules: list[InvoiceSchedule], more: bool) -> None:
        account = order.existing_account_number
        if order.account_name:
            account = f"{account} · {order.account_name}"
        self.query_one("#info", Fields).show(
            [
                ("Order number", order.order_number),
                ("Order date", day(order.order_date)),
                ("Status", status(order.status)),
                ("Category", order.category),
                ("Account", account),
                ("Currency", text_or_dash(order.currency)),
                ("Invoice schedule", text_or_dash(_latest_schedule_number(order, schedules))),
                ("Description", text_or_dash(order.description)),
                ("Created", stamp(order.created_date)),
                ("Updated", stamp(order.updated_date)),
            ]
        )
        table = self.query_one("#schedules", DataTable)
        row = table.cursor_row
        table.clear()
        for s in schedules:
            table.add_row(
                s.number,
                status(s.status),
                money(s.total_amount, s.currency),
                money(s.billed_amount, s.currency),
                money(s.unbilled_amount, s.currency),
                day(s.next_run_date),
                key=s.number,
            )
        if schedules:
            table.move_cursor(row=min(row, len(schedules) - 1), animate=False)
        subs = self.query_one("#subscriptions", DataTable)
        subs.clear()
        for sub in order.subscriptions:
            version = f"{sub.base_version or '—'} → {sub.new_version or '—'}"
            owner = text_or_dash(sub.subscription_owner_account_number)
            if not sub.order_actions:
                subs.add_row(sub.subscription_number, version, owner, "—", "", "")
            for n, oa in enumerate(sub.order_actions):
                when = ", ".join(f"{t.name} {day(t.trigger_date)}" for t in oa.trigger_dates)
                if oa.cancellation_effective_date:
                    when = f"cancels {day(oa.cancellation_effective_date)}"
                subs.add_row(
                    sub.subscription_number if n == 0 else "",
                    version if n == 0 else "",
                    owner if n == 0 else "",
                    oa.type.value,
                    str(oa.sequence),
                    when or "—",
                )
        note = f"{len(schedules)} invoice schedule(s)" + (" (first 50)" if more else "")
        self.query_one("#status", Static).update(
            f"{note} · enter opens the schedule · tab moves between tables"
        )

    @on(DataTable.RowSelected, "#schedules")
    def _open(self, event: DataTable.RowSelected) -> None:
        from tui.screens.schedule import ScheduleScreen

        if event.row_key.value is not None:
            self.billing_app.open_screen(ScheduleScreen(str(event.row_key.value)))


def _latest_schedule_number(order: Order, schedules: list[InvoiceSchedule]) -> str | None:
    """The order's latest schedule by number: the backend may know only its id (Zuora's order
    carries ``invoiceScheduleId``), and the schedules listed beside it name it."""
    if order.invoice_schedule_number:
        return order.invoice_schedule_number
    return next((s.number for s in schedules if s.id == order.invoice_schedule_id), None)
