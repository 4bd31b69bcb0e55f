"""Invoices and credit memos: creating them for a bill run, posting, unposting, cancelling.

A bill run's status follows its documents (inferred from Zuora's one documented rule, "if an
invoice of a Posted bill run goes back to Draft the run goes back to Completed"): when every
remaining document of a Completed run is posted, the run becomes Posted; when one goes back to
Draft, a Posted run becomes Completed again. Cancelling a Draft invoice puts its schedule item
back to Pending, so the schedule (and the Zuora Scheduler) bills it again.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from backends.fake.engine import schedules
from backends.fake.engine.core import Core
from backends.fake.engine.refusals import CREDIT_MEMO, INVOICE
from backends.models import (
    BillRun,
    BillRunStatus,
    CreditMemo,
    DocumentStatus,
    Invoice,
    InvoiceSchedule,
    ScheduleItem,
    ScheduleItemStatus,
)

__all__ = [
    "PAYMENT_TERM_DAYS",
    "cancel_credit_memo",
    "cancel_invoice",
    "new_credit_memo",
    "new_invoice",
    "post_credit_memo",
    "post_invoice",
    "resolve_credit_memo",
    "resolve_invoice",
    "sync_bill_run",
    "unpost_invoice",
]

#: Net 30: the fake's one payment term (Zuora's is per account).
PAYMENT_TERM_DAYS = 30
POSTED_BY = "fake-operator"


def resolve_invoice(core: Core, key: str) -> Invoice:
    invoice = core.store.invoice(key)
    if invoice is None:
        raise core.refuse.not_found(INVOICE, f"No invoice {key}: check the number")
    return invoice


def resolve_credit_memo(core: Core, key: str) -> CreditMemo:
    memo = core.store.credit_memo(key)
    if memo is None:
        raise core.refuse.not_found(CREDIT_MEMO, f"No credit memo {key}: check the number")
    return memo


def new_invoice(
    core: Core, bill_run: BillRun, schedule: InvoiceSchedule, item: ScheduleItem, amount: Decimal
) -> Invoice:
    st = core.store
    account = st.accounts[schedule.account_id]
    invoice_date = bill_run.invoice_date or core.clock.today
    now = core.clock.tick()
    invoice = Invoice(
        id=core.ids.new_id(),
        invoice_number=core.ids.number("invoice"),
        account_id=account.id,
        account_number=account.account_number,
        status=DocumentStatus.DRAFT,
        currency=schedule.currency,
        amount=amount,
        amount_without_tax=amount,
        balance=amount,
        invoice_date=invoice_date,
        due_date=invoice_date + timedelta(days=PAYMENT_TERM_DAYS),
        target_date=bill_run.target_date,
        bill_run_id=bill_run.id,
        source="BillRun",
        source_id=bill_run.bill_run_number,
        source_type="Subscription",
        comments=f"Invoice schedule {schedules.item_label(schedule, item)}",
        created_date=now,
        updated_date=now,
    )
    st.add_invoice(invoice, schedule.id, item.id)
    return invoice


def new_credit_memo(
    core: Core, bill_run: BillRun, schedule: InvoiceSchedule, item: ScheduleItem, amount: Decimal
) -> CreditMemo:
    st = core.store
    account = st.accounts[schedule.account_id]
    now = core.clock.tick()
    memo = CreditMemo(
        id=core.ids.new_id(),
        number=core.ids.number("credit_memo"),
        account_id=account.id,
        account_number=account.account_number,
        status=DocumentStatus.DRAFT,
        currency=schedule.currency,
        amount=amount,
        unapplied_amount=amount,
        credit_memo_date=bill_run.invoice_date or core.clock.today,
        target_date=bill_run.target_date,
        referred_invoice_id=item.invoice_id,
        reason_code="Subscription change",
        bill_run_id=bill_run.id,
        source="BillRun",
        source_id=bill_run.bill_run_number,
        source_type="Subscription",
        created_date=now,
        updated_date=now,
    )
    st.add_credit_memo(memo, schedule.id, item.id)
    return memo


def sync_bill_run(core: Core, bill_run_id: str | None) -> None:
    """Posted when all its live documents are posted; back to Completed when one is Draft."""
    if bill_run_id is None:
        return
    st = core.store
    bill_run = st.bill_runs.get(bill_run_id)
    if bill_run is None or bill_run.status not in {BillRunStatus.COMPLETED, BillRunStatus.POSTED}:
        return
    statuses = []
    for doc_id in st.bill_run_documents.get(bill_run_id, []):
        doc = st.invoices.get(doc_id) or st.credit_memos.get(doc_id)
        if doc is not None and doc.status is not DocumentStatus.CANCELED:
            statuses.append(doc.status)
    if not statuses:
        return
    if all(s is DocumentStatus.POSTED for s in statuses):
        if bill_run.status is not BillRunStatus.POSTED:
            bill_run.status = BillRunStatus.POSTED
            bill_run.updated_date = core.clock.now
    elif bill_run.status is BillRunStatus.POSTED:
        bill_run.status = BillRunStatus.COMPLETED
        bill_run.updated_date = core.clock.now


def _post_invoice(core: Core, invoice: Invoice) -> None:
    invoice.status = DocumentStatus.POSTED
    invoice.posted_date = core.clock.today
    invoice.posted_by = POSTED_BY
    invoice.updated_date = core.clock.tick()
    core.store.accounts[invoice.account_id].balance += invoice.balance


def _post_memo(core: Core, memo: CreditMemo) -> None:
    memo.status = DocumentStatus.POSTED
    now = core.clock.tick()
    memo.posted_on = now
    memo.updated_date = now


def post_draft_documents(core: Core, bill_run: BillRun) -> None:
    """Post every Draft document of a bill run (bill run post, or auto-post)."""
    st = core.store
    for doc_id in st.bill_run_documents.get(bill_run.id, []):
        if doc_id in st.invoices and st.invoices[doc_id].status is DocumentStatus.DRAFT:
            _post_invoice(core, st.invoices[doc_id])
        elif doc_id in st.credit_memos and st.credit_memos[doc_id].status is DocumentStatus.DRAFT:
            _post_memo(core, st.credit_memos[doc_id])


def post_invoice(core: Core, key: str) -> Invoice:
    invoice = resolve_invoice(core, key)
    if invoice.status is not DocumentStatus.DRAFT:
        # Zuora's own code and wording for this refusal (bulk post), hence category 20
        raise core.refuse.invalid(
            INVOICE,
            f"Only invoices with Draft status can be posted: {invoice.invoice_number} is "
            f"{invoice.status}",
        )
    _post_invoice(core, invoice)
    sync_bill_run(core, invoice.bill_run_id)
    return invoice


def unpost_invoice(core: Core, key: str) -> Invoice:
    st = core.store
    invoice = resolve_invoice(core, key)
    if invoice.status is not DocumentStatus.POSTED:
        raise core.refuse.rule(
            INVOICE,
            f"{invoice.invoice_number} is {invoice.status}: only a Posted invoice can be unposted",
        )
    link = st.document_item.get(invoice.id)
    if link is not None and link[0] in st.schedule_extra and st.schedule_extra[link[0]].detachments:
        raise core.refuse.rule(
            INVOICE,
            f"{invoice.invoice_number} was generated before charges were detached from "
            f"{st.schedules[link[0]].number}: it can no longer be unposted",
        )
    invoice.status = DocumentStatus.DRAFT
    invoice.posted_date = None
    invoice.posted_by = None
    invoice.updated_date = core.clock.tick()
    st.accounts[invoice.account_id].balance -= invoice.balance
    sync_bill_run(core, invoice.bill_run_id)
    return invoice


def _reset_item(core: Core, doc_id: str) -> None:
    st = core.store
    link = st.document_item.get(doc_id)
    if link is None or link[0] not in st.schedules:
        return
    schedule = st.schedules[link[0]]
    item = schedule.item(link[1])
    if item is None:
        return
    if item.invoice_id == doc_id:
        item.invoice_id = None
        item.status = ScheduleItemStatus.PENDING
        item.bill_run_id = None
        st.item_billed.pop(item.id, None)
    if item.credit_memo_id == doc_id:
        item.credit_memo_id = None
    schedule.updated_date = core.clock.now
    schedules.reprice(core, schedule)


def cancel_invoice(core: Core, key: str) -> Invoice:
    invoice = resolve_invoice(core, key)
    if invoice.status is not DocumentStatus.DRAFT:
        raise core.refuse.rule(
            INVOICE,
            f"{invoice.invoice_number} is {invoice.status}: only a Draft invoice can be cancelled",
        )
    invoice.status = DocumentStatus.CANCELED
    invoice.updated_date = core.clock.tick()
    _reset_item(core, invoice.id)
    sync_bill_run(core, invoice.bill_run_id)
    return invoice


def post_credit_memo(core: Core, key: str) -> CreditMemo:
    memo = resolve_credit_memo(core, key)
    if memo.status is not DocumentStatus.DRAFT:
        raise core.refuse.rule(
            CREDIT_MEMO, f"{memo.number} is {memo.status}: only a Draft credit memo can be posted"
        )
    _post_memo(core, memo)
    sync_bill_run(core, memo.bill_run_id)
    return memo


def cancel_credit_memo(core: Core, key: str) -> CreditMemo:
    memo = resolve_credit_memo(core, key)
    if memo.status is not DocumentStatus.DRAFT:
        raise core.refuse.rule(
            CREDIT_MEMO,
            f"{memo.number} is {memo.status}: only a Draft credit memo can be cancelled",
        )
    memo.status = DocumentStatus.CANCELED
    memo.updated_date = core.clock.tick()
    _reset_item(core, memo.id)
    sync_bill_run(core, memo.bill_run_id)
    return memo
