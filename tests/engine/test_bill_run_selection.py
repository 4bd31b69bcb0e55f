"""Which accounts and items a bill run bills (backends/fake/engine/billing.py), as properties:
one run never bills an account's item twice, never bills past its target date, never invoices
an excluded charge type, and bills only accounts its filter selects."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from backends.fake.engine import Engine
from backends.fake.engine.orders import ChargeSpec, SubscriptionSpec
from backends.models import (
    ALL_BATCHES,
    ALL_BILL_CYCLE_DAYS,
    BillRunFilter,
    BillRunFilterType,
    BillRunSchedule,
    BillRunStatus,
    ChargeType,
    CreateBillRunRequest,
    CreateInvoiceScheduleRequest,
    DocumentStatus,
    RepeatType,
    ScheduleItemInput,
    ScheduleItemStatus,
)

from .conftest import TODAY

_PERCENTAGES = ([Decimal(100)], [Decimal(50), Decimal(50)], [Decimal(30), Decimal(30), Decimal(40)])


@st.composite
def tenants(draw: st.DrawFn) -> tuple[Engine, dict[str, list[ChargeType]]]:
    """A few accounts in batches and bill cycle days, each with schedules of mixed charge
    types, some paused; returns the engine and each schedule's charge types."""
    e = Engine(seed="selection", today=TODAY)
    kinds: dict[str, list[ChargeType]] = {}
    for n in range(draw(st.integers(1, 4))):
        account = e.create_account(
            f"Customer {n}",
            "USD",
            bill_cycle_day=draw(st.sampled_from([1, 15])),
            batch=draw(st.sampled_from(["Batch1", "Batch2", "Batch3"])),
        ).account_number
        for _ in range(draw(st.integers(0, 2))):
            charges = [ChargeSpec("Monthly", Decimal("100.00"))]
            if draw(st.booleans()):
                charges.append(ChargeSpec("Setup", Decimal("50.00"), type=ChargeType.ONE_TIME))
            if draw(st.booleans()):
                charges = charges[1:] or charges
            order = e.create_subscriptions(
                account,
                [SubscriptionSpec("Product", tuple(charges), term_start=TODAY, term_months=12)],
                order_date=TODAY,
            ).order_number
            shares = draw(st.sampled_from(_PERCENTAGES))
            offsets = sorted(
                draw(st.lists(st.integers(0, 120), min_size=len(shares), max_size=len(shares)))
            )
            schedule = e.create_invoice_schedule(
                CreateInvoiceScheduleRequest(
                    account_key=account,
                    orders=[order],
                    schedule_items=[
                        ScheduleItemInput(percentage=p, run_date=TODAY + timedelta(days=d))
                        for p, d in zip(shares, offsets, strict=True)
                    ],
                )
            )
            kinds[schedule.id] = [c.type for c in charges]
            if draw(st.booleans()):
                e.pause_invoice_schedule(schedule.number)
    return e, kinds


@st.composite
def requests(draw: st.DrawFn, e: Engine) -> CreateBillRunRequest:
    target = TODAY + timedelta(days=draw(st.integers(0, 150)))
    exclude = draw(st.lists(st.sampled_from(list(ChargeType)), max_size=2, unique=True))
    who = draw(st.sampled_from(["all", "batches", "accounts"]))
    accounts = e.list_accounts()
    if who == "batches":
        batches = draw(
            st.one_of(
                st.just([ALL_BATCHES]),
                st.lists(st.sampled_from(["Batch1", "Batch2", "Batch3"]), min_size=1, unique=True),
            )
        )
        day = draw(st.sampled_from([None, ALL_BILL_CYCLE_DAYS, "1", "15"]))
        return CreateBillRunRequest(
            target_date=target, batches=batches, bill_cycle_day=day, charge_type_to_exclude=exclude
        )
    if who == "accounts":
        chosen = draw(st.lists(st.sampled_from(accounts), min_size=1, max_size=3))
        return CreateBillRunRequest(
            target_date=target,
            bill_run_filters=[
                BillRunFilter(filter_type=BillRunFilterType.ACCOUNT, account_id=a.account_number)
                for a in chosen
            ],
            charge_type_to_exclude=exclude,
        )
    return CreateBillRunRequest(target_date=target, charge_type_to_exclude=exclude)


def _selected(e: Engine, request: CreateBillRunRequest) -> set[str]:
    accounts = e.list_accounts()
    if request.bill_run_filters:
        named = {f.account_id for f in request.bill_run_filters}
        return {a.id for a in accounts if a.account_number in named or a.id in named}
    keep = set()
    for a in accounts:
        if (
            request.batches
            and ALL_BATCHES not in request.batches
            and a.batch not in request.batches
        ):
            continue
        day = request.bill_cycle_day
        if day not in (None, ALL_BILL_CYCLE_DAYS) and a.bill_cycle_day != int(str(day)):
            continue
        keep.add(a.id)
    return keep


@given(data=st.data(), tenant=tenants())
def test_a_run_bills_its_selection_once_up_to_its_target_and_never_an_excluded_type(
    data: st.DataObject, tenant: tuple[Engine, dict[str, list[ChargeType]]]
) -> None:
    e, kinds = tenant
    request = data.draw(requests(e))
    before = {s: e.get_invoice_schedule(s) for s in kinds}
    run = e.create_bill_run(request)
    e.run_pending()
    assert e.get_bill_run(run.id).status is BillRunStatus.COMPLETED
    invoices = list(e.list_bill_run_documents(run.id).invoices)
    selected = _selected(e, request)
    billed_items: list[str] = []
    for invoice in invoices:
        assert invoice.status is DocumentStatus.DRAFT
        assert invoice.account_id in selected, "billed an account the filter does not select"
        line = e.get_invoice_items(invoice.id)[0]
        assert line.invoice_schedule_id in kinds and line.invoice_schedule_item_id
        billed_items.append(line.invoice_schedule_item_id)
        item = before[line.invoice_schedule_id].item(line.invoice_schedule_item_id)
        assert item is not None and item.status is ScheduleItemStatus.PENDING
        assert item.run_date is not None and item.run_date <= request.target_date
        types = set(kinds[line.invoice_schedule_id])
        assert not types <= set(request.charge_type_to_exclude), "invoiced an excluded type"
        if types & set(request.charge_type_to_exclude):
            # only the share of the charges that are not excluded is invoiced
            assert invoice.amount < item.actual_amount
        else:
            assert invoice.amount == item.actual_amount
    assert len(billed_items) == len(set(billed_items)), "an item was billed twice by one run"
    # every due item of a selected account's schedule that is not paused was billed (or held
    # back whole because its charges are all excluded)
    for sid, schedule in before.items():
        if schedule.account_id not in selected or schedule.status.value == "Paused":
            continue
        if set(kinds[sid]) <= set(request.charge_type_to_exclude):
            continue
        due = [
            i.id
            for i in schedule.schedule_items
            if i.run_date is not None and i.run_date <= request.target_date
        ]
        assert set(due) <= set(billed_items)


@given(tenant=tenants(), offset=st.integers(0, 40), days=st.integers(1, 10))
def test_a_daily_schedule_starts_one_run_a_day_and_bills_nothing_twice(
    tenant: tuple[Engine, dict[str, list[ChargeType]]], offset: int, days: int
) -> None:
    e, _ = tenant
    waiting = e.create_bill_run(
        CreateBillRunRequest(
            name="Daily",
            schedule=BillRunSchedule(repeat_type=RepeatType.DAILY, repeat_from=TODAY, run_time=6),
            target_date_offset=offset,
        )
    )
    moved = e.advance(TODAY + timedelta(days=days))
    started = [r for r in moved.started_bill_runs if r.name == "Daily"]
    assert [r.target_date for r in started] == [
        TODAY + timedelta(days=n + offset) for n in range(days + 1)
    ]
    assert started[0].id == waiting.id
    assert len({r.bill_run_number for r in started}) == len(started)
    items: list[str] = []
    for run in started:
        for invoice in e.list_bill_run_documents(run.id).invoices:
            line = e.get_invoice_items(invoice.id)[0]
            assert line.invoice_schedule_item_id not in items
            items.append(str(line.invoice_schedule_item_id))


def test_weekly_and_monthly_occurrences() -> None:
    from backends.fake.engine.billing import occurrence_on_or_after

    weekly = BillRunSchedule(
        repeat_type=RepeatType.WEEKLY,
        repeat_from=date(2026, 3, 2),
        run_time=0,
        weekly_on_day=["Fri"],
    )
    assert occurrence_on_or_after(weekly, date(2026, 3, 2)) == date(2026, 3, 6)
    end = BillRunSchedule(
        repeat_type=RepeatType.MONTHLY,
        repeat_from=date(2026, 1, 31),
        run_time=23,
        monthly_on_end_of_month=True,
        repeat_to=date(2026, 3, 30),
    )
    assert occurrence_on_or_after(end, date(2026, 2, 1)) == date(2026, 2, 28)
    assert occurrence_on_or_after(end, date(2026, 3, 1)) is None  # 31 March is past repeatTo
    monthly = BillRunSchedule(
        repeat_type=RepeatType.MONTHLY, repeat_from=date(2026, 1, 31), run_time=5
    )
    assert occurrence_on_or_after(monthly, date(2026, 2, 1)) == date(2026, 2, 28)
    once = BillRunSchedule(repeat_type=RepeatType.NONE, repeat_from=date(2026, 3, 5), run_time=5)
    assert occurrence_on_or_after(once, date(2026, 3, 6)) is None


def test_a_run_of_several_accounts_shows_its_progress_account_by_account() -> None:
    e = Engine(seed="progress", today=TODAY)
    for n in range(3):
        account = e.create_account(f"Customer {n}", "USD").account_number
        order = e.create_subscriptions(
            account,
            [
                SubscriptionSpec(
                    "Product",
                    (ChargeSpec("Monthly", Decimal("100.00")),),
                    term_start=TODAY,
                    term_months=12,
                )
            ],
            order_date=TODAY,
        ).order_number
        e.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key=account,
                orders=[order],
                schedule_items=[ScheduleItemInput(percentage=Decimal(100), run_date=TODAY)],
            )
        )
    run = e.create_bill_run(CreateBillRunRequest(batches=[ALL_BATCHES], target_date=TODAY))
    seen = []
    while e.step_bill_run(run.id):
        progress = e.get_bill_run_progress(run.id)
        seen.append((progress.status, progress.accounts_processed, progress.number_of_invoices))
    assert seen == [
        (BillRunStatus.PROCESSING, 0, 0),
        (BillRunStatus.PROCESSING, 1, 1),
        (BillRunStatus.PROCESSING, 2, 2),
        (BillRunStatus.COMPLETED, 3, 3),
    ]
    done = e.get_bill_run(run.id)
    assert (done.number_of_accounts, done.number_of_invoices) == (3, 3)
    assert e.get_bill_run_progress(run.id).invoice_total == Decimal("3600.00")
