"""Issue 8 on every backend: unpost, cancel, reverse, bill run lists/documents/delete, bulk post,
invoice items. Written against the ``Backend`` protocol only; data: the demo tenant."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backends.base import Backend
from backends.errors import BackendError, BusinessRuleError, NotFoundError
from backends.models import (
    BillRunStatus,
    DocumentStatus,
    InvoiceScheduleStatus,
    ScheduleItemStatus,
)

from .conftest import bill_run_of, finish

D = Decimal


async def test_unpost_takes_a_posted_run_back_to_completed(backend: Backend) -> None:
    item = (await backend.get_invoice_schedule("IS-00000002")).schedule_items[0]
    run_id = await bill_run_of(backend, item)
    assert item.invoice_id
    assert (await backend.post_bill_run(run_id)).status is BillRunStatus.POSTED
    invoice = await backend.unpost_invoice(item.invoice_id)
    assert invoice.status is DocumentStatus.DRAFT
    assert (await backend.get_bill_run(run_id)).status is BillRunStatus.COMPLETED
    with pytest.raises(BusinessRuleError):
        await backend.unpost_invoice(item.invoice_id)
    assert (await backend.get_invoice(item.invoice_id)).status is DocumentStatus.DRAFT


async def test_cancel_a_draft_and_generate_it_again(backend: Backend) -> None:
    before = await backend.get_invoice_schedule("IS-00000002")
    item = before.schedule_items[0]
    assert item.invoice_id
    canceled = await backend.cancel_invoice(item.invoice_id)
    assert canceled.status is DocumentStatus.CANCELED
    with pytest.raises(BusinessRuleError):
        await backend.cancel_invoice(item.invoice_id)
    after = await backend.get_invoice_schedule("IS-00000002")
    back = after.schedule_items[0]
    assert back.status is ScheduleItemStatus.PENDING and back.invoice_id is None
    assert after.status is InvoiceScheduleStatus.PENDING
    assert after.billed_amount == D("0.00") and after.next_run_date == back.run_date
    run = await backend.execute_invoice_schedule("IS-00000002", back.id)
    await finish(backend, run.id)
    again = (await backend.get_invoice_schedule("IS-00000002")).schedule_items[0]
    assert again.status is ScheduleItemStatus.PROCESSED
    assert again.invoice_id and again.invoice_id != item.invoice_id


async def test_reverse_a_posted_invoice(backend: Backend) -> None:
    item = (await backend.get_invoice_schedule("IS-00000009")).schedule_items[0]
    assert item.invoice_id
    invoice = await backend.get_invoice(item.invoice_id)
    assert invoice.status is DocumentStatus.POSTED
    memo = await backend.reverse_invoice(invoice.invoice_number)
    assert memo.status is DocumentStatus.POSTED and memo.amount == invoice.amount
    assert memo.referred_invoice_id == invoice.id
    assert (await backend.get_invoice(invoice.id)).reversed
    schedule = await backend.get_invoice_schedule("IS-00000009")
    assert schedule.status is InvoiceScheduleStatus.PENDING
    assert schedule.schedule_items[0].status is ScheduleItemStatus.PENDING
    assert schedule.schedule_items[0].invoice_id is None
    with pytest.raises(BusinessRuleError):
        await backend.reverse_invoice(invoice.id)
    draft = (await backend.get_invoice_schedule("IS-00000002")).schedule_items[0].invoice_id
    with pytest.raises(BusinessRuleError):
        await backend.reverse_invoice(draft or "")


async def test_unpost_a_credit_memo(backend: Backend) -> None:
    run = await backend.execute_invoice_schedule("IS-00000004")
    await finish(backend, run.id)
    memo_id = (await backend.get_invoice_schedule("IS-00000004")).schedule_items[-1].credit_memo_id
    assert memo_id
    with pytest.raises(BusinessRuleError):
        await backend.unpost_credit_memo(memo_id)
    await backend.post_credit_memo(memo_id)
    assert (await backend.get_bill_run(run.id)).status is BillRunStatus.POSTED
    memo = await backend.unpost_credit_memo(memo_id)
    assert memo.status is DocumentStatus.DRAFT
    assert (await backend.get_bill_run(run.id)).status is BillRunStatus.COMPLETED


async def test_bill_runs_newest_first_filtered_and_paged(backend: Backend) -> None:
    first = await backend.list_bill_runs(page_size=3)
    assert len(first.items) == 3 and first.has_more
    seen = list(first.items)
    cursor = first.next_cursor
    while cursor is not None:
        page = await backend.list_bill_runs(page_size=3, cursor=cursor)
        seen.extend(page.items)
        cursor = page.next_cursor
    ids = [r.id for r in seen]
    assert len(ids) == len(set(ids)) >= 5
    created = [r.created_date for r in seen if r.created_date is not None]
    assert len(created) == len(seen) and created == sorted(created, reverse=True)
    completed = await backend.list_bill_runs(status=BillRunStatus.COMPLETED, page_size=50)
    assert completed.items and all(r.status is BillRunStatus.COMPLETED for r in completed.items)
    item = (await backend.get_invoice_schedule("IS-00000002")).schedule_items[0]
    account_id = (await backend.get_invoice(item.invoice_id or "")).account_id
    mine = await backend.list_bill_runs(account_id=account_id, page_size=50)
    assert await bill_run_of(backend, item) in {r.id for r in mine.items}


async def test_bill_run_documents(backend: Backend) -> None:
    item = (await backend.get_invoice_schedule("IS-00000002")).schedule_items[0]
    docs = await backend.list_bill_run_documents(await bill_run_of(backend, item))
    assert [i.id for i in docs.invoices] == [item.invoice_id]
    invoice = await backend.get_invoice(item.invoice_id or "")
    assert docs.invoices[0].invoice_number == invoice.invoice_number
    assert docs.credit_memos == []
    run = await backend.execute_invoice_schedule("IS-00000004")
    await finish(backend, run.id)
    credit = await backend.list_bill_run_documents(run.id)
    assert credit.invoices == [] and [m.amount for m in credit.credit_memos] == [D("200.00")]


async def test_delete_only_a_canceled_bill_run(backend: Backend) -> None:
    item = (await backend.get_invoice_schedule("IS-00000002")).schedule_items[0]
    run_id = await bill_run_of(backend, item)
    with pytest.raises(BusinessRuleError):
        await backend.delete_bill_run(run_id)
    await backend.cancel_bill_run(run_id)
    await backend.delete_bill_run(run_id)
    with pytest.raises(NotFoundError):
        await backend.get_bill_run(run_id)
    schedule = await backend.get_invoice_schedule("IS-00000002")
    assert schedule.status is InvoiceScheduleStatus.PENDING


async def test_bulk_post_reports_each_invoice(backend: Backend) -> None:
    draft = (await backend.get_invoice_schedule("IS-00000002")).schedule_items[0]
    other = (await backend.get_invoice_schedule("IS-00000010")).schedule_items[0]
    posted = (await backend.get_invoice_schedule("IS-00000005")).schedule_items[0]
    draft_invoice = await backend.get_invoice(draft.invoice_id or "")
    posted_invoice = await backend.get_invoice(posted.invoice_id or "")
    other_invoice = await backend.get_invoice(other.invoice_id or "")
    keys = [
        draft_invoice.invoice_number,
        posted_invoice.invoice_number,
        "INV09999999",
        other_invoice.id,
    ]
    results = await backend.post_invoices(keys)
    assert [r.key for r in results] == keys
    assert [r.success for r in results] == [True, False, False, True]
    refused = results[1]
    assert refused.invoice_id == posted.invoice_id and refused.code == 59210020
    assert refused.message
    assert results[3].invoice_number == other_invoice.invoice_number
    for item in (draft, other):
        assert (await backend.get_invoice(item.invoice_id or "")).status is DocumentStatus.POSTED
    assert await backend.post_invoices([]) == []
    with pytest.raises(BackendError):
        await backend.post_invoices([draft.invoice_id or ""] * 51)


async def test_invoice_items_link_back_to_the_schedule_item(backend: Backend) -> None:
    schedule = await backend.get_invoice_schedule("IS-00000002")
    item = schedule.schedule_items[0]
    lines = await backend.get_invoice_items(item.invoice_id or "")
    assert lines and all(
        line.invoice_schedule_id == schedule.id and line.invoice_schedule_item_id == item.id
        for line in lines
    )
    invoice = await backend.get_invoice(item.invoice_id or "")
    assert sum((line.charge_amount for line in lines), D("0")) == invoice.amount_without_tax
    with pytest.raises(NotFoundError):
        await backend.get_invoice_items("INV09999999")
