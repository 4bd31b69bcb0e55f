"""Operations that shape invoice schedules: new, edit, delete, detach / attach charges.

New and edit open the schedule form (:mod:`tui.screens.schedule_form`) as their input; the
confirmation shows the request's effect (for an edit, the diff) and the environment; the call
sends the complete lists. Charges opens the charges screen and confirms the marked list.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from backends.models import (
    Account,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    Order,
    ScheduleItemStatus,
    Subscription,
)
from tui.format import money
from tui.keys import KeyNames
from tui.operations.base import Change, Confirmation, Context, Notice, Operation, Refused
from tui.schedule_editor.charges import (
    Charges,
    charge_rows,
    charges_refusal,
    covered_subscriptions,
    specs_for,
)
from tui.schedule_editor.diff import ScheduleDiff
from tui.schedule_editor.plan import SchedulePlan
from tui.schedule_editor.requests import create_request, update_request
from tui.schedule_editor.state import FormState, OrderInfo, edit_state, new_state

__all__ = ["OPERATIONS"]


def _refs(schedule: InvoiceSchedule) -> frozenset[str]:
    return frozenset({schedule.id, schedule.number, *schedule.orders})


def _order_info(order: Order) -> OrderInfo:
    return OrderInfo(order.order_number, tuple(s.subscription_number for s in order.subscriptions))


# ------------------------------------------------------------------ new schedule


@dataclass(frozen=True)
class NewTarget:
    order: Order
    account: Account | None = None

    @property
    def obj(self) -> str:
        return self.order.order_number


def _new_target(screen: Any, keys: KeyNames) -> NewTarget:
    order = getattr(screen, "order", None)
    if order is None:
        raise Refused("the order is still loading", getattr(screen, "crumb", None))
    return NewTarget(order)


async def _new_prepare(backend: Any, target: NewTarget) -> NewTarget:
    account = await backend.get_account(target.order.existing_account_number)
    return NewTarget(target.order, account)


def _new_form(target: NewTarget, ctx: Context[NewTarget]) -> Any:
    from tui.screens.schedule_form import ScheduleFormScreen

    state = ctx.values.get("state")
    if not isinstance(state, FormState):
        assert target.account is not None
        today = ctx.today or target.order.order_date
        state = new_state(
            target.account.account_number,
            target.account.currency,
            _order_info(target.order),
            start=today,
        )
    return ScheduleFormScreen(
        state, today=ctx.today or target.order.order_date, error=ctx.values.get("error")
    )


def _plan_lines(plan: SchedulePlan, currency: str) -> list[str]:
    out = []
    for n, item in enumerate(plan.items, 1):
        value = (
            f"{item.percentage.normalize():f}%"
            if item.percentage is not None
            else money(item.amount, currency)
        )
        when = item.run_date.isoformat() if item.run_date else "no run date"
        out.append(f"{n}. {item.name or 'unnamed'} · {when} · {value}")
    return out


def _new_confirm(target: NewTarget, ctx: Context[NewTarget]) -> Confirmation:
    state: FormState = ctx.values["state"]
    plan: SchedulePlan = ctx.values["plan"]
    lines = _plan_lines(plan, state.currency)
    shown = lines if len(lines) <= 12 else [*lines[:11], f"… and {len(lines) - 11} more"]
    specific = ", ".join(f"{sub} ({order})" for order, sub, _ in plan.specific_subscriptions)
    return Confirmation(
        f"Create an invoice schedule for {', '.join(plan.orders)}?",
        f"Account {state.account_key} · {state.currency} · {len(plan.items)} item(s)"
        + (" · invoiced separately" if plan.invoice_separately else "")
        + (f"\nSpecific subscriptions: {specific}" if specific else "")
        + "\n"
        + "\n".join(shown),
        "Create",
    )


async def _create(ctx: Context[NewTarget]) -> InvoiceSchedule:
    state: FormState = ctx.values["state"]
    plan: SchedulePlan = ctx.values["plan"]
    request = create_request(state.account_key, plan)
    return await ctx.backend.create_invoice_schedule(request, idempotency_key=uuid.uuid4().hex)


NEW_SCHEDULE: Operation[NewTarget] = Operation(
    id="new_schedule",
    action_id="new_schedule",
    target=_new_target,
    prepare=_new_prepare,
    form=_new_form,
    confirm=_new_confirm,
    call=_create,
    success=lambda ctx, s: Notice(
        f"{s.number} created for {', '.join(s.orders)}: {len(s.schedule_items)} item(s), "
        f"total {money(s.total_amount, s.currency)}",
        title="Schedule created",
    ),
    changes=lambda ctx, s: Change(
        "new_schedule",
        _refs(s) | {ctx.target.order.id, ctx.target.order.order_number},
        kinds=frozenset({"schedule"}),
    ),
)


# ------------------------------------------------------------------ edit schedule


@dataclass(frozen=True)
class EditTarget:
    schedule: InvoiceSchedule
    orders: dict[str, OrderInfo] = field(default_factory=dict)
    account_number: str | None = None

    @property
    def obj(self) -> str:
        return self.schedule.number


def _schedule_of(screen: Any) -> InvoiceSchedule:
    schedule = getattr(screen, "schedule", None)
    if schedule is None:
        raise Refused("the schedule is still loading", getattr(screen, "crumb", None))
    return schedule  # type: ignore[no-any-return]


def _edit_target(screen: Any, keys: KeyNames) -> EditTarget:
    return EditTarget(_schedule_of(screen))


async def _edit_prepare(backend: Any, target: EditTarget) -> EditTarget:
    """The schedule as the backend has it now, and its orders' subscriptions."""
    key = target.schedule.number
    schedule = await backend.get_invoice_schedule(key)
    account, orders = await asyncio.gather(
        backend.get_account(schedule.account_id),
        asyncio.gather(*(backend.get_order(o) for o in schedule.orders)),
    )
    return EditTarget(
        schedule, {o.order_number: _order_info(o) for o in orders}, account.account_number
    )


def _edit_rule(target: EditTarget, keys: KeyNames) -> str | None:
    busy = next(
        (i for i in target.schedule.schedule_items if i.status is ScheduleItemStatus.EXECUTING),
        None,
    )
    if busy is not None:
        return (
            f"{busy.name or 'an item'} of {target.schedule.number} is Executing: wait for its "
            "bill run before editing"
        )
    return None


def _edit_form(target: EditTarget, ctx: Context[EditTarget]) -> Any:
    from tui.screens.schedule_form import ScheduleFormScreen

    state = ctx.values.get("state")
    if not isinstance(state, FormState):
        account = target.account_number or target.schedule.account_id
        state = edit_state(target.schedule, account, target.orders)
    today = ctx.today or target.schedule.next_run_date
    assert today is not None
    return ScheduleFormScreen(state, today=today, error=ctx.values.get("error"))


def _edit_confirm(target: EditTarget, ctx: Context[EditTarget]) -> Confirmation:
    change: ScheduleDiff = ctx.values["diff"]
    lines = change.lines(target.schedule.currency)
    deleted = len(change.items_deleted)
    head = f"{target.schedule.number} ({target.schedule.status.value}): {len(lines)} change(s)"
    if deleted:
        head += f", {deleted} item(s) DELETED"
    return Confirmation(
        f"Save the changes to {target.schedule.number}?",
        head + "\n" + "\n".join(lines),
        "Save",
    )


async def _update(ctx: Context[EditTarget]) -> InvoiceSchedule:
    plan: SchedulePlan = ctx.values["plan"]
    request = update_request(ctx.target.schedule, plan)
    return await ctx.backend.update_invoice_schedule(ctx.target.schedule.number, request)


EDIT_SCHEDULE: Operation[EditTarget] = Operation(
    id="edit_schedule",
    action_id="edit_schedule",
    target=_edit_target,
    rule=_edit_rule,
    prepare=_edit_prepare,
    form=_edit_form,
    confirm=_edit_confirm,
    call=_update,
    success=lambda ctx, s: Notice(
        f"{s.number} saved: {len(s.schedule_items)} item(s), total "
        f"{money(s.total_amount, s.currency)}, next run {s.next_run_date or '—'}",
        title="Schedule saved",
    ),
    changes=lambda ctx, s: Change(
        "edit_schedule", _refs(s) | _refs(ctx.target.schedule), kinds=frozenset({"schedule"})
    ),
)


# ------------------------------------------------------------------ delete schedule


@dataclass(frozen=True)
class DeleteTarget:
    schedule: InvoiceSchedule

    @property
    def obj(self) -> str:
        return self.schedule.number


def delete_refusal(schedule: InvoiceSchedule) -> str | None:
    """Zuora deletes only a Pending schedule (no item executing)."""
    if schedule.status is not InvoiceScheduleStatus.PENDING:
        return (
            f"{schedule.number} is {schedule.status.value}: only a Pending schedule can be deleted"
        )
    busy = next(
        (i for i in schedule.schedule_items if i.status is not ScheduleItemStatus.PENDING), None
    )
    if busy is not None:
        return f"{busy.name or 'an item'} of {schedule.number} is {busy.status.value}: wait for it"
    return None


def _delete_confirm(target: DeleteTarget, ctx: Context[DeleteTarget]) -> Confirmation:
    s = target.schedule
    return Confirmation(
        f"Delete invoice schedule {s.number}?",
        f"{s.number} · total {money(s.total_amount, s.currency)} · "
        f"{len(s.schedule_items)} item(s)\nOrders: {', '.join(s.orders) or '—'}\n"
        "The schedule and its items are removed; the orders' charges are free for another "
        "schedule.",
        "Delete",
    )


async def _delete(ctx: Context[DeleteTarget]) -> None:
    await ctx.backend.delete_invoice_schedule(ctx.target.schedule.number)


DELETE_SCHEDULE: Operation[DeleteTarget] = Operation(
    id="delete_schedule",
    action_id="delete_schedule",
    target=lambda screen, keys: DeleteTarget(_schedule_of(screen)),
    rule=lambda t, keys: delete_refusal(t.schedule),
    confirm=_delete_confirm,
    call=_delete,
    success=lambda ctx, _: Notice(
        f"{ctx.target.schedule.number} deleted ({', '.join(ctx.target.schedule.orders)})",
        title="Schedule deleted",
    ),
    changes=lambda ctx, _: Change(
        "delete_schedule",
        _refs(ctx.target.schedule),
        kinds=frozenset({"schedule"}),
        deleted=frozenset({ctx.target.schedule.id, ctx.target.schedule.number}),
    ),
)


# ------------------------------------------------------------------ detach / attach charges


@dataclass(frozen=True)
class ChargesTarget:
    schedule: InvoiceSchedule
    #: (order, subscription) the schedule covers, each read with its charges
    subscriptions: tuple[tuple[str, Subscription], ...] = ()

    @property
    def obj(self) -> str:
        return self.schedule.number


def _charges_target(screen: Any, keys: KeyNames) -> ChargesTarget:
    return ChargesTarget(_schedule_of(screen))


async def _charges_prepare(backend: Any, target: ChargesTarget) -> ChargesTarget:
    """The schedule now and every subscription it covers, with its charges: the orders are read
    only when one names no specific subscriptions (then all of its subscriptions count)."""
    schedule = await backend.get_invoice_schedule(target.schedule.number)
    specific = {s.order_key for s in schedule.specific_subscriptions}
    async with asyncio.TaskGroup() as group:
        order_tasks = [
            group.create_task(backend.get_order(o)) for o in schedule.orders if o not in specific
        ]
    subscriptions_of = {
        t.result().order_number: _order_info(t.result()).subscriptions for t in order_tasks
    }
    covered = covered_subscriptions(schedule, subscriptions_of)
    async with asyncio.TaskGroup() as group:
        reads = [group.create_task(backend.get_subscription(sub)) for _, sub in covered]
    return ChargesTarget(
        schedule,
        tuple((order, t.result()) for (order, _), t in zip(covered, reads, strict=True)),
    )


def _charges_form(target: ChargesTarget, ctx: Context[ChargesTarget]) -> Any:
    from tui.screens.schedule_charges import ScheduleChargesScreen

    charges = ctx.values.get("charges")
    if not isinstance(charges, Charges):
        charges = Charges(target.schedule, charge_rows(target.schedule, target.subscriptions))
    return ScheduleChargesScreen(charges, error=ctx.values.get("error"))


def _charges_confirm(target: ChargesTarget, ctx: Context[ChargesTarget]) -> Confirmation:
    charges: Charges = ctx.values["charges"]
    return Confirmation(
        f"Change the charges of {target.schedule.number}?",
        f"{target.schedule.number} ({target.schedule.status.value})\n"
        + "\n".join(charges.lines())
        + "\nDetached charges are no longer billed by the schedule; invoices generated before "
        "a detachment can no longer be unposted.",
        "Apply",
    )


async def _apply_charges(ctx: Context[ChargesTarget]) -> InvoiceSchedule:
    charges: Charges = ctx.values["charges"]
    key = ctx.target.schedule.number
    result = ctx.target.schedule
    detach, attach = charges.to_detach, charges.to_attach
    if detach:
        result = await ctx.backend.detach_charges(key, specs_for(detach))
    if attach:
        result = await ctx.backend.attach_charges(key, specs_for(attach))
    return result


def _charges_notice(ctx: Context[ChargesTarget], s: InvoiceSchedule) -> Notice:
    charges: Charges = ctx.values["charges"]
    parts = []
    if charges.to_detach:
        parts.append("detached " + ", ".join(r.charge for r in charges.to_detach))
    if charges.to_attach:
        parts.append("attached " + ", ".join(r.charge for r in charges.to_attach))
    return Notice(
        f"{s.number}: {'; '.join(parts)} · actual {money(s.actual_amount, s.currency)}",
        title="Charges",
    )


CHARGES: Operation[ChargesTarget] = Operation(
    id="charges",
    action_id="charges",
    target=_charges_target,
    rule=lambda t, keys: charges_refusal(t.schedule),
    prepare=_charges_prepare,
    form=_charges_form,
    confirm=_charges_confirm,
    call=_apply_charges,
    success=_charges_notice,
    changes=lambda ctx, s: Change("charges", _refs(ctx.target.schedule)),
)

OPERATIONS = (NEW_SCHEDULE, EDIT_SCHEDULE, DELETE_SCHEDULE, CHARGES)
