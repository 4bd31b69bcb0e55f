"""The invoice schedule form: new or edit, keyboard-first.

It shows and edits a :class:`~tui.schedule_editor.state.FormState`; it sends nothing. ``ctrl+s``
validates and, when the form is sound (and, for an edit, changes something), dismisses with the
state, the plan and the diff; the operation (``tui.operations.schedule_editing``) confirms and
calls the backend, and opens the form again, as typed, after a "no" or a refusal.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, DataTable, Input, Label, Static

from backends.errors import BackendError
from tui import actions
from tui.format import status
from tui.schedule_editor.dates import DateInputError, parse_run_date
from tui.schedule_editor.diff import ScheduleDiff, diff
from tui.schedule_editor.plan import plan_of_schedule
from tui.schedule_editor.state import FormState, ItemRow, OrderInfo
from tui.schedule_editor.summary import summarize
from tui.schedule_editor.validate import MAX_ITEMS, Problem, validate
from tui.screens.form_base import FormScreen
from tui.widgets.footer import ConsoleFooter

__all__ = ["ScheduleFormScreen"]

#: the row editor's inputs, by the ItemRow field they edit
_CELL_INPUTS = {"name": "#item-name", "run_date": "#item-date", "value": "#item-value"}


class ScheduleFormScreen(FormScreen):
    SCOPE: ClassVar[str] = actions.SCHEDULE_FORM
    ESSENTIAL_FROM: ClassVar[str] = "the items table"
    DISCARD_TITLE: ClassVar[str] = "Discard your changes?"
    DEFAULT_CSS = """
    ScheduleFormScreen { layout: vertical; }
    ScheduleFormScreen #form-title { text-style: bold; padding: 0 1; background: $boost; width: 1fr; }
    ScheduleFormScreen .form-row { height: 1; padding: 0 1; }
    ScheduleFormScreen .form-row Label { width: 14; color: $text-muted; }
    ScheduleFormScreen Input, ScheduleFormScreen Input:focus {
        border: none; height: 1; padding: 0 1; background: $surface;
    }
    ScheduleFormScreen Input:focus { background: $accent 30%; }
    ScheduleFormScreen Input.-in-error { background: $error 30%; }
    ScheduleFormScreen Input:disabled { color: $text-disabled; }
    ScheduleFormScreen #notes, ScheduleFormScreen #orders, ScheduleFormScreen #subscriptions {
        width: 1fr;
    }
    ScheduleFormScreen Checkbox, ScheduleFormScreen Checkbox:focus {
        border: none; height: 1; padding: 0; width: auto; background: transparent;
    }
    ScheduleFormScreen Checkbox:focus > .toggle--label { background: $accent 30%; }
    ScheduleFormScreen #currency { width: auto; margin-left: 2; color: $text-muted; }
    ScheduleFormScreen .note { height: auto; padding: 0 1 0 15; color: $text-muted; }
    ScheduleFormScreen #items { height: 1fr; min-height: 4; margin: 0 1; }
    ScheduleFormScreen #item-name { width: 2fr; }
    ScheduleFormScreen #item-date { width: 1fr; }
    ScheduleFormScreen #item-value { width: 1fr; }
    ScheduleFormScreen #helpers Input { width: 1fr; }
    ScheduleFormScreen #summary { height: auto; padding: 0 1; background: $boost; }
    ScheduleFormScreen #summary.-bad { color: $text-warning; }
    ScheduleFormScreen #errors { height: auto; max-height: 6; padding: 0 1; color: $text-error; }
    """

    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.SCHEDULE_FORM)  # type: ignore[assignment]

    def __init__(
        self, state: FormState, *, today: date, error: str | None = None, title: str = ""
    ) -> None:
        super().__init__()
        self.state = state
        self.today = today
        self.title_text = title or (
            f"New invoice schedule · {', '.join(state.orders)}"
            if state.is_new
            else f"Edit {state.schedule.number if state.schedule else ''}"
        )
        self.backend_error = error
        self.problems: tuple[Problem, ...] = ()
        #: False until the operator changes something (esc then leaves without asking)
        self.dirty = error is not None
        #: orders whose subscriptions were asked for (found or not: asked once)
        self._asked: set[str] = set()

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        state = self.state
        yield Static(self.title_text, id="form-title", markup=False)
        with Horizontal(classes="form-row"):
            yield Label("Notes")
            yield Input(state.notes, id="notes", placeholder="what the schedule is for")
        with Horizontal(classes="form-row"):
            yield Label("Orders")
            yield Input(
                ", ".join(state.orders),
                id="orders",
                placeholder="O-00000001, O-00000002",
                disabled=not state.orders_editable,
            )
        yield Static(self._orders_note(), id="orders-note", classes="note", markup=False)
        with Horizontal(classes="form-row"):
            yield Label("Subscriptions")
            yield Input(
                ", ".join(state.subscriptions),
                id="subscriptions",
                placeholder="all of the orders' (or name specific ones: A-S00000001, …)",
                disabled=not state.orders_editable,
            )
        yield Static(
            self._subscriptions_note(), id="subscriptions-note", classes="note", markup=False
        )
        with Horizontal(classes="form-row"):
            yield Label("Options")
            yield Checkbox("Invoice separately", state.invoice_separately, id="separately")
            yield Label(self._currency_text(), id="currency")
        table: DataTable[object] = DataTable(id="items", cursor_type="row", zebra_stripes=True)
        yield table
        with Horizontal(classes="form-row", id="row-editor"):
            yield Label("Item")
            yield Input(id="item-name", placeholder="name")
            yield Input(id="item-date", placeholder="2026-04-01 · +30d · eom")
            yield Input(id="item-value", placeholder="250.00 or 25%")
        yield Static("", id="row-note", classes="note", markup=False)
        with Horizontal(classes="form-row", id="helpers"):
            yield Label("Split")
            yield Input(id="split-count", placeholder="items (3)")
            yield Input(id="split-total", placeholder=self._split_placeholder())
            yield Input(id="split-start", placeholder="first run date")
            yield Input(id="split-every", placeholder="m(onthly) / q(uarterly)")
        yield Static("", id="summary", markup=False)
        yield Static("", id="errors", markup=False)
        yield ConsoleFooter(compact=self.app.size.width < 110)

    def on_mount(self) -> None:
        for widget in self.query(Input):
            widget.cursor_blink = False
        table = self.query_one("#items", DataTable)
        for label, key in (
            ("#", "n"),
            ("Name", "name"),
            ("Run date", "run_date"),
            ("Amount / %", "value"),
            ("Status", "status"),
        ):
            table.add_column(label, key=key)
        self._fill_table()
        self._load_row()
        self._show_summary()
        if self.backend_error:
            self._show_errors((), refused=self.backend_error)
        self.query_one("#notes", Input).focus()
        if self.state.is_new:
            self._other_orders()

    def _orders_note(self) -> str:
        state = self.state
        reason = state.orders_locked_reason
        return f"read-only: {reason}" if reason else ""

    def _subscriptions_note(self) -> str:
        """What the orders hold, so a specific subscription is picked without a lookup."""
        known = self.state.known_subscriptions()
        if not known:
            return ""
        shown = ", ".join(f"{sub} ({order})" for order, sub in known[:6])
        more = f" and {len(known) - 6} more" if len(known) > 6 else ""
        return f"Theirs: {shown}{more}"

    def _currency_text(self) -> str:
        state = self.state
        return f"{state.currency} (the account's) · {state.account_key}"

    def _unread_orders(self) -> list[str]:
        return [
            o for o in self.state.orders if o not in self.state.order_info and o not in self._asked
        ]

    @on(Input.Blurred, "#orders")
    @on(Input.Submitted, "#orders")
    def _orders_done(self) -> None:
        if self._unread_orders():
            self._order_subscriptions()

    @work(group="form-order-info", exclusive=True, exit_on_error=False)
    async def _order_subscriptions(self, save_after: bool = False) -> None:
        """The subscriptions of orders added to the form (for the specific subscriptions field
        and the 300-subscription limit); an order the backend does not know is left for it to
        refuse on save."""
        backend = getattr(self.app, "backend", None)
        for number in self._unread_orders():
            self._asked.add(number)
            if backend is None:
                continue
            try:
                order = await backend.get_order(number)
            except BackendError:
                continue
            self.state.order_info[number] = OrderInfo(
                number, tuple(s.subscription_number for s in order.subscriptions)
            )
        self.query_one("#subscriptions-note", Static).update(self._subscriptions_note())
        self._show_summary()
        if save_after:
            self.action_form_save()

    def _split_placeholder(self) -> str:
        return "total, or % (default)" if self.state.total is None else "total, or %"

    @work(group="form-orders", exclusive=True, exit_on_error=False)
    async def _other_orders(self) -> None:
        """Name the account's other orders, so adding one needs no lookup elsewhere."""
        backend = getattr(self.app, "backend", None)
        if backend is None:
            return
        try:
            page = await backend.list_orders(search=self.state.account_key, page_size=20)
        except BackendError:  # a hint only: the form works without it
            return
        others = [o.order_number for o in page.items if o.order_number not in self.state.orders]
        if others:
            note = self.query_one("#orders-note", Static)
            more = "…" if page.has_more else ""
            note.update(f"Other orders of {self.state.account_key}: {', '.join(others)}{more}")

    # ------------------------------------------------------------------ the items table

    def _row_cells(self, n: int, row: ItemRow) -> tuple[object, ...]:
        lock = status(row.status.value)
        if row.locked is not None:
            lock.append(" · read-only", style="dim")
        return (str(n + 1), row.name, row.run_date or "—", row.value or "—", lock)

    def _fill_table(self, cursor: int | None = None) -> None:
        table = self.query_one("#items", DataTable)
        current = table.cursor_row if cursor is None else cursor
        table.clear()
        for n, row in enumerate(self.state.items):
            table.add_row(*self._row_cells(n, row), key=str(n))
        if self.state.items:
            table.move_cursor(row=max(0, min(current, len(self.state.items) - 1)), animate=False)

    def _update_row(self, n: int) -> None:
        table = self.query_one("#items", DataTable)
        row = self.state.items[n]
        for key, value in zip(
            ("n", "name", "run_date", "value", "status"), self._row_cells(n, row), strict=True
        ):
            table.update_cell(str(n), key, value)

    @property
    def cursor(self) -> int | None:
        table = self.query_one("#items", DataTable)
        if not self.state.items:
            return None
        return max(0, min(table.cursor_row, len(self.state.items) - 1))

    def _load_row(self) -> None:
        """The row editor shows the row under the cursor; locked rows say why."""
        n = self.cursor
        row = self.state.items[n] if n is not None else None
        for field, selector in _CELL_INPUTS.items():
            widget = self.query_one(selector, Input)
            widget.value = getattr(row, field) if row else ""
            widget.disabled = row is None or not row.editable
        note = ""
        if row is None:
            keys = self.keys
            note = (
                f"No items: {keys['form_add_item']} adds one, {keys['form_split']} splits the total"
            )
        elif row.locked:
            note = f"Item {n + 1 if n is not None else ''} is read-only: {row.locked}"
        self.query_one("#row-note", Static).update(note)

    @on(DataTable.RowHighlighted, "#items")
    def _highlighted(self) -> None:
        self._load_row()

    @on(DataTable.RowSelected, "#items")
    def _edit_row(self) -> None:
        """enter on the table: edit the row (its name first)."""
        n = self.cursor
        if n is None:
            return
        if not self.state.items[n].editable:
            self.app.bell()
            return
        self.query_one("#item-name", Input).focus()

    @on(Input.Submitted, "#item-name, #item-date, #item-value")
    def _row_done(self, event: Input.Submitted) -> None:
        """enter in the row editor: the next cell, and from the last one back to the table."""
        order = list(_CELL_INPUTS.values())
        index = order.index(f"#{event.input.id}")
        if index + 1 < len(order):
            self.query_one(order[index + 1], Input).focus()
        else:
            self.query_one("#items", DataTable).focus()

    # ------------------------------------------------------------------ typing

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        state = self.state
        ident = event.input.id
        value = event.value
        if ident == "notes" and value != state.notes:
            state.notes = value
        elif ident == "orders":
            orders = [o.strip().upper() for o in value.replace(";", ",").split(",") if o.strip()]
            if orders == state.orders:
                return
            state.orders = orders
            self.query_one("#subscriptions-note", Static).update(self._subscriptions_note())
        elif ident == "subscriptions":
            numbers = [n.strip() for n in value.replace(";", ",").split(",") if n.strip()]
            if numbers == state.subscriptions:
                return
            state.subscriptions = numbers
        elif ident in ("item-name", "item-date", "item-value"):
            n = self.cursor
            if n is None or not state.items[n].editable:
                return
            field = {"item-name": "name", "item-date": "run_date", "item-value": "value"}[ident]
            row = state.items[n]
            if getattr(row, field) == value:
                return
            setattr(row, field, value)
            self._update_row(n)
        else:
            return
        self.dirty = True
        event.input.remove_class("-in-error")
        self._show_summary()

    @on(Checkbox.Changed, "#separately")
    def _separately(self, event: Checkbox.Changed) -> None:
        if event.value != self.state.invoice_separately:
            self.state.invoice_separately = event.value
            self.dirty = True

    def _show_summary(self) -> None:
        line = summarize(self.state)
        widget = self.query_one("#summary", Static)
        widget.update(line.text)
        widget.set_class(line.adds_up is False, "-bad")

    # ------------------------------------------------------------------ keys

    def action_form_add_item(self) -> None:
        if len(self.state.items) >= MAX_ITEMS:
            self._say(f"An invoice schedule takes at most {MAX_ITEMS} items")
            return
        index = self.state.add_item(self.cursor)
        self.dirty = True
        self._fill_table(index)
        self._load_row()
        self._show_summary()
        self.query_one("#item-name", Input).focus()

    def action_form_remove_item(self) -> None:
        n = self.cursor
        if n is None:
            return
        reason = self.state.remove_item(n)
        if reason is not None:
            self._say(reason)
            return
        self.dirty = True
        self._fill_table(n)
        self._load_row()
        self._show_summary()
        self.query_one("#items", DataTable).focus()

    def action_form_split(self) -> None:
        """Split the editable rows from the helper fields: N items of a total (or of 100%),
        with run dates monthly or quarterly from a first date."""
        count_text = self.query_one("#split-count", Input).value.strip()
        total_text = self.query_one("#split-total", Input).value.strip().replace(",", "")
        start_text = self.query_one("#split-start", Input).value
        every = self.query_one("#split-every", Input).value.strip().lower() or "m"
        try:
            count = int(count_text) if count_text else max(1, len(self.state.editable_rows()))
            if count < 1:
                raise ValueError("split into at least one item")
            percent = total_text.endswith("%") or (not total_text and self.state.total is None)
            total = None
            if total_text and not total_text.endswith("%"):
                try:
                    total = Decimal(total_text)
                except InvalidOperation:
                    raise ValueError(f"{total_text!r} is not a total") from None
            start = parse_run_date(start_text, self.today) if start_text.strip() else None
            if every[0] not in "mq":
                raise ValueError("dates: m for monthly or q for quarterly")
            self.state.split(count, total=total, percent=percent)
            if start is not None:
                self.state.fill_dates(start, 3 if every[0] == "q" else 1)
        except (ValueError, DateInputError) as exc:
            self._say(str(exc))
            return
        self.dirty = True
        self._fill_table(0)
        self._load_row()
        self._show_summary()
        self._say("")
        self.query_one("#items", DataTable).focus()

    def action_form_save(self) -> None:
        if self._unread_orders():  # read the added orders' subscriptions first, then check
            self._order_subscriptions(save_after=True)
            return
        result = validate(self.state, self.today)
        if not result.ok:
            self._show_errors(result.problems)
            self._focus_problem(result.problems[0])
            return
        assert result.plan is not None
        change: ScheduleDiff | None = None
        if self.state.schedule is not None:
            change = diff(plan_of_schedule(self.state.schedule), result.plan)
            if change.is_empty:
                self._show_errors((), refused=None)
                self._say("Nothing changed: nothing to send")
                return
        self.dismiss({"state": self.state, "plan": result.plan, "diff": change})

    # ------------------------------------------------------------------ problems

    def _say(self, text: str) -> None:
        self.query_one("#errors", Static).update(text)
        if text:
            self.app.bell()

    def _show_errors(self, problems: tuple[Problem, ...], refused: str | None = None) -> None:
        self.problems = problems
        for widget in self.query(Input):
            widget.remove_class("-in-error")
        lines = []
        if refused:
            lines.append(f"Refused by the backend: {refused}")
        for problem in problems:
            lines.append(f"• {problem.message} [{problem.rule}]")
            target = self._widget_for(problem)
            if target is not None and not (problem.row is not None and problem.row != self.cursor):
                target.add_class("-in-error")
        self.query_one("#errors", Static).update("\n".join(lines))

    def _widget_for(self, problem: Problem) -> Input | DataTable[object] | None:
        if problem.field == "notes":
            return self.query_one("#notes", Input)
        if problem.field == "orders":
            return self.query_one("#orders", Input)
        if problem.field == "subscriptions":
            return self.query_one("#subscriptions", Input)
        if problem.column in _CELL_INPUTS:
            return self.query_one(_CELL_INPUTS[problem.column], Input)
        return None

    def _focus_problem(self, problem: Problem) -> None:
        table = self.query_one("#items", DataTable)
        if problem.row is not None and self.state.items:
            table.move_cursor(row=problem.row, animate=False)
            self._load_row()
            self._show_errors(self.problems)
        widget = self._widget_for(problem)
        if widget is None or widget.disabled:
            table.focus()
        else:
            widget.focus()
