"""Issue 8 rules: unpost, cancel, reverse, bill run lists/documents/delete, bulk post, items.

Every refusal asserts the error class (and so the code's category) and that nothing changed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from backends import jsoncodec
from backends.errors import BusinessRuleError, NotFoundError, ValidationError
from backends.fake.engine import Engine
from backends.models import (
    BillRunFilter,
    BillRunFilterType,
    BillRunStatus,
    CreateBillRunRequest,
    DocumentStatus,
    InvoiceScheduleStatus,
    ScheduleItemStatus,
    SpecificSubscription,
)

from .conftest import new_order, new_schedule, refused

D = Decimal


def _generate(e: Engine, key: str) -> str:
    run = e.execute_invoice_schedule(key)
    e.run_pending()
    return run.id


def _invoice_of(e: Engine, key: str, position: int = 0) -> str:
    return e.get_invoice_schedule(key).schedule_items[position].invoice_id or ""


# --------------------------------------------------------------------------- unpost


def test_unpost_refused_unless_posted(engine: Engine) -> None:
    draft = _invoice_of(engine, "IS-00000002")
    with refused(engine, BusinessRuleError, match="only a Posted invoice can be unposted") as info:
        engine.unpost_invoice(draft)
    assert info.value.code == 59210030
    engine.cancel_invoice(draft)
    with refused(engine, BusinessRuleError, match="Canceled"):
        engine.unpost_invoice(draft)
    with refused(engine, NotFoundError):
        engine.unpost_invoice("INV09999999")


def test_unpost_takes_the_posted_run_back_to_completed(engine: Engine) -> None:
    item = engine.get_invoice_schedule("IS-00000005").schedule_items[1]
    run = engine.get_bill_run(item.bill_run_id or "")
    assert run.status is BillRunStatus.POSTED
    balance = engine.get_account(engine.get_invoice(item.invoice_id or "").account_id).balance
    unposted = engine.unpost_invoice(item.invoice_number or "")
    assert unposted.status is DocumentStatus.DRAFT and unposted.posted_date is None
    assert engine.get_bill_run(run.id).status is BillRunStatus.COMPLETED
    account = engine.get_account(unposted.account_id)
    assert account.balance == balance - unposted.amount
    engine.post_bill_run(run.id)
    assert engine.get_bill_run(run.id).status is BillRunStatus.POSTED


def _detachable(e: Engine) -> tuple[str, str, list[SpecificSubscription]]:
    """A schedule with its first item billed and posted, and the add-on charge to detach."""
    order = new_order(e, monthly="100.00", plans=2)  # 1,200 + 120
    schedule = new_schedule(
        e, order, [("440.00", date(2026, 3, 2)), ("440.00", date(2026, 6, 1)), ("440.00", None)]
    )
    e.post_bill_run(_generate(e, schedule.number))
    sub = e.get_subscription(e.get_order(order).subscriptions[0].subscription_number)
    addon = sub.rate_plans[1].rate_plan_charges[0].number
    spec = [
        SpecificSubscription(
            order_key=order, subscription_key=sub.subscription_number, charge_numbers=[addon]
        )
    ]
    return schedule.number, _invoice_of(e, schedule.number), spec


def test_unpost_refused_for_an_invoice_generated_before_a_detachment(blank: Engine) -> None:
    number, before, spec = _detachable(blank)
    blank.detach_charges(number, spec)
    with refused(blank, BusinessRuleError, match="before charges were detached"):
        blank.unpost_invoice(before)
    # an invoice generated after the detachment can be unposted
    blank.post_bill_run(_generate(blank, number))
    after = _invoice_of(blank, number, 1)
    assert blank.unpost_invoice(after).status is DocumentStatus.DRAFT
    # and attaching the charges again does not make the earlier invoice unpostable
    blank.cancel_invoice(after)
    blank.attach_charges(number, spec)
    with refused(blank, BusinessRuleError, match="before charges were detached"):
        blank.unpost_invoice(before)


def test_detach_time_survives_a_state_round_trip(blank: Engine) -> None:
    number, before, spec = _detachable(blank)
    blank.detach_charges(number, spec)
    copy = Engine.import_state(jsoncodec.loads(jsoncodec.dumps(blank.export_state())))
    with refused(copy, BusinessRuleError, match="before charges were detached"):
        copy.unpost_invoice(before)


def test_unpost_credit_memo(engine: Engine) -> None:
    run_id = _generate(engine, "IS-00000004")
    memo_number = (
        engine.get_invoice_schedule("IS-00000004").schedule_items[-1].credit_memo_number or ""
    )
    with refused(engine, BusinessRuleError, match="only a Posted credit memo can be unposted"):
        engine.unpost_credit_memo(memo_number)
    engine.post_credit_memo(memo_number)
    assert engine.get_bill_run(run_id).status is BillRunStatus.POSTED
    memo = engine.unpost_credit_memo(memo_number)
    assert memo.status is DocumentStatus.DRAFT and memo.posted_on is None
    assert engine.get_bill_run(run_id).status is BillRunStatus.COMPLETED
    with refused(engine, NotFoundError):
        engine.unpost_credit_memo("CM09999999")


# --------------------------------------------------------------------------- cancel


def test_cancel_draft_puts_the_item_back_and_it_can_be_generated_again(engine: Engine) -> None:
    before = engine.get_invoice_schedule("IS-00000002")
    item = before.schedule_items[0]
    assert before.status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    canceled = engine.cancel_invoice(item.invoice_number or "")
    assert canceled.status is DocumentStatus.CANCELED
    after = engine.get_invoice_schedule("IS-00000002")
    back = after.schedule_items[0]
    assert back.status is ScheduleItemStatus.PENDING and back.invoice_id is None
    assert back.bill_run_id is None
    assert after.status is InvoiceScheduleStatus.PENDING
    assert after.billed_amount == D("0.00") and after.unbilled_amount == before.actual_amount
    assert after.next_run_date == back.run_date
    # the run lost its only live document and stays Completed
    assert engine.get_bill_run(item.bill_run_id or "").status is BillRunStatus.COMPLETED
    _generate(engine, "IS-00000002")
    again = engine.get_invoice_schedule("IS-00000002")
    assert again.schedule_items[0].status is ScheduleItemStatus.PROCESSED
    assert again.schedule_items[0].invoice_id not in {None, item.invoice_id}
    assert again.billed_amount == before.billed_amount


def test_cancel_refused_unless_draft(engine: Engine) -> None:
    posted = _invoice_of(engine, "IS-00000005")
    with refused(engine, BusinessRuleError, match="only a Draft invoice can be cancelled"):
        engine.cancel_invoice(posted)


def test_cancel_last_draft_of_a_completed_run_with_posted_ones_posts_the_run(
    blank: Engine,
) -> None:
    first, second = new_order(blank), new_order(blank)
    s1 = new_schedule(blank, first, [("1200.00", date(2026, 3, 1))])
    s2 = new_schedule(blank, second, [("1200.00", date(2026, 3, 1))])
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
    blank.post_invoice(_invoice_of(blank, s1.number))
    assert blank.get_bill_run(run.id).status is BillRunStatus.COMPLETED
    blank.cancel_invoice(_invoice_of(blank, s2.number))
    assert blank.get_bill_run(run.id).status is BillRunStatus.POSTED


# --------------------------------------------------------------------------- reverse


def test_reverse_the_only_processed_item_takes_the_schedule_back_to_pending(
    engine: Engine,
) -> None:
    schedule = engine.get_invoice_schedule("IS-00000009")
    item = schedule.schedule_items[0]
    invoice = engine.get_invoice(item.invoice_id or "")
    run_status = engine.get_bill_run(item.bill_run_id or "").status
    balance = engine.get_account(invoice.account_id).balance
    memo = engine.reverse_invoice(invoice.invoice_number, memo_date=date(2026, 3, 5))
    assert memo.status is DocumentStatus.POSTED and memo.amount == invoice.amount
    assert memo.referred_invoice_id == invoice.id and memo.credit_memo_date == date(2026, 3, 5)
    assert memo.applied_amount == invoice.amount and memo.unapplied_amount == D("0.00")
    assert memo.bill_run_id is None
    reversed_ = engine.get_invoice(invoice.id)
    assert reversed_.reversed and reversed_.status is DocumentStatus.POSTED
    assert reversed_.balance == D("0.00") and reversed_.credit_memo_amount == invoice.amount
    assert engine.get_account(invoice.account_id).balance == balance - invoice.amount
    after = engine.get_invoice_schedule("IS-00000009")
    assert after.status is InvoiceScheduleStatus.PENDING
    assert after.schedule_items[0].status is ScheduleItemStatus.PENDING
    assert after.schedule_items[0].invoice_id is None
    assert after.billed_amount == D("0.00") and after.unbilled_amount == schedule.actual_amount
    assert after.next_run_date == item.run_date
    assert engine.get_bill_run(item.bill_run_id or "").status is run_status
    assert engine.get_credit_memo(memo.number).id == memo.id


def test_reverse_on_a_fully_processed_schedule_makes_it_partially_processed(
    engine: Engine,
) -> None:
    before = engine.get_invoice_schedule("IS-00000005")
    last = before.schedule_items[-1]
    engine.reverse_invoice(last.invoice_id or "")
    after = engine.get_invoice_schedule("IS-00000005")
    assert after.status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    assert after.schedule_items[-1].status is ScheduleItemStatus.PENDING
    assert after.billed_amount == before.billed_amount - last.actual_amount
    assert after.actual_amount == before.actual_amount
    # the item bills again
    _generate(engine, "IS-00000005")
    again = engine.get_invoice_schedule("IS-00000005")
    assert again.status is InvoiceScheduleStatus.FULLY_PROCESSED
    assert again.billed_amount == before.billed_amount


def test_reverse_refusals(engine: Engine) -> None:
    draft = _invoice_of(engine, "IS-00000002")
    with refused(engine, BusinessRuleError, match="cancel a Draft invoice instead"):
        engine.reverse_invoice(draft)
    posted = engine.get_invoice(_invoice_of(engine, "IS-00000009"))
    with refused(engine, ValidationError, match="before"):
        engine.reverse_invoice(posted.id, memo_date=date(2020, 1, 1))
    memo = engine.reverse_invoice(posted.id)
    with refused(engine, BusinessRuleError, match="already reversed"):
        engine.reverse_invoice(posted.id)
    with refused(engine, BusinessRuleError, match="reversed by a credit memo"):
        engine.unpost_invoice(posted.id)
    with refused(engine, BusinessRuleError, match="applied"):
        engine.unpost_credit_memo(memo.number)
    with refused(engine, NotFoundError):
        engine.reverse_invoice("INV09999999")


# --------------------------------------------------------------------------- bill run lists


def test_list_bill_runs_newest_first_with_filters_and_stable_paging(engine: Engine) -> None:
    everything = engine.list_bill_runs(page_size=1000).items
    numbers = [r.bill_run_number for r in everything]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) >= 5
    first = engine.list_bill_runs(page_size=2)
    assert [r.bill_run_number for r in first.items] == numbers[:2]
    new = engine.execute_invoice_schedule("IS-00000001")  # a newer run does not shift pages
    seen = [r.bill_run_number for r in first.items]
    cursor = first.next_cursor
    while cursor is not None:
        page = engine.list_bill_runs(page_size=2, cursor=cursor)
        seen.extend(r.bill_run_number for r in page.items)
        cursor = page.next_cursor
    assert seen == numbers
    assert engine.list_bill_runs(page_size=1).items[0].id == new.id

    posted = engine.list_bill_runs(status=BillRunStatus.POSTED, page_size=1000).items
    assert posted and all(r.status is BillRunStatus.POSTED for r in posted)
    account = engine.get_account("A00000001")
    mine = engine.list_bill_runs(account_id=account.account_number).items
    assert [r.id for r in mine] == [new.id]
    assert engine.list_bill_runs(account_id="A09999999").items == []
    with refused(engine, ValidationError):
        engine.list_bill_runs(cursor="bogus")
    with refused(engine, ValidationError):
        engine.list_bill_runs(page_size=0)


def test_bill_run_documents(engine: Engine) -> None:
    run_id = _generate(engine, "IS-00000004")
    credit = engine.list_bill_run_documents(run_id)
    assert credit.invoices == [] and [m.amount for m in credit.credit_memos] == [D("200.00")]
    item = engine.get_invoice_schedule("IS-00000002").schedule_items[0]
    docs = engine.list_bill_run_documents(item.bill_run_id or "")
    assert [i.invoice_number for i in docs.invoices] == [item.invoice_number]
    assert docs.credit_memos == []
    with refused(engine, NotFoundError):
        engine.list_bill_run_documents("f" * 32)


# --------------------------------------------------------------------------- delete


def test_delete_only_canceled_or_error_runs(engine: Engine) -> None:
    item = engine.get_invoice_schedule("IS-00000002").schedule_items[0]
    run_id = item.bill_run_id or ""
    with refused(engine, BusinessRuleError, match="only a Canceled or Error bill run"):
        engine.delete_bill_run(run_id)
    posted = engine.get_invoice_schedule("IS-00000005").schedule_items[0].bill_run_id or ""
    with refused(engine, BusinessRuleError, match="Posted"):
        engine.delete_bill_run(posted)
    with refused(engine, NotFoundError):
        engine.delete_bill_run("f" * 32)

    engine.cancel_bill_run(run_id)
    engine.delete_bill_run(run_id)
    with refused(engine, NotFoundError):
        engine.get_bill_run(run_id)
    with refused(engine, NotFoundError):
        engine.get_invoice(item.invoice_number or "")
    assert run_id not in {r.id for r in engine.list_bill_runs(page_size=1000).items}
    schedule = engine.get_invoice_schedule("IS-00000002")
    assert schedule.status is InvoiceScheduleStatus.PENDING
    assert all(i.bill_run_id != run_id for i in schedule.schedule_items)
    # the state still exports and imports
    Engine.import_state(jsoncodec.loads(jsoncodec.dumps(engine.export_state())))


def test_delete_a_canceled_credit_run_keeps_the_amounts(engine: Engine) -> None:
    run_id = _generate(engine, "IS-00000004")
    before = engine.get_invoice_schedule("IS-00000004")
    engine.cancel_bill_run(run_id)
    engine.delete_bill_run(run_id)
    after = engine.get_invoice_schedule("IS-00000004")
    assert after.schedule_items[-1].credit_memo_id is None
    assert after.schedule_items[-1].bill_run_id not in {None, run_id}
    assert after.billed_amount + after.unbilled_amount == after.actual_amount
    assert after.actual_amount == before.actual_amount + D("200.00")  # the credit is due again
    run_again = _generate(engine, "IS-00000004")
    assert [m.amount for m in engine.list_bill_run_documents(run_again).credit_memos] == [
        D("200.00")
    ]


def test_delete_a_canceled_pending_run(engine: Engine) -> None:
    run = engine.execute_invoice_schedule("IS-00000001")
    engine.cancel_bill_run(run.id)
    engine.delete_bill_run(run.id)
    assert engine.execute_invoice_schedule("IS-00000001").status is BillRunStatus.PENDING


# --------------------------------------------------------------------------- bulk post


def test_bulk_post_mixed_results(engine: Engine) -> None:
    draft = engine.get_invoice(_invoice_of(engine, "IS-00000002"))
    other = engine.get_invoice(_invoice_of(engine, "IS-00000010"))
    posted = engine.get_invoice(_invoice_of(engine, "IS-00000005"))
    keys = [draft.invoice_number, posted.invoice_number, "INV09999999", other.id, draft.id]
    results = engine.post_invoices(keys)
    assert [r.key for r in results] == keys
    assert [r.success for r in results] == [True, False, False, True, True]
    refusal = results[1]
    assert refusal.code == 59210020 and refusal.invoice_id == posted.id
    assert refusal.message and "Only invoices with Draft status can be posted" in refusal.message
    assert results[2].invoice_id is None and results[2].code == 59210040
    assert results[3].invoice_number == other.invoice_number
    assert results[4].invoice_number == draft.invoice_number  # the same invoice named twice
    assert engine.get_invoice(draft.id).status is DocumentStatus.POSTED
    assert engine.get_invoice(other.id).status is DocumentStatus.POSTED
    assert engine.post_invoices([]) == []


def test_bulk_post_takes_at_most_fifty(engine: Engine) -> None:
    with refused(engine, ValidationError, match="at most 50"):
        engine.post_invoices([_invoice_of(engine, "IS-00000002")] * 51)


# --------------------------------------------------------------------------- invoice items


def test_invoice_items_name_their_schedule_item(engine: Engine) -> None:
    schedule = engine.get_invoice_schedule("IS-00000002")
    item = schedule.schedule_items[0]
    (line,) = engine.get_invoice_items(item.invoice_number or "")
    assert line.invoice_schedule_id == schedule.id and line.invoice_schedule_item_id == item.id
    assert line.charge_amount == engine.get_invoice(item.invoice_id or "").amount
    assert line.subscription_number and line.charge_number
    assert engine.get_invoice_items(item.invoice_id or "") == [line]  # stable, and no write
    with refused(engine, NotFoundError):
        engine.get_invoice_items("INV09999999")
