"""Behaviour every backend must show, written against the ``Backend`` protocol only (plus the
optional ``Settleable``/``SimulatedClock`` capabilities, skipped where absent). Data: the demo
tenant."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backends.base import Backend, SimulatedClock
from backends.errors import BusinessRuleError, NotFoundError, ValidationError
from backends.models import (
    BillRunStatus,
    DocumentStatus,
    InvoiceScheduleStatus,
    ScheduleItemStatus,
    UpdateInvoiceScheduleRequest,
)

from .conftest import bill_run_of, finish, wait_for_schedule

D = Decimal


async def test_describe_names_the_kind(backend: Backend) -> None:
    assert backend.describe().kind in {"FAKE", "REST"}


async def test_orders_page_through_with_an_opaque_cursor(backend: Backend) -> None:
    first = await backend.list_orders(page_size=5)
    assert first.items[0].order_number == "O-00000001" and len(first.items) == 5
    assert first.has_more
    seen = [o.order_number for o in first.items]
    cursor = first.next_cursor
    while cursor is not None:
        page = await backend.list_orders(page_size=5, cursor=cursor)
        seen.extend(o.order_number for o in page.items)
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) >= 38


async def test_search_matches_order_number_account_number_and_name(backend: Backend) -> None:
    by_number = await backend.list_orders(search="O-00000004")
    assert [o.order_number for o in by_number.items] == ["O-00000004"]
    by_name = await backend.list_orders(search="umbrella", page_size=50)
    assert {o.order_number for o in by_name.items} == {"O-00000004", "O-00000005"}
    by_account = await backend.list_orders(search="A00000003", page_size=50)
    assert by_account.items and all(
        o.existing_account_number == "A00000003" for o in by_account.items
    )
    assert (await backend.list_orders(search="no such thing")).items == []


async def test_order_and_account(backend: Backend) -> None:
    order = await backend.get_order("O-00000001")
    assert order.existing_account_number == "A00000001"
    account = await backend.get_account(order.existing_account_number)
    assert account.name == "Acme Corporation" and account.currency == "USD"
    assert (await backend.get_account(account.id)).account_number == "A00000001"
    with pytest.raises(NotFoundError):
        await backend.get_order("O-09999999")
    with pytest.raises(NotFoundError):
        await backend.get_account("A09999999")


async def test_schedules_of_an_order_and_keys(backend: Backend) -> None:
    page = await backend.list_invoice_schedules(order_number="O-00000002")
    assert [s.number for s in page.items] == ["IS-00000002"]
    schedule = page.items[0]
    assert (await backend.get_invoice_schedule(schedule.id)).number == "IS-00000002"
    paused = await backend.list_invoice_schedules(
        status=InvoiceScheduleStatus.PAUSED, page_size=100
    )
    assert "IS-00000003" in {s.number for s in paused.items}
    assert all(s.status is InvoiceScheduleStatus.PAUSED for s in paused.items)
    with pytest.raises(NotFoundError):
        await backend.get_invoice_schedule("IS-09999999")


async def test_generate_refresh_post(backend: Backend) -> None:
    schedule = await backend.get_invoice_schedule("IS-00000001")
    first = schedule.schedule_items[0]
    run = await backend.execute_invoice_schedule("IS-00000001", first.id)
    assert run.status is BillRunStatus.PENDING
    during = await backend.get_invoice_schedule("IS-00000001")
    assert during.schedule_items[0].status in {
        ScheduleItemStatus.EXECUTING,
        ScheduleItemStatus.PROCESSED,
    }
    done = await finish(backend, run.id)
    assert done.status is BillRunStatus.COMPLETED
    after = await backend.get_invoice_schedule("IS-00000001")
    item = after.schedule_items[0]
    assert item.status is ScheduleItemStatus.PROCESSED and item.invoice_id
    assert after.status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    assert after.billed_amount == D("1000.00") and after.unbilled_amount == D("2000.00")
    invoice = await backend.get_invoice(item.invoice_id)
    assert invoice.status is DocumentStatus.DRAFT and invoice.amount == D("1000.00")
    posted = await backend.post_invoice(invoice.invoice_number)
    assert posted.status is DocumentStatus.POSTED
    with pytest.raises(ValidationError):
        await backend.post_invoice(invoice.id)


async def test_generate_refusals(backend: Backend) -> None:
    with pytest.raises(BusinessRuleError, match="Paused"):
        await backend.execute_invoice_schedule("IS-00000003")
    second = (await backend.get_invoice_schedule("IS-00000001")).schedule_items[1]
    with pytest.raises(BusinessRuleError):
        await backend.execute_invoice_schedule("IS-00000001", second.id)
    unchanged = await backend.get_invoice_schedule("IS-00000001")
    assert all(i.status is ScheduleItemStatus.PENDING for i in unchanged.schedule_items)


async def test_pause_and_resume(backend: Backend) -> None:
    resumed = await backend.resume_invoice_schedule("IS-00000003")
    assert resumed.status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    paused = await backend.pause_invoice_schedule("IS-00000001")
    assert paused.status is InvoiceScheduleStatus.PAUSED
    with pytest.raises(BusinessRuleError):
        await backend.resume_invoice_schedule("IS-00000002")


async def test_credit_bill_run_yields_a_credit_memo_to_post(backend: Backend) -> None:
    run = await backend.execute_invoice_schedule("IS-00000004")
    done = await finish(backend, run.id)
    assert done.status is BillRunStatus.COMPLETED
    schedule = await backend.get_invoice_schedule("IS-00000004")
    memo_id = schedule.schedule_items[-1].credit_memo_id
    assert memo_id is not None
    memo = await backend.get_credit_memo(memo_id)
    assert memo.amount == D("200.00") and memo.status is DocumentStatus.DRAFT
    assert (await backend.post_credit_memo(memo.number)).status is DocumentStatus.POSTED


async def test_credit_bill_run_without_change_yields_nothing(backend: Backend) -> None:
    run = await backend.execute_invoice_schedule("IS-00000005")
    await finish(backend, run.id)
    schedule = await backend.get_invoice_schedule("IS-00000005")
    assert all(i.credit_memo_id is None for i in schedule.schedule_items)


async def test_bill_run_post_and_cancel_rules(backend: Backend) -> None:
    item = (await backend.get_invoice_schedule("IS-00000002")).schedule_items[0]
    run_id = await bill_run_of(backend, item)
    posted = await backend.post_bill_run(run_id)
    assert posted.status is BillRunStatus.POSTED
    with pytest.raises(BusinessRuleError):
        await backend.cancel_bill_run(run_id)
    with pytest.raises(BusinessRuleError):
        await backend.post_bill_run(run_id)


async def test_update_notes_and_delete_rules(backend: Backend) -> None:
    updated = await backend.update_invoice_schedule(
        "IS-00000001", UpdateInvoiceScheduleRequest(notes="checked")
    )
    assert updated.notes == "checked"
    with pytest.raises(BusinessRuleError):
        await backend.delete_invoice_schedule("IS-00000002")
    await backend.delete_invoice_schedule("IS-00000001")
    with pytest.raises(NotFoundError):
        await backend.get_invoice_schedule("IS-00000001")


async def test_the_executing_scenario_finishes(backend: Backend) -> None:
    item = (await backend.get_invoice_schedule("IS-00000007")).schedule_items[0]
    assert item.status is ScheduleItemStatus.EXECUTING
    after = await wait_for_schedule(
        backend,
        "IS-00000007",
        lambda s: s.schedule_items[0].status is ScheduleItemStatus.PROCESSED,
    )
    assert after.schedule_items[0].status is ScheduleItemStatus.PROCESSED
    assert after.schedule_items[0].invoice_id


async def test_simulated_clock(backend: Backend) -> None:
    if not isinstance(backend, SimulatedClock):
        pytest.skip("this backend has no simulated clock")
    assert await backend.today() == date(2026, 3, 2)
    result = await backend.advance(to=date(2026, 4, 1))
    assert {x.schedule_number for x in result.executed} >= {"IS-00000001", "IS-00000006"}
    assert "IS-00000003" not in {x.schedule_number for x in result.executed}
    assert await backend.today() == date(2026, 4, 1)
