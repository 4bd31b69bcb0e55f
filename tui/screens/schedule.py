"""Invoice schedule: summary and the Schedule Items table with its Billing Document column.

The screen displays; its actions (generate, post, pause / resume, create bill run, unpost,
cancel, reverse, mark, post marked) are operations (:mod:`tui.operations`) that read their target
from this screen's state: ``schedule`` (generate's target is its earliest Pending item, wherever
the cursor is), ``current_item()`` (a row's document) and ``marked``. While an item is Executing
the screen refreshes itself every ``poll_interval``; the outcome of a bill run the console
started is announced by the app's watcher, wherever the operator is by then.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import DataTable, Label, Static

from backends.models import InvoiceSchedule, ScheduleItem, ScheduleItemStatus
from tui import actions
from tui.format import day, money, status, text_or_dash
from tui.keys import DEFAULT_KEYS, KeyNames
from tui.operations.documents import Marked
from tui.operations.rules import generate_refusal, item_label
from tui.operations.schedule import is_paused
from tui.screens.base import ConsoleScreen
from tui.widgets.fields import Fields

ITEM_COLUMNS = (
    ("#", "n"),
    ("Name", "name"),
    ("Run date", "run_date"),
    ("Amount / %", "amount"),
    ("Actual amount", "actual"),
    ("Status", "status"),
    ("Billing Document", "document"),
)
#: Below this many columns (an 80-column ssh session) the items table leaves out "Actual
#: amount", which equals the amount unless an order changed it, so that the Billing Document
#: column, the one an operator acts on, stays on screen instead of scrolling off.
NARROW_WIDTH = 100
NARROW_COLUMNS = tuple(c for c in ITEM_COLUMNS if c[1] != "actual")


def billing_document(
    schedule: InvoiceSchedule,
    item: ScheduleItem,
    read_only: bool = False,
    keys: KeyNames = DEFAULT_KEYS,
) -> Text:
    """What Zuora's Billing Document column shows: the action available, or the documents.
    ``Generate (g)`` only on the item generate would run and the backend would accept."""
    if item.status is ScheduleItemStatus.EXECUTING:
        return Text(f"{keys.label('refresh')} · executing", style="bold yellow")
    parts: list[Text] = []
    if item.invoice_number or item.invoice_id:
        number = item.invoice_number or item.invoice_id or ""
        state = item.invoice_status.value if item.invoice_status else "?"
        parts.append(Text.assemble(number, " ", status(state)))
    if item.credit_memo_number or item.credit_memo_id:
        number = item.credit_memo_number or item.credit_memo_id or ""
        state = item.credit_memo_status.value if item.credit_memo_status else "?"
        parts.append(Text.assemble(number, " ", status(state)))
    if parts:
        return Text(" · ").join(parts)
    if (
        not read_only
        and item.status is ScheduleItemStatus.PENDING
        and generate_refusal(schedule, item, keys) is None
    ):
        return Text(keys.label("generate"), style="bold cyan")
    return Text("—", style="dim")


def item_row(
    schedule: InvoiceSchedule,
    n: int,
    item: ScheduleItem,
    read_only: bool = False,
    marked: bool = False,
    keys: KeyNames = DEFAULT_KEYS,
) -> tuple[Any, ...]:
    if item.percentage is not None:
        amount = f"{item.percentage:g}% ({money(item.amount)})"
    else:
        amount = money(item.amount)
    return (
        Text.assemble(("● ", "bold magenta"), str(n)) if marked else str(n),
        text_or_dash(item.name),
        day(item.run_date),
        amount,
        money(item.actual_amount),
        status(item.status),
        billing_document(schedule, item, read_only, keys),
    )


class ScheduleScreen(ConsoleScreen):
    SCOPE = actions.SCHEDULE
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.SCHEDULE)  # type: ignore[assignment]

    #: the schedule as last loaded; the footer (pause or resume) follows it
    schedule: var[InvoiceSchedule | None] = var(None, bindings=True, always_update=True)
    #: invoices marked for a bulk post: item id -> the invoice as this screen shows it
    marked: var[dict[str, Marked]] = var(dict, bindings=True, always_update=True)

    def __init__(self, key: str, item_id: str | None = None) -> None:
        super().__init__(key)
        self.key = key
        #: put the cursor on this schedule item once loaded (a link from an invoice line)
        self.focus_item_id = item_id
        self._poll_timer: Timer | None = None
        self.polls = 0
        self.watching = False
        self.poll_failing = False
        #: the item columns shown, chosen by the terminal's width when the screen mounts
        self.columns: tuple[tuple[str, str], ...] = ITEM_COLUMNS

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="body"):
            yield Label("Invoice schedule", classes="section")
            yield Fields(id="summary")
            yield Label("Schedule Items", classes="section")
            items: DataTable[Any] = DataTable(id="items", cursor_type="row", zebra_stripes=True)
            yield items
        yield Static("", id="status", classes="status-line")
        yield from self.compose_footer()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#items", DataTable)

    def on_mount(self) -> None:
        self.columns = NARROW_COLUMNS if self.app.size.width < NARROW_WIDTH else ITEM_COLUMNS
        for label, key in self.columns:
            self.table.add_column(label, key=key)
        self.table.focus()
        interval = self.billing_app.profile.poll_interval
        self._poll_timer = self.set_interval(interval, self._poll, pause=True)
        self.reload()

    # ------------------------------------------------------------------ state

    def current_item(self) -> ScheduleItem | None:
        if self.schedule is None or not self.schedule.schedule_items:
            return None
        row = self.table.cursor_row
        items = self.schedule.schedule_items
        return items[row] if 0 <= row < len(items) else None

    def _obj(self, item: ScheduleItem | None = None) -> str:
        if item is None or self.schedule is None:
            return self.key
        return f"{self.schedule.number} {item_label(self.schedule, item)}"

    def identity(self) -> frozenset[str]:
        schedule = self.schedule
        return frozenset({self.key} | ({schedule.id, schedule.number} if schedule else set()))

    def object_refs(self) -> frozenset[str]:
        refs = set(self.identity())
        for item in self.schedule.schedule_items if self.schedule else []:
            refs |= {
                x
                for x in (
                    item.id,
                    item.invoice_id,
                    item.invoice_number,
                    item.credit_memo_id,
                    item.credit_memo_number,
                    item.bill_run_id,
                )
                if x
            }
        return frozenset(refs)

    def related_refs(self) -> frozenset[str]:
        return self.identity()

    def action_state(self, action: str) -> bool | None:
        paused = is_paused(self)
        if action == "pause":
            return not paused
        if action == "resume":
            return paused
        if action == "post_marked":  # in the footer only while something is marked
            return bool(self.marked)
        return True

    def refusal(self, action_id: str) -> str | None:
        if action_id == "open_credit_memo":
            item = self.current_item()
            return (
                None
                if item and (item.credit_memo_id or item.credit_memo_number)
                else "no credit memo"
            )
        if action_id == "open_bill_run":
            item = self.current_item()
            return None if item and item.bill_run_id else "no bill run on this row"
        return super().refusal(action_id)

    # ------------------------------------------------------------------ loading and polling

    def reload(self, quiet: bool = False) -> None:
        self._load(quiet)

    def _poll(self) -> None:
        self.polls += 1
        if not self.load_running():
            self._load(True)

    @work(group="load", exclusive=True, exit_on_error=False)
    async def _load(self, quiet: bool = False) -> None:
        backend = self.billing_app.backend
        body = self.query_one("#body")
        body.loading = not quiet and not self.loaded_once
        try:
            schedule = await backend.get_invoice_schedule(self.key)
        except Exception as exc:
            if not (quiet and self.poll_failing):  # one notification per outage, not per poll
                self.first_load_failed(f"invoice schedule {self.key}", exc)
            self.poll_failing = quiet
            self._update_polling()
            return
        finally:
            body.loading = False
        self.loaded_once = True
        self.poll_failing = False
        previous = self.schedule
        self._apply(schedule)
        if previous is not None:
            self._announce_transitions(previous, schedule)
        self._update_polling()

    def _rows(self, schedule: InvoiceSchedule) -> list[tuple[str, tuple[Any, ...]]]:
        shown = {key for _, key in self.columns}
        app = self.billing_app
        return [
            (
                item.id,
                tuple(
                    value
                    for (_, key), value in zip(
                        ITEM_COLUMNS,
                        item_row(
                            schedule,
                            n,
                            item,
                            app.read_only,
                            marked=item.id in self.marked,
                            keys=app.keys,
                        ),
                        strict=True,
                    )
                    if key in shown
                ),
            )
            for n, item in enumerate(schedule.schedule_items, 1)
        ]

    def _apply(self, schedule: InvoiceSchedule) -> None:
        self._prune_marks(schedule)
        self.schedule = schedule
        self.set_crumb(schedule.number)
        cur = schedule.currency
        orders = ", ".join(schedule.orders) or "—"
        self.query_one("#summary", Fields).show(
            [
                ("Number", schedule.number),
                ("Status", status(schedule.status)),
                ("Total", money(schedule.total_amount, cur)),
                ("Actual", money(schedule.actual_amount, cur)),
                ("Billed", money(schedule.billed_amount, cur)),
                ("Unbilled", money(schedule.unbilled_amount, cur)),
                ("Next run date", day(schedule.next_run_date)),
                ("Orders", orders),
                ("Invoice separately", "yes" if schedule.invoice_separately else "no"),
                ("Notes", text_or_dash(schedule.notes)),
            ]
        )
        table = self.table
        rows = self._rows(schedule)
        same_rows = [str(k.value) for k in table.rows] == [key for key, _ in rows]
        if same_rows:  # a poll: touch only the cells that changed (no flicker, no relayout)
            for key, values in rows:
                old = table.get_row(key)
                for (_, column), new, before in zip(self.columns, values, old, strict=True):
                    if str(new) != str(before) or getattr(new, "style", None) != getattr(
                        before, "style", None
                    ):
                        table.update_cell(key, column, new, update_width=True)
        else:
            row = table.cursor_row
            table.clear()
            for key, values in rows:
                table.add_row(*values, key=key)
            if rows:
                table.move_cursor(row=min(max(row, 0), len(rows) - 1), animate=False)
        if self.focus_item_id is not None:
            index = next(
                (n for n, i in enumerate(schedule.schedule_items) if i.id == self.focus_item_id),
                None,
            )
            self.focus_item_id = None
            if index is not None:
                table.move_cursor(row=index, animate=False)

    def focus_item(self, item_id: str) -> None:
        """Put the cursor on a schedule item (a link from an invoice line)."""
        items = self.schedule.schedule_items if self.schedule else []
        index = next((n for n, i in enumerate(items) if i.id == item_id), None)
        if index is not None:
            self.table.move_cursor(row=index, animate=False)

    def _redraw(self) -> None:
        if self.schedule is None:
            return
        for key, values in self._rows(self.schedule):
            for (_, column), value in zip(self.columns, values, strict=True):
                self.table.update_cell(key, column, value, update_width=True)

    def _executing(self) -> list[ScheduleItem]:
        if self.schedule is None:
            return []
        return [i for i in self.schedule.schedule_items if i.status is ScheduleItemStatus.EXECUTING]

    def _update_polling(self) -> None:
        timer = self._poll_timer
        watching = bool(self._executing())
        if timer is not None:
            if watching:
                timer.resume()
            else:
                timer.pause()
        self.watching = watching
        self._show_status()

    def _show_status(self) -> None:
        keys = self.billing_app.keys
        parts = []
        executing = self._executing()
        if executing:
            runs = sorted({i.bill_run_id for i in executing if i.bill_run_id})
            numbers = [self.billing_app.bill_run_number(r) for r in runs]
            what = f"bill run {', '.join(numbers)}" if numbers else "executing items"
            parts.append(
                f"watching {what}: refreshing every {self.billing_app.profile.poll_interval:g} s"
            )
        else:
            parts.append(f"{len(self.schedule.schedule_items) if self.schedule else 0} items")
        if self.marked:
            parts.append(f"{len(self.marked)} marked: {keys['post_marked']} posts them")
        parts.append(f"updated {self.billing_app.clock().strftime('%H:%M:%S')}")
        self.query_one("#status", Static).update(" · ".join(parts))

    def _announce_transitions(self, before: InvoiceSchedule, after: InvoiceSchedule) -> None:
        """Items that finished while this screen watched them, run by the scheduler or another
        session (the app's watcher announces the bill runs this console started)."""
        seen = self.billing_app.watcher.seen
        for item in after.schedule_items:
            old = before.item(item.id)
            if old is None or old.status is item.status:
                continue
            if (
                old.status is ScheduleItemStatus.EXECUTING
                and item.status is ScheduleItemStatus.PROCESSED
                and (old.bill_run_id or item.bill_run_id) not in seen
            ):
                doc = item.invoice_number or item.credit_memo_number or "no document"
                state = item.invoice_status or item.credit_memo_status
                suffix = f" ({state.value})" if state else ""
                label = item_label(after, item)
                self.notify(
                    f"{label[:1].upper()}{label[1:]} of {after.number} is Processed: {doc}{suffix}",
                    title="Bill run completed",
                )

    # ------------------------------------------------------------------ marks

    def _prune_marks(self, schedule: InvoiceSchedule) -> None:
        """Drop marks whose row no longer carries the marked invoice (canceled, regenerated)."""
        marked: dict[str, Marked] = {}
        for item_id, mark in self.marked.items():
            item = schedule.item(item_id)
            if item is not None and mark.key in {item.invoice_id, item.invoice_number}:
                # keep what the row shows now, for the dialog's Draft count
                marked[item_id] = Marked(
                    mark.key, mark.number, item.invoice_status, item.actual_amount, mark.currency
                )
        if marked != self.marked:
            self.marked = marked

    def toggle_mark(self, row: str, mark: Marked) -> None:
        marked = dict(self.marked)
        if row in marked:
            del marked[row]
        else:
            marked[row] = mark
        self.marked = marked
        self._redraw()
        self._show_status()
        cursor = self.table.cursor_row
        if cursor < self.table.row_count - 1:
            self.table.move_cursor(row=cursor + 1)

    def clear_marks(self) -> None:
        self.marked = {}
        self._redraw()
        self._show_status()

    # ------------------------------------------------------------------ navigation

    @on(DataTable.RowSelected, "#items")
    def _open_row(self, event: DataTable.RowSelected) -> None:
        item = self.current_item()
        if item is None:
            return
        if item.invoice_id or item.invoice_number:
            self.billing_app.open_object("invoice", item.invoice_id or item.invoice_number or "")
        elif item.credit_memo_id or item.credit_memo_number:
            self.billing_app.open_object(
                "credit_memo", item.credit_memo_id or item.credit_memo_number or ""
            )
        elif item.status is ScheduleItemStatus.EXECUTING:
            self.notify("The bill run is still executing: the invoice appears when it completes")
        else:
            key = self.billing_app.keys["generate"]
            self.notify(f"{self._obj(item)} has no billing document yet ({key} generates it)")

    def action_open_credit_memo(self) -> None:
        item = self.current_item()
        ref = item.credit_memo_id or item.credit_memo_number if item else None
        if not ref:
            self.notify(f"{self._obj(item)} has no credit memo", severity="warning")
            return
        self.billing_app.open_object("credit_memo", ref)

    def action_open_bill_run(self) -> None:
        item = self.current_item()
        if item is None or not item.bill_run_id:
            self.notify(f"{self._obj(item)} has no bill run yet", severity="warning")
            return
        self.billing_app.open_object("bill_run", item.bill_run_id)
