"""New bill run: the form (:mod:`tui.screens.bill_run_form`), a confirmation in the operator's
words, ``POST /v1/bill-runs``, and the run watched until it finishes.

**Where it starts.** ``n`` on the Bill runs screen (and the palette there) opens a blank form.
Any screen may start it preset to one account: a screen with an attribute
``bill_run_account`` holding a :class:`backends.models.Account` opens the form on "one
account: that account" (an account screen sets it to the account it shows; ``None`` while it
loads refuses with "the account is still loading"). A screen without the attribute opens the
blank form. To offer the key there, add the screen's scope to the ``new_bill_run`` registry
entry (:mod:`tui.actions`).

**Accounts by id.** Zuora's Account filter takes the account id; the operator types numbers, so
the call reads each account first (a number naming no account is refused there, against the
form, with what was typed kept).

**After it.** An ad hoc run is watched (:mod:`tui.watcher`): its outcome (the documents and
their total) is announced wherever the operator is. A scheduled run is a definition waiting for
its first run date: the notice says what was scheduled and when it first runs; the simulated
clock (``t`` on the fake) or Zuora's scheduler starts it, and the Bill runs list shows each
run it makes.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from backends.models import Account, BillRun
from tui.bill_run_form.describe import describe
from tui.bill_run_form.request import create_request
from tui.bill_run_form.state import BillRunFormState, new_state
from tui.bill_run_form.validate import BillRunPlan
from tui.keys import KeyNames
from tui.operations.base import Change, Confirmation, Context, Notice, Operation, Refused, Watch

__all__ = ["NEW_BILL_RUN", "OPERATIONS", "NewBillRunTarget"]

#: a screen's attribute naming the account a new bill run is preset to (see the docstring)
ACCOUNT_ATTRIBUTE = "bill_run_account"


@dataclass(frozen=True)
class NewBillRunTarget:
    """Nothing exists yet: the account the form is preset to, if the screen names one."""

    account: Account | None = None

    @property
    def obj(self) -> str:
        return self.account.account_number if self.account is not None else "new bill run"


def _target(screen: Any, keys: KeyNames) -> NewBillRunTarget:
    if not hasattr(screen, ACCOUNT_ATTRIBUTE):
        return NewBillRunTarget()
    account = getattr(screen, ACCOUNT_ATTRIBUTE)
    if account is None:
        raise Refused("the account is still loading", getattr(screen, "crumb", None))
    if not isinstance(account, Account):
        raise Refused("this screen names no account to bill", getattr(screen, "crumb", None))
    return NewBillRunTarget(account)


def _form(target: NewBillRunTarget, ctx: Context[NewBillRunTarget]) -> Any:
    from tui.screens.bill_run_form import BillRunFormScreen

    assert ctx.today is not None
    state = ctx.values.get("state")
    if not isinstance(state, BillRunFormState):
        state = new_state(ctx.today, target.account)
    return BillRunFormScreen(state, today=ctx.today, error=ctx.values.get("error"))


def _account_name(ctx: Context[NewBillRunTarget]) -> str | None:
    state: BillRunFormState = ctx.values["state"]
    plan: BillRunPlan = ctx.values["plan"]
    info = state.account_info
    if info is not None and plan.account_numbers == (info.account_number,):
        return info.name
    return None


def what_it_bills(ctx: Context[NewBillRunTarget]) -> str:
    return describe(ctx.values["plan"], _account_name(ctx))


def _confirm(target: NewBillRunTarget, ctx: Context[NewBillRunTarget]) -> Confirmation:
    plan: BillRunPlan = ctx.values["plan"]
    words = what_it_bills(ctx)
    if plan.schedule is not None:
        assert plan.first_run is not None
        return Confirmation(
            "Schedule this bill run?",
            f"Scheduled bill run: {words}.\nFirst run {plan.first_run.isoformat()} at "
            f"{plan.schedule.run_time:02d}:00; each run is its own bill run.",
            "Schedule",
        )
    return Confirmation(
        "Create this bill run?",
        f"Bill run now: {words}.\nIt bills what is due up to the target date; the documents "
        "appear on the bill run.",
        "Create",
    )


async def _create(ctx: Context[NewBillRunTarget]) -> BillRun:
    plan: BillRunPlan = ctx.values["plan"]
    accounts = await asyncio.gather(*(ctx.backend.get_account(n) for n in plan.account_numbers))
    request = create_request(plan, [a.id for a in accounts])
    return await ctx.backend.create_bill_run(request, idempotency_key=uuid.uuid4().hex)


def _success(ctx: Context[NewBillRunTarget], run: BillRun) -> Notice:
    plan: BillRunPlan = ctx.values["plan"]
    if plan.schedule is not None:
        when = run.scheduled_execution_time
        first = f"{when:%Y-%m-%d %H:%M}" if when is not None else "—"
        return Notice(
            f"Bill run {run.bill_run_number} scheduled: {what_it_bills(ctx)}; first run {first}",
            title="Bill run scheduled",
        )
    return Notice(
        f"Bill run {run.bill_run_number} created ({run.status.value}): {what_it_bills(ctx)}",
        title="Bill run created",
    )


def _changes(ctx: Context[NewBillRunTarget], run: BillRun) -> Change:
    refs = {run.id, run.bill_run_number}
    refs |= {f.account_id for f in run.bill_run_filters if f.account_id}
    kinds = {"bill_run"}
    if run.schedule is None:
        kinds.add("schedule")  # the items it bills are Executing now
    return Change("new_bill_run", frozenset(refs), frozenset(kinds))


def _watch(ctx: Context[NewBillRunTarget], run: BillRun) -> Watch | None:
    if run.schedule is not None:
        return None  # a definition: its runs start when the clock reaches them
    return Watch(
        bill_run_id=run.id,
        bill_run_number=run.bill_run_number,
        action_id="new_bill_run",
        obj=what_it_bills(ctx).split(", ")[0],
        kind="run",
        refs=frozenset({run.id, run.bill_run_number}),
    )


def _after(ctx: Context[NewBillRunTarget], run: BillRun) -> None:
    """On the bill runs list, the cursor goes to the new run once the list shows it."""
    focus = getattr(ctx.screen, "focus_run", None)
    if focus is not None:
        focus(run.id)


NEW_BILL_RUN: Operation[NewBillRunTarget] = Operation(
    id="new_bill_run",
    action_id="new_bill_run",
    target=_target,
    form=_form,
    confirm=_confirm,
    call=_create,
    success=_success,
    changes=_changes,
    watch=_watch,
    after=_after,
    guard=lambda t: "form",
)

OPERATIONS = (NEW_BILL_RUN,)
