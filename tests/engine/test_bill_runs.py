"""Bill run post/cancel, document posting, the Posted <-> Completed rule, ad hoc bill runs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from backends import jsoncodec
from backends.errors import BusinessRuleError, ConflictError, NotFoundError, ValidationError
from backends.fake.engine import Engine
from backends.models import (
    BillRunFilter,
    BillRunFilterType,
    BillRunStatus,
    ChargeType,
    CreateBillRunRequest,
    DocumentStatus,
    InvoiceScheduleStatus,
    ScheduleItemStatus,
)

from .conftest import new_order, new_schedule, refused


def _generate(e: Engine, key: str) -> str:
    run = e.execute_invoice_schedule(key)
    e.run_pending()
    return run.id


def test_post_bill_run_only_when_completed(engine: Engine) -> None:
    run = engine.execute_invoice_schedule("IS-00000001")
    with refused(engine, BusinessRuleError, match="only a Completed bill run can be posted"):
        engine.post_bill_run(run.id)
    engine.step_bill_run(run.id)
    with refused(engine, BusinessRuleError, match="Processing"):
        engine.post_bill_run(run.id)
    engine.step_bill_run(run.id)
    posted = engine.post_bill_run(run.id, date(2026, 3, 5))
    assert posted.status is BillRunStatus.POSTED
    item = engine.get_invoice_schedule("IS-00000001").schedule_items[0]
    assert item.invoice_status is DocumentStatus.POSTED
    invoice = engine.get_invoice(item.invoice_number or "")
    assert invoice.invoice_date == date(2026, 3, 5) and invoice.posted_date == engine.today
    assert engine.get_account("A00000001").balance == Decimal("1000.00")
    with refused(engine, BusinessRuleError, match="Posted"):
        engine.post_bill_run(run.id)


def test_post_invoice_only_from_draft(engine: Engine) -> None:
    item = engine.get_invoice_schedule("IS-00000002").schedule_items[0]
    posted = engine.post_invoice(item.invoice_number or "")
    assert posted.status is DocumentStatus.POSTED
    with refused(
        engine, ValidationError, match="Only invoices with Draft status can be posted"
    ) as info:
        engine.post_invoice(item.invoice_number or "")
    assert info.value.code == 59210020


def test_posting_every_invoice_posts_the_run_and_unposting_reverts_it(engine: Engine) -> None:
    item = engine.get_invoice_schedule("IS-00000002").schedule_items[0]
    run_id = item.bill_run_id or ""
    assert engine.get_bill_run(run_id).status is BillRunStatus.COMPLETED
    engine.post_invoice(item.invoice_id or "")
    assert engine.get_bill_run(run_id).status is BillRunStatus.POSTED
    engine.unpost_invoice(item.invoice_id or "")
    assert engine.get_bill_run(run_id).status is BillRunStatus.COMPLETED
    assert engine.get_invoice(item.invoice_id or "").status is DocumentStatus.DRAFT
    with refused(engine, BusinessRuleError, match="only a Posted invoice can be unposted"):
        engine.unpost_invoice(item.invoice_id or "")


def test_cancel_a_pending_run_puts_the_item_back(engine: Engine) -> None:
    run = engine.execute_invoice_schedule("IS-00000001")
    canceled = engine.cancel_bill_run(run.id)
    assert canceled.status is BillRunStatus.CANCELED
    schedule = engine.get_invoice_schedule("IS-00000001")
    assert schedule.schedule_items[0].status is ScheduleItemStatus.PENDING
    assert schedule.schedule_items[0].bill_run_id is None
    assert run.id not in engine.active_bill_runs()
    # the account is free again
    assert engine.execute_invoice_schedule("IS-00000001").status is BillRunStatus.PENDING


def test_cancel_a_completed_run_cancels_its_draft_invoice(engine: Engine) -> None:
    item = engine.get_invoice_schedule("IS-00000002").schedule_items[0]
    canceled = engine.cancel_bill_run(item.bill_run_id or "")
    assert canceled.status is BillRunStatus.CANCELED
    assert engine.get_invoice(item.invoice_id or "").status is DocumentStatus.CANCELED
    schedule = engine.get_invoice_schedule("IS-00000002")
    assert schedule.status is InvoiceScheduleStatus.PENDING
    assert schedule.schedule_items[0].status is ScheduleItemStatus.PENDING
    assert schedule.schedule_items[0].invoice_id is None
    assert schedule.billed_amount == Decimal("0.00")


def test_cancel_refuses_processing_posted_or_canceled_runs(engine: Engine) -> None:
    processing = engine.get_invoice_schedule("IS-00000007").schedule_items[0].bill_run_id or ""
    with refused(engine, BusinessRuleError, match="only a Pending or Completed bill run"):
        engine.cancel_bill_run(processing)
    posted = engine.get_invoice_schedule("IS-00000005").schedule_items[0].bill_run_id or ""
    with refused(engine, BusinessRuleError, match="Posted"):
        engine.cancel_bill_run(posted)


def test_cancel_completed_run_with_a_posted_invoice_is_refused(engine: Engine) -> None:
    run_id = _generate(engine, "IS-00000001")
    invoice = engine.get_invoice_schedule("IS-00000001").schedule_items[0].invoice_id or ""
    engine.post_invoice(invoice)
    engine.unpost_invoice(invoice)
    engine.post_invoice(invoice)
    assert engine.get_bill_run(run_id).status is BillRunStatus.POSTED
    with refused(engine, BusinessRuleError):
        engine.cancel_bill_run(run_id)


def test_cancel_draft_invoice_of_a_fully_processed_schedule_reverts_it(blank: Engine) -> None:
    order = new_order(blank, monthly=None, one_time="100.00")
    schedule = new_schedule(blank, order, [("100.00", date(2026, 3, 2))])
    _generate(blank, schedule.number)
    full = blank.get_invoice_schedule(schedule.number)
    assert full.status is InvoiceScheduleStatus.FULLY_PROCESSED
    blank.cancel_invoice(full.schedule_items[0].invoice_id or "")
    back = blank.get_invoice_schedule(schedule.number)
    assert back.status is InvoiceScheduleStatus.PENDING
    assert back.next_run_date == date(2026, 3, 2)
    with refused(blank, BusinessRuleError, match="only a Draft invoice can be cancelled"):
        blank.cancel_invoice(full.schedule_items[0].invoice_id or "")


def test_post_credit_memo_only_from_draft(engine: Engine) -> None:
    _generate(engine, "IS-00000004")
    number = engine.get_invoice_schedule("IS-00000004").schedule_items[-1].credit_memo_number or ""
    memo = engine.post_credit_memo(number)
    assert memo.status is DocumentStatus.POSTED and memo.posted_on is not None
    with refused(engine, BusinessRuleError, match="only a Draft credit memo can be posted"):
        engine.post_credit_memo(number)


def test_unknown_documents_and_runs_are_not_found(engine: Engine) -> None:
    with refused(engine, NotFoundError):
        engine.get_invoice("INV09999999")
    with refused(engine, NotFoundError):
        engine.post_invoice("INV09999999")
    with refused(engine, NotFoundError):
        engine.get_credit_memo("CM09999999")
    with refused(engine, NotFoundError):
        engine.get_bill_run("f" * 32)
    with refused(engine, NotFoundError):
        engine.cancel_bill_run("BR-00000001")  # bill runs are addressed by id only


def test_ad_hoc_bill_run_by_account_bills_due_items_and_skips_paused(blank: Engine) -> None:
    first = new_order(blank)
    second = new_order(blank)
    s1 = new_schedule(blank, first, [("600.00", date(2026, 3, 1)), ("600.00", date(2026, 6, 1))])
    s2 = new_schedule(blank, second, [("1200.00", date(2026, 3, 1))])
    blank.pause_invoice_schedule(s2.number)
    account = blank.get_account("A00000001")
    # a target date on the paused schedule's next run date (not past it) skips that schedule
    run = blank.create_bill_run(
        CreateBillRunRequest(
            target_date=date(2026, 3, 1),
            bill_run_filters=[
                BillRunFilter(filter_type=BillRunFilterType.ACCOUNT, account_id=account.id)
            ],
        )
    )
    assert run.status is BillRunStatus.PENDING and run.invoice_date == blank.today
    blank.run_pending()
    assert blank.get_bill_run(run.id).number_of_invoices == 1
    assert blank.get_invoice_schedule(s1.number).status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    assert (
        blank.get_invoice_schedule(s2.number).schedule_items[0].status is ScheduleItemStatus.PENDING
    )


def test_a_target_date_past_a_paused_schedules_next_run_date_bills_it(blank: Engine) -> None:
    order = new_order(blank)
    schedule = new_schedule(blank, order, [("1200.00", date(2026, 3, 1))])
    blank.pause_invoice_schedule(schedule.number)
    account = blank.get_account("A00000001")
    run = blank.create_bill_run(
        CreateBillRunRequest(
            target_date=date(2026, 3, 2),
            bill_run_filters=[
                BillRunFilter(filter_type=BillRunFilterType.ACCOUNT, account_id=account.id)
            ],
        )
    )
    blank.run_pending()
    assert blank.get_bill_run(run.id).number_of_invoices == 1
    after = blank.get_invoice_schedule(schedule.number)
    assert after.status is InvoiceScheduleStatus.PAUSED  # still paused; its item is billed
    assert after.schedule_items[0].status is ScheduleItemStatus.PROCESSED


def test_ad_hoc_bill_run_conflicts_with_a_running_one(engine: Engine) -> None:
    account = engine.get_account("A00000007")
    with refused(engine, ConflictError):
        engine.create_bill_run(
            CreateBillRunRequest(
                target_date=date(2026, 12, 31),
                bill_run_filters=[
                    BillRunFilter(filter_type=BillRunFilterType.ACCOUNT, account_id=account.id)
                ],
            )
        )


def test_ad_hoc_bill_run_for_a_schedule_is_an_execute(engine: Engine) -> None:
    schedule = engine.get_invoice_schedule("IS-00000003")
    with refused(engine, BusinessRuleError, match="Paused"):
        engine.create_bill_run(
            CreateBillRunRequest(
                target_date=date(2026, 5, 15),
                bill_run_filters=[
                    BillRunFilter(
                        filter_type=BillRunFilterType.INVOICE_SCHEDULE,
                        invoice_schedule_id=schedule.id,
                    )
                ],
            )
        )
    target = engine.get_invoice_schedule("IS-00000001")
    run = engine.create_bill_run(
        CreateBillRunRequest(
            target_date=date(2026, 3, 2),
            auto_post=True,
            bill_run_filters=[
                BillRunFilter(
                    filter_type=BillRunFilterType.INVOICE_SCHEDULE, invoice_schedule_id=target.id
                )
            ],
        ),
        idempotency_key="adhoc",
    )
    engine.run_pending()
    assert engine.get_bill_run(run.id).status is BillRunStatus.POSTED  # auto-post
    item = engine.get_invoice_schedule("IS-00000001").schedule_items[0]
    assert item.invoice_status is DocumentStatus.POSTED


def test_unsupported_filter_is_refused(engine: Engine) -> None:
    with refused(engine, ValidationError, match="does not run bill runs filtered"):
        engine.create_bill_run(
            CreateBillRunRequest(
                target_date=date(2026, 3, 2),
                bill_run_filters=[BillRunFilter(filter_type=BillRunFilterType.FILTER_CONDITION)],
            )
        )


def _account_run(e: Engine, target: date, exclude: list[ChargeType] | None = None) -> str:
    account = e.get_account("A00000001")
    run = e.create_bill_run(
        CreateBillRunRequest(
            target_date=target,
            bill_run_filters=[
                BillRunFilter(filter_type=BillRunFilterType.ACCOUNT, account_id=account.id)
            ],
            charge_type_to_exclude=exclude or [],
        )
    )
    e.run_pending()
    return run.id


def test_a_run_that_excludes_one_time_charges_leaves_them_for_the_next_item(
    blank: Engine,
) -> None:
    # 12 x 100.00 monthly + a 300.00 one-time setup: 1,500.00, of which one-time is a fifth
    order = new_order(blank, one_time="300.00")
    schedule = new_schedule(
        blank, order, [("750.00", date(2026, 3, 1)), ("750.00", date(2026, 6, 1))]
    )
    run = _account_run(blank, date(2026, 3, 31), [ChargeType.ONE_TIME])
    assert blank.get_bill_run(run).charge_type_to_exclude == [ChargeType.ONE_TIME]
    first, second = blank.get_invoice_schedule(schedule.number).schedule_items
    assert first.status is ScheduleItemStatus.PROCESSED and first.invoice_id
    assert blank.get_invoice(first.invoice_id).amount == Decimal("600.00")  # 750 less a fifth
    assert second.actual_amount == Decimal("900.00")  # the held-back 150.00 is still due
    _account_run(blank, date(2026, 6, 30))
    after = blank.get_invoice_schedule(schedule.number)
    assert after.status is InvoiceScheduleStatus.FULLY_PROCESSED
    assert after.schedule_items[1].invoice_id
    assert blank.get_invoice(after.schedule_items[1].invoice_id).amount == Decimal("900.00")
    assert after.billed_amount == Decimal("1500.00") and after.unbilled_amount == Decimal("0.00")


def test_excluded_charges_of_the_last_item_stay_due_until_a_run_bills_them(
    blank: Engine,
) -> None:
    order = new_order(blank, one_time="300.00")
    schedule = new_schedule(blank, order, [("1500.00", date(2026, 3, 1))])
    _account_run(blank, date(2026, 3, 31), [ChargeType.ONE_TIME])
    held = blank.get_invoice_schedule(schedule.number)
    assert held.billed_amount == Decimal("1200.00")
    assert held.unbilled_amount == Decimal("300.00")
    first_invoice = held.schedule_items[0].invoice_id
    # what is held back survives a snapshot
    copy = Engine.import_state(jsoncodec.loads(jsoncodec.dumps(blank.export_state())))
    assert copy.get_invoice_schedule(schedule.number).unbilled_amount == Decimal("300.00")
    # another run that excludes one-time charges bills nothing of it ...
    _account_run(blank, date(2026, 4, 30), [ChargeType.ONE_TIME])
    assert blank.get_invoice_schedule(schedule.number).unbilled_amount == Decimal("300.00")
    # ... a run that does not exclude them invoices the 300.00
    later = _account_run(blank, date(2026, 5, 31))
    documents = blank.list_bill_run_documents(later)
    assert [i.amount for i in documents.invoices] == [Decimal("300.00")]
    done = blank.get_invoice_schedule(schedule.number)
    assert done.billed_amount == Decimal("1500.00") and done.unbilled_amount == Decimal("0.00")
    assert done.schedule_items[0].invoice_id != first_invoice
