"""Bill runs by batch, bill cycle day, several accounts or everyone; scheduled runs; generate by
account; the accounts and documents lists and a run's progress, on every backend."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from backends.base import Backend, Settleable, SimulatedClock
from backends.errors import NotFoundError, ValidationError
from backends.models import (
    BillingDocument,
    BillRunFilter,
    BillRunFilterType,
    BillRunSchedule,
    BillRunStatus,
    ChargeType,
    CreateBillRunRequest,
    DocumentStatus,
    DocumentType,
    GenerateBillingDocumentsRequest,
    InvoiceScheduleStatus,
    RepeatType,
)

from .conftest import finish


async def test_accounts_page_through_in_number_order(backend: Backend) -> None:
    first = await backend.list_accounts(page_size=5)
    assert [a.account_number for a in first.items] == [f"A0000000{n}" for n in range(1, 6)]
    seen = [a.account_number for a in first.items]
    cursor = first.next_cursor
    while cursor is not None:
        page = await backend.list_accounts(page_size=5, cursor=cursor)
        seen.extend(a.account_number for a in page.items)
        cursor = page.next_cursor
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 12
    acme = first.items[0]
    assert acme.name == "Acme Corporation" and acme.currency == "USD"
    assert acme.batch == "Batch1" and acme.bill_cycle_day == 1
    assert acme.payment_term == "Net 30"
    assert acme.bill_to is not None and acme.bill_to.full_name == "Wile Coyote"


async def test_accounts_search_by_number_start_or_name_start(backend: Backend) -> None:
    by_number = await backend.list_accounts(search="A0000001", page_size=50)
    assert [a.account_number for a in by_number.items] == [
        "A00000010",
        "A00000011",
        "A00000012",
    ]
    by_name = await backend.list_accounts(search="Umbrella", page_size=50)
    assert [a.account_number for a in by_name.items] == ["A00000004"]
    assert (await backend.list_accounts(search="Nobody here")).items == []


async def test_a_batch_run_bills_only_that_batch_ahead_excluding_usage(backend: Backend) -> None:
    batch1 = {
        a.id for a in (await backend.list_accounts(page_size=50)).items if a.batch == "Batch1"
    }
    run = await backend.create_bill_run(
        CreateBillRunRequest(
            batches=["Batch1"],
            target_date=date(2026, 4, 30),
            invoice_date=date(2026, 3, 2),
            charge_type_to_exclude=[ChargeType.USAGE],
            name="Batch1 ahead",
        )
    )
    assert run.batches == ["Batch1"] and run.charge_type_to_exclude == [ChargeType.USAGE]
    done = await finish(backend, run.id)
    assert done.status is BillRunStatus.COMPLETED
    progress = await backend.get_bill_run_progress(run.id)
    assert progress.status is BillRunStatus.COMPLETED
    assert progress.accounts and {a.account_id for a in progress.accounts} <= batch1
    assert progress.accounts_processed == progress.number_of_accounts
    documents = await backend.list_bill_run_documents(run.id)
    live = [i for i in documents.invoices if i.status is not DocumentStatus.CANCELED]
    assert progress.number_of_invoices == len(live) > 0
    assert progress.invoice_total == sum(i.amount for i in live)
    assert all(i.target_date == date(2026, 4, 30) for i in live)
    assert all(i.invoice_date == date(2026, 3, 2) for i in live)
    assert sum(a.number_of_invoices for a in progress.accounts) == len(live)
    # the documents list finds them, by account
    account = progress.accounts[0]
    mine = await backend.list_documents(
        account_id=account.account_id, document_type=DocumentType.INVOICE, page_size=50
    )
    assert {i.id for i in live if i.account_id == account.account_id} <= {d.id for d in mine.items}


async def test_bill_cycle_day_narrows_all_batches(backend: Backend) -> None:
    run = await backend.create_bill_run(
        CreateBillRunRequest(
            batches=["AllBatches"], bill_cycle_day="15", target_date=date(2026, 12, 31)
        )
    )
    await finish(backend, run.id)
    progress = await backend.get_bill_run_progress(run.id)
    day15 = {
        a.id for a in (await backend.list_accounts(page_size=50)).items if a.bill_cycle_day == 15
    }
    assert {a.account_id for a in progress.accounts} <= day15


async def test_selection_rules_are_refused_like_zuora(backend: Backend) -> None:
    with pytest.raises(ValidationError):
        await backend.create_bill_run(
            CreateBillRunRequest(bill_cycle_day="1", target_date=date(2026, 4, 30))
        )
    with pytest.raises(ValidationError):
        await backend.create_bill_run(
            CreateBillRunRequest(batches=["Batch51"], target_date=date(2026, 4, 30))
        )
    with pytest.raises(ValidationError):
        await backend.create_bill_run(
            CreateBillRunRequest(
                batches=["Batch1"],
                target_date=date(2026, 4, 30),
                charge_type_to_exclude=list(ChargeType),
            )
        )
    with pytest.raises(ValidationError):
        await backend.create_bill_run(CreateBillRunRequest(batches=["Batch1"]))  # no target


async def test_generate_by_account_bills_a_paused_schedule(backend: Backend) -> None:
    paused = await backend.get_invoice_schedule("IS-00000003")
    assert paused.status is InvoiceScheduleStatus.PAUSED
    done = await backend.generate_billing_documents(
        paused.account_id, GenerateBillingDocumentsRequest(target_date=date(2026, 12, 31))
    )
    assert done.invoice_ids
    invoice = await backend.get_invoice(done.invoice_ids[0])
    assert invoice.account_id == paused.account_id and invoice.status is DocumentStatus.DRAFT
    after = await backend.get_invoice_schedule("IS-00000003")
    assert after.status is InvoiceScheduleStatus.PAUSED
    assert after.billed_amount > paused.billed_amount
    with pytest.raises(NotFoundError):
        await backend.generate_billing_documents(
            "A09999999", GenerateBillingDocumentsRequest(target_date=date(2026, 12, 31))
        )


async def test_an_account_run_past_a_paused_schedules_next_run_date_bills_it(
    backend: Backend,
) -> None:
    paused = await backend.get_invoice_schedule("IS-00000003")
    assert paused.next_run_date is not None
    run = await backend.create_bill_run(
        CreateBillRunRequest(
            target_date=paused.next_run_date + timedelta(days=1),
            bill_run_filters=[
                BillRunFilter(filter_type=BillRunFilterType.ACCOUNT, account_id=paused.account_id)
            ],
        )
    )
    await finish(backend, run.id)
    progress = await backend.get_bill_run_progress(run.id)
    assert progress.number_of_invoices >= 1
    assert [a.account_id for a in progress.accounts] == [paused.account_id]


def _newest_first(docs: list[BillingDocument]) -> bool:
    return all(a.document_date >= b.document_date for a, b in itertools.pairwise(docs))


async def test_documents_page_through_newest_first_with_filters(backend: Backend) -> None:
    credit = await backend.execute_invoice_schedule("IS-00000004")  # scenario 4: a credit memo
    await finish(backend, credit.id)
    everything = await backend.list_documents(page_size=99)
    assert everything.items and _newest_first(everything.items)
    assert not everything.has_more
    collected: list[BillingDocument] = []
    cursor = None
    while True:
        page = await backend.list_documents(page_size=3, cursor=cursor)
        collected.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert _newest_first(collected)
    assert sorted(d.id for d in collected) == sorted(d.id for d in everything.items)
    assert {d.document_type for d in everything.items} == set(DocumentType)
    memos = await backend.list_documents(document_type=DocumentType.CREDIT_MEMO, page_size=99)
    assert memos.items and all(d.document_type is DocumentType.CREDIT_MEMO for d in memos.items)
    drafts = await backend.list_documents(
        document_type=DocumentType.INVOICE, status=DocumentStatus.DRAFT, page_size=99
    )
    assert drafts.items and all(
        d.document_type is DocumentType.INVOICE and d.status is DocumentStatus.DRAFT
        for d in drafts.items
    )
    day = everything.items[-1].document_date
    dated = await backend.list_documents(date_from=day, date_to=day, page_size=99)
    assert dated.items and all(d.document_date == day for d in dated.items)


async def test_a_scheduled_daily_run_is_created_by_the_clock(backend: Backend) -> None:
    if not isinstance(backend, SimulatedClock):
        pytest.skip("needs the simulated clock")
    today = await backend.today()
    waiting = await backend.create_bill_run(
        CreateBillRunRequest(
            name="Daily",
            batches=["Batch3"],
            schedule=BillRunSchedule(
                repeat_type=RepeatType.DAILY, repeat_from=today + timedelta(days=1), run_time=6
            ),
            target_date_offset=30,
        )
    )
    assert waiting.status is BillRunStatus.PENDING and waiting.schedule is not None
    assert waiting.scheduled_execution_time is not None
    assert waiting.scheduled_execution_time.date() == today + timedelta(days=1)
    moved = await backend.advance(to=today + timedelta(days=1))
    started = [r for r in moved.started_bill_runs if r.name == "Daily"]
    assert [r.id for r in started] == [waiting.id]
    assert started[0].target_date == today + timedelta(days=31)
    runs = await backend.list_bill_runs(page_size=10)
    following = [r for r in runs.items if r.name == "Daily" and r.id != waiting.id]
    assert following and following[0].status is BillRunStatus.PENDING
    # cancelling the waiting occurrence schedules the next one
    if isinstance(backend, Settleable):
        await backend.settle()
    cancelled = await backend.cancel_bill_run(following[0].id)
    assert cancelled.status is BillRunStatus.CANCELED
    again = await backend.list_bill_runs(status=BillRunStatus.PENDING, page_size=10)
    assert any(r.name == "Daily" and r.id not in {waiting.id, cancelled.id} for r in again.items)
