"""Invoice and credit memo: amounts, balance, dates, status, source bill run, and (invoices) the
lines with the schedule item each came from.

Post, unpost, cancel and reverse are operations (:mod:`tui.operations.documents`) whose target is
``document``; ``open_schedule`` (or enter on a line) opens the schedule item of the line,
``open_bill_run`` the source bill run and ``open_account`` the account.

Zuora's invoice and credit memo carry the account's id only, so the screen reads the account
(``get_account``: one request) for its number and name, at once with the source bill run and the
lines; an unreadable account or run still shows the document (the id, or "unknown").
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import DataTable, Label, Static

from backends.models import Account, BillRun, CreditMemo, DocumentStatus, Invoice, InvoiceItem
from tui import actions
from tui.format import day, money, short_id, stamp, status, text_or_dash
from tui.operations.documents import Kind, document_number
from tui.operations.rules import item_label
from tui.screens.base import ConsoleScreen
from tui.widgets.fields import Fields


class DocumentScreen(ConsoleScreen):
    """Shared body of the invoice and credit memo screens."""

    KIND: ClassVar[Kind] = "invoice"
    TITLE_TEXT: ClassVar[str] = "Invoice"

    #: the document as last loaded; the footer follows it
    document: var[Invoice | CreditMemo | None] = var(None, bindings=True, always_update=True)

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
        self.bill_run: BillRun | None = None
        #: the document's account as read with it (``None``: not read, or unreadable)
        self.account: Account | None = None

    def identity(self) -> frozenset[str]:
        doc = self.document
        return frozenset({self.key} | ({doc.id, document_number(doc)} if doc else set()))

    def object_refs(self) -> frozenset[str]:
        refs = set(self.identity())
        doc = self.document
        if doc is not None and doc.bill_run_id:
            refs.add(doc.bill_run_id)
        if isinstance(doc, CreditMemo) and doc.referred_invoice_id:
            refs.add(doc.referred_invoice_id)
        return frozenset(refs)

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="body"):
            yield Label(self.TITLE_TEXT, classes="section")
            yield Fields(id="summary")
            yield from self.compose_extra()
        yield Static("", id="status", classes="status-line")
        yield from self.compose_footer()

    def compose_extra(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.reload()

    def reload(self, quiet: bool = False) -> None:
        self._load(quiet)

    async def fetch(self) -> Invoice | CreditMemo:
        raise NotImplementedError

    async def fetch_extra(self, doc: Invoice | CreditMemo) -> None:
        """Load what :meth:`loaded` shows besides the document (errors: one notification)."""

    @work(group="load", exclusive=True, exit_on_error=False)
    async def _load(self, quiet: bool = False) -> None:
        body = self.query_one("#body")
        body.loading = not quiet and not self.loaded_once
        try:
            doc = await self.fetch()
        except Exception as exc:
            body.loading = False
            self.first_load_failed(f"{self.TITLE_TEXT.lower()} {self.key}", exc)
            return
        try:
            run, account, failed = await self._around(doc)
        finally:
            body.loading = False
        if failed is not None:  # the document still shows without its lines
            self.billing_app.report_error(f"the lines of {document_number(doc)}", failed)
        self.loaded_once = True
        self.document = doc
        self.bill_run = run
        self.account = account
        if run is not None:
            self.billing_app.remember_bill_run(run.bill_run_number, run.id)
        self.set_crumb(document_number(doc))
        self.query_one("#summary", Fields).show(self.fields(doc, run))
        self.query_one("#status", Static).update(self.status_hint(doc))
        self.loaded(doc)
        line = self.query_one("#status", Static)  # last: the hints before it matter more
        line.update(f"{line.content} · {self.billing_app.keys['open_account']} opens the account")

    async def _around(
        self, doc: Invoice | CreditMemo
    ) -> tuple[BillRun | None, Account | None, Exception | None]:
        """The source bill run, the account and :meth:`fetch_extra`, concurrently; each may
        fail alone (the run or account then shows as unknown, the extra's error is returned)."""
        backend = self.billing_app.backend

        async def run() -> BillRun | None:
            if not doc.bill_run_id:
                return None
            try:
                return await backend.get_bill_run(doc.bill_run_id)
            except Exception:  # the bill run line says unknown
                return None

        async def account() -> Account | None:
            try:
                return await backend.get_account(doc.account_id)
            except Exception:  # the account line keeps what the document says
                return None

        async def extra() -> Exception | None:
            try:
                await self.fetch_extra(doc)
            except Exception as exc:
                return exc
            return None

        async with asyncio.TaskGroup() as group:
            tasks = (
                group.create_task(run()),
                group.create_task(account()),
                group.create_task(extra()),
            )
        return tasks[0].result(), tasks[1].result(), tasks[2].result()

    def account_text(self, doc: Invoice | CreditMemo) -> str:
        """``A00000001 · Acme Corp``; the number or id the document carries if unread."""
        account = self.account
        if account is not None and account.id == doc.account_id:
            return f"{account.account_number} · {account.name}"
        return text_or_dash(doc.account_number or doc.account_id)

    def status_hint(self, doc: Invoice | CreditMemo) -> str:
        keys = self.billing_app.keys
        hints = {
            DocumentStatus.DRAFT: f"{keys['post']} posts this Draft",
            DocumentStatus.POSTED: f"{keys['unpost']} unposts it",
        }
        hint = hints.get(doc.status, doc.status.value)
        if doc.reversed:
            hint = "reversed"
        source = f"{keys['open_bill_run']} opens the source bill run · " if doc.bill_run_id else ""
        return f"{source}{hint}"

    def loaded(self, doc: Invoice | CreditMemo) -> None:
        """After a load: subclasses show more (the invoice's lines)."""

    def fields(self, doc: Invoice | CreditMemo, run: BillRun | None) -> list[tuple[str, object]]:
        raise NotImplementedError

    def source_run(self, doc: Invoice | CreditMemo, run: BillRun | None) -> str:
        if run is not None:
            return f"{run.bill_run_number} ({run.status.value})"
        # unreadable run: its number if this session saw it, else a short id
        return self.billing_app.bill_run_number(doc.bill_run_id) if doc.bill_run_id else "—"

    def refusal(self, action_id: str) -> str | None:
        if action_id == "open_bill_run":
            doc = self.document
            return None if doc is not None and doc.bill_run_id else "no source bill run"
        if action_id == "open_account":
            return None if self.document is not None else "still loading"
        return super().refusal(action_id)

    def action_open_account(self) -> None:
        doc = self.document
        if doc is None:
            return
        account = self.account
        key = account.account_number if account is not None else doc.account_number
        self.billing_app.open_object("account", key or doc.account_id)

    def action_open_bill_run(self) -> None:
        doc = self.document
        if doc is None or not doc.bill_run_id:
            self.notify("This document has no source bill run", severity="warning")
            return
        self.billing_app.open_object("bill_run", doc.bill_run_id)


class InvoiceScreen(DocumentScreen):
    SCOPE = actions.INVOICE
    KIND = "invoice"
    TITLE_TEXT = "Invoice"
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.INVOICE)  # type: ignore[assignment]

    LINE_COLUMNS = (
        ("Charge", "charge"),
        ("Subscription", "subscription"),
        ("Service period", "period"),
        ("Amount", "amount"),
        ("Tax", "tax"),
        ("Schedule item", "item"),
    )
    #: below 100 columns the lines keep what identifies them: charge, amount, schedule item
    NARROW_LEFT_OUT = frozenset({"subscription", "tax"})

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.line_columns: tuple[tuple[str, str], ...] = self.LINE_COLUMNS
        self.lines: list[InvoiceItem] = []
        #: schedule id -> (schedule number, {item id: item label}) for the lines' links
        self.schedule_names: dict[str, tuple[str, dict[str, str]]] = {}

    def compose_extra(self) -> ComposeResult:
        yield Label("Lines", classes="section")
        lines: DataTable[Any] = DataTable(id="lines", cursor_type="row", zebra_stripes=True)
        yield lines

    def on_mount(self) -> None:
        table = self.query_one("#lines", DataTable)
        if self.app.size.width < 100:
            self.line_columns = tuple(
                c for c in self.LINE_COLUMNS if c[1] not in self.NARROW_LEFT_OUT
            )
        for label, key in self.line_columns:
            table.add_column(label, key=key)
        table.focus()
        super().on_mount()

    async def fetch(self) -> Invoice:
        return await self.billing_app.backend.get_invoice(self.key)

    async def fetch_extra(self, doc: Invoice | CreditMemo) -> None:
        backend = self.billing_app.backend
        lines = await backend.get_invoice_items(self.key)
        ids = sorted({line.invoice_schedule_id for line in lines if line.invoice_schedule_id})
        names: dict[str, tuple[str, dict[str, str]]] = {}
        results = await asyncio.gather(
            *(backend.get_invoice_schedule(i) for i in ids), return_exceptions=True
        )
        for schedule in results:
            if isinstance(schedule, BaseException):
                continue  # the line still shows the schedule's id
            labels = {item.id: item_label(schedule, item) for item in schedule.schedule_items}
            names[schedule.id] = (schedule.number, labels)
        self.lines = lines
        self.schedule_names = names

    def loaded(self, doc: Invoice | CreditMemo) -> None:
        table = self.query_one("#lines", DataTable)
        row = table.cursor_row
        table.clear()
        cur = doc.currency
        for line in self.lines:
            schedule, item = self.line_link(line)
            start, end = day(line.service_start_date), day(line.service_end_date)
            values = {
                "charge": line.charge_name,
                "subscription": text_or_dash(line.subscription_number),
                "period": start if start == end else f"{start} – {end}",  # noqa: RUF001
                "amount": money(line.charge_amount, cur),
                "tax": money(line.tax_amount, cur),
                "item": "—" if schedule == "—" else f"{schedule} {item}",
            }
            table.add_row(*(values[key] for _, key in self.line_columns))
        if self.lines:
            table.move_cursor(row=min(max(row, 0), len(self.lines) - 1), animate=False)
        if any(line.invoice_schedule_item_id for line in self.lines):
            hint = self.query_one("#status", Static)
            key = self.billing_app.keys["open_schedule"]
            hint.update(f"{self.status_hint(doc)} · {key} opens the schedule item of the line")

    def line_link(self, line: InvoiceItem) -> tuple[str, str]:
        """(schedule number, item label) of a line, ids where the schedule could not be read."""
        if not line.invoice_schedule_id:
            return "—", "—"
        number, labels = self.schedule_names.get(line.invoice_schedule_id, ("", {}))
        schedule = number or short_id(line.invoice_schedule_id)
        item_id = line.invoice_schedule_item_id
        item = labels.get(item_id, short_id(item_id)) if item_id else "—"
        return schedule, item

    def related_refs(self) -> frozenset[str]:
        schedules = {line.invoice_schedule_id for line in self.lines if line.invoice_schedule_id}
        return self.identity() | frozenset(schedules)

    def current_line(self) -> InvoiceItem | None:
        row = self.query_one("#lines", DataTable).cursor_row
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def refusal(self, action_id: str) -> str | None:
        if action_id == "open_schedule":
            line = self.current_line()
            if line is None or not line.invoice_schedule_id:
                return "no line from an invoice schedule here"
            return None
        return super().refusal(action_id)

    def action_open_schedule(self) -> None:
        line = self.current_line()
        if line is None or not line.invoice_schedule_id:
            self.notify("This line did not come from an invoice schedule", severity="warning")
            return
        self.billing_app.open_object(
            "schedule", line.invoice_schedule_id, item_id=line.invoice_schedule_item_id
        )

    @on(DataTable.RowSelected, "#lines")
    def _open_line(self, event: DataTable.RowSelected) -> None:
        self.action_open_schedule()

    def fields(self, doc: Invoice | CreditMemo, run: BillRun | None) -> list[tuple[str, object]]:
        assert isinstance(doc, Invoice)
        cur = doc.currency
        return [
            ("Invoice number", doc.invoice_number),
            ("Status", status(doc.status)),
            ("Account", self.account_text(doc)),
            ("Currency", cur),
            ("Amount", money(doc.amount, cur)),
            ("Balance", money(doc.balance, cur)),
            ("Without tax", money(doc.amount_without_tax, cur)),
            ("Tax", money(doc.tax_amount, cur)),
            ("Payments", money(doc.payment_amount, cur)),
            ("Credited", money(doc.credit_memo_amount, cur)),
            ("Invoice date", day(doc.invoice_date)),
            ("Due date", day(doc.due_date)),
            ("Target date", day(doc.target_date)),
            ("Posted", day(doc.posted_date) + (f" by {doc.posted_by}" if doc.posted_by else "")),
            ("Source bill run", self.source_run(doc, run)),
            ("Source", text_or_dash(doc.source)),
            ("Reversed", "yes" if doc.reversed else "no"),
            ("Comments", text_or_dash(doc.comments)),
            ("Created", stamp(doc.created_date)),
            ("Updated", stamp(doc.updated_date)),
        ]


class CreditMemoScreen(DocumentScreen):
    SCOPE = actions.CREDIT_MEMO
    KIND = "credit_memo"
    TITLE_TEXT = "Credit memo"
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.CREDIT_MEMO)  # type: ignore[assignment]

    def __init__(self, key: str) -> None:
        super().__init__(key)
        #: the referred invoice's number (Zuora names it by id only)
        self.referred_number: str | None = None

    async def fetch(self) -> CreditMemo:
        return await self.billing_app.backend.get_credit_memo(self.key)

    async def fetch_extra(self, doc: Invoice | CreditMemo) -> None:
        assert isinstance(doc, CreditMemo)
        self.referred_number = None
        if doc.referred_invoice_id:
            invoice = await self.billing_app.backend.get_invoice(doc.referred_invoice_id)
            self.referred_number = invoice.invoice_number

    def fields(self, doc: Invoice | CreditMemo, run: BillRun | None) -> list[tuple[str, object]]:
        assert isinstance(doc, CreditMemo)
        cur = doc.currency
        return [
            ("Credit memo", doc.number),
            ("Status", status(doc.status)),
            ("Account", self.account_text(doc)),
            ("Currency", cur),
            ("Amount", money(doc.amount, cur)),
            ("Balance (unapplied)", money(doc.unapplied_amount, cur)),
            ("Applied", money(doc.applied_amount, cur)),
            ("Refunded", money(doc.refund_amount, cur)),
            ("Tax", money(doc.tax_amount, cur)),
            ("Memo date", day(doc.credit_memo_date)),
            ("Target date", day(doc.target_date)),
            ("Posted", stamp(doc.posted_on)),
            ("Source bill run", self.source_run(doc, run)),
            ("Reason code", text_or_dash(doc.reason_code)),
            ("Referred invoice", self._referred(doc)),
            ("Reversed", "yes" if doc.reversed else "no"),
            ("Created", stamp(doc.created_date)),
            ("Updated", stamp(doc.updated_date)),
        ]

    def _referred(self, doc: CreditMemo) -> str:
        if not doc.referred_invoice_id:
            return "—"
        return self.referred_number or short_id(doc.referred_invoice_id)
