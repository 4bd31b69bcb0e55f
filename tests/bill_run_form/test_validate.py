"""Every rule of the form: the field it names, its id, its sentence; and a sound form's plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from backends.models import ALL_BATCHES, ALL_BILL_CYCLE_DAYS, ChargeType, RepeatType, Weekday
from tui.bill_run_form.state import BillRunFormState, new_state
from tui.bill_run_form.validate import RULES, validate

TODAY = date(2026, 3, 2)


def base(**changes: object) -> BillRunFormState:
    return replace(new_state(TODAY), **changes)  # type: ignore[arg-type]


CASES = [
    # (state changes, field, rule, words of the message)
    ({"who": "account", "account": ""}, "account", "account-required", "type its number"),
    ({"who": "account", "account": "A1, A2"}, "account", "account-one", "choose Accounts"),
    ({"who": "accounts", "accounts": " "}, "accounts", "accounts-required", "their numbers"),
    (
        {"who": "accounts", "accounts": "A00000001, a00000001"},
        "accounts",
        "accounts-repeated",
        "A00000001 is named twice",
    ),
    ({"batches": ""}, "batches", "batches-required", "at least one"),
    ({"batches": "Batch51"}, "batches", "batch-unknown", "Batch1 ... Batch50"),
    ({"batches": "Batch0"}, "batches", "batch-unknown", "'Batch0' is not a batch"),
    (
        {"who": "bill_cycle_day", "bill_cycle_day": ""},
        "bill_cycle_day",
        "bill-cycle-day-required",
        "1 to 31",
    ),
    ({"bill_cycle_day": "32"}, "bill_cycle_day", "bill-cycle-day-range", "'32' is not a day"),
    ({"when": "daily", "run_time": "2:30"}, "run_time", "run-time-hour", "on the hour"),
    ({"when": "daily", "run_time": "24"}, "run_time", "run-time-hour", "00:00 to 23:00"),
    ({"when": "daily", "repeat_from": ""}, "repeat_from", "repeat-from-required", "first run"),
    ({"when": "daily", "repeat_from": "soon"}, "repeat_from", "repeat-from-invalid", "not a date"),
    ({"when": "daily", "repeat_to": "2026-13-01"}, "repeat_to", "repeat-to-invalid", "not a date"),
    (
        {"when": "daily", "repeat_from": "2026-03-10", "repeat_to": "2026-03-09"},
        "repeat_to",
        "repeat-to-before-from",
        "before the from date 2026-03-10",
    ),
    (
        {
            "when": "weekly",
            "repeat_from": "2026-03-03",
            "repeat_to": "2026-03-05",
            "weekdays": "Sun",
        },
        "repeat_to",
        "schedule-no-run",
        "no run on or after today",
    ),
    ({"when": "weekly", "weekdays": "Mon, Funday"}, "weekdays", "weekday-unknown", "'funday'"),
    ({"when": "monthly", "month_day": "0"}, "month_day", "month-day-range", "1 to 31 (or eom)"),
    (
        {"when": "daily", "target_offset": "a month"},
        "target_offset",
        "offset-days",
        "number of days",
    ),
    ({"when": "daily", "invoice_offset": "1.5"}, "invoice_offset", "offset-days", "number of days"),
    ({"target_date": ""}, "target_date", "target-date-required", "an ad hoc bill run"),
    ({"target_date": "2026-02-30"}, "target_date", "target-date-invalid", "not a date"),
    ({"invoice_date": "yesterday"}, "invoice_date", "invoice-date-invalid", "not a date"),
    ({"exclude": set(ChargeType)}, "exclude", "exclude-all-three", "at most two"),
]


@pytest.mark.parametrize(("changes", "field", "rule", "words"), CASES, ids=[c[2] for c in CASES])
def test_each_rule_names_its_field(
    changes: dict[str, object], field: str, rule: str, words: str
) -> None:
    result = validate(base(**changes), TODAY)
    assert not result.ok and result.plan is None
    found = [p for p in result.problems if p.rule == rule]
    assert found, result.problems
    assert found[0].field == field
    assert words in found[0].message


def test_every_rule_has_a_case() -> None:
    assert {c[2] for c in CASES} == RULES


def test_problems_come_together_in_form_order() -> None:
    state = base(batches="Batch99", target_date="", exclude=set(ChargeType))
    rules = [p.rule for p in validate(state, TODAY).problems]
    assert rules == ["batch-unknown", "target-date-required", "exclude-all-three"]


def test_batch1_ahead_for_next_month_excluding_usage() -> None:
    state = base(target_date="eom+1", invoice_date="2026-03-01", exclude={ChargeType.USAGE})
    plan = validate(state, TODAY).plan
    assert plan is not None
    assert plan.batches == ("Batch1",)
    assert plan.bill_cycle_day is None
    assert plan.target_date == date(2026, 4, 30)
    assert plan.invoice_date == date(2026, 3, 1)
    assert plan.exclude == (ChargeType.USAGE,)
    assert plan.schedule is None


def test_batches_are_normalised_and_all_means_every_batch() -> None:
    assert validate(base(batches="batch3 2, Batch3"), TODAY).plan.batches == ("Batch3", "Batch2")  # type: ignore[union-attr]
    assert validate(base(batches="all"), TODAY).plan.batches == (ALL_BATCHES,)  # type: ignore[union-attr]


def test_a_bill_cycle_day_goes_with_every_batch() -> None:
    """Zuora takes billCycleDay only together with batches."""
    plan = validate(base(who="bill_cycle_day", bill_cycle_day="15"), TODAY).plan
    assert plan is not None and plan.batches == (ALL_BATCHES,) and plan.bill_cycle_day == "15"
    plan = validate(base(who="bill_cycle_day", bill_cycle_day="All"), TODAY).plan
    assert plan is not None and plan.bill_cycle_day == ALL_BILL_CYCLE_DAYS


def test_everyone_sends_neither_batches_nor_accounts() -> None:
    plan = validate(base(who="all", batches="nonsense"), TODAY).plan
    assert plan is not None and plan.batches is None and plan.account_numbers == ()


def test_a_daily_schedule_and_its_first_run() -> None:
    state = base(when="daily", run_time="06:00", target_offset="30", invoice_offset="")
    plan = validate(state, TODAY).plan
    assert plan is not None and plan.schedule is not None
    assert plan.schedule.repeat_type is RepeatType.DAILY
    assert plan.schedule.run_time == 6
    assert plan.schedule.repeat_from == date(2026, 3, 3)
    assert plan.first_run == date(2026, 3, 3)
    assert (plan.target_offset, plan.invoice_offset) == (30, None)
    assert plan.target_date is None and plan.invoice_date is None


def test_weekdays_are_whole_names_or_their_starts() -> None:
    plan = plan_of_weekdays("Mo, thursday, SA")
    assert plan == [Weekday.MON, Weekday.THU, Weekday.SAT]
    for wrong in ("thu30", "monkey", "t", "s"):
        problems = validate(base(when="weekly", weekdays=wrong), TODAY).problems
        assert [p.rule for p in problems] == ["weekday-unknown"], wrong


def plan_of_weekdays(text: str) -> list[Weekday] | None:
    plan = validate(base(when="weekly", weekdays=text), TODAY).plan
    assert plan is not None and plan.schedule is not None
    return plan.schedule.weekly_on_day


def test_weekly_and_monthly_schedules() -> None:
    weekly = validate(base(when="weekly", weekdays="thu mon"), TODAY).plan
    assert weekly is not None and weekly.schedule is not None
    assert weekly.schedule.weekly_on_day == [Weekday.MON, Weekday.THU]
    assert weekly.first_run == date(2026, 3, 5)  # 2026-03-03 is a Tuesday
    monthly = validate(base(when="monthly", month_day="15"), TODAY).plan
    assert monthly is not None and monthly.schedule is not None
    assert monthly.schedule.repeat_from == date(2026, 3, 15)
    eom = validate(base(when="monthly", month_day="eom"), TODAY).plan
    assert eom is not None and eom.schedule is not None
    assert eom.schedule.monthly_on_end_of_month is True
    assert eom.first_run == date(2026, 3, 31)
