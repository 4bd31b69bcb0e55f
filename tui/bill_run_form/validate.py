"""The checks before sending: every problem names the field in error and the rule it breaks.

The rules are Zuora's for ``POST /v1/bill-runs`` (reference §6.1, the spec's
``BillRunScheduleRequestType``) as the fake engine applies them: batches are ``Batch1`` ...
``Batch50`` or all; a bill cycle day is ``1``-``31`` or all; a scheduled run has an hour
(``runTime`` 0-23), a from date and an optional to date not before it; at most two charge types
are excluded; an ad hoc run needs its target date. The backend stays the arbiter: what it still
refuses (an account number that names no account, an account another run is billing) is shown
against the form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from backends.models import (
    ALL_BATCHES,
    ALL_BILL_CYCLE_DAYS,
    BillRunSchedule,
    ChargeType,
    RepeatType,
    Weekday,
)
from tui.bill_run_form.occurrence import first_run, month_start
from tui.bill_run_form.state import BillRunFormState, Who
from tui.schedule_editor.dates import DateInputError, parse_run_date

__all__ = ["CHARGE_ORDER", "RULES", "BillRunPlan", "Problem", "Validation", "validate"]

#: every rule id a problem may name (the tests hold one case per rule)
RULES = frozenset(
    {
        "account-required",
        "account-one",
        "accounts-required",
        "accounts-repeated",
        "batches-required",
        "batch-unknown",
        "bill-cycle-day-required",
        "bill-cycle-day-range",
        "run-time-hour",
        "repeat-from-required",
        "repeat-from-invalid",
        "repeat-to-invalid",
        "repeat-to-before-from",
        "weekday-unknown",
        "month-day-range",
        "schedule-no-run",
        "offset-days",
        "target-date-required",
        "target-date-invalid",
        "invoice-date-invalid",
        "exclude-all-three",
    }
)

_BATCH = re.compile(r"batch([1-9]|[1-4][0-9]|50)", re.IGNORECASE)
_ALL = {"all", "any", "*"}
_HOUR = re.compile(r"(\d{1,2})(?::(\d{2}))?")
_OFFSET = re.compile(r"[+-]?\d{1,4}")
#: the order charge types are named in (the form's checkboxes, the description)
CHARGE_ORDER = (ChargeType.ONE_TIME, ChargeType.RECURRING, ChargeType.USAGE)
_WEEKDAY_NAMES = {
    "monday": Weekday.MON,
    "tuesday": Weekday.TUE,
    "wednesday": Weekday.WED,
    "thursday": Weekday.THU,
    "friday": Weekday.FRI,
    "saturday": Weekday.SAT,
    "sunday": Weekday.SUN,
}


def _weekday(word: str) -> Weekday | None:
    """``mon``, ``Mo``, ``monday``: the one weekday the word starts (two letters at least)."""
    found = [d for name, d in _WEEKDAY_NAMES.items() if len(word) >= 2 and name.startswith(word)]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class Problem:
    """``field``: the form field in error (its widget id); ``rule``: a stable id."""

    field: str
    rule: str
    message: str


@dataclass(frozen=True)
class BillRunPlan:
    """A sound form, parsed: what the request will say."""

    who: Who
    #: one or several accounts, by number as typed
    account_numbers: tuple[str, ...] = ()
    #: ``("Batch1",)`` or ``("AllBatches",)``; None when the run is by account or for everyone
    batches: tuple[str, ...] | None = None
    #: ``"15"`` or ``"AllBillCycleDays"``; only together with batches (Zuora's rule)
    bill_cycle_day: str | None = None
    schedule: BillRunSchedule | None = None
    first_run: date | None = None
    invoice_date: date | None = None
    target_date: date | None = None
    invoice_offset: int | None = None
    target_offset: int | None = None
    exclude: tuple[ChargeType, ...] = ()
    auto_post: bool = False
    auto_email: bool = False
    no_email_for_zero: bool = False
    name: str | None = None


@dataclass(frozen=True)
class Validation:
    problems: tuple[Problem, ...]
    plan: BillRunPlan | None

    @property
    def ok(self) -> bool:
        return not self.problems


def _numbers(text: str) -> list[str]:
    return [n.upper() for n in re.split(r"[,;\s]+", text.strip()) if n]


class _Checker:
    def __init__(self, state: BillRunFormState, today: date) -> None:
        self.state = state
        self.today = today
        self.problems: list[Problem] = []

    def refuse(self, field: str, rule: str, message: str) -> None:
        assert rule in RULES, rule
        self.problems.append(Problem(field, rule, message))

    def day(self, field: str, label: str, text: str) -> date | None:
        try:
            return parse_run_date(text, self.today)
        except DateInputError as exc:
            self.refuse(field, f"{field.replace('_', '-')}-invalid", f"{label}: {exc}")
            return None

    # ------------------------------------------------------------------ who

    def who(self) -> tuple[tuple[str, ...], tuple[str, ...] | None, str | None]:
        s = self.state
        if s.who == "account":
            numbers = _numbers(s.account)
            if not numbers:
                self.refuse(
                    "account",
                    "account-required",
                    "Account: type its number, or part of its name and pick it from the list",
                )
            elif len(numbers) > 1:
                self.refuse(
                    "account",
                    "account-one",
                    "Account: one account here; choose Accounts to bill several",
                )
            return tuple(numbers[:1]), None, None
        if s.who == "accounts":
            numbers = _numbers(s.accounts)
            if not numbers:
                self.refuse(
                    "accounts",
                    "accounts-required",
                    "Accounts: type their numbers, separated by commas",
                )
            repeated = sorted({n for n in numbers if numbers.count(n) > 1})
            if repeated:
                self.refuse(
                    "accounts",
                    "accounts-repeated",
                    f"Accounts: {', '.join(repeated)} is named twice",
                )
            return tuple(dict.fromkeys(numbers)), None, None
        if s.who == "batches":
            return (), self.batches(), self.cycle_day(required=False)
        if s.who == "bill_cycle_day":
            # Zuora takes billCycleDay only together with batches: every batch, that day
            return (), (ALL_BATCHES,), self.cycle_day(required=True)
        return (), None, None

    def batches(self) -> tuple[str, ...] | None:
        words = [w for w in re.split(r"[,;\s]+", self.state.batches.strip()) if w]
        if not words:
            self.refuse(
                "batches", "batches-required", "Batches: name at least one (Batch1), or all"
            )
            return None
        if any(w.lower() in _ALL or w == ALL_BATCHES for w in words):
            return (ALL_BATCHES,)
        found: list[str] = []
        for word in words:
            match = _BATCH.fullmatch(word)
            if match is None and word.isdigit():
                match = _BATCH.fullmatch(f"batch{word}")
            if match is None:
                self.refuse(
                    "batches",
                    "batch-unknown",
                    f"Batches: {word!r} is not a batch; Zuora's are Batch1 ... Batch50, or all",
                )
                return None
            found.append(f"Batch{int(match.group(1))}")
        return tuple(dict.fromkeys(found))

    def cycle_day(self, *, required: bool) -> str | None:
        text = self.state.bill_cycle_day.strip().lower()
        if not text:
            if required:
                self.refuse(
                    "bill_cycle_day",
                    "bill-cycle-day-required",
                    "Bill cycle day: a day from 1 to 31, or all",
                )
            return None
        if text in _ALL:
            return ALL_BILL_CYCLE_DAYS
        if text.isdigit() and 1 <= int(text) <= 31:
            return str(int(text))
        self.refuse(
            "bill_cycle_day",
            "bill-cycle-day-range",
            f"Bill cycle day: {self.state.bill_cycle_day.strip()!r} is not a day from 1 to 31 "
            "(or all)",
        )
        return None

    # ------------------------------------------------------------------ when

    def hour(self) -> int | None:
        text = self.state.run_time.strip()
        match = _HOUR.fullmatch(text)
        if match is None or int(match.group(1)) > 23 or (match.group(2) or "00") != "00":
            self.refuse(
                "run_time",
                "run-time-hour",
                f"Run time: {text or 'blank'} is not an hour; Zuora runs scheduled bill runs on "
                "the hour, 00:00 to 23:00",
            )
            return None
        return int(match.group(1))

    def weekdays(self) -> list[Weekday] | None:
        words = [w for w in re.split(r"[,;\s]+", self.state.weekdays.strip().lower()) if w]
        days: list[Weekday] = []
        for word in words:
            day = _weekday(word)
            if day is None:
                self.refuse(
                    "weekdays",
                    "weekday-unknown",
                    f"Weekdays: {word!r} is not a weekday (Mon, Tue, Wed, Thu, Fri, Sat, Sun)",
                )
                return None
            if day not in days:
                days.append(day)
        order = list(Weekday)
        return sorted(days, key=order.index) or None

    def month_day(self) -> tuple[int | None, bool]:
        """(day of the month, end of month); (None, False) for the from date's own day."""
        text = self.state.month_day.strip().lower()
        if not text:
            return None, False
        if text in {"eom", "end", "last"}:
            return None, True
        if text.isdigit() and 1 <= int(text) <= 31:
            return int(text), False
        self.refuse(
            "month_day",
            "month-day-range",
            f"Day of month: {self.state.month_day.strip()!r} is not a day from 1 to 31 (or eom)",
        )
        return None, False

    def schedule(self) -> tuple[BillRunSchedule | None, date | None]:
        s = self.state
        hour = self.hour()
        start = self.day("repeat_from", "From", s.repeat_from)
        if start is None and not any(p.field == "repeat_from" for p in self.problems):
            self.refuse("repeat_from", "repeat-from-required", "From: the date of the first run")
        end = self.day("repeat_to", "To", s.repeat_to) if s.repeat_to.strip() else None
        if start is not None and end is not None and end < start:
            self.refuse(
                "repeat_to",
                "repeat-to-before-from",
                f"To: {end.isoformat()} is before the from date {start.isoformat()}",
            )
        weekdays = self.weekdays() if s.when == "weekly" else None
        day_of_month, end_of_month = self.month_day() if s.when == "monthly" else (None, False)
        if hour is None or start is None or self.problems:
            return None, None
        if day_of_month is not None:
            start = month_start(start, day_of_month)
        schedule = BillRunSchedule(
            repeat_type={
                "daily": RepeatType.DAILY,
                "weekly": RepeatType.WEEKLY,
                "monthly": RepeatType.MONTHLY,
            }[s.when],
            repeat_from=start,
            repeat_to=end,
            run_time=hour,
            weekly_on_day=weekdays,
            monthly_on_end_of_month=True if end_of_month else None,
        )
        first = first_run(schedule, self.today)
        if first is None:
            self.refuse(
                "repeat_to" if end is not None else "repeat_from",
                "schedule-no-run",
                f"The schedule has no run on or after today ({self.today.isoformat()}): check "
                "its from and to dates",
            )
            return None, None
        return schedule, first

    def offset(self, field: str, label: str, text: str) -> int | None:
        raw = text.strip()
        if not raw:
            return None
        if _OFFSET.fullmatch(raw) is None:
            self.refuse(
                field,
                "offset-days",
                f"{label}: {raw!r} is not a number of days after the run date (0, 30, 60)",
            )
            return None
        return int(raw)


def validate(state: BillRunFormState, today: date) -> Validation:
    """Every problem of the form (in the form's order), or the plan when there is none."""
    check = _Checker(state, today)
    numbers, batches, cycle_day = check.who()
    schedule = first = None
    invoice_date = target_date = None
    invoice_offset = target_offset = None
    if state.scheduled:
        schedule, first = check.schedule()
        invoice_offset = check.offset("invoice_offset", "Invoice date offset", state.invoice_offset)
        target_offset = check.offset("target_offset", "Target date offset", state.target_offset)
    else:
        invoice_date = check.day("invoice_date", "Invoice date", state.invoice_date)
        if not state.target_date.strip():
            check.refuse(
                "target_date",
                "target-date-required",
                "Target date: an ad hoc bill run bills what is due up to its target date",
            )
        else:
            target_date = check.day("target_date", "Target date", state.target_date)
    exclude = tuple(t for t in CHARGE_ORDER if t in state.exclude)
    if len(exclude) == len(CHARGE_ORDER):
        check.refuse(
            "exclude",
            "exclude-all-three",
            "Exclude: at most two charge types; excluding all three would bill nothing",
        )
    if check.problems:
        return Validation(tuple(check.problems), None)
    plan = BillRunPlan(
        who=state.who,
        account_numbers=numbers,
        batches=batches,
        bill_cycle_day=cycle_day,
        schedule=schedule,
        first_run=first,
        invoice_date=invoice_date,
        target_date=target_date,
        invoice_offset=invoice_offset,
        target_offset=target_offset,
        exclude=exclude,
        auto_post=state.auto_post,
        auto_email=state.auto_email,
        no_email_for_zero=state.no_email_for_zero,
        name=state.name.strip() or None,
    )
    return Validation((), plan)
