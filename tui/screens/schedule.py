"""Invoice schedule: summary and the Schedule Items table with its Billing Document column.

``g`` generates the earliest Pending item; the row turns Executing at once and the screen polls
(``poll_interval`` from the profile) until the bill run completes, then shows the invoice.
``b`` on a FullyProcessed schedule creates the credit bill run and reports the credit memo, if any.
On a row's document: ``p`` posts, ``u`` unposts, ``x`` cancels a Draft invoice, ``v`` reverses a
Posted one; ``space`` marks the row's invoice and ``M`` posts every marked invoice in one bulk post.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Label, Static

from backends.models import (
    BillRun,
    BillRunStatus,
    DocumentStatus,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    PostResult,
    ScheduleItem,
    ScheduleItemStatus,
)
from tui import actions
from tui.actions import (
    cancel_invoice_refusal,
    create_bill_run_refusal,
    generate_refusal,
    item_label,
    pause_refusal,
    post_refusal,
    resume_refusal,
    reverse_refusal,
    unpost_refusal,
)
from tui.format import day, money, status, text_or_dash
from tui.screens.base import ConsoleScreen
from tui.screens.documents import Marked, request_bulk_post, request_document_action
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


@dataclass
class Watched:
    """A bill run this screen started and is waiting on."""

    kind: str  # "generate" | "create_bill_run"
    number: str
    item_id: str | None = None
    memos_before: set[str] = field(default_factory=set)


def billing_document(
    schedule: InvoiceSchedule, item: ScheduleItem, read_only: bool = False
) -> Text:
    """What Zuora's Billing Document column shows: the action available, or the documents."""
    if item.status is ScheduleItemStatus.EXECUTING:
        return Text("Refresh (r) · executing", style="bold yellow")
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
        and generate_refusal(schedule, item) is None
    ):
        return Text("Generate (g)", style="bold cyan")
    return Text("—", style="dim")


def item_row(
    schedule: InvoiceSchedule,
    n: int,
    item: ScheduleItem,
    read_only: bool = False,
    marked: bool = False,
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
        billing_document(schedule, item, read_only),
    )


class ScheduleScreen(ConsoleScreen):
    SCOPE = actions.SCHEDULE
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.SCHEDULE)  # type: ignore[assignment]

    def __init__(self, key: str, item_id: str | None = None) -> None:
        super().__init__(key)
        self.key = key
        #: put the cursor on this schedule item once loaded (a link from an invoice line)
        self.focus_item_id = item_id
        #: invoices marked for a bulk post: item id -> the invoice as this screen shows it
        self.marked: dict[str, Marked] = {}
        self.schedule: InvoiceSchedule | None = None
        self.watched: dict[str, Watched] = {}
        self._poll_timer: Timer | None = None
        self.polls = 0
        self.watching = False
        self.poll_failing = False
        self.updated: str = ""
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

    def action_state(self, action: str) -> bool | None:
        paused = self.schedule is not None and self.schedule.status is InvoiceScheduleStatus.PAUSED
        if action == "pause":
            return not paused
        if action == "resume":
            return paused
        if action == "post_marked":  # in the footer only while something is marked
            return bool(self.marked)
        return True

    def refusal(self, action_id: str) -> str | None:
        item = self.current_item()
        if action_id == "generate":
            return generate_refusal(self.schedule, item)
        if action_id == "pause_resume":
            if self.schedule is not None and self.schedule.status is InvoiceScheduleStatus.PAUSED:
                return resume_refusal(self.schedule)
            return pause_refusal(self.schedule)
        if action_id == "create_bill_run":
            return create_bill_run_refusal(self.schedule)
        if action_id == "post":
            return self._post_target(item)[2]
        if action_id in {"unpost", "cancel_invoice", "reverse"}:
            return self._document_target(action_id, item)[2]
        if action_id == "mark":
            return self._mark_target(item)[1]
        if action_id == "post_marked":
            return None if self.marked else "nothing is marked: space marks an invoice"
        if action_id == "open_credit_memo":
            return (
                None
                if item and (item.credit_memo_id or item.credit_memo_number)
                else "no credit memo"
            )
        if action_id == "open_bill_run":
            return None if item and item.bill_run_id else "no bill run on this row"
        return None

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
        finished: list[tuple[str, Watched, BillRun]] = []
        try:
            for bill_run_id, watched in list(self.watched.items()):
                run = await backend.get_bill_run(bill_run_id)
                if run.is_finished:
                    finished.append((bill_run_id, watched, run))
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
        for bill_run_id, watched, run in finished:
            self.watched.pop(bill_run_id, None)
            await self._finish(watched, run, schedule)
        self._update_polling()

    def _apply(self, schedule: InvoiceSchedule) -> None:
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
        self._prune_marks(schedule)
        shown = {key for _, key in self.columns}
        rows = [
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
                            self.billing_app.read_only,
                            marked=item.id in self.marked,
                        ),
                        strict=True,
                    )
                    if key in shown
                ),
            )
            for n, item in enumerate(schedule.schedule_items, 1)
        ]
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
        self.refresh_bindings()

    def _redraw_row(self, item: ScheduleItem) -> None:
        if self.schedule is None:
            return
        n = next(i for i, it in enumerate(self.schedule.schedule_items, 1) if it.id == item.id)
        values = item_row(
            self.schedule, n, item, self.billing_app.read_only, marked=item.id in self.marked
        )
        shown = {key for _, key in self.columns}
        for (_, key), value in zip(ITEM_COLUMNS, values, strict=True):
            if key in shown:
                self.table.update_cell(item.id, key, value, update_width=True)

    def _executing(self) -> list[ScheduleItem]:
        if self.schedule is None:
            return []
        return [i for i in self.schedule.schedule_items if i.status is ScheduleItemStatus.EXECUTING]

    def _update_polling(self) -> None:
        timer = self._poll_timer
        watching = bool(self.watched) or bool(self._executing())
        if timer is not None:
            if watching:
                timer.resume()
            else:
                timer.pause()
        self.watching = watching
        self._show_status()

    def _show_status(self) -> None:
        parts = []
        if self.watched or self._executing():
            runs = ", ".join(w.number for w in self.watched.values())
            what = f"bill run {runs}" if runs else "executing items"
            parts.append(
                f"watching {what}: refreshing every {self.billing_app.profile.poll_interval:g} s"
            )
        else:
            parts.append(f"{len(self.schedule.schedule_items) if self.schedule else 0} items")
        if self.marked:
            parts.append(f"{len(self.marked)} marked: M posts them")
        parts.append(f"updated {self.billing_app.clock().strftime('%H:%M:%S')}")
        self.query_one("#status", Static).update(" · ".join(parts))

    def _announce_transitions(self, before: InvoiceSchedule, after: InvoiceSchedule) -> None:
        for item in after.schedule_items:
            old = before.item(item.id)
            if old is None or old.status is item.status:
                continue
            if (
                old.status is ScheduleItemStatus.EXECUTING
                and item.status is ScheduleItemStatus.PROCESSED
            ):
                doc = item.invoice_number or item.credit_memo_number or "no document"
                state = item.invoice_status or item.credit_memo_status
                suffix = f" ({state.value})" if state else ""
                label = item_label(after, item)
                self.notify(
                    f"{label[:1].upper()}{label[1:]} of {after.number} is Processed: {doc}{suffix}",
                    title="Bill run completed",
                )

    async def _finish(self, watched: Watched, run: BillRun, schedule: InvoiceSchedule) -> None:
        app = self.billing_app
        if run.status is BillRunStatus.ERROR or run.status is BillRunStatus.CANCELED:
            message = f"Bill run {run.bill_run_number} ended {run.status.value}"
            app.action_log.record(watched.kind, schedule.number, "error", message)
            app.notify(message, title="Bill run did not complete", severity="error")
            return
        if watched.kind != "create_bill_run":
            return
        new = [
            i.credit_memo_id
            for i in schedule.schedule_items
            if i.credit_memo_id and i.credit_memo_id not in watched.memos_before
        ]
        if new:
            try:
                memo = await app.backend.get_credit_memo(new[0])
            except Exception as exc:
                app.report_error(f"credit memo {new[0]}", exc)
                return
            message = f"Credit memo {memo.number} for {money(memo.amount)} created"
            detail = f"{message} ({memo.status.value}, {memo.currency}) by {run.bill_run_number}"
        else:
            message = "No credit memo: nothing to credit"
            detail = f"{message} ({run.bill_run_number} {run.status.value})"
        app.action_log.record("create_bill_run", schedule.number, "ok", detail)
        app.notify(message, title=f"Bill run {run.bill_run_number} completed", timeout=10)

    # ------------------------------------------------------------------ generate

    def action_generate(self) -> None:
        app = self.billing_app
        item = self.current_item()
        obj = self._obj(item)
        if app.refuse_read_only("generate", obj):
            return
        if app.already_running("generate", self.key):
            return
        reason = generate_refusal(self.schedule, item)
        if reason is not None or item is None or self.schedule is None:
            app.refuse("generate", obj, reason or "nothing to generate")
            return
        schedule = self.schedule
        amount = money(item.amount, schedule.currency)
        body = (
            f"{schedule.number} · {item_label(schedule, item)} · run date {day(item.run_date)}\n"
            f"Amount {amount}. An ad hoc bill run executes this item now and creates a "
            "Draft invoice."
        )
        app.confirm(
            "generate",
            obj,
            f"Generate the invoice for {item_label(schedule, item)}?",
            body,
            "Generate",
            lambda: self._generate(item.id, obj),
        )

    @work(group="generate", exit_on_error=False)
    async def _generate(self, item_id: str, obj: str) -> None:
        app = self.billing_app
        backend = app.backend
        run = await app.perform(
            "generate",
            self.key,
            lambda: backend.execute_invoice_schedule(self.key, item_id),
            lambda r: f"{obj}: bill run {r.bill_run_number} {r.status.value}",
        )
        if run is None:
            return
        app.remember_bill_run(run.bill_run_number, run.id)
        self.watched[run.id] = Watched("generate", run.bill_run_number, item_id=item_id)
        item = self.schedule.item(item_id) if self.schedule else None
        if item is not None and item.status is ScheduleItemStatus.PENDING:
            item.status = ScheduleItemStatus.EXECUTING
            item.bill_run_id = run.id
            self._redraw_row(item)
        app.notify(
            f"Bill run {run.bill_run_number} started for {obj}; this screen updates when it "
            "completes",
            title="Generating",
        )
        self._update_polling()
        self.reload(quiet=True)

    # ------------------------------------------------------------------ pause / resume

    def action_pause(self) -> None:
        self._pause_resume(pause=True)

    def action_resume(self) -> None:
        self._pause_resume(pause=False)

    def _pause_resume(self, *, pause: bool) -> None:
        app = self.billing_app
        if app.refuse_read_only("pause_resume", self.key):
            return
        if app.already_running("pause_resume", self.key):
            return
        reason = pause_refusal(self.schedule) if pause else resume_refusal(self.schedule)
        if reason is not None:
            app.refuse("pause_resume", self.key, reason)
            return
        self._do_pause_resume(pause)

    @work(group="pause", exit_on_error=False)
    async def _do_pause_resume(self, pause: bool) -> None:
        app = self.billing_app
        backend = app.backend
        verb = "paused" if pause else "resumed"

        async def call() -> InvoiceSchedule:
            if pause:
                return await backend.pause_invoice_schedule(self.key)
            return await backend.resume_invoice_schedule(self.key)

        result = await app.perform(
            "pause_resume", self.key, call, lambda s: f"{verb}: now {s.status.value}"
        )
        if result is None:
            return
        self.reload(quiet=True)
        hint = (
            "the scheduler skips it until you resume (z)"
            if pause
            else "items run on their dates again"
        )
        app.notify(f"{self.key} {verb} ({result.status.value}): {hint}", title=verb.capitalize())

    # ------------------------------------------------------------------ create bill run

    def action_create_bill_run(self) -> None:
        app = self.billing_app
        if app.refuse_read_only("create_bill_run", self.key):
            return
        if app.already_running("create_bill_run", self.key) or any(
            w.kind == "create_bill_run" for w in self.watched.values()
        ):
            app.notify(f"A bill run for {self.key} is already in progress", timeout=3)
            return
        reason = create_bill_run_refusal(self.schedule)
        if reason is not None or self.schedule is None:
            app.refuse("create_bill_run", self.key, reason or "not loaded")
            return
        schedule = self.schedule
        body = (
            f"{schedule.number} is FullyProcessed ({money(schedule.billed_amount, schedule.currency)}"
            " billed).\nAn ad hoc bill run credits any product removed or subscription cancelled "
            "since: it creates a Draft credit memo, or nothing if there is nothing to credit."
        )
        app.confirm(
            "create_bill_run",
            schedule.number,
            f"Create a bill run for {schedule.number}?",
            body,
            "Create bill run",
            self._create_bill_run,
        )

    @work(group="create-bill-run", exit_on_error=False)
    async def _create_bill_run(self) -> None:
        app = self.billing_app
        backend = app.backend
        before = {
            i.credit_memo_id
            for i in (self.schedule.schedule_items if self.schedule else [])
            if i.credit_memo_id
        }
        run = await app.perform(
            "create_bill_run",
            self.key,
            lambda: backend.execute_invoice_schedule(self.key),
            lambda r: f"bill run {r.bill_run_number} {r.status.value}",
        )
        if run is None:
            return
        app.remember_bill_run(run.bill_run_number, run.id)
        self.watched[run.id] = Watched("create_bill_run", run.bill_run_number, memos_before=before)
        app.notify(
            f"Bill run {run.bill_run_number} started for {self.key}; waiting for its result",
            title="Create bill run",
        )
        self._update_polling()
        self.reload(quiet=True)

    # ------------------------------------------------------------------ documents

    def _post_target(self, item: ScheduleItem | None) -> tuple[str, str, str | None]:
        """(kind, key, refusal) for ``p`` on this row."""
        if item is None:
            return "invoice", "", "put the cursor on a schedule item first"
        inv_ref = item.invoice_id or item.invoice_number
        if inv_ref and item.invoice_status is not None and item.invoice_status.value == "Draft":
            return "invoice", inv_ref, None
        memo_ref = item.credit_memo_id or item.credit_memo_number
        if (
            memo_ref
            and item.credit_memo_status is not None
            and item.credit_memo_status.value == "Draft"
        ):
            return "credit_memo", memo_ref, None
        if inv_ref:
            return (
                "invoice",
                inv_ref,
                post_refusal("invoice", item.invoice_number or inv_ref, item.invoice_status),
            )
        if memo_ref:
            return (
                "credit_memo",
                memo_ref,
                post_refusal(
                    "credit memo", item.credit_memo_number or memo_ref, item.credit_memo_status
                ),
            )
        return (
            "invoice",
            "",
            f"{item_label(self.schedule, item) if self.schedule else 'this item'} has no billing document yet",
        )

    def action_post(self) -> None:
        app = self.billing_app
        item = self.current_item()
        kind, key, reason = self._post_target(item)
        if app.refuse_read_only("post", key or self._obj(item)):
            return
        if reason is not None:
            app.refuse("post", self._obj(item), reason)
            return
        request_document_action(
            app,
            "post",
            "invoice" if kind == "invoice" else "credit_memo",
            key,
            lambda _doc: self.reload(quiet=True),
        )

    def _document_target(
        self, action_id: str, item: ScheduleItem | None
    ) -> tuple[str, str, str | None]:
        """(kind, key, refusal) for ``u`` / ``x`` / ``v`` on this row."""
        if item is None:
            return "invoice", "", "put the cursor on a schedule item first"
        inv_ref = item.invoice_id or item.invoice_number
        inv_number = item.invoice_number or inv_ref
        memo_ref = item.credit_memo_id or item.credit_memo_number
        if action_id == "unpost":
            if inv_ref and item.invoice_status is DocumentStatus.POSTED:
                return "invoice", inv_ref, None
            if memo_ref and item.credit_memo_status is DocumentStatus.POSTED:
                return "credit_memo", memo_ref, None
            if inv_ref:
                return (
                    "invoice",
                    inv_ref,
                    unpost_refusal("invoice", inv_number, item.invoice_status),
                )
            if memo_ref:
                number = item.credit_memo_number or memo_ref
                return (
                    "credit_memo",
                    memo_ref,
                    unpost_refusal("credit memo", number, item.credit_memo_status),
                )
        elif inv_ref:
            if action_id == "cancel_invoice":
                return "invoice", inv_ref, cancel_invoice_refusal(inv_number, item.invoice_status)
            return "invoice", inv_ref, reverse_refusal(inv_number, item.invoice_status)
        label = item_label(self.schedule, item) if self.schedule else "this item"
        return "invoice", "", f"{label} has no invoice"

    def _row_document_action(self, action_id: str) -> None:
        app = self.billing_app
        item = self.current_item()
        kind, key, reason = self._document_target(action_id, item)
        if app.refuse_read_only(action_id, key or self._obj(item)):
            return
        if reason is not None:
            app.refuse(action_id, self._obj(item), reason)
            return
        request_document_action(
            app,
            action_id,
            "invoice" if kind == "invoice" else "credit_memo",
            key,
            lambda _doc: self.reload(quiet=True),
        )

    def action_unpost(self) -> None:
        self._row_document_action("unpost")

    def action_cancel_invoice(self) -> None:
        self._row_document_action("cancel_invoice")

    def action_reverse(self) -> None:
        self._row_document_action("reverse")

    # ------------------------------------------------------------------ marks and bulk post

    def _mark_target(self, item: ScheduleItem | None) -> tuple[Marked | None, str | None]:
        if item is None:
            return None, "put the cursor on a schedule item first"
        ref = item.invoice_id or item.invoice_number
        if not ref:
            label = item_label(self.schedule, item) if self.schedule else "this item"
            if item.credit_memo_id or item.credit_memo_number:
                return (
                    None,
                    f"{label} has a credit memo only: bulk post takes invoices (p posts it)",
                )
            return None, f"{label} has no invoice to mark"
        currency = self.schedule.currency if self.schedule else None
        marked = Marked(
            ref, item.invoice_number or ref, item.invoice_status, item.actual_amount, currency
        )
        return marked, None

    def _prune_marks(self, schedule: InvoiceSchedule) -> None:
        """Drop marks whose row no longer carries the marked invoice (canceled, regenerated)."""
        for item_id, marked in list(self.marked.items()):
            item = schedule.item(item_id)
            if item is None or marked.key not in {item.invoice_id, item.invoice_number}:
                del self.marked[item_id]
            else:  # keep what the row shows now, for the dialog's Draft count
                self.marked[item_id] = Marked(
                    marked.key,
                    marked.number,
                    item.invoice_status,
                    item.actual_amount,
                    marked.currency,
                )

    def action_mark(self) -> None:
        app = self.billing_app
        item = self.current_item()
        if app.refuse_read_only("mark", self._obj(item)):
            return
        marked, reason = self._mark_target(item)
        if reason is not None or marked is None or item is None:
            app.refuse("mark", self._obj(item), reason or "nothing to mark")
            return
        if item.id in self.marked:
            del self.marked[item.id]
        else:
            self.marked[item.id] = marked
        self._redraw_row(item)
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
            self.notify(f"{self._obj(item)} has no billing document yet (g generates it)")

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
