"""Every state-changing operation over REST into the fake server, with its reply delivered and
with its reply lost after the engine ran (fault ``drop``, phase ``after``); then every view that
shows the changed object is read again and must show the new state. A lost reply is reconciled:
the action is reported done (``report_recovery``) or its outcome unknown, never a plain failure.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from backends.errors import OutcomeUnknownError
from backends.models import (
    BillRun,
    BillRunStatus,
    DocumentStatus,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    ScheduleItemStatus,
)
from backends.rest import RestBackend
from backends.tracing import collect_recoveries
from tests.server.factories import ServerBackend, rest_over_asgi

SCHEDULE = "IS-00000001"


@pytest.fixture
async def sb() -> AsyncIterator[ServerBackend]:
    async with rest_over_asgi(max_retries=3) as built:
        yield built


async def _lose(sb: ServerBackend, method: str, path: str) -> None:
    """The next ``method path`` is applied by the engine and its answer dropped."""
    await sb.control.add_faults(
        {"effect": "drop", "method": method, "path": path, "phase": "after", "times": 1}
    )


async def _generated(sb: ServerBackend) -> tuple[InvoiceSchedule, str, str]:
    """IS-00000001's first item executed and settled: (schedule, invoice number, bill run id)."""
    b = sb.backend
    schedule = await b.get_invoice_schedule(SCHEDULE)
    run = await b.execute_invoice_schedule(SCHEDULE, schedule.schedule_items[0].id)
    await sb.control.settle()
    schedule = await b.get_invoice_schedule(SCHEDULE)
    number = schedule.schedule_items[0].invoice_number
    assert number is not None
    return schedule, number, run.id


async def _invoice_views(b: RestBackend, number: str, run_id: str) -> list[Any]:
    """The invoice's status as each view that shows it reads it now."""
    schedule = await b.get_invoice_schedule(SCHEDULE)
    listed = await b.list_invoice_schedules(account_id=schedule.account_id)
    from_list = next(s for s in listed.items if s.number == SCHEDULE)
    documents = await b.list_bill_run_documents(run_id)
    return [
        (await b.get_invoice(number)).status,
        next(i.invoice_status for i in schedule.schedule_items if i.invoice_number == number),
        next(i.invoice_status for i in from_list.schedule_items if i.invoice_number == number),
        next(d.status for d in documents.invoices if d.invoice_number == number),
    ]


async def _schedule_views(b: RestBackend, account_id: str) -> list[InvoiceScheduleStatus]:
    listed = await b.list_invoice_schedules(account_id=account_id)
    by_order = await b.list_invoice_schedules(order_number=(await _orders_of(b))[0])
    return [
        (await b.get_invoice_schedule(SCHEDULE)).status,
        next(s.status for s in listed.items if s.number == SCHEDULE),
        next(s.status for s in by_order.items if s.number == SCHEDULE),
    ]


async def _orders_of(b: RestBackend) -> list[str]:
    return (await b.get_invoice_schedule(SCHEDULE)).orders


async def _bill_run_views(b: RestBackend, run_id: str) -> list[BillRunStatus]:
    page = await b.list_bill_runs()
    return [
        (await b.get_bill_run(run_id)).status,
        next(r.status for r in page.items if r.id == run_id),
    ]


@pytest.mark.parametrize("lost", [False, True], ids=["reply", "lost-reply"])
async def test_post_and_unpost_invoice(sb: ServerBackend, lost: bool) -> None:
    _, number, run_id = await _generated(sb)
    b = sb.backend
    if lost:
        await _lose(sb, "PUT", "/v1/invoices/*/post")
    with collect_recoveries() as notes:
        posted = await b.post_invoice(number)
    assert posted.status is DocumentStatus.POSTED
    assert notes == ([f"{number} is Posted"] if lost else [])
    assert await _invoice_views(b, number, run_id) == [DocumentStatus.POSTED] * 4

    if lost:
        await _lose(sb, "PUT", "/v1/invoices/*/unpost")
    with collect_recoveries() as notes:
        draft = await b.unpost_invoice(number)
    assert draft.status is DocumentStatus.DRAFT
    assert notes == ([f"{number} is Draft"] if lost else [])
    assert await _invoice_views(b, number, run_id) == [DocumentStatus.DRAFT] * 4


@pytest.mark.parametrize("lost", [False, True], ids=["reply", "lost-reply"])
async def test_bulk_post(sb: ServerBackend, lost: bool) -> None:
    _, number, run_id = await _generated(sb)
    if lost:
        await _lose(sb, "POST", "/v1/invoices/bulk-post")
    with collect_recoveries() as notes:
        (result,) = await sb.backend.post_invoices([number])
    assert result.success, result.message
    # the key's replay brings the first answer back: nothing to reconcile, nothing posted twice
    assert notes == []
    assert await _invoice_views(sb.backend, number, run_id) == [DocumentStatus.POSTED] * 4


@pytest.mark.parametrize("lost", [False, True], ids=["reply", "lost-reply"])
async def test_cancel_invoice_puts_the_item_back(sb: ServerBackend, lost: bool) -> None:
    _, number, _run = await _generated(sb)
    if lost:
        await _lose(sb, "PUT", "/v1/invoices/*/cancel")
    with collect_recoveries() as notes:
        canceled = await sb.backend.cancel_invoice(number)
    assert canceled.status is DocumentStatus.CANCELED
    assert notes == ([f"{number} is Canceled"] if lost else [])
    assert (await sb.backend.get_invoice(number)).status is DocumentStatus.CANCELED
    schedule = await sb.backend.get_invoice_schedule(SCHEDULE)
    assert schedule.schedule_items[0].status is ScheduleItemStatus.PENDING


@pytest.mark.parametrize("lost", [False, True], ids=["reply", "lost-reply"])
async def test_reverse_invoice(sb: ServerBackend, lost: bool) -> None:
    _, number, _run = await _generated(sb)
    b = sb.backend
    await b.post_invoice(number)
    if lost:
        await _lose(sb, "PUT", "/v1/invoices/*/reverse")
        # the memo is named only in the lost reply: done, but which memo is left to look up
        with pytest.raises(OutcomeUnknownError, match="reversed") as caught:
            await b.reverse_invoice(number)
        assert caught.value.object_ref == number
    else:
        memo = await b.reverse_invoice(number)
        assert memo.status is DocumentStatus.POSTED
    assert (await b.get_invoice(number)).reversed
    schedule = await b.get_invoice_schedule(SCHEDULE)
    assert schedule.schedule_items[0].status is ScheduleItemStatus.PENDING


@pytest.mark.parametrize("lost", [False, True], ids=["reply", "lost-reply"])
async def test_pause_and_resume(sb: ServerBackend, lost: bool) -> None:
    b = sb.backend
    before = await b.get_invoice_schedule(SCHEDULE)
    if lost:
        await _lose(sb, "PUT", "/v1/invoice-schedules/*/pause")
    with collect_recoveries() as notes:
        paused = await b.pause_invoice_schedule(SCHEDULE)
    assert paused.status is InvoiceScheduleStatus.PAUSED
    assert notes == ([f"{SCHEDULE} is Paused"] if lost else [])
    assert await _schedule_views(b, before.account_id) == [InvoiceScheduleStatus.PAUSED] * 3

    if lost:
        await _lose(sb, "PUT", "/v1/invoice-schedules/*/resume")
    with collect_recoveries() as notes:
        resumed = await b.resume_invoice_schedule(SCHEDULE)
    assert resumed.status is before.status
    assert notes == ([f"{SCHEDULE} is {before.status.value}"] if lost else [])
    assert await _schedule_views(b, before.account_id) == [before.status] * 3


@pytest.mark.parametrize("lost", [False, True], ids=["reply", "lost-reply"])
async def test_post_bill_run_shows_its_invoice_posted(sb: ServerBackend, lost: bool) -> None:
    """Also the stale-cache case: after post_bill_run the schedule read again showed its
    invoice with no status at all."""
    _, number, run_id = await _generated(sb)
    b = sb.backend
    assert (await b.get_invoice_schedule(SCHEDULE)).schedule_items[0].invoice_status is (
        DocumentStatus.DRAFT
    )
    if lost:
        await _lose(sb, "PUT", "/v1/bill-runs/*/post")
    with collect_recoveries() as notes:
        run = await b.post_bill_run(run_id)
    await sb.control.settle()
    assert run.status in {BillRunStatus.POSTED, BillRunStatus.POST_IN_PROGRESS}
    assert len(notes) == (1 if lost else 0)
    assert await _bill_run_views(b, run_id) == [BillRunStatus.POSTED] * 2
    assert await _invoice_views(b, number, run_id) == [DocumentStatus.POSTED] * 4


@pytest.mark.parametrize("lost", [False, True], ids=["reply", "lost-reply"])
async def test_cancel_bill_run(sb: ServerBackend, lost: bool) -> None:
    _, number, run_id = await _generated(sb)
    b = sb.backend
    if lost:
        await _lose(sb, "PUT", "/v1/bill-runs/*/cancel")
    with collect_recoveries() as notes:
        run = await b.cancel_bill_run(run_id)
    await sb.control.settle()
    assert run.status in {BillRunStatus.CANCELED, BillRunStatus.CANCEL_IN_PROGRESS}
    assert len(notes) == (1 if lost else 0)
    assert await _bill_run_views(b, run_id) == [BillRunStatus.CANCELED] * 2
    assert (await b.get_invoice(number)).status is DocumentStatus.CANCELED
    schedule = await b.get_invoice_schedule(SCHEDULE)
    assert schedule.schedule_items[0].status is ScheduleItemStatus.PENDING


@pytest.mark.parametrize("lost", [False, True], ids=["reply", "lost-reply"])
async def test_execute_creates_one_bill_run(sb: ServerBackend, lost: bool) -> None:
    b = sb.backend
    item = (await b.get_invoice_schedule(SCHEDULE)).schedule_items[0]
    before = {r.id for r in (await b.list_bill_runs(page_size=99)).items}
    if lost:
        await _lose(sb, "POST", "/v1/invoice-schedules/*/execute")
    run: BillRun = await b.execute_invoice_schedule(SCHEDULE, item.id)
    await sb.control.settle()
    schedule = await b.get_invoice_schedule(SCHEDULE)
    assert schedule.schedule_items[0].status is ScheduleItemStatus.PROCESSED
    after = {r.id for r in (await b.list_bill_runs(page_size=99)).items}
    assert after - before == {run.id}  # one run, not two
    assert (await b.get_bill_run(run.id)).status is BillRunStatus.COMPLETED


@pytest.mark.parametrize("lost", [False, True], ids=["reply", "lost-reply"])
async def test_post_credit_memo(sb: ServerBackend, lost: bool) -> None:
    b = sb.backend
    run = await b.execute_invoice_schedule("IS-00000004")
    await sb.control.settle()
    documents = await b.list_bill_run_documents(run.id)
    (memo,) = documents.credit_memos
    assert memo.status is DocumentStatus.DRAFT
    if lost:
        await _lose(sb, "PUT", "/v1/credit-memos/*/post")
    with collect_recoveries() as notes:
        posted = await b.post_credit_memo(memo.number)
    assert posted.status is DocumentStatus.POSTED
    assert notes == ([f"{memo.number} is Posted"] if lost else [])
    schedule = await b.get_invoice_schedule("IS-00000004")
    item = next(i for i in schedule.schedule_items if i.credit_memo_number == memo.number)
    assert item.credit_memo_status is DocumentStatus.POSTED
    again = await b.list_bill_run_documents(run.id)
    assert [m.status for m in again.credit_memos] == [DocumentStatus.POSTED]
    assert (await b.get_credit_memo(memo.number)).status is DocumentStatus.POSTED


async def test_a_lost_reply_that_cannot_be_read_back_is_outcome_unknown(
    sb: ServerBackend,
) -> None:
    _, number, _run = await _generated(sb)
    await _lose(sb, "PUT", "/v1/invoices/*/post")
    await sb.control.add_faults(
        {"effect": "unavailable", "method": "GET", "path": "/v1/invoices/*"},
        {"effect": "unavailable", "method": "PUT", "path": "/v1/invoices/*/post"},
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        await sb.backend.post_invoice(number)
    assert caught.value.object_ref == number
    assert caught.value.endpoint == f"PUT /v1/invoices/{number}/post"
