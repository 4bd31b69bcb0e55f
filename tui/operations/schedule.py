"""Operations on an invoice schedule: generate, pause, resume, create bill run.

Targets come from the schedule screen's state: ``g`` acts on the schedule's earliest Pending
item wherever the cursor is (the only item Zuora will run).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backends.models import BillRun, InvoiceSchedule, InvoiceScheduleStatus, ScheduleItem
from tui.format import day, money
from tui.keys import KeyNames
from tui.operations.base import Change, Confirmation, Context, Notice, Operation, Refused, Watch
from tui.operations.rules import (
    create_bill_run_refusal,
    generate_refusal,
    item_label,
    pause_refusal,
    resume_refusal,
)


def schedule_refs(schedule: InvoiceSchedule) -> frozenset[str]:
    return frozenset({schedule.id, schedule.number})


@dataclass(frozen=True)
class ScheduleTarget:
    schedule: InvoiceSchedule
    #: bill run numbers the app is watching for this schedule (started from this console)
    running: tuple[str, ...] = ()

    @property
    def obj(self) -> str:
        return self.schedule.number


@dataclass(frozen=True)
class ItemTarget:
    """The earliest Pending item of the schedule (``None``: there is none)."""

    schedule: InvoiceSchedule
    item: ScheduleItem | None

    @property
    def obj(self) -> str:
        if self.item is None:
            return self.schedule.number
        return f"{self.schedule.number} {item_label(self.schedule, self.item)}"


def _schedule(screen: Any) -> InvoiceSchedule:
    schedule = getattr(screen, "schedule", None)
    if schedule is None:
        raise Refused("the schedule is still loading", getattr(screen, "crumb", None))
    return schedule  # type: ignore[no-any-return]


def generate_target(screen: Any, keys: KeyNames) -> ItemTarget:
    schedule = _schedule(screen)
    return ItemTarget(schedule, schedule.earliest_pending_item)


def schedule_target(screen: Any, keys: KeyNames) -> ScheduleTarget:
    schedule = _schedule(screen)
    watcher = getattr(screen.app, "watcher", None)
    running = watcher.running_for(schedule_refs(schedule)) if watcher is not None else ()
    return ScheduleTarget(schedule, tuple(running))


# ------------------------------------------------------------------ generate


def _generate_confirm(target: ItemTarget, ctx: Context[ItemTarget]) -> Confirmation:
    schedule, item = target.schedule, target.item
    assert item is not None
    label = item_label(schedule, item)
    return Confirmation(
        f"Generate the invoice for {label}?",
        f"{schedule.number} · {label} · run date {day(item.run_date)}\n"
        f"Amount {money(item.amount, schedule.currency)}. An ad hoc bill run executes this item "
        "now and creates a Draft invoice.",
        "Generate",
    )


async def _generate(ctx: Context[ItemTarget]) -> BillRun:
    assert ctx.target.item is not None
    return await ctx.backend.execute_invoice_schedule(
        ctx.target.schedule.number, ctx.target.item.id
    )


def _generate_watch(ctx: Context[ItemTarget], run: BillRun) -> Watch:
    target = ctx.target
    assert target.item is not None
    return Watch(
        run.id,
        run.bill_run_number,
        "generate",
        target.obj,
        "invoice",
        refs=schedule_refs(target.schedule) | {target.item.id},
    )


GENERATE: Operation[ItemTarget] = Operation(
    id="generate",
    action_id="generate",
    target=generate_target,
    guard=lambda t: t.schedule.number,
    rule=lambda t, keys: generate_refusal(t.schedule, t.item, keys),
    confirm=_generate_confirm,
    call=_generate,
    success=lambda ctx, run: Notice(
        f"Bill run {run.bill_run_number} started for {ctx.target.obj}: its invoice is "
        "announced when it completes",
        title="Generating",
    ),
    changes=lambda ctx, run: Change(
        "generate", schedule_refs(ctx.target.schedule), kinds=frozenset({"bill_run"})
    ),
    watch=_generate_watch,
)


# ------------------------------------------------------------------ pause / resume


def _running_refusal(target: ScheduleTarget) -> str | None:
    if target.running:
        return f"bill run {target.running[0]} for {target.obj} is still running: wait for it"
    return None


async def _pause(ctx: Context[ScheduleTarget]) -> InvoiceSchedule:
    return await ctx.backend.pause_invoice_schedule(ctx.target.schedule.number)


async def _resume(ctx: Context[ScheduleTarget]) -> InvoiceSchedule:
    return await ctx.backend.resume_invoice_schedule(ctx.target.schedule.number)


def _paused_notice(ctx: Context[ScheduleTarget], result: InvoiceSchedule) -> Notice:
    return Notice(
        f"{result.number} paused ({result.status.value}): the scheduler skips it until you "
        f"resume ({ctx.keys['pause_resume']})",
        title="Paused",
    )


def _resumed_notice(ctx: Context[ScheduleTarget], result: InvoiceSchedule) -> Notice:
    return Notice(
        f"{result.number} resumed ({result.status.value}): items run on their dates again",
        title="Resumed",
    )


def _schedule_changed(kind: str) -> Any:
    return lambda ctx, result: Change(kind, schedule_refs(ctx.target.schedule))


PAUSE: Operation[ScheduleTarget] = Operation(
    id="pause",
    action_id="pause_resume",
    label="Pause",
    target=schedule_target,
    rule=lambda t, keys: pause_refusal(t.schedule),
    call=_pause,
    success=_paused_notice,
    changes=_schedule_changed("pause"),
)

RESUME: Operation[ScheduleTarget] = Operation(
    id="resume",
    action_id="pause_resume",
    label="Resume",
    target=schedule_target,
    rule=lambda t, keys: resume_refusal(t.schedule),
    call=_resume,
    success=_resumed_notice,
    changes=_schedule_changed("resume"),
)


def is_paused(screen: Any) -> bool:
    schedule = getattr(screen, "schedule", None)
    return schedule is not None and schedule.status is InvoiceScheduleStatus.PAUSED


# ------------------------------------------------------------------ create bill run


def _credit_confirm(target: ScheduleTarget, ctx: Context[ScheduleTarget]) -> Confirmation:
    schedule = target.schedule
    return Confirmation(
        f"Create a bill run for {schedule.number}?",
        f"{schedule.number} is FullyProcessed ({money(schedule.billed_amount, schedule.currency)}"
        " billed).\nAn ad hoc bill run credits any product removed or subscription cancelled "
        "since: it creates a Draft credit memo, or nothing if there is nothing to credit.",
        "Create bill run",
    )


async def _create_bill_run(ctx: Context[ScheduleTarget]) -> BillRun:
    return await ctx.backend.execute_invoice_schedule(ctx.target.schedule.number)


def _credit_watch(ctx: Context[ScheduleTarget], run: BillRun) -> Watch:
    schedule = ctx.target.schedule
    memos = {i.credit_memo_id for i in schedule.schedule_items if i.credit_memo_id}
    return Watch(
        run.id,
        run.bill_run_number,
        "create_bill_run",
        schedule.number,
        "credit",
        refs=schedule_refs(schedule),
        known_memos=frozenset(memos),
    )


CREATE_BILL_RUN: Operation[ScheduleTarget] = Operation(
    id="create_bill_run",
    action_id="create_bill_run",
    target=schedule_target,
    rule=lambda t, keys: _running_refusal(t) or create_bill_run_refusal(t.schedule, keys),
    confirm=_credit_confirm,
    call=_create_bill_run,
    success=lambda ctx, run: Notice(
        f"Bill run {run.bill_run_number} started for {ctx.target.obj}: its result is announced "
        "when it completes",
        title="Create bill run",
    ),
    changes=lambda ctx, run: Change(
        "create_bill_run", schedule_refs(ctx.target.schedule), kinds=frozenset({"bill_run"})
    ),
    watch=_credit_watch,
)

OPERATIONS = (GENERATE, PAUSE, RESUME, CREATE_BILL_RUN)
