"""Invoice schedule rules: create limits and sums, replace-style update, delete, pause/resume,
detach/attach."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backends.errors import BusinessRuleError, NotFoundError, ValidationError
from backends.fake.engine import Engine
from backends.models import (
    CreateInvoiceScheduleRequest,
    InvoiceScheduleStatus,
    ScheduleItemInput,
    ScheduleItemStatus,
    SpecificSubscription,
    UpdateInvoiceScheduleRequest,
)

from .conftest import TODAY, item_ids, items, new_order, refused

D = Decimal


def request(
    order: str, *pairs: tuple[str, date | None], account: str = "A00000001"
) -> CreateInvoiceScheduleRequest:
    return CreateInvoiceScheduleRequest(
        account_key=account, orders=[order], schedule_items=items(*pairs)
    )


# --------------------------------------------------------------------------- create


def test_create_makes_a_pending_schedule_over_the_orders_charges(blank: Engine) -> None:
    order = new_order(blank, monthly="100.00", one_time="300.00")  # 1,200 + 300
    schedule = blank.create_invoice_schedule(
        request(order, ("500.00", date(2026, 3, 10)), ("1000.00", date(2026, 9, 10)))
    )
    assert schedule.number == "IS-00000001" and len(schedule.id) == 32
    assert schedule.status is InvoiceScheduleStatus.PENDING
    assert (
        schedule.total_amount == schedule.actual_amount == schedule.unbilled_amount == D("1500.00")
    )
    assert schedule.billed_amount == D("0.00")
    assert schedule.next_run_date == date(2026, 3, 10)
    assert schedule.currency == "USD" and schedule.orders == [order]
    got = blank.get_order(order)
    assert got.invoice_schedule_id == schedule.id and got.invoice_schedule_number == schedule.number
    sub = blank.get_subscription(got.subscriptions[0].subscription_number)
    assert all(
        c.invoice_schedule_id == schedule.id for p in sub.rate_plans for c in p.rate_plan_charges
    )


def test_create_refuses_items_that_do_not_add_up(blank: Engine) -> None:
    order = new_order(blank)
    with refused(
        blank, ValidationError, match="add up to 1100.00 but the schedule's total is 1200.00"
    ):
        blank.create_invoice_schedule(request(order, ("600.00", None), ("500.00", None)))


def test_create_refuses_amount_and_percentage_together_or_neither(blank: Engine) -> None:
    order = new_order(blank)
    both = ScheduleItemInput(amount=D("1200.00"), percentage=D("100"))
    with refused(blank, ValidationError, match="not both"):
        blank.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key="A00000001", orders=[order], schedule_items=[both]
            )
        )
    with refused(blank, ValidationError, match="give an amount or a percentage"):
        blank.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key="A00000001", orders=[order], schedule_items=[ScheduleItemInput()]
            )
        )
    with refused(blank, ValidationError, match="percentage must be above 0"):
        blank.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key="A00000001",
                orders=[order],
                schedule_items=[ScheduleItemInput(percentage=D("0"))],
            )
        )


def test_create_percentages_must_cover_the_total(blank: Engine) -> None:
    order = new_order(blank)
    pct = [ScheduleItemInput(percentage=D("50")), ScheduleItemInput(percentage=D("40"))]
    with refused(blank, ValidationError, match="add up"):
        blank.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key="A00000001", orders=[order], schedule_items=pct
            )
        )
    thirds = [ScheduleItemInput(percentage=D("33.33"))] * 2 + [
        ScheduleItemInput(percentage=D("33.34"))
    ]
    schedule = blank.create_invoice_schedule(
        CreateInvoiceScheduleRequest(account_key="A00000001", orders=[order], schedule_items=thirds)
    )
    assert sum(i.amount for i in schedule.schedule_items) == D("1200.00")


def test_create_limits_items_and_orders(blank: Engine) -> None:
    order = new_order(blank, monthly=None, one_time="51.00")
    with refused(blank, ValidationError, match="at most 50 items"):
        blank.create_invoice_schedule(request(order, *[("1.00", None)] * 51))
    ok = blank.create_invoice_schedule(request(order, *[("1.02", None)] * 50))
    assert len(ok.schedule_items) == 50
    orders = [new_order(blank) for _ in range(11)]
    with refused(blank, ValidationError, match="at most 10 orders"):
        blank.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key="A00000001", orders=orders, schedule_items=items(("13200.00", None))
            )
        )
    with refused(blank, ValidationError, match="at least one order"):
        blank.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key="A00000001", orders=[], schedule_items=items(("1.00", None))
            )
        )
    with refused(blank, ValidationError, match="at least one schedule item"):
        blank.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key="A00000001", orders=[orders[0]], schedule_items=[]
            )
        )


def test_create_limits_subscriptions_to_300(blank: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from backends.fake.engine import schedules

    monkeypatch.setattr(schedules, "MAX_SUBSCRIPTIONS", 1)
    first, second = new_order(blank), new_order(blank)
    with refused(blank, ValidationError, match="at most 1 subscriptions"):
        blank.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key="A00000001",
                orders=[first, second],
                schedule_items=items(("2400.00", None)),
            )
        )


def test_create_refuses_unknown_or_foreign_keys(blank: Engine) -> None:
    order = new_order(blank)
    with refused(blank, NotFoundError, match="No account A00000099"):
        blank.create_invoice_schedule(request(order, ("1200.00", None), account="A00000099"))
    with refused(blank, NotFoundError, match="No order O-00000099"):
        blank.create_invoice_schedule(request("O-00000099", ("1200.00", None)))
    with refused(blank, ValidationError, match="belongs to A00000001, not to A00000002"):
        blank.create_invoice_schedule(request(order, ("1200.00", None), account="A00000002"))


def test_create_refuses_run_dates_out_of_order(blank: Engine) -> None:
    order = new_order(blank)
    with refused(blank, ValidationError, match="chronological"):
        blank.create_invoice_schedule(
            request(order, ("600.00", date(2026, 5, 1)), ("600.00", date(2026, 4, 1)))
        )
    with refused(blank, ValidationError, match="blank run dates must come last"):
        blank.create_invoice_schedule(
            request(order, ("600.00", None), ("600.00", date(2026, 4, 1)))
        )


def test_a_charge_belongs_to_one_schedule(blank: Engine) -> None:
    order = new_order(blank)
    blank.create_invoice_schedule(request(order, ("1200.00", None)))
    with refused(blank, BusinessRuleError, match="already billed by invoice schedule IS-00000001"):
        blank.create_invoice_schedule(request(order, ("1200.00", None)))


def test_specific_subscriptions_restrict_the_charges(blank: Engine) -> None:
    order = new_order(blank, monthly="100.00", one_time="300.00")
    sub = blank.get_order(order).subscriptions[0].subscription_number
    charges = blank.get_subscription(sub).rate_plans[0].rate_plan_charges
    setup = next(c.number for c in charges if c.name == "Setup")
    schedule = blank.create_invoice_schedule(
        CreateInvoiceScheduleRequest(
            account_key="A00000001",
            orders=[order],
            specific_subscriptions=[
                SpecificSubscription(order_key=order, subscription_key=sub, charge_numbers=[setup])
            ],
            schedule_items=items(("300.00", None)),
        )
    )
    assert schedule.total_amount == D("300.00")
    with refused(blank, ValidationError, match="not among the schedule's orders"):
        blank.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key="A00000001",
                orders=[order],
                specific_subscriptions=[
                    SpecificSubscription(order_key="O-00000777", subscription_key=sub)
                ],
                schedule_items=items(("1200.00", None)),
            )
        )


def test_create_is_idempotent_by_key(blank: Engine) -> None:
    order = new_order(blank)
    first = blank.create_invoice_schedule(request(order, ("1200.00", None)), idempotency_key="x")
    again = blank.create_invoice_schedule(request(order, ("1200.00", None)), idempotency_key="x")
    assert again.id == first.id


# --------------------------------------------------------------------------- update


def test_update_replaces_the_item_list(engine: Engine) -> None:
    ids = item_ids(engine, "IS-00000001")
    updated = engine.update_invoice_schedule(
        "IS-00000001",
        UpdateInvoiceScheduleRequest(
            notes="re-planned",
            schedule_items=[
                ScheduleItemInput(id=ids[0], amount=D("1500.00"), run_date=date(2026, 3, 2)),
                ScheduleItemInput(amount=D("1500.00"), run_date=date(2026, 6, 1)),
            ],
        ),
    )
    assert updated.notes == "re-planned"
    assert [i.amount for i in updated.schedule_items] == [D("1500.00"), D("1500.00")]
    assert updated.schedule_items[0].id == ids[0]
    assert ids[1] not in {i.id for i in updated.schedule_items}  # not mentioned: deleted
    assert updated.next_run_date == date(2026, 3, 2)


def test_update_keeps_values_of_items_sent_by_id_only(engine: Engine) -> None:
    ids = item_ids(engine, "IS-00000001")
    before = engine.get_invoice_schedule("IS-00000001")
    after = engine.update_invoice_schedule(
        "IS-00000001",
        UpdateInvoiceScheduleRequest(
            schedule_items=[
                ScheduleItemInput(id=i.id, run_date=i.run_date) for i in before.schedule_items
            ]
        ),
    )
    assert [i.amount for i in after.schedule_items] == [i.amount for i in before.schedule_items]
    assert [i.id for i in after.schedule_items] == ids


def test_update_refuses_to_drop_or_change_a_processed_item(engine: Engine) -> None:
    ids = item_ids(engine, "IS-00000002")
    with refused(engine, BusinessRuleError, match="is Processed: it cannot be removed"):
        engine.update_invoice_schedule(
            "IS-00000002",
            UpdateInvoiceScheduleRequest(
                schedule_items=[
                    ScheduleItemInput(id=ids[1], amount=D("3000.00"), run_date=date(2026, 6, 1)),
                    ScheduleItemInput(id=ids[2], amount=D("3000.00"), run_date=date(2026, 10, 1)),
                ]
            ),
        )
    with refused(engine, BusinessRuleError, match="only Pending items can change"):
        engine.update_invoice_schedule(
            "IS-00000002",
            UpdateInvoiceScheduleRequest(
                schedule_items=[
                    ScheduleItemInput(id=ids[0], amount=D("2500.00"), run_date=date(2026, 2, 1)),
                    ScheduleItemInput(id=ids[1], amount=D("1500.00"), run_date=date(2026, 6, 1)),
                    ScheduleItemInput(id=ids[2], amount=D("2000.00"), run_date=date(2026, 10, 1)),
                ]
            ),
        )


def test_update_of_pending_items_on_a_partially_processed_schedule(engine: Engine) -> None:
    ids = item_ids(engine, "IS-00000002")
    after = engine.update_invoice_schedule(
        "IS-00000002",
        UpdateInvoiceScheduleRequest(
            schedule_items=[
                ScheduleItemInput(id=ids[0], amount=D("2000.00"), run_date=date(2026, 2, 1)),
                ScheduleItemInput(id=ids[1], amount=D("1000.00"), run_date=date(2026, 5, 1)),
                ScheduleItemInput(id=ids[2], amount=D("3000.00"), run_date=date(2026, 10, 1)),
            ]
        ),
    )
    assert after.status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    assert after.next_run_date == date(2026, 5, 1)
    assert after.unbilled_amount == D("4000.00")


def test_update_orders_only_while_pending(engine: Engine) -> None:
    with refused(engine, BusinessRuleError, match="change only while the schedule is Pending"):
        engine.update_invoice_schedule(
            "IS-00000002", UpdateInvoiceScheduleRequest(orders=["O-00000016"])
        )


def test_update_orders_on_a_pending_schedule_changes_the_total(blank: Engine) -> None:
    first, second = new_order(blank), new_order(blank, monthly="50.00")
    schedule = blank.create_invoice_schedule(request(first, ("1200.00", None)))
    with refused(blank, ValidationError, match="add up"):
        blank.update_invoice_schedule(
            schedule.number, UpdateInvoiceScheduleRequest(orders=[first, second])
        )
    after = blank.update_invoice_schedule(
        schedule.number,
        UpdateInvoiceScheduleRequest(
            orders=[first, second], schedule_items=items(("1800.00", None))
        ),
    )
    assert after.orders == [first, second] and after.total_amount == D("1800.00")
    assert blank.list_invoice_schedules(order_number=second).items[0].number == schedule.number


def test_update_next_run_date_overrides_until_the_item_runs(engine: Engine) -> None:
    after = engine.update_invoice_schedule(
        "IS-00000001", UpdateInvoiceScheduleRequest(next_run_date=date(2026, 3, 20))
    )
    assert after.next_run_date == date(2026, 3, 20)
    engine.execute_invoice_schedule("IS-00000001")
    engine.run_pending()
    assert engine.get_invoice_schedule("IS-00000001").next_run_date == date(2026, 4, 1)


# --------------------------------------------------------------------------- delete


def test_delete_a_pending_schedule(engine: Engine) -> None:
    engine.delete_invoice_schedule("IS-00000001")
    with refused(engine, NotFoundError):
        engine.get_invoice_schedule("IS-00000001")
    order = engine.get_order("O-00000001")
    assert order.invoice_schedule_id is None and order.invoice_schedule_number is None
    # its charges are free again: a new schedule may bill them
    again = engine.create_invoice_schedule(request("O-00000001", ("3000.00", None)))
    assert again.total_amount == D("3000.00")


@pytest.mark.parametrize("key", ["IS-00000002", "IS-00000003", "IS-00000004"])
def test_delete_refuses_anything_but_pending(engine: Engine, key: str) -> None:
    with refused(engine, BusinessRuleError, match="only a Pending schedule can be deleted"):
        engine.delete_invoice_schedule(key)


def test_delete_refuses_while_an_item_executes(engine: Engine) -> None:
    with refused(engine, BusinessRuleError, match="Executing"):
        engine.delete_invoice_schedule("IS-00000007")


# --------------------------------------------------------------------------- pause / resume


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("IS-00000001", InvoiceScheduleStatus.PENDING),
        ("IS-00000002", InvoiceScheduleStatus.PARTIALLY_PROCESSED),
        ("IS-00000005", InvoiceScheduleStatus.FULLY_PROCESSED),
    ],
)
def test_pause_from_any_status_and_resume_restores_it(
    engine: Engine, key: str, status: InvoiceScheduleStatus
) -> None:
    assert engine.pause_invoice_schedule(key).status is InvoiceScheduleStatus.PAUSED
    assert engine.get_invoice_schedule(key).status is InvoiceScheduleStatus.PAUSED
    assert engine.resume_invoice_schedule(key).status is status


def test_resume_the_paused_demo_schedule_restores_partially_processed(engine: Engine) -> None:
    resumed = engine.resume_invoice_schedule("IS-00000003")
    assert resumed.status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    run = engine.execute_invoice_schedule("IS-00000003")
    assert run.target_date == date(2026, 5, 15)


def test_resume_refuses_a_schedule_that_is_not_paused(engine: Engine) -> None:
    with refused(engine, BusinessRuleError, match="only a Paused schedule can be resumed"):
        engine.resume_invoice_schedule("IS-00000001")


def test_pause_refuses_an_already_paused_schedule(engine: Engine) -> None:
    with refused(engine, BusinessRuleError, match="already Paused"):
        engine.pause_invoice_schedule("IS-00000003")


# --------------------------------------------------------------------------- detach / attach


def _spec(e: Engine, order: str) -> list[SpecificSubscription]:
    sub = e.get_order(order).subscriptions[0].subscription_number
    return [SpecificSubscription(order_key=order, subscription_key=sub)]


def test_detach_only_on_processed_schedules(engine: Engine) -> None:
    with refused(engine, BusinessRuleError, match="only on a PartiallyProcessed or FullyProcessed"):
        engine.detach_charges("IS-00000001", _spec(engine, "O-00000001"))
    with refused(engine, BusinessRuleError, match="Paused"):
        engine.detach_charges("IS-00000003", _spec(engine, "O-00000003"))


def test_detach_needs_every_invoice_posted(engine: Engine) -> None:
    with refused(engine, BusinessRuleError, match="is Draft: post every invoice"):
        engine.detach_charges("IS-00000002", _spec(engine, "O-00000002"))


def test_detach_and_attach_again(blank: Engine) -> None:
    order = new_order(blank, monthly="100.00", plans=2)  # 1,200 + 120
    schedule = blank.create_invoice_schedule(
        request(order, ("660.00", date(2026, 3, 2)), ("660.00", date(2026, 9, 1)))
    )
    run = blank.execute_invoice_schedule(schedule.number)
    blank.run_pending()
    blank.post_bill_run(run.id)
    sub = blank.get_subscription(blank.get_order(order).subscriptions[0].subscription_number)
    addon = sub.rate_plans[1].rate_plan_charges[0].number
    spec = [
        SpecificSubscription(
            order_key=order, subscription_key=sub.subscription_number, charge_numbers=[addon]
        )
    ]
    detached = blank.detach_charges(schedule.number, spec)
    assert detached.actual_amount == D("1200.00")
    assert detached.schedule_items[1].actual_amount == D("540.00")
    assert (
        blank.get_subscription(sub.subscription_number)
        .rate_plans[1]
        .rate_plan_charges[0]
        .invoice_schedule_id
        is None
    )
    with refused(blank, BusinessRuleError, match="cannot be moved"):
        blank.detach_charges(schedule.number, spec)  # already detached
    attached = blank.attach_charges(schedule.number, spec)
    assert attached.actual_amount == D("1320.00")
    with refused(blank, BusinessRuleError, match="cannot be moved"):
        blank.attach_charges(schedule.number, spec)  # not detached any more


def test_attach_refused_after_items_were_processed_since_detaching(blank: Engine) -> None:
    order = new_order(blank, monthly="100.00", plans=2)
    schedule = blank.create_invoice_schedule(
        request(order, ("660.00", date(2026, 3, 2)), ("660.00", date(2026, 9, 1)))
    )
    run = blank.execute_invoice_schedule(schedule.number)
    blank.run_pending()
    blank.post_bill_run(run.id)
    sub = blank.get_subscription(blank.get_order(order).subscriptions[0].subscription_number)
    addon = sub.rate_plans[1].rate_plan_charges[0].number
    spec = [
        SpecificSubscription(
            order_key=order, subscription_key=sub.subscription_number, charge_numbers=[addon]
        )
    ]
    blank.detach_charges(schedule.number, spec)
    blank.execute_invoice_schedule(schedule.number)
    blank.run_pending()
    with refused(blank, BusinessRuleError, match="processed items since"):
        blank.attach_charges(schedule.number, spec)


def test_unknown_schedule_is_not_found(engine: Engine) -> None:
    for call in (
        lambda: engine.get_invoice_schedule("IS-09999999"),
        lambda: engine.pause_invoice_schedule("IS-09999999"),
        lambda: engine.resume_invoice_schedule("IS-09999999"),
        lambda: engine.delete_invoice_schedule("IS-09999999"),
        lambda: engine.update_invoice_schedule(
            "IS-09999999", UpdateInvoiceScheduleRequest(notes="x")
        ),
    ):
        with refused(engine, NotFoundError, match="IS-09999999"):
            call()


def test_keys_accept_id_or_number(engine: Engine) -> None:
    schedule = engine.get_invoice_schedule("IS-00000002")
    assert engine.get_invoice_schedule(schedule.id).number == "IS-00000002"
    item = schedule.schedule_items[0]
    assert item.status is ScheduleItemStatus.PROCESSED and item.invoice_id
    assert engine.get_invoice(item.invoice_id).invoice_number == item.invoice_number
    account = engine.get_account("A00000002")
    assert engine.get_account(account.id).account_number == "A00000002"
    assert engine.today == TODAY
