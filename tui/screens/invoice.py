"""Invoice and credit memo: amounts, balance, dates, status, source bill run; ``p`` posts."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from backends.models import BillRun, CreditMemo, DocumentStatus, Invoice
from tui import actions
from tui.actions import post_refusal
from tui.format import day, money, stamp, status, text_or_dash
from tui.screens.base import ConsoleScreen
from tui.screens.documents import Kind, document_number, request_post
from tui.widgets.fields import Fields


class DocumentScreen(ConsoleScreen):
    """Shared body of the invoice and credit memo screens."""

    KIND: ClassVar[Kind] = "invoice"
    TITLE_TEXT: ClassVar[str] = "Invoice"

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
        self.document: Invoice | CreditMemo | None = None
        self.bill_run: BillRun | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="body"):
            yield Label(self.TITLE_TEXT, classes="section")
            yield Fields(id="summary")
        yield Static("", id="status", classes="status-line")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self, quiet: bool = False) -> None:
        self._load(quiet)

    async def fetch(self) -> Invoice | CreditMemo:
        raise NotImplementedError

    @work(group="load", exclusive=True, exit_on_error=False)
    async def _load(self, quiet: bool = False) -> None:
        body = self.query_one("#body")
        body.loading = not quiet and not self.loaded_once
        try:
            doc = await self.fetch()
            run = None
            if doc.bill_run_id:
                try:
                    run = await self.billing_app.backend.get_bill_run(doc.bill_run_id)
                except Exception:  # the document still shows; the bill run line says unknown
                    run = None
        except Exception as exc:
            self.first_load_failed(f"{self.TITLE_TEXT.lower()} {self.key}", exc)
            return
        finally:
            body.loading = False
        self.loaded_once = True
        self.document = doc
        self.bill_run = run
        if run is not None:
            self.billing_app.remember_bill_run(run.bill_run_number, run.id)
        self.set_crumb(document_number(doc))
        self.query_one("#summary", Fields).show(self.fields(doc, run))
        hint = "p posts this Draft" if doc.status is DocumentStatus.DRAFT else doc.status.value
        source = "o opens the source bill run · " if doc.bill_run_id else ""
        self.query_one("#status", Static).update(f"{source}{hint}")
        self.refresh_bindings()

    def fields(self, doc: Invoice | CreditMemo, run: BillRun | None) -> list[tuple[str, object]]:
        raise NotImplementedError

    def source_run(self, doc: Invoice | CreditMemo, run: BillRun | None) -> str:
        if run is not None:
            return f"{run.bill_run_number} ({run.status.value})"
        return text_or_dash(doc.bill_run_id)

    def refusal(self, action_id: str) -> str | None:
        doc = self.document
        if action_id == "post":
            if doc is None:
                return "still loading"
            return post_refusal(self.TITLE_TEXT.lower(), document_number(doc), doc.status)
        if action_id == "open_bill_run":
            return None if doc is not None and doc.bill_run_id else "no source bill run"
        return None

    def action_post(self) -> None:
        app = self.billing_app
        if app.refuse_read_only("post", self.key):
            return
        reason = self.refusal("post")
        if reason is not None:
            app.refuse("post", self.crumb, reason)
            return
        request_post(app, self.KIND, self.key, lambda _doc: self.reload(quiet=True))

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

    async def fetch(self) -> Invoice:
        return await self.billing_app.backend.get_invoice(self.key)

    def fields(self, doc: Invoice | CreditMemo, run: BillRun | None) -> list[tuple[str, object]]:
        assert isinstance(doc, Invoice)
        cur = doc.currency
        return [
            ("Invoice number", doc.invoice_number),
            ("Status", status(doc.status)),
            ("Account", text_or_dash(doc.account_number or doc.account_id)),
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

    async def fetch(self) -> CreditMemo:
        return await self.billing_app.backend.get_credit_memo(self.key)

    def fields(self, doc: Invoice | CreditMemo, run: BillRun | None) -> list[tuple[str, object]]:
        assert isinstance(doc, CreditMemo)
        cur = doc.currency
        return [
            ("Credit memo", doc.number),
            ("Status", status(doc.status)),
            ("Account", text_or_dash(doc.account_number or doc.account_id)),
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
            ("Referred invoice", text_or_dash(doc.referred_invoice_id)),
            ("Reversed", "yes" if doc.reversed else "no"),
            ("Created", stamp(doc.created_date)),
            ("Updated", stamp(doc.updated_date)),
        ]
