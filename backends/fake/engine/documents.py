"""Invoices and credit memos: creating them for a bill run, posting (one or in bulk), unposting,
cancelling, reversing.

A bill run's status follows its documents (inferred from Zuora's one documented rule, "if an
invoice of a Posted bill run goes back to Draft the run goes back to Completed"): when every
remaining document of a Completed run is posted, the run becomes Posted; when one goes back to
Draft, a Posted run becomes Completed again. Cancelling a Draft invoice puts its schedule item
back to Pending, so the schedule (and the Zuora Scheduler) bills it again; so does reversing a
Posted invoice, which issues a Posted credit memo of its amount applied to it (the invoice's
balance drops to zero, and so its share of the account's balance).

Unposting is refused for a document that is not Posted, for one with something applied to it
(a reversed invoice, a reversal's credit memo), and for an invoice generated before charges were
detached from its schedule (§4.3), even after they were attached again.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from backends.errors import BackendError
from backends.fake.engine import schedules
from backends.fake.engine.core import Core
from backends.fake.engine.refusals import CREDIT_MEMO, GENERIC, INVOICE
from backends.models import (
    BillRun,
    BillRunStatus,
    CreditMemo,
    DocumentStatus,
    Invoice,
    InvoiceItem,
    InvoiceSchedule,
    PostResult,
    ScheduleItem,
    ScheduleItemStatus,
)

__all__ = [
    "MAX_BULK_POST",
    "PAYMENT_TERM_DAYS",
    "cancel_credit_memo",
    "cancel_invoice",
    "invoice_items",
    "new_credit_memo",
    "new_invoice",
    "post_credit_memo",
    "post_invoice",
    "post_invoices",
    "reset_item",
    "resolve_credit_memo",
    "resolve_invoice",
    "reverse_invoice",
    "sync_bill_run",
    "unpost_credit_memo",
    "unpost_invoice",
]

#: Net 30: the fake's one payment term (Zuora's is per account).
PAYMENT_TERM_DAYS = 30
POSTED_BY = "fake-operator"
#: Zuora's bulk post takes at most this many invoices (§7.4).
MAX_BULK_POST = 50
#: The reason code of the credit memo that reverses an invoice (one of Zuora's default codes).
REVERSAL_REASON = "Correcting invoice error"


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
    # Stops at the first live document not Posted, newest first: posting a run of 10,000
    # invoices one by one, in order, finds the Draft ones at once instead of scanning the run
    # for every invoice (which made a bulk post of the whole run quadratic).
    live = False
    for doc_id in reversed(st.bill_run_documents.get(bill_run_id, [])):
        doc = st.invoices.get(doc_id) or st.credit_memos.get(doc_id)
        if doc is None or doc.status is DocumentStatus.CANCELED:
            continue
        live = True
        if doc.status is not DocumentStatus.POSTED:
            if bill_run.status is BillRunStatus.POSTED:
                bill_run.status = BillRunStatus.COMPLETED
                bill_run.updated_date = core.clock.now
            return
    if live and bill_run.status is not BillRunStatus.POSTED:
        bill_run.status = BillRunStatus.POSTED
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


def _detached_after(core: Core, invoice: Invoice) -> InvoiceSchedule | None:
    """The invoice's schedule if charges were detached from it after the invoice was generated
    (§4.3: such an invoice can no longer be unposted), else None."""
    st = core.store
    link = st.document_item.get(invoice.id)
    if link is None or link[0] not in st.schedules:
        return None
    extra = st.schedule_extra[link[0]]
    if extra.last_detached_at is None:
        # a state saved before detach times were kept: any detachment counts
        return st.schedules[link[0]] if extra.detachments else None
    if invoice.created_date is None or invoice.created_date <= extra.last_detached_at:
        return st.schedules[link[0]]
    return None


def unpost_invoice(core: Core, key: str) -> Invoice:
    st = core.store
    invoice = resolve_invoice(core, key)
    number = invoice.invoice_number
    if invoice.status is not DocumentStatus.POSTED:
        raise core.refuse.rule(
            INVOICE, f"{number} is {invoice.status}: only a Posted invoice can be unposted"
        )
    if invoice.reversed:
        raise core.refuse.rule(
            INVOICE, f"{number} is reversed by a credit memo: it can no longer be unposted"
        )
    if invoice.balance != invoice.amount:
        raise core.refuse.rule(
            INVOICE,
            f"{number} has {invoice.amount - invoice.balance} paid or credited: unapply the "
            "payments and credit memos before unposting it",
        )
    schedule = _detached_after(core, invoice)
    if schedule is not None:
        raise core.refuse.rule(
            INVOICE,
            f"{number} was generated before charges were detached from "
            f"{schedule.number}: it can no longer be unposted",
        )
    invoice.status = DocumentStatus.DRAFT
    invoice.posted_date = None
    invoice.posted_by = None
    invoice.updated_date = core.clock.tick()
    st.accounts[invoice.account_id].balance -= invoice.balance
    sync_bill_run(core, invoice.bill_run_id)
    return invoice


def reset_item(core: Core, doc_id: str) -> None:
    """The schedule item a document was billed on forgets it; an invoice's item goes back to
    Pending (and the schedule's amounts, status and next run date follow)."""
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


def _cancel(core: Core, doc: Invoice | CreditMemo) -> None:
    """Cancel a Draft document: its schedule item goes back to Pending, its bill run re-counts."""
    doc.status = DocumentStatus.CANCELED
    doc.updated_date = core.clock.tick()
    reset_item(core, doc.id)
    sync_bill_run(core, doc.bill_run_id)


def cancel_invoice(core: Core, key: str) -> Invoice:
    invoice = resolve_invoice(core, key)
    if invoice.status is not DocumentStatus.DRAFT:
        raise core.refuse.rule(
            INVOICE,
            f"{invoice.invoice_number} is {invoice.status}: only a Draft invoice can be cancelled",
        )
    _cancel(core, invoice)
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
    _cancel(core, memo)
    return memo


def unpost_credit_memo(core: Core, key: str) -> CreditMemo:
    memo = resolve_credit_memo(core, key)
    if memo.status is not DocumentStatus.POSTED:
        raise core.refuse.rule(
            CREDIT_MEMO,
            f"{memo.number} is {memo.status}: only a Posted credit memo can be unposted",
        )
    if memo.applied_amount > 0:
        target = core.store.invoices.get(memo.referred_invoice_id or "")
        to = f" to {target.invoice_number}" if target is not None else ""
        raise core.refuse.rule(
            CREDIT_MEMO,
            f"{memo.number} is applied{to}: an applied credit memo cannot be unposted",
        )
    memo.status = DocumentStatus.DRAFT
    memo.posted_on = None
    memo.updated_date = core.clock.tick()
    sync_bill_run(core, memo.bill_run_id)
    return memo


def reverse_invoice(core: Core, key: str, memo_date: date | None = None) -> CreditMemo:
    """Offset a Posted, unpaid invoice with a Posted credit memo of its amount, applied to it.

    The memo is not part of any bill run (Zuora creates it from the API), so the invoice's bill
    run keeps its status; the schedule item goes back to Pending and can be billed again.
    """
    st = core.store
    invoice = resolve_invoice(core, key)
    number = invoice.invoice_number
    if invoice.status is not DocumentStatus.POSTED:
        hint = " (cancel a Draft invoice instead)" if invoice.status is DocumentStatus.DRAFT else ""
        raise core.refuse.rule(
            INVOICE,
            f"{number} is {invoice.status}: only a Posted invoice can be reversed{hint}",
        )
    if invoice.reversed:
        raise core.refuse.rule(INVOICE, f"{number} is already reversed")
    if invoice.payment_amount > 0 or invoice.balance != invoice.amount:
        raise core.refuse.rule(
            INVOICE,
            f"{number} has {invoice.amount - invoice.balance} paid or credited: only an "
            "invoice with nothing paid can be reversed",
        )
    when = memo_date or core.clock.today
    if when < invoice.invoice_date:
        raise core.refuse.invalid(
            CREDIT_MEMO,
            f"The credit memo date {when} is before {number}'s invoice date "
            f"{invoice.invoice_date}: choose a date on or after it",
        )
    schedule_id, item_id = st.document_item[invoice.id]
    account = st.accounts[invoice.account_id]
    now = core.clock.tick()
    memo = CreditMemo(
        id=core.ids.new_id(),
        number=core.ids.number("credit_memo"),
        account_id=account.id,
        account_number=account.account_number,
        status=DocumentStatus.POSTED,
        currency=invoice.currency,
        amount=invoice.amount,
        applied_amount=invoice.amount,
        unapplied_amount=Decimal("0.00"),
        credit_memo_date=when,
        target_date=None,
        referred_invoice_id=invoice.id,
        reason_code=REVERSAL_REASON,
        source="API",
        source_id=None,
        source_type="Standalone",
        bill_run_id=None,
        posted_on=now,
        created_date=now,
        updated_date=now,
    )
    st.add_credit_memo(memo, schedule_id, item_id)
    account.balance -= invoice.balance
    invoice.credit_memo_amount += invoice.amount
    invoice.balance = Decimal("0.00")
    invoice.reversed = True
    invoice.updated_date = now
    reset_item(core, invoice.id)
    return memo


def post_invoices(core: Core, keys: list[str]) -> list[PostResult]:
    """Zuora's bulk post: each invoice posted or refused on its own, one result per key."""
    if len(keys) > MAX_BULK_POST:
        raise core.refuse.invalid(
            GENERIC, f"Post at most {MAX_BULK_POST} invoices at once; {len(keys)} given"
        )
    results: list[PostResult] = []
    seen: dict[str, PostResult] = {}
    for key in keys:
        invoice = core.store.invoice(key)
        if invoice is not None and invoice.id in seen:
            results.append(seen[invoice.id].model_copy(update={"key": key}))
            continue
        try:
            post_invoice(core, key)
        except BackendError as exc:
            result = PostResult(
                key=key,
                invoice_id=invoice.id if invoice is not None else None,
                invoice_number=invoice.invoice_number if invoice is not None else None,
                success=False,
                code=exc.code,
                message=exc.message,
            )
        else:
            assert invoice is not None
            result = PostResult(
                key=key, invoice_id=invoice.id, invoice_number=invoice.invoice_number, success=True
            )
        if invoice is not None:
            seen[invoice.id] = result
        results.append(result)
    return results


def invoice_items(core: Core, key: str) -> list[InvoiceItem]:
    """One line per invoice (the fake bills each schedule item on its own invoice), naming the
    schedule item that produced it. Its id is derived from the invoice's, so reading it twice
    gives the same line and changes nothing."""
    st = core.store
    invoice = resolve_invoice(core, key)
    schedule_id, item_id = st.document_item.get(invoice.id, (None, None))
    schedule = st.schedules.get(schedule_id) if schedule_id else None
    item = schedule.item(item_id) if schedule is not None and item_id else None
    subscription_number = None
    charge_number = None
    if schedule is not None:
        charges = st.schedule_charges.get(schedule.id, [])
        if charges:
            charge_number = charges[0]
            subscription = st.subscriptions.get(st.charge_subscription[charges[0]])
            if subscription is not None:
                subscription_number = subscription.subscription_number
    if item is not None and schedule is not None:
        name = item.name or f"Invoice schedule {schedules.item_label(schedule, item)}"
    else:
        name = invoice.comments or "Invoice schedule item"
    line_id = hashlib.sha256(f"invoice-item\x00{invoice.id}".encode()).hexdigest()[:32]
    return [
        InvoiceItem(
            id=line_id,
            charge_name=name,
            charge_amount=invoice.amount_without_tax,
            tax_amount=invoice.tax_amount,
            service_start_date=invoice.target_date,
            service_end_date=invoice.target_date,
            subscription_number=subscription_number,
            charge_number=charge_number,
            invoice_schedule_id=schedule_id,
            invoice_schedule_item_id=item_id,
        )
    ]
