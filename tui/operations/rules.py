"""The console's courtesy copy of the backend's rules: why an action may not run, or ``None``.

Each function reads the same facts the engine reads (statuses, the earliest Pending item, a
running bill run) and is checked against the fake engine's actual refusal, case by case, in
``tests/tui/test_tui_rule_agreement.py``. The backend stays the arbiter: a rule the console
cannot see (another schedule of the same account running a bill run) is left to it.
Reasons name keys as the keymap binds them (``keys``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from backends.models import (
    BillRun,
    BillRunStatus,
    DocumentStatus,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    ScheduleItem,
    ScheduleItemStatus,
)
from tui.keys import DEFAULT_KEYS, KeyNames

__all__ = [
    "BILL_RUN_STATUSES",
    "bill_run_refusal",
    "cancel_invoice_refusal",
    "create_bill_run_refusal",
    "generate_refusal",
    "item_label",
    "pause_refusal",
    "post_refusal",
    "resume_refusal",
    "reverse_refusal",
    "unpost_refusal",
]


def item_label(schedule: InvoiceSchedule, item: ScheduleItem) -> str:
    position = next((n for n, i in enumerate(schedule.schedule_items, 1) if i.id == item.id), 0)
    return item.name or f"item {position}"


def _date(item: ScheduleItem) -> str:
    return item.run_date.isoformat() if item.run_date else "no run date"


def generate_refusal(
    schedule: InvoiceSchedule | None, item: ScheduleItem | None, keys: KeyNames = DEFAULT_KEYS
) -> str | None:
    """Why this item may not be generated now, or ``None`` when it may."""
    if schedule is None:
        return "the schedule is still loading"
    if item is None:
        executing = _executing(schedule)
        if executing is not None:
            return (
                f"{item_label(schedule, executing)} is Executing and nothing else is Pending: "
                f"press {keys['refresh']} to refresh"
            )
        if schedule.status is InvoiceScheduleStatus.FULLY_PROCESSED or schedule.schedule_items:
            return (
                f"{schedule.number} has no Pending item: every item is billed "
                f"({keys['create_bill_run']} creates its credit bill run)"
            )
        return f"{schedule.number} has no items"
    if schedule.status is InvoiceScheduleStatus.PAUSED:
        return f"{schedule.number} is Paused: resume it ({keys['pause_resume']}) before generating"
    if item.status is ScheduleItemStatus.EXECUTING:
        return (
            f"{item_label(schedule, item)} is already Executing: press {keys['refresh']} to refresh"
        )
    if item.status is ScheduleItemStatus.PROCESSED:
        return f"{item_label(schedule, item)} is already Processed"
    earliest = schedule.earliest_pending_item
    if earliest is not None and earliest.id != item.id:
        return (
            f"only the earliest Pending item can be generated: "
            f"{item_label(schedule, earliest)} ({_date(earliest)}) comes first"
        )
    executing = _executing(schedule)
    if executing is not None:
        # the engine refuses a second bill run on the account while one runs
        return (
            f"{item_label(schedule, executing)} is still Executing: wait for its bill run "
            f"(press {keys['refresh']} to refresh)"
        )
    return None


def _executing(schedule: InvoiceSchedule) -> ScheduleItem | None:
    return next(
        (i for i in schedule.schedule_items if i.status is ScheduleItemStatus.EXECUTING), None
    )


def post_refusal(kind: str, number: str | None, status: DocumentStatus | None) -> str | None:
    if number is None:
        return f"there is no {kind} here to post"
    if status is DocumentStatus.DRAFT:
        return None
    return (
        f"{kind} {number} is {status.value if status else 'not Draft'}: only a Draft can be posted"
    )


def pause_refusal(schedule: InvoiceSchedule | None) -> str | None:
    """Zuora pauses a schedule in any status, FullyProcessed included; only twice is refused."""
    if schedule is None:
        return "the schedule is still loading"
    if schedule.status is InvoiceScheduleStatus.PAUSED:
        return f"{schedule.number} is already Paused"
    return None


def resume_refusal(schedule: InvoiceSchedule | None) -> str | None:
    if schedule is None:
        return "the schedule is still loading"
    if schedule.status is not InvoiceScheduleStatus.PAUSED:
        return f"{schedule.number} is {schedule.status.value}, not Paused"
    return None


def create_bill_run_refusal(
    schedule: InvoiceSchedule | None, keys: KeyNames = DEFAULT_KEYS
) -> str | None:
    if schedule is None:
        return "the schedule is still loading"
    if schedule.status is not InvoiceScheduleStatus.FULLY_PROCESSED:
        return (
            f"a bill run can only be created for a FullyProcessed schedule; "
            f"{schedule.number} is {schedule.status.value} ({keys['generate']} bills its next item)"
        )
    executing = _executing(schedule)
    if executing is not None:
        return f"{item_label(schedule, executing)} is still Executing: wait for its bill run"
    return None


def unpost_refusal(
    kind: str,
    number: str | None,
    status: DocumentStatus | None,
    reversed_: bool = False,
    unpaid: bool = True,
) -> str | None:
    """Why ``u`` may not take this document back to Draft (the backend checks the rest)."""
    if number is None:
        return f"there is no {kind} here to unpost"
    if status is not DocumentStatus.POSTED:
        state = status.value if status else "not Posted"
        return f"{kind} {number} is {state}: only a Posted {kind} can be unposted"
    if reversed_:
        return f"{kind} {number} is reversed: its credit memo offsets it"
    if not unpaid:
        if kind == "invoice":
            return f"{kind} {number} has something paid or credited: unapply it first"
        return f"{kind} {number} is applied: an applied credit memo cannot be unposted"
    return None


def cancel_invoice_refusal(number: str | None, status: DocumentStatus | None) -> str | None:
    if number is None:
        return "there is no invoice here to cancel"
    if status is not DocumentStatus.DRAFT:
        state = status.value if status else "not Draft"
        return f"invoice {number} is {state}: only a Draft invoice can be canceled"
    return None


def reverse_refusal(
    number: str | None,
    status: DocumentStatus | None,
    reversed_: bool = False,
    paid: Decimal | None = None,
) -> str | None:
    if number is None:
        return "there is no invoice here to reverse"
    if status is not DocumentStatus.POSTED:
        state = status.value if status else "not Posted"
        return f"invoice {number} is {state}: only a Posted invoice can be reversed"
    if reversed_:
        return f"invoice {number} is already reversed"
    if paid:
        return f"invoice {number} has {paid:,.2f} paid or credited: only an unpaid invoice can be reversed"
    return None


#: bill run action id -> the statuses it is valid in (Zuora's rules)
BILL_RUN_STATUSES: dict[str, tuple[BillRunStatus, ...]] = {
    "post_bill_run": (BillRunStatus.COMPLETED,),
    "cancel_bill_run": (BillRunStatus.PENDING, BillRunStatus.COMPLETED),
    "delete_bill_run": (BillRunStatus.CANCELED, BillRunStatus.ERROR),
}


def bill_run_refusal(action_id: str, run: BillRun | None, posted: Sequence[str] = ()) -> str | None:
    """Why a bill run action (post / cancel / delete) may not run on ``run`` now; ``posted``:
    the numbers of its Posted documents, when known (they stop a cancel or a delete)."""
    if run is None:
        return "put the cursor on a bill run first"
    allowed = BILL_RUN_STATUSES[action_id]
    verb = {"post_bill_run": "posted", "cancel_bill_run": "canceled", "delete_bill_run": "deleted"}
    if run.status not in allowed:
        need = " or ".join(s.value for s in allowed)
        return (
            f"{run.bill_run_number} is {run.status.value}: only a {need} bill run can be "
            f"{verb[action_id]}"
        )
    if posted and action_id != "post_bill_run":
        return (
            f"{posted[0]} of {run.bill_run_number} is Posted: a bill run with posted documents "
            f"cannot be {verb[action_id]}"
        )
    return None
