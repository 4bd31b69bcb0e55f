"""Orders: the root screen. Pages from ``list_orders``; ``/`` searches on the backend."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Label

from backends.models import Order, Page
from tui import actions
from tui.format import day, status, text_or_dash
from tui.screens.base import ConsoleScreen
from tui.widgets.paged_table import PagedTable
from tui.widgets.search_field import SearchField

SORTS: tuple[tuple[str, bool, str] | None, ...] = (
    None,
    ("date", True, "date, newest first"),
    ("account", False, "account"),
    ("status", False, "status"),
    ("order", False, "order number"),
)

COLUMNS = (
    ("Order", "order"),
    ("Date", "date"),
    ("Account", "account"),
    ("Account name", "name"),
    ("Status", "status"),
    ("Subscriptions", "subscriptions"),
    ("Schedule", "schedule"),
)


def order_row(order: Order) -> tuple[Any, ...]:
    subs = [s.subscription_number for s in order.subscriptions]
    subs_text = "—" if not subs else subs[0] + (f" +{len(subs) - 1}" if len(subs) > 1 else "")
    return (
        order.order_number,
        day(order.order_date),
        order.existing_account_number,
        text_or_dash(order.account_name),
        status(order.status),
        subs_text,
        text_or_dash(order.invoice_schedule_number),
    )


class OrdersScreen(ConsoleScreen):
    SCOPE = actions.ORDERS
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        *actions.bindings_for(actions.ORDERS),
        Binding("escape", "clear_search", "Clear search", show=False),
    ]

    def __init__(self) -> None:
        super().__init__("Orders")
        self.sort_index = 0

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield SearchField("search orders: number, account number or name; enter runs it")
        yield PagedTable[Order](
            columns=COLUMNS,
            to_row=order_row,
            row_key=lambda o: o.order_number,
            page_size=self.billing_app.profile.page_size,
            id="orders",
        )
        yield Label("loading orders…", id="status", classes="status-line")
        yield from self.compose_footer()

    @property
    def table(self) -> PagedTable[Order]:
        return self.query_one("#orders", PagedTable)

    def on_mount(self) -> None:
        self.table.on_error = self._load_failed
        self.table.start(self._fetch)
        self.table.focus()

    def _load_failed(self, exc: BaseException) -> None:
        """The first load failing is start-up failing: a screen that names the cause and stays
        until the operator retries or quits. Later failures are one notification."""
        if self.loaded_once:
            self.billing_app.report_error("orders", exc)
            return
        from tui.screens.startup import StartupFailedScreen

        key = self.billing_app.keys["retry"]
        self.query_one("#status", Label).update(f"start-up failed: {key} retries")

        def answered(choice: str | None) -> None:
            if choice == "retry":
                self.query_one("#status", Label).update("loading orders…")
                self.table.start(self._fetch)

        self.app.push_screen(StartupFailedScreen(exc), answered)

    async def _fetch(self, cursor: str | None) -> Page[Order]:
        return await self.billing_app.backend.list_orders(
            search=self.search, page_size=self.table.page_size, cursor=cursor
        )

    def reload(self, quiet: bool = False) -> None:
        self.table.reload()

    @on(PagedTable.Loaded, "#orders")
    def _loaded(self, event: PagedTable.Loaded) -> None:
        self.loaded_once = True
        noun = "order" if event.count == 1 else "orders"
        parts = []
        if self.search:
            parts.append(f"search “{self.search}”")
        parts.append(f"{event.count} {noun} loaded")
        parts.append("more available: scroll down" if event.has_more else "all loaded")
        sort = SORTS[self.sort_index]
        # unsorted, the rows are in the backend's order (the fake's: by order number)
        keys = self.billing_app.keys
        parts.append(f"sorted by {sort[2]}" if sort else f"backend order: {keys['sort']} sorts")
        if self.search:
            parts.append("esc clears the search")  # its own binding, not remappable
        self.query_one("#status", Label).update(" · ".join(parts))

    @on(DataTable.RowSelected, "#orders")
    def _open(self, event: DataTable.RowSelected) -> None:
        from tui.screens.order import OrderScreen

        if event.row_key.value is not None:
            self.billing_app.open_screen(OrderScreen(str(event.row_key.value)))

    # -- sort
    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        sort = SORTS[self.sort_index]
        self.table.sort_by = (sort[0], sort[1]) if sort else None
        self.table.apply_sort()
        self._loaded(PagedTable.Loaded(self.table, len(self.table.items), self.table.has_more))

    # -- search
    @property
    def search(self) -> str | None:
        """The search the list is narrowed to (``None``: every order)."""
        return self.query_one(SearchField).applied

    def action_search(self) -> None:
        self.query_one(SearchField).open()

    @on(Input.Submitted, "#search")
    def _submit(self, event: Input.Submitted) -> None:
        self.query_one(SearchField).apply(event.value)
        self.table.focus()
        self.table.start(self._fetch)

    def action_clear_search(self) -> None:
        field = self.query_one(SearchField)
        if field.leave():
            self.table.focus()
            return
        if self.search:
            field.clear()
            self.table.start(self._fetch)
