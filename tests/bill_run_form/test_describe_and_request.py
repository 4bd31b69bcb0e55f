"""The operator's words, the billing-in-advance line, the request, and the first run date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backends.fake.engine.billing import occurrence_on_or_after
from backends.models import (
    ALL_BATCHES,
    BillRunFilterType,
    BillRunSchedule,
    ChargeType,
    RepeatType,
    Weekday,
)
from tui.bill_run_form.describe import advance_line, describe, schedule_words, who_words
from tui.bill_run_form.occurrence import first_run
from tui.bill_run_form.request import create_request
from tui.bill_run_form.state import new_state
from tui.bill_run_form.validate import BillRunPlan, validate

TODAY = date(2026, 3, 2)


def plan_of(**changes: object) -> BillRunPlan:
    plan = validate(replace(new_state(TODAY), **changes), TODAY).plan  # type: ignore[arg-type]
    assert plan is not None
    return plan


def test_the_confirmation_sentence_of_batch1_ahead() -> None:
    plan = plan_of(target_date="2026-04-30", invoice_date="2026-03-01", exclude={ChargeType.USAGE})
    assert describe(plan) == (
        "every account in Batch1, target date 2026-04-30, invoice date 2026-03-01, "
        "excluding Usage, invoices left Draft"
    )


def test_words_for_each_kind_of_who() -> None:
    assert who_words(None, None, ["A00000001"], "Acme Corporation") == (
        "account A00000001 (Acme Corporation)"
    )
    assert who_words(None, None, ["A1", "A2", "A3"]) == "accounts A1, A2 and A3"
    assert who_words(["Batch1", "Batch3"], "15") == (
        "every account in Batch1 and Batch3 with bill cycle day 15"
    )
    assert who_words([ALL_BATCHES], "15") == "every account with bill cycle day 15"
    assert who_words(None, None) == "every account"


def test_options_in_words() -> None:
    plan = plan_of(
        exclude={ChargeType.USAGE, ChargeType.ONE_TIME},
        auto_post=True,
        auto_email=True,
        no_email_for_zero=True,
        name="March in advance",
    )
    text = describe(plan)
    assert "excluding One time and Usage" in text
    assert "invoices posted at once, emailed when posted, no email for zero-amount invoices" in text
    assert text.endswith("named 'March in advance'")


def test_a_scheduled_run_in_words() -> None:
    plan = plan_of(when="weekly", weekdays="mon thu", run_time="6", target_offset="30")
    assert describe(plan) == (
        "every account in Batch1, weekly on Mon and Thu at 06:00 from 2026-03-03, target date "
        "30 days after each run date, invoice date on each run date, invoices left Draft"
    )
    monthly = BillRunSchedule(
        repeat_type=RepeatType.MONTHLY,
        repeat_from=date(2026, 3, 31),
        repeat_to=date(2026, 12, 31),
        run_time=2,
        monthly_on_end_of_month=True,
    )
    assert schedule_words(monthly) == (
        "monthly on the last day at 02:00 from 2026-03-31 to 2026-12-31"
    )


def test_the_billing_in_advance_line() -> None:
    assert advance_line(date(2026, 3, 1), date(2026, 4, 30)) == (
        "Billing in advance: invoice date 2026-03-01 with target date 2026-04-30 bills "
        "April's period on March 1."
    )
    assert "Bills what is due up to March 2" in advance_line(TODAY, TODAY)
    assert "after the target date" in advance_line(date(2026, 3, 5), TODAY)
    assert advance_line(None, None, scheduled=True, target_offset=30).startswith(
        "Billing in advance: each run bills what is due up to 30 day(s)"
    )


def test_the_request_by_batch() -> None:
    plan = plan_of(target_date="eom+1", exclude={ChargeType.USAGE}, bill_cycle_day="15")
    body = create_request(plan).model_dump(by_alias=True, exclude_none=True, mode="json")
    assert body["batches"] == ["Batch1"]
    assert body["billCycleDay"] == "15"
    assert body["targetDate"] == "2026-04-30"
    assert body["invoiceDate"] == "2026-03-02"
    assert body["chargeTypeToExclude"] == ["Usage"]
    assert body["billRunFilters"] == []
    assert "schedule" not in body and "targetDateOffset" not in body


def test_the_request_by_account_uses_ids() -> None:
    plan = plan_of(who="accounts", accounts="A00000001, A00000002")
    request = create_request(plan, ["id-1", "id-2"])
    assert request.batches is None and request.bill_cycle_day is None
    assert [(f.filter_type, f.account_id) for f in request.bill_run_filters] == [
        (BillRunFilterType.ACCOUNT, "id-1"),
        (BillRunFilterType.ACCOUNT, "id-2"),
    ]


def test_the_request_of_a_scheduled_run() -> None:
    plan = plan_of(when="daily", target_offset="30", invoice_offset="0")
    body = create_request(plan).model_dump(by_alias=True, exclude_none=True, mode="json")
    assert body["schedule"] == {"repeatType": "Daily", "repeatFrom": "2026-03-03", "runTime": 2}
    assert body["targetDateOffset"] == 30 and body["invoiceDateOffset"] == 0
    assert "targetDate" not in body and "invoiceDate" not in body


schedules = st.builds(
    BillRunSchedule,
    repeat_type=st.sampled_from([RepeatType.DAILY, RepeatType.WEEKLY, RepeatType.MONTHLY]),
    repeat_from=st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    repeat_to=st.none() | st.dates(date(2026, 1, 1), date(2027, 3, 31)),
    run_time=st.integers(0, 23),
    weekly_on_day=st.none() | st.lists(st.sampled_from(list(Weekday)), min_size=1, unique=True),
    monthly_on_end_of_month=st.none() | st.booleans(),
)


@given(schedules, st.integers(0, 400))
def test_the_first_run_is_the_engines(schedule: BillRunSchedule, days: int) -> None:
    """The form's first run date is the one the fake engine (Zuora's rules) schedules."""
    if schedule.weekly_on_day and schedule.repeat_type is not RepeatType.WEEKLY:
        schedule = schedule.model_copy(update={"weekly_on_day": None})
    if schedule.monthly_on_end_of_month and schedule.repeat_type is not RepeatType.MONTHLY:
        schedule = schedule.model_copy(update={"monthly_on_end_of_month": None})
    today = date(2026, 1, 1) + timedelta(days=days)
    assert first_run(schedule, today) == occurrence_on_or_after(schedule, today)
