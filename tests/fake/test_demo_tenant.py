"""The demo tenant holds every scenario of issue 2, in order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from backends.fake import FakeBackend
from backends.models import (
    BillRunStatus,
    DocumentStatus,
    InvoiceScheduleStatus,
    OrderActionType,
    ScheduleItemStatus,
)

D = Decimal


async def test_the_first_orders_are_the_scenarios_in_order(fake: FakeBackend) -> None:
    page = await fake.list_orders(page_size=8)
    assert [o.order_number for o in page.items] == [f"O-0000000{n}" for n in range(1, 9)]
    assert [o.invoice_schedule_number for o in page.items] == [
        "IS-00000001",
        "IS-00000002",
        "IS-00000003",
        "IS-00000004",
        None,  # O-00000005 cancels O-00000004's subscription
        "IS-00000005",
        "IS-00000006",
        "IS-00000007",
    ]
    assert all(o.account_name and o.account_id for o in page.items)
    assert await fake.today() == date(2026, 3, 2)


async def test_scenario_1_pending_three_items(fake: FakeBackend) -> None:
    s = await fake.get_invoice_schedule("IS-00000001")
    assert s.status is InvoiceScheduleStatus.PENDING and s.currency == "USD"
    assert [i.amount for i in s.schedule_items] == [D("1000.00")] * 3
    assert [i.run_date for i in s.schedule_items] == [
        date(2026, 3, 2),
        date(2026, 4, 1),
        date(2026, 5, 1),
    ]
    assert s.orders == ["O-00000001"]


async def test_scenario_2_partially_processed_with_a_draft_invoice(fake: FakeBackend) -> None:
    s = await fake.get_invoice_schedule("IS-00000002")
    assert s.status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    first = s.schedule_items[0]
    assert first.status is ScheduleItemStatus.PROCESSED
    assert first.invoice_status is DocumentStatus.DRAFT and first.invoice_number
    assert first.bill_run_id is not None


async def test_scenario_3_paused_after_partial_processing(fake: FakeBackend) -> None:
    s = await fake.get_invoice_schedule("IS-00000003")
    assert s.status is InvoiceScheduleStatus.PAUSED and s.currency == "EUR"
    assert s.schedule_items[0].status is ScheduleItemStatus.PROCESSED
    assert s.schedule_items[1].status is ScheduleItemStatus.PENDING


async def test_scenario_4_fully_processed_and_cancelled_by_o5(fake: FakeBackend) -> None:
    s = await fake.get_invoice_schedule("IS-00000004")
    assert s.status is InvoiceScheduleStatus.FULLY_PROCESSED
    assert all(i.invoice_status is DocumentStatus.POSTED for i in s.schedule_items)
    o5 = await fake.get_order("O-00000005")
    o4 = await fake.get_order("O-00000004")
    action = o5.subscriptions[0].order_actions[0]
    assert action.type is OrderActionType.CANCEL_SUBSCRIPTION
    assert o5.subscriptions[0].subscription_number == o4.subscriptions[0].subscription_number
    run = await fake.execute_invoice_schedule("IS-00000004")
    await fake.settle()
    s = await fake.get_invoice_schedule("IS-00000004")
    memo = await fake.get_credit_memo(s.schedule_items[-1].credit_memo_number or "")
    assert memo.amount == D("200.00") and memo.status is DocumentStatus.DRAFT
    assert (await fake.get_bill_run(run.id)).number_of_credit_memos == 1


async def test_scenario_5_no_change_no_document(fake: FakeBackend) -> None:
    run = await fake.execute_invoice_schedule("IS-00000005")
    await fake.settle()
    done = await fake.get_bill_run(run.id)
    assert done.status is BillRunStatus.COMPLETED
    assert done.number_of_invoices == 0 and done.number_of_credit_memos == 0


async def test_scenario_6_percentages_and_a_blank_run_date(fake: FakeBackend) -> None:
    s = await fake.get_invoice_schedule("IS-00000006")
    assert all(i.percentage is not None for i in s.schedule_items)
    assert s.schedule_items[-1].run_date is None
    assert sum(i.amount for i in s.schedule_items) == s.total_amount


async def test_scenario_7_an_item_executing_finishes_on_settle(fake: FakeBackend) -> None:
    s = await fake.get_invoice_schedule("IS-00000007")
    item = s.schedule_items[0]
    assert item.status is ScheduleItemStatus.EXECUTING
    run = await fake.get_bill_run(item.bill_run_id or "")
    assert run.status is BillRunStatus.PROCESSING
    await fake.settle()
    s = await fake.get_invoice_schedule("IS-00000007")
    assert s.schedule_items[0].status is ScheduleItemStatus.PROCESSED
    assert s.schedule_items[0].invoice_status is DocumentStatus.DRAFT


async def test_the_rest_of_the_tenant(fake: FakeBackend) -> None:
    orders = []
    cursor = None
    while True:
        page = await fake.list_orders(page_size=7, cursor=cursor)
        orders.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(orders) >= 38
    assert {o.currency for o in orders} == {"USD", "EUR"}
    assert len({o.existing_account_number for o in orders}) >= 6
    assert sum(1 for o in orders if o.invoice_schedule_id is None) >= 3
    schedules = (await fake.list_invoice_schedules(page_size=1000)).items
    assert {s.status for s in schedules} == set(InvoiceScheduleStatus)
    assert any(a % 1 for s in schedules for a in (s.total_amount,))  # amounts with cents
    for status in InvoiceScheduleStatus:
        assert sum(1 for s in schedules if s.status is status) >= 3
