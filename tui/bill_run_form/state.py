"""What the operator typed into the new-bill-run form, as typed (strings and flags).

Nothing here is parsed: :mod:`tui.bill_run_form.validate` turns a state into a
:class:`~tui.bill_run_form.validate.BillRunPlan` or names the problems. Keeping the text lets a
refused save reopen the form exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from backends.models import Account, ChargeType

__all__ = ["WHEN", "WHO", "BillRunFormState", "When", "Who", "new_state"]

Who = Literal["account", "accounts", "batches", "bill_cycle_day", "all"]
When = Literal["now", "daily", "weekly", "monthly"]

#: the "who" choices, in the order the form shows them, with their labels
WHO: tuple[tuple[Who, str], ...] = (
    ("account", "Account"),
    ("accounts", "Accounts"),
    ("batches", "Batches"),
    ("bill_cycle_day", "Cycle day"),
    ("all", "All"),
)
WHEN: tuple[tuple[When, str], ...] = (
    ("now", "Now"),
    ("daily", "Daily"),
    ("weekly", "Weekly"),
    ("monthly", "Monthly"),
)


@dataclass
class BillRunFormState:
    who: Who = "batches"
    #: one account: its number as typed or picked (``A00000001``)
    account: str = ""
    #: what the form knows of the picked account (its name, batch), for the description
    account_info: Account | None = None
    #: several accounts: numbers separated by commas or spaces
    accounts: str = ""
    #: ``Batch1, Batch3`` or ``all``
    batches: str = "Batch1"
    #: ``1``-``31``, ``all``, or blank (with batches: any day)
    bill_cycle_day: str = ""
    when: When = "now"
    #: scheduled: the hour it runs at (``02:00`` or ``2``)
    run_time: str = "02:00"
    repeat_from: str = ""
    repeat_to: str = ""
    #: weekly: ``Mon, Thu``
    weekdays: str = ""
    #: monthly: a day of the month (``15``) or ``eom``
    month_day: str = ""
    invoice_date: str = ""
    target_date: str = ""
    #: scheduled: days after each run date (blank: the run date itself)
    invoice_offset: str = "0"
    target_offset: str = "0"
    exclude: set[ChargeType] = field(default_factory=set)
    auto_post: bool = False
    auto_email: bool = False
    no_email_for_zero: bool = False
    name: str = ""

    @property
    def scheduled(self) -> bool:
        return self.when != "now"


def new_state(today: date, account: Account | None = None) -> BillRunFormState:
    """A blank form: Batch1, now, invoice and target date today (a scheduled run from
    tomorrow); or preset to one account."""
    state = BillRunFormState(
        invoice_date=today.isoformat(),
        target_date=today.isoformat(),
        repeat_from=(today + timedelta(days=1)).isoformat(),
    )
    if account is not None:
        state.who = "account"
        state.account = account.account_number
        state.account_info = account
    return state
