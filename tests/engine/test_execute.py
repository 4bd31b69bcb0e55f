"""Execute (Generate) and its preconditions; the credit bill run of a fully processed schedule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from backends.errors import BusinessRuleError, ConflictError, NotFoundError
from backends.fake.engine import Engine
from backends.models import (
    BillRunFilterType,
    BillRunStatus,
    ChargeType,
    DocumentStatus,
    InvoiceScheduleStatus,
    OrderActionType,
    ScheduleItemStatus,
)

from .conftest import item_ids, new_order, new_schedule, refused


def test_execute_returns_a_pending_bill_run_and_marks_the_item_executing(engine: Engine) -> None:
    first = item_ids(engine, "IS-00000001")[0]
    run = engine.execute_invoice_schedule("IS-00000001", first)
    assert run.status is BillRunStatus.PENDING
    assert run.bill_run_number.startswith("BR-") and len(run.id) == 32
    assert run.target_date == run.invoice_date == date(2026, 3, 2)
    assert run.charge_type_to_exclude == [ChargeType.USAGE]
    (flt,) = run.bill_run_filters
    assert flt.filter_type is BillRunFilterType.INVOICE_SCHEDULE
    assert flt.invoice_schedule_item_id == first
    schedule = engine.get_invoice_schedule("IS-00000001")
    item = schedule.schedule_items[0]
    assert item.status is ScheduleItemStatus.EXECUTING and item.bill_run_id == run.id
    assert item.invoice_id is None


def test_bill_run_stages_then_invoice_and_schedule_follow(engine: Engine) -> None:
    first = item_ids(engine, "IS-00000001")[0]
    run = engine.execute_invoice_schedule("IS-00000001", first)
    engine.step_bill_run(run.id)
    assert engine.get_bill_run(run.id).status is BillRunStatus.PROCESSING
    assert engine.get_invoice_schedule("IS-00000001").schedule_items[0].status is (
        ScheduleItemStatus.EXECUTING
    )
    engine.step_bill_run(run.id)
    done = engine.get_bill_run(run.id)
    assert done.status is BillRunStatus.COMPLETED and done.number_of_invoices == 1
    schedule = engine.get_invoice_schedule("IS-00000001")
    item = schedule.schedule_items[0]
    assert item.status is ScheduleItemStatus.PROCESSED
    assert item.invoice_id and item.invoice_status is DocumentStatus.DRAFT
    invoice = engine.get_invoice(item.invoice_number or "")
    assert invoice.amount == Decimal("1000.00") and invoice.status is DocumentStatus.DRAFT
    assert invoice.bill_run_id == run.id and invoice.source_id == run.bill_run_number
    assert schedule.status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    assert schedule.billed_amount == Decimal("1000.00")
    assert schedule.unbilled_amount == Decimal("2000.00")
    assert schedule.next_run_date == date(2026, 4, 1)


def test_processing_every_item_makes_the_schedule_fully_processed(engine: Engine) -> None:
    for _ in range(3):
        engine.execute_invoice_schedule("IS-00000001")
        engine.run_pending()
    schedule = engine.get_invoice_schedule("IS-00000001")
    assert schedule.status is InvoiceScheduleStatus.FULLY_PROCESSED
    assert schedule.next_run_date is None
    assert schedule.billed_amount == schedule.actual_amount == Decimal("3000.00")
    assert len({i.invoice_id for i in schedule.schedule_items}) == 3


def test_execute_refuses_a_paused_schedule(engine: Engine) -> None:
    pending = engine.get_invoice_schedule("IS-00000003").earliest_pending_item
    assert pending is not None
    with refused(engine, BusinessRuleError, match="IS-00000003 is Paused: resume it"):
        engine.execute_invoice_schedule("IS-00000003", pending.id)
    with refused(engine, BusinessRuleError, match="Paused"):
        engine.execute_invoice_schedule("IS-00000003")


def test_execute_refuses_an_item_that_is_not_the_earliest_pending(engine: Engine) -> None:
    second = item_ids(engine, "IS-00000001")[1]
    with refused(engine, BusinessRuleError, match="not the earliest Pending item"):
        engine.execute_invoice_schedule("IS-00000001", second)


def test_execute_refuses_a_processed_item(engine: Engine) -> None:
    first = item_ids(engine, "IS-00000002")[0]
    with refused(engine, BusinessRuleError, match="is Processed"):
        engine.execute_invoice_schedule("IS-00000002", first)


def test_execute_refuses_an_item_on_a_fully_processed_schedule(engine: Engine) -> None:
    last = item_ids(engine, "IS-00000005")[-1]
    with refused(engine, BusinessRuleError, match="FullyProcessed"):
        engine.execute_invoice_schedule("IS-00000005", last)


def test_execute_unknown_schedule_or_item_is_not_found(engine: Engine) -> None:
    with refused(engine, NotFoundError, match="IS-00009999"):
        engine.execute_invoice_schedule("IS-00009999")
    with refused(engine, NotFoundError, match="No schedule item"):
        engine.execute_invoice_schedule("IS-00000001", "0" * 32)


def test_execute_without_item_runs_the_earliest_pending(engine: Engine) -> None:
    run = engine.execute_invoice_schedule("IS-00000002")
    second = item_ids(engine, "IS-00000002")[1]
    # As seed "Execute invoice schedules" ("Not specifying item ID"): the filter names no item;
    # the schedule shows which one runs.
    assert run.bill_run_filters[0].invoice_schedule_item_id is None
    item = engine.get_invoice_schedule("IS-00000002").schedule_items[1]
    assert item.id == second and item.status is ScheduleItemStatus.EXECUTING
    assert item.bill_run_id == run.id
    assert run.target_date == date(2026, 6, 1)


def test_execute_with_an_item_names_it_in_the_filter(engine: Engine) -> None:
    second = item_ids(engine, "IS-00000002")[1]
    run = engine.execute_invoice_schedule("IS-00000002", second)
    assert run.bill_run_filters[0].invoice_schedule_item_id == second


def test_two_runs_on_one_account_conflict(engine: Engine) -> None:
    # IS-00000007's first item is still Executing (its run is Processing): the account is busy
    with refused(engine, ConflictError, match="A00000007 already has bill run"):
        engine.execute_invoice_schedule("IS-00000007")
    engine.run_pending()
    run = engine.execute_invoice_schedule("IS-00000007")
    assert run.status is BillRunStatus.PENDING


def test_only_an_executing_item_left_is_refused_with_a_refresh_hint(blank: Engine) -> None:
    order = new_order(blank, one_time="500.00", monthly=None)
    schedule = new_schedule(blank, order, [("500.00", date(2026, 3, 2))])
    blank.execute_invoice_schedule(schedule.number)
    with refused(blank, BusinessRuleError, match="still Executing"):
        blank.execute_invoice_schedule(schedule.number)


def test_credit_bill_run_after_cancellation_yields_a_draft_credit_memo(engine: Engine) -> None:
    before = engine.get_invoice_schedule("IS-00000004")
    assert before.status is InvoiceScheduleStatus.FULLY_PROCESSED
    assert before.next_run_date == date(2026, 2, 1)  # the credit is due since the cancellation
    run = engine.execute_invoice_schedule("IS-00000004")
    assert run.bill_run_filters[0].invoice_schedule_item_id is None
    engine.run_pending()
    done = engine.get_bill_run(run.id)
    assert done.number_of_credit_memos == 1 and done.number_of_invoices == 0
    schedule = engine.get_invoice_schedule("IS-00000004")
    last = schedule.schedule_items[-1]
    assert last.credit_memo_number and last.credit_memo_status is DocumentStatus.DRAFT
    memo = engine.get_credit_memo(last.credit_memo_number)
    assert memo.amount == Decimal("200.00") and memo.status is DocumentStatus.DRAFT
    assert memo.referred_invoice_id == last.invoice_id
    assert schedule.billed_amount == schedule.actual_amount == Decimal("1000.00")
    assert schedule.unbilled_amount == Decimal("0.00")
    assert last.actual_amount == Decimal("400.00")
    assert schedule.next_run_date is None
    # a second credit run finds nothing more to credit
    again = engine.execute_invoice_schedule("IS-00000004")
    engine.run_pending()
    assert engine.get_bill_run(again.id).number_of_credit_memos == 0


def test_credit_bill_run_without_change_yields_no_document(engine: Engine) -> None:
    run = engine.execute_invoice_schedule("IS-00000005")
    engine.run_pending()
    done = engine.get_bill_run(run.id)
    assert done.status is BillRunStatus.COMPLETED
    assert done.number_of_invoices == 0 and done.number_of_credit_memos == 0
    assert all(
        i.credit_memo_id is None for i in engine.get_invoice_schedule("IS-00000005").schedule_items
    )


def test_cancellation_while_partially_processed_lowers_pending_items(blank: Engine) -> None:
    order = new_order(blank, monthly="100.00", start=date(2026, 1, 1))  # 1,200.00
    schedule = new_schedule(
        blank, order, [("600.00", date(2026, 1, 1)), ("600.00", date(2026, 7, 1))]
    )
    blank.execute_invoice_schedule(schedule.number)
    blank.run_pending()
    sub = blank.get_order(order).subscriptions[0].subscription_number
    cancelled = blank.cancel_subscription(sub, date(2026, 10, 1))  # nine months: 900.00
    amended = cancelled.subscriptions[0]
    assert (amended.subscription_number, amended.base_version, amended.new_version) == (sub, 1, 2)
    assert amended.order_actions[0].type is OrderActionType.CANCEL_SUBSCRIPTION
    after = blank.get_invoice_schedule(schedule.number)
    assert after.schedule_items[1].amount == Decimal("600.00")
    assert after.schedule_items[1].actual_amount == Decimal("300.00")
    assert after.actual_amount == Decimal("900.00")
    assert after.billed_amount + after.unbilled_amount == after.actual_amount


def test_removed_product_below_billed_leaves_zero_items_and_a_credit(blank: Engine) -> None:
    order = new_order(blank, monthly="100.00", start=date(2026, 1, 1))
    schedule = new_schedule(
        blank, order, [("600.00", date(2026, 1, 1)), ("600.00", date(2026, 7, 1))]
    )
    blank.execute_invoice_schedule(schedule.number)
    blank.run_pending()
    sub = blank.get_subscription(blank.get_order(order).subscriptions[0].subscription_number)
    removed = blank.remove_product(
        sub.subscription_number, sub.rate_plans[0].id, date(2026, 4, 1)
    ).subscriptions[0]
    assert (removed.base_version, removed.new_version) == (1, 2)
    assert removed.order_actions[0].type is OrderActionType.REMOVE_PRODUCT
    mid = blank.get_invoice_schedule(schedule.number)
    assert mid.schedule_items[1].actual_amount == Decimal("0.00")
    blank.execute_invoice_schedule(schedule.number)
    blank.run_pending()
    full = blank.get_invoice_schedule(schedule.number)
    assert full.status is InvoiceScheduleStatus.FULLY_PROCESSED
    assert full.schedule_items[1].invoice_id is None  # nothing was left to bill
    assert full.next_run_date == date(2026, 4, 1)
    blank.execute_invoice_schedule(schedule.number)
    blank.run_pending()
    memo_number = blank.get_invoice_schedule(schedule.number).schedule_items[-1].credit_memo_number
    assert memo_number is not None
    assert blank.get_credit_memo(memo_number).amount == Decimal("300.00")


def test_percentage_items_get_amounts_from_the_total(engine: Engine) -> None:
    schedule = engine.get_invoice_schedule("IS-00000006")
    assert [i.percentage for i in schedule.schedule_items] == [25, 25, 50]
    assert [i.amount for i in schedule.schedule_items] == [
        Decimal("2100.00"),
        Decimal("2100.00"),
        Decimal("4200.00"),
    ]
    assert schedule.schedule_items[-1].run_date is None


def test_execute_is_idempotent_by_key(engine: Engine) -> None:
    run = engine.execute_invoice_schedule("IS-00000001", idempotency_key="k-1")
    again = engine.execute_invoice_schedule("IS-00000001", idempotency_key="k-1")
    assert again.id == run.id
    with refused(engine, ConflictError, match="different request"):
        engine.execute_invoice_schedule("IS-00000002", idempotency_key="k-1")
