"""The operator's words for a bill run: who it bills, when, up to which date, what it leaves
out and what becomes of its invoices ("every account in Batch1, target date 2026-04-30, invoice
date 2026-03-01, excluding Usage, invoices left Draft"); and the one line under the date fields
that explains billing in advance."""

from __future__ import annotations

from datetime import date

from backends.models import (
    ALL_BATCHES,
    ALL_BILL_CYCLE_DAYS,
    BillRunSchedule,
    ChargeType,
    RepeatType,
)
from tui.bill_run_form.validate import BillRunPlan

__all__ = [
    "CHARGE_LABELS",
    "advance_line",
    "describe",
    "schedule_words",
    "target_words",
    "who_words",
]

CHARGE_LABELS = {
    ChargeType.ONE_TIME: "One time",
    ChargeType.RECURRING: "Recurring",
    ChargeType.USAGE: "Usage",
}


def _and(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _long(day: date) -> str:
    return f"{day:%B} {day.day}"


def who_words(
    batches: list[str] | tuple[str, ...] | None,
    bill_cycle_day: str | None,
    accounts: list[str] | tuple[str, ...] = (),
    account_name: str | None = None,
) -> str:
    """``every account in Batch1``, ``account A00000001 (Acme Corporation)``, ``every account
    with bill cycle day 15``, ``every account``."""
    if accounts:
        if len(accounts) == 1:
            return f"account {accounts[0]}" + (f" ({account_name})" if account_name else "")
        return f"accounts {_and(list(accounts))}"
    day = ""
    if bill_cycle_day is not None and bill_cycle_day != ALL_BILL_CYCLE_DAYS:
        day = f" with bill cycle day {bill_cycle_day}"
    if batches is None or ALL_BATCHES in batches:
        return f"every account{day}"
    return f"every account in {_and(list(batches))}{day}"


def _hour(hour: int) -> str:
    return f"{hour:02d}:00"


def schedule_words(schedule: BillRunSchedule) -> str:
    """``daily at 02:00 from 2026-03-03``, ``weekly on Mon and Thu at 06:00 from … to …``,
    ``monthly on the last day at 02:00 from …``."""
    kind = schedule.repeat_type
    if kind is RepeatType.DAILY:
        head = "daily"
    elif kind is RepeatType.WEEKLY:
        days = schedule.weekly_on_day or []
        head = "weekly on " + (
            _and([d.value for d in days]) if days else f"{schedule.repeat_from:%a}"
        )
    elif kind is RepeatType.MONTHLY:
        head = (
            "monthly on the last day"
            if schedule.monthly_on_end_of_month
            else f"monthly on day {schedule.repeat_from.day}"
        )
    else:
        head = "once"
    text = f"{head} at {_hour(schedule.run_time)} from {schedule.repeat_from.isoformat()}"
    if schedule.repeat_to is not None:
        text += f" to {schedule.repeat_to.isoformat()}"
    return text


def _offset(days: int | None) -> str:
    if not days:
        return "on each run date"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} before each run date"
    return f"{days} day{'s' if days != 1 else ''} after each run date"


def target_words(
    target_date: date | None,
    invoice_date: date | None,
    target_offset: int | None = None,
    invoice_offset: int | None = None,
    scheduled: bool = False,
) -> str:
    """``target date 2026-04-30, invoice date 2026-03-01`` (or the offsets of a scheduled run)."""
    if scheduled:
        return f"target date {_offset(target_offset)}, invoice date {_offset(invoice_offset)}"
    invoice = invoice_date.isoformat() if invoice_date else "today"
    return f"target date {target_date.isoformat() if target_date else '—'}, invoice date {invoice}"


def _exclude(exclude: tuple[ChargeType, ...] | list[ChargeType]) -> str:
    return "excluding " + _and([CHARGE_LABELS[c] for c in exclude]) if exclude else ""


def _posting(plan: BillRunPlan) -> list[str]:
    parts = ["invoices posted at once" if plan.auto_post else "invoices left Draft"]
    if plan.auto_email:
        parts.append("emailed when posted")
    if plan.no_email_for_zero:
        parts.append("no email for zero-amount invoices")
    return parts


def describe(plan: BillRunPlan, account_name: str | None = None) -> str:
    """One sentence: who, (when), dates, exclusions, posting, name."""
    parts = [who_words(plan.batches, plan.bill_cycle_day, plan.account_numbers, account_name)]
    if plan.schedule is not None:
        parts.append(schedule_words(plan.schedule))
    parts.append(
        target_words(
            plan.target_date,
            plan.invoice_date,
            plan.target_offset,
            plan.invoice_offset,
            scheduled=plan.schedule is not None,
        )
    )
    excluded = _exclude(plan.exclude)
    if excluded:
        parts.append(excluded)
    parts.extend(_posting(plan))
    if plan.name:
        parts.append(f"named {plan.name!r}")
    return ", ".join(parts)


def advance_line(
    invoice_date: date | None,
    target_date: date | None,
    *,
    scheduled: bool = False,
    invoice_offset: int | None = None,
    target_offset: int | None = None,
) -> str:
    """The line under the date fields: what the two dates mean together."""
    if scheduled:
        ahead = (target_offset or 0) - (invoice_offset or 0)
        if ahead > 0:
            return (
                f"Billing in advance: each run bills what is due up to {ahead} day(s) after "
                "its invoice date."
            )
        return (
            "Each run bills what is due up to its target date (the run date plus the target "
            "offset); a larger target offset than invoice offset bills in advance."
        )
    if target_date is None:
        return (
            "The target date bills everything due up to it; a target date after the invoice "
            "date bills in advance."
        )
    invoice: date = invoice_date or target_date
    if target_date > invoice:
        period = (
            f"{target_date:%B}'s period"
            if (target_date.year, target_date.month) != (invoice.year, invoice.month)
            else f"what is due up to {_long(target_date)}"
        )
        return (
            f"Billing in advance: invoice date {invoice.isoformat()} with target date "
            f"{target_date.isoformat()} bills {period} on {_long(invoice)}."
        )
    if target_date < invoice:
        return (
            f"Invoice date {invoice.isoformat()} is after the target date: bills what was due "
            f"up to {_long(target_date)}, dated {_long(invoice)}."
        )
    return f"Bills what is due up to {_long(target_date)}; a later target date bills in advance."
