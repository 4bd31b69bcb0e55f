"""Invoice schedules: create, update, delete, pause, resume, detach, attach, and the arithmetic.

The amounts follow Zuora's *definitions* (its samples contradict each other, reference §3.3):

* ``amount`` of an item is what was planned; it changes only by an update.
* the schedule is worth the value of the charges attached to it (its orders' one-time and
  recurring charges, less what was detached); cancelling a subscription or removing a product
  lowers that value.
* a processed item's ``actualAmount`` is what its invoice billed, less its share of the credit
  memos the schedule issued (shared from the last processed item backwards); an executing item's
  is frozen; pending items share what is left, earliest first, never above their planned amount
  (the last pending item takes any surplus).
* ``billedAmount`` = processed items' actual amounts, ``unbilledAmount`` = the others',
  ``actualAmount`` = billed + unbilled. When the charges fell below what was already billed, the
  difference is a *credit due*: no amount goes negative; the credit waits until a bill run on the
  fully processed schedule issues the memo (execute with no item), and meanwhile the schedule's
  ``nextRunDate`` shows the date the credit became due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from backends.fake.engine.core import Core
from backends.fake.engine.pricing import cents, charge_value
from backends.fake.engine.refusals import ACCOUNT, ORDER, SCHEDULE, SUBSCRIPTION
from backends.fake.engine.store import Detachment, ScheduleExtra
from backends.models import (
    ChargeType,
    CreateInvoiceScheduleRequest,
    DocumentStatus,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    Order,
    OrderActionType,
    ScheduleItem,
    ScheduleItemInput,
    ScheduleItemStatus,
    SpecificSubscription,
    UpdateInvoiceScheduleRequest,
)

__all__ = [
    "MAX_ADDITIONAL_SUBSCRIPTIONS",
    "MAX_ITEMS",
    "MAX_ORDERS",
    "MAX_SUBSCRIPTIONS",
    "attach",
    "create",
    "credit_due",
    "delete",
    "detach",
    "due_date",
    "first_pending",
    "pause",
    "reprice",
    "resolve",
    "resume",
    "underlying_status",
    "update",
]

MAX_ITEMS = 50
MAX_ORDERS = 10
MAX_SUBSCRIPTIONS = 300
MAX_ADDITIONAL_SUBSCRIPTIONS = 600

ZERO = Decimal("0.00")
_BILLING_ACTIONS = {OrderActionType.CREATE_SUBSCRIPTION, OrderActionType.ADD_PRODUCT}


# --------------------------------------------------------------------------- reading helpers


def resolve(core: Core, key: str) -> InvoiceSchedule:
    schedule = core.store.schedule(key)
    if schedule is None:
        raise core.refuse.not_found(SCHEDULE, f"No invoice schedule {key}: check the number")
    return schedule


def underlying_status(schedule: InvoiceSchedule) -> InvoiceScheduleStatus:
    """The status from the items alone, i.e. the status a paused schedule resumes to."""
    processed = sum(1 for i in schedule.schedule_items if i.status is ScheduleItemStatus.PROCESSED)
    if processed == 0:
        return InvoiceScheduleStatus.PENDING
    if processed < len(schedule.schedule_items):
        return InvoiceScheduleStatus.PARTIALLY_PROCESSED
    return InvoiceScheduleStatus.FULLY_PROCESSED


def first_pending(schedule: InvoiceSchedule) -> ScheduleItem | None:
    return schedule.earliest_pending_item


def item_label(schedule: InvoiceSchedule, item: ScheduleItem) -> str:
    # by identity: ``list.index`` would compare pydantic models field by field
    position = next(n for n, i in enumerate(schedule.schedule_items, start=1) if i is item)
    return f"item {position} of {schedule.number}"


def schedule_value(core: Core, schedule_id: str) -> Decimal:
    st = core.store
    return sum(
        (charge_value(st.charges[c]) for c in st.schedule_charges.get(schedule_id, [])), ZERO
    )


def _credits_issued(core: Core, schedule_id: str) -> Decimal:
    st = core.store
    total = ZERO
    for memo_id in st.schedule_extra[schedule_id].credit_memo_ids:
        memo = st.credit_memos[memo_id]
        if memo.status is not DocumentStatus.CANCELED:
            total += memo.amount
    return total


def billable_share(
    core: Core, schedule_id: str, amount: Decimal, exclude: list[ChargeType]
) -> Decimal:
    """The part of ``amount`` a bill run that excludes ``exclude`` invoices: ``amount`` less the
    share of the schedule's charges of those types, by their value (inferred: Zuora does not
    say how a schedule item's amount divides among its charges)."""
    if not exclude:
        return amount
    st = core.store
    values = [st.charges[c] for c in st.schedule_charges.get(schedule_id, [])]
    total = sum((charge_value(c) for c in values), ZERO)
    if total <= 0:
        return amount
    kept = sum((charge_value(c) for c in values if c.type not in exclude), ZERO)
    return cents(amount * kept / total)


def split_by_type(
    core: Core, schedule_id: str, amount: Decimal, types: list[ChargeType]
) -> dict[str, Decimal]:
    """``amount`` spread over the schedule's charges of ``types`` by their value (the last type
    takes the rounding); types without value get nothing."""
    st = core.store
    values: dict[str, Decimal] = {}
    for number in st.schedule_charges.get(schedule_id, []):
        charge = st.charges[number]
        if charge.type in types:
            values[charge.type.value] = values.get(charge.type.value, ZERO) + charge_value(charge)
    total = sum(values.values(), ZERO)
    if amount <= 0 or total <= 0:
        return {}
    shares = {t: cents(amount * v / total) for t, v in sorted(values.items()) if v > 0}
    last = next(reversed(shares))
    shares[last] += amount - sum(shares.values(), ZERO)
    return shares


def credit_due(core: Core, schedule: InvoiceSchedule) -> Decimal:
    """How much was billed above what the schedule's charges are now worth."""
    committed = sum(
        (
            i.actual_amount
            for i in schedule.schedule_items
            if i.status is not ScheduleItemStatus.PENDING
        ),
        ZERO,
    )
    return max(ZERO, committed - schedule_value(core, schedule.id))


def due_date(core: Core, schedule: InvoiceSchedule) -> date | None:
    """When the Zuora Scheduler will execute this schedule's next item (None: never, as is)."""
    extra = core.store.schedule_extra[schedule.id]
    if extra.paused:
        return None
    item = first_pending(schedule)
    if item is None:
        return None
    return extra.next_run_override or item.run_date


# --------------------------------------------------------------------------- arithmetic


def _set_amount(item: ScheduleItem, value: Decimal) -> None:
    """``item.actual_amount = value`` without pydantic's ``__setattr__`` (the hot path of every
    execute and settle): exactly what it does for a plain field when assignments are not
    validated, which :class:`backends.models.ZuoraModel` does not ask for."""
    item.__dict__["actual_amount"] = value
    item.__pydantic_fields_set__.add("actual_amount")


def reprice(core: Core, schedule: InvoiceSchedule, *, change_date: date | None = None) -> None:
    """Recompute every derived amount, the status and ``nextRunDate`` (see module docstring).

    One pass over the items; it runs twice per executed item, so it stays lean."""
    st = core.store
    extra = st.schedule_extra[schedule.id]
    value = schedule_value(core, schedule.id)
    items = schedule.schedule_items
    processed: list[ScheduleItem] = []
    executing: list[ScheduleItem] = []
    pending: list[ScheduleItem] = []
    total = ZERO
    for item in items:
        total += item.amount
        item_status = item.status
        if item_status is ScheduleItemStatus.PROCESSED:
            processed.append(item)
        elif item_status is ScheduleItemStatus.EXECUTING:
            executing.append(item)
        else:
            pending.append(item)

    credit = _credits_issued(core, schedule.id)
    billed_net = ZERO
    item_billed = st.item_billed
    for item in reversed(processed):
        billed = item_billed.get(item.id, ZERO)
        share = min(billed, credit)
        net = billed - share
        _set_amount(item, net)
        credit -= share
        billed_net += net
    committed = billed_net
    for item in executing:
        committed += item.actual_amount
    unbilled = committed - billed_net

    left = value - committed
    for item in pending:
        take = min(item.amount, max(left, ZERO))
        if item.actual_amount is not take:
            _set_amount(item, take)
        left -= take
        unbilled += take
    if pending and left > 0:
        _set_amount(pending[-1], pending[-1].actual_amount + left)
        unbilled += left
    unbilled += sum(extra.deferred.values(), ZERO)

    schedule.total_amount = total
    schedule.billed_amount = billed_net
    schedule.unbilled_amount = unbilled
    schedule.actual_amount = billed_net + unbilled

    due = max(ZERO, committed - value)
    if due > 0:
        if extra.credit_date is None:
            extra.credit_date = change_date or core.clock.today
    else:
        extra.credit_date = None

    if extra.paused:
        schedule.status = InvoiceScheduleStatus.PAUSED
    elif not processed:
        schedule.status = InvoiceScheduleStatus.PENDING
    elif len(processed) < len(items):
        schedule.status = InvoiceScheduleStatus.PARTIALLY_PROCESSED
    else:
        schedule.status = InvoiceScheduleStatus.FULLY_PROCESSED
    nxt = pending[0] if pending else None
    # due_date(): the Scheduler's date, None while paused or with nothing pending
    st.set_due(
        schedule,
        None if extra.paused or nxt is None else (extra.next_run_override or nxt.run_date),
    )
    if nxt is not None:
        schedule.next_run_date = extra.next_run_override or nxt.run_date
    elif due > 0:
        schedule.next_run_date = extra.credit_date
    else:
        schedule.next_run_date = None


def _touch(core: Core, schedule: InvoiceSchedule) -> None:
    schedule.updated_date = core.clock.tick()


# --------------------------------------------------------------------------- charges of orders


def _resolve_orders(core: Core, keys: list[str], account_id: str) -> list[Order]:
    st = core.store
    if not keys:
        raise core.refuse.missing(SCHEDULE, "Name at least one order for the invoice schedule")
    if len(keys) > MAX_ORDERS:
        raise core.refuse.invalid(
            SCHEDULE, f"An invoice schedule takes at most {MAX_ORDERS} orders; {len(keys)} given"
        )
    orders: list[Order] = []
    for key in keys:
        order = st.order(key)
        if order is None:
            raise core.refuse.not_found(ORDER, f"No order {key}: check the order number")
        if order in orders:
            raise core.refuse.invalid(SCHEDULE, f"{order.order_number} is listed twice")
        account = st.account(order.existing_account_number)
        if account is None or account.id != account_id:
            owner = st.accounts[account_id].account_number
            raise core.refuse.invalid(
                SCHEDULE,
                f"{order.order_number} belongs to {order.existing_account_number}, "
                f"not to {owner}: a schedule bills the orders of one account",
            )
        orders.append(order)
    return orders


def _order_charges(core: Core, order: Order, subscription_number: str | None) -> list[str]:
    """Charge numbers an order added (one-time and recurring), optionally of one subscription."""
    st = core.store
    numbers: list[str] = []
    for order_sub in order.subscriptions:
        if subscription_number and order_sub.subscription_number != subscription_number:
            continue
        if not any(a.type in _BILLING_ACTIONS for a in order_sub.order_actions):
            continue
        subscription = st.subscription(order_sub.subscription_number)
        if subscription is None:
            continue
        for plan in subscription.rate_plans:
            for charge in plan.rate_plan_charges:
                if (
                    st.charge_order.get(charge.number) == order.order_number
                    and charge.type is not ChargeType.USAGE
                ):
                    numbers.append(charge.number)
    return numbers


def _select_charges(
    core: Core,
    schedule_id: str | None,
    orders: list[Order],
    specific: list[SpecificSubscription],
    additional: list[str],
) -> tuple[list[str], list[SpecificSubscription]]:
    """The charges a schedule over these orders bills; refuses bad or taken ones."""
    st = core.store
    by_order: dict[str, list[SpecificSubscription]] = {}
    normalised: list[SpecificSubscription] = []
    order_numbers = {o.order_number for o in orders}
    for spec in specific:
        order = st.order(spec.order_key)
        if order is None or order.order_number not in order_numbers:
            raise core.refuse.invalid(
                SCHEDULE,
                f"Specific subscription names order {spec.order_key}, "
                "which is not among the schedule's orders",
            )
        subscription = st.subscription(spec.subscription_key)
        if subscription is None:
            raise core.refuse.not_found(
                SUBSCRIPTION, f"No subscription {spec.subscription_key}: check the number"
            )
        in_order = _order_charges(core, order, subscription.subscription_number)
        if not in_order:
            raise core.refuse.invalid(
                SCHEDULE,
                f"{subscription.subscription_number} has no billable charges from "
                f"{order.order_number}",
            )
        for number in spec.charge_numbers:
            if number not in in_order:
                raise core.refuse.invalid(
                    SCHEDULE,
                    f"Charge {number} is not a one-time or recurring charge that "
                    f"{order.order_number} added to {subscription.subscription_number}",
                )
        fixed = SpecificSubscription(
            order_key=order.order_number,
            subscription_key=subscription.subscription_number,
            charge_numbers=list(spec.charge_numbers),
        )
        by_order.setdefault(order.order_number, []).append(fixed)
        normalised.append(fixed)

    charges: list[str] = []
    for order in orders:
        specs = by_order.get(order.order_number)
        if not specs:
            charges.extend(_order_charges(core, order, None))
            continue
        for spec in specs:
            in_sub = _order_charges(core, order, spec.subscription_key)
            charges.extend(c for c in in_sub if not spec.charge_numbers or c in spec.charge_numbers)

    for number in charges:
        owner = st.charges[number].invoice_schedule_id
        if owner is not None and owner != schedule_id and owner in st.schedules:
            raise core.refuse.rule(
                SCHEDULE,
                f"Charge {number} is already billed by invoice schedule "
                f"{st.schedules[owner].number}: a charge belongs to one schedule at a time",
            )
    subscriptions = {st.charge_subscription[c] for c in charges}
    if len(subscriptions) > MAX_SUBSCRIPTIONS:
        raise core.refuse.invalid(
            SCHEDULE,
            f"An invoice schedule takes at most {MAX_SUBSCRIPTIONS} subscriptions; "
            f"these orders hold {len(subscriptions)}",
        )
    if len(additional) > MAX_ADDITIONAL_SUBSCRIPTIONS:
        raise core.refuse.invalid(
            SCHEDULE,
            f"At most {MAX_ADDITIONAL_SUBSCRIPTIONS} additional subscriptions; "
            f"{len(additional)} given",
        )
    for key in additional:
        if st.subscription(key) is None:
            raise core.refuse.not_found(SUBSCRIPTION, f"No subscription {key}: check the number")
    if not charges:
        names = ", ".join(o.order_number for o in orders)
        raise core.refuse.rule(
            SCHEDULE, f"{names} has no one-time or recurring charges for a schedule to bill"
        )
    return charges, normalised


def _attach_charges(core: Core, schedule: InvoiceSchedule, charges: list[str]) -> None:
    st = core.store
    attached = st.schedule_charges.setdefault(schedule.id, [])
    for number in charges:
        charge = st.charges[number]
        charge.invoice_schedule_id = schedule.id
        st.subscriptions[st.charge_subscription[number]].invoice_schedule_id = schedule.id
        if number not in attached:
            attached.append(number)


def _release_charges(core: Core, schedule: InvoiceSchedule, charges: list[str]) -> None:
    st = core.store
    attached = st.schedule_charges.get(schedule.id, [])
    for number in charges:
        charge = st.charges[number]
        if charge.invoice_schedule_id == schedule.id:
            charge.invoice_schedule_id = None
        subscription = st.subscriptions[st.charge_subscription[number]]
        if subscription.invoice_schedule_id == schedule.id:
            subscription.invoice_schedule_id = None
        if number in attached:
            attached.remove(number)


# --------------------------------------------------------------------------- items


@dataclass
class _ItemPlan:
    """A validated item of a create/update request, before ids are handed out."""

    existing: ScheduleItem | None
    name: str | None
    amount: Decimal
    percentage: Decimal | None
    run_date: date | None
    target_date: date | None


def _plan_items(
    core: Core,
    schedule: InvoiceSchedule | None,
    inputs: list[ScheduleItemInput],
    total: Decimal,
) -> list[_ItemPlan]:
    """Check the items of a create or update (replace semantics) and work out their amounts.

    For an item that keeps its ``id``, a missing ``amount``/``percentage``/``name`` means
    "unchanged"; ``runDate`` is taken as sent (blank means not auto-executed). Items that are not
    Pending must come back unchanged; any existing item left out is deleted.
    """
    label = schedule.number if schedule else "the invoice schedule"
    if not inputs:
        raise core.refuse.missing(SCHEDULE, f"Give {label} at least one schedule item")
    if len(inputs) > MAX_ITEMS:
        raise core.refuse.invalid(
            SCHEDULE, f"An invoice schedule takes at most {MAX_ITEMS} items; {len(inputs)} given"
        )
    existing = {i.id: i for i in schedule.schedule_items} if schedule else {}
    seen: set[str] = set()
    plans: list[_ItemPlan] = []
    for position, given in enumerate(inputs, start=1):
        old: ScheduleItem | None = None
        if given.id is not None:
            if given.id not in existing:
                raise core.refuse.invalid(SCHEDULE, f"Item {given.id} is not an item of {label}")
            if given.id in seen:
                raise core.refuse.invalid(SCHEDULE, f"Item {given.id} is listed twice")
            seen.add(given.id)
            old = existing[given.id]
        if given.amount is not None and given.percentage is not None:
            raise core.refuse.invalid(
                SCHEDULE, f"Item {position}: give an amount or a percentage, not both"
            )
        amount, percentage = given.amount, given.percentage
        if old is not None and amount is None and percentage is None:
            amount, percentage = (None, old.percentage) if old.percentage else (old.amount, None)
        if amount is None and percentage is None:
            raise core.refuse.missing(SCHEDULE, f"Item {position}: give an amount or a percentage")
        if percentage is not None and not (ZERO < percentage <= 100):
            raise core.refuse.invalid(
                SCHEDULE, f"Item {position}: a percentage must be above 0 and at most 100"
            )
        if amount is not None and amount <= 0:
            raise core.refuse.invalid(SCHEDULE, f"Item {position}: the amount must be above 0")
        if amount is not None and amount != cents(amount):
            raise core.refuse.invalid(
                SCHEDULE, f"Item {position}: the amount {amount} has more than two decimals"
            )
        computed = amount if amount is not None else cents(total * (percentage or ZERO) / 100)
        plans.append(
            _ItemPlan(
                existing=old,
                name=given.name if given.name is not None else (old.name if old else None),
                amount=computed,
                percentage=percentage,
                run_date=given.run_date,
                target_date=given.target_date_for_additional_subscriptions,
            )
        )

    # rounding of percentage items goes to the last of them
    pct = [p for p in plans if p.percentage is not None]
    exact = sum((p.amount for p in plans if p.percentage is None), ZERO) + sum(
        (total * (p.percentage or ZERO) / 100 for p in pct), ZERO
    )
    if pct and cents(exact) == total:
        pct[-1].amount += total - sum((p.amount for p in plans), ZERO)
    planned = sum((p.amount for p in plans), ZERO)
    if planned != total:
        raise core.refuse.invalid(
            SCHEDULE,
            f"The items add up to {planned} but the schedule's total is {total}: "
            "amounts and percentages must cover the total exactly",
        )

    # items that already left Pending must stay as they were
    for old in existing.values():
        if old.status is ScheduleItemStatus.PENDING:
            continue
        plan = next((p for p in plans if p.existing is old), None)
        what = f"{item_label(schedule, old)} is {old.status}" if schedule else "an item"
        if plan is None:
            raise core.refuse.rule(
                SCHEDULE, f"{what}: it cannot be removed (send it back unchanged)"
            )
        if plan.amount != old.amount or plan.run_date != old.run_date:
            raise core.refuse.rule(
                SCHEDULE, f"{what}: only Pending items can change their amount or run date"
            )

    # run dates: chronological, and once one is blank every later one is blank
    previous: date | None = None
    blank_seen = False
    for position, plan in enumerate(plans, start=1):
        if plan.run_date is None:
            blank_seen = True
            continue
        if blank_seen:
            raise core.refuse.invalid(
                SCHEDULE,
                f"Item {position} has a run date after an item with a blank one: "
                "blank run dates must come last",
            )
        if previous is not None and plan.run_date < previous:
            raise core.refuse.invalid(
                SCHEDULE,
                f"Item {position} runs on {plan.run_date}, before the item above it "
                f"({previous}): run dates must be chronological",
            )
        previous = plan.run_date
    return plans


def _materialise(core: Core, plans: list[_ItemPlan]) -> list[ScheduleItem]:
    items: list[ScheduleItem] = []
    for plan in plans:
        if plan.existing is not None:
            item = plan.existing
            if item.status is ScheduleItemStatus.PENDING:
                item.name = plan.name
                item.amount = plan.amount
                item.percentage = plan.percentage
                item.run_date = plan.run_date
                item.target_date_for_additional_subscriptions = plan.target_date
            items.append(item)
        else:
            items.append(
                ScheduleItem(
                    id=core.ids.new_id(),
                    name=plan.name,
                    amount=plan.amount,
                    percentage=plan.percentage,
                    actual_amount=plan.amount,
                    run_date=plan.run_date,
                    target_date_for_additional_subscriptions=plan.target_date,
                )
            )
    return items


# --------------------------------------------------------------------------- operations


def create(core: Core, request: CreateInvoiceScheduleRequest) -> InvoiceSchedule:
    st = core.store
    account = st.account(request.account_key)
    if account is None:
        raise core.refuse.not_found(
            ACCOUNT, f"No account {request.account_key}: check the account number"
        )
    orders = _resolve_orders(core, request.orders, account.id)
    charges, specific = _select_charges(
        core, None, orders, request.specific_subscriptions, request.additional_subscriptions_to_bill
    )
    total = sum((charge_value(st.charges[c]) for c in charges), ZERO)
    plans = _plan_items(core, None, request.schedule_items, total)

    now = core.clock.tick()
    schedule = InvoiceSchedule(
        id=core.ids.new_id(),
        number=core.ids.number("schedule"),
        account_id=account.id,
        status=InvoiceScheduleStatus.PENDING,
        currency=account.currency,
        total_amount=total,
        actual_amount=total,
        billed_amount=ZERO,
        unbilled_amount=total,
        notes=request.notes,
        orders=[o.order_number for o in orders],
        specific_subscriptions=specific,
        additional_subscriptions_to_bill=list(request.additional_subscriptions_to_bill),
        invoice_separately=request.invoice_separately,
        schedule_items=_materialise(core, plans),
        created_date=now,
        updated_date=now,
    )
    st.add_schedule(schedule, ScheduleExtra())
    _attach_charges(core, schedule, charges)
    for order in orders:
        order.invoice_schedule_id = schedule.id
    reprice(core, schedule)
    return schedule


def update(core: Core, key: str, request: UpdateInvoiceScheduleRequest) -> InvoiceSchedule:
    st = core.store
    schedule = resolve(core, key)
    extra = st.schedule_extra[schedule.id]
    status = schedule.status

    orders_change = request.orders is not None or request.specific_subscriptions is not None
    new_orders: list[Order] | None = None
    new_specific = schedule.specific_subscriptions
    charges: list[str] | None = None
    total = schedule.total_amount
    if orders_change:
        keys = request.orders if request.orders is not None else schedule.orders
        new_orders = _resolve_orders(core, keys, schedule.account_id)
        specs = (
            request.specific_subscriptions
            if request.specific_subscriptions is not None
            else schedule.specific_subscriptions
        )
        same_orders = [o.order_number for o in new_orders] == schedule.orders
        same_specs = [s.to_wire() for s in specs] == [
            s.to_wire() for s in schedule.specific_subscriptions
        ]
        if not (same_orders and same_specs) and status is not InvoiceScheduleStatus.PENDING:
            raise core.refuse.rule(
                SCHEDULE,
                f"{schedule.number} is {status}: orders and specific subscriptions "
                "change only while the schedule is Pending",
            )
        charges, new_specific = _select_charges(
            core,
            schedule.id,
            new_orders,
            specs,
            request.additional_subscriptions_to_bill
            if request.additional_subscriptions_to_bill is not None
            else schedule.additional_subscriptions_to_bill,
        )
        current = list(st.schedule_charges.get(schedule.id, [])) + [
            n for d in extra.detachments for n in d.charge_numbers
        ]
        same = [o.order_number for o in new_orders] == schedule.orders and sorted(
            charges
        ) == sorted(current)
        if not same:
            total = sum((charge_value(st.charges[c]) for c in charges), ZERO)
        else:
            charges = None
    elif request.additional_subscriptions_to_bill is not None:
        extra_subs = request.additional_subscriptions_to_bill
        if len(extra_subs) > MAX_ADDITIONAL_SUBSCRIPTIONS:
            raise core.refuse.invalid(
                SCHEDULE,
                f"At most {MAX_ADDITIONAL_SUBSCRIPTIONS} additional subscriptions; "
                f"{len(extra_subs)} given",
            )
        for sub_key in extra_subs:
            if st.subscription(sub_key) is None:
                raise core.refuse.not_found(
                    SUBSCRIPTION, f"No subscription {sub_key}: check the number"
                )

    plans: list[_ItemPlan] | None = None
    if request.schedule_items is not None:
        plans = _plan_items(core, schedule, request.schedule_items, total)
    elif charges is not None:
        inputs = [
            ScheduleItemInput(
                id=i.id,
                percentage=i.percentage,
                amount=None if i.percentage else i.amount,
                run_date=i.run_date,
                target_date_for_additional_subscriptions=i.target_date_for_additional_subscriptions,
            )
            for i in schedule.schedule_items
        ]
        plans = _plan_items(core, schedule, inputs, total)

    # everything checked: apply
    if plans is not None:
        kept = {p.existing.id for p in plans if p.existing is not None}
        for item in schedule.schedule_items:
            if item.id not in kept:
                st.item_schedule.pop(item.id, None)
        schedule.schedule_items = _materialise(core, plans)
        for item in schedule.schedule_items:
            st.item_schedule[item.id] = schedule.id
    if new_orders is not None and charges is not None:
        _release_charges(core, schedule, list(st.schedule_charges.get(schedule.id, [])))
        st.set_schedule_orders(schedule, [o.order_number for o in new_orders])
        schedule.specific_subscriptions = new_specific
        _attach_charges(core, schedule, charges)
        for order in new_orders:
            order.invoice_schedule_id = schedule.id
    elif new_orders is not None:
        schedule.specific_subscriptions = new_specific
    if request.additional_subscriptions_to_bill is not None:
        schedule.additional_subscriptions_to_bill = list(request.additional_subscriptions_to_bill)
    if request.invoice_separately is not None:
        schedule.invoice_separately = request.invoice_separately
    if request.notes is not None:
        schedule.notes = request.notes
    if request.next_run_date is not None:
        extra.next_run_override = request.next_run_date
    _touch(core, schedule)
    reprice(core, schedule)
    return schedule


def delete(core: Core, key: str) -> None:
    st = core.store
    schedule = resolve(core, key)
    if schedule.status is not InvoiceScheduleStatus.PENDING:
        raise core.refuse.rule(
            SCHEDULE,
            f"{schedule.number} is {schedule.status}: only a Pending schedule can be deleted",
        )
    busy = next(
        (i for i in schedule.schedule_items if i.status is not ScheduleItemStatus.PENDING), None
    )
    if busy is not None:
        raise core.refuse.rule(
            SCHEDULE,
            f"{item_label(schedule, busy)} is {busy.status}: wait for its bill run, "
            "then the schedule is no longer Pending",
        )
    _release_charges(core, schedule, list(st.schedule_charges.get(schedule.id, [])))
    st.remove_schedule(schedule)
    for order_number in schedule.orders:
        order = st.order(order_number)
        if order is not None and order.invoice_schedule_id == schedule.id:
            remaining = st.schedules_by_order.get(order_number, [])
            order.invoice_schedule_id = remaining[-1] if remaining else None
    core.clock.tick()


def pause(core: Core, key: str) -> InvoiceSchedule:
    schedule = resolve(core, key)
    extra = core.store.schedule_extra[schedule.id]
    if extra.paused:
        raise core.refuse.rule(SCHEDULE, f"{schedule.number} is already Paused")
    extra.paused = True
    _touch(core, schedule)
    reprice(core, schedule)
    return schedule


def resume(core: Core, key: str) -> InvoiceSchedule:
    schedule = resolve(core, key)
    extra = core.store.schedule_extra[schedule.id]
    if not extra.paused:
        raise core.refuse.rule(
            SCHEDULE,
            f"{schedule.number} is {schedule.status}, not Paused: only a Paused schedule "
            "can be resumed",
        )
    extra.paused = False
    _touch(core, schedule)
    reprice(core, schedule)
    return schedule


def _charges_of_specs(
    core: Core, schedule: InvoiceSchedule, specs: list[SpecificSubscription], pool: list[str]
) -> list[str]:
    """Charge numbers named by detach/attach entries, each checked against ``pool``."""
    st = core.store
    if not specs:
        raise core.refuse.missing(SCHEDULE, "Name at least one subscription and its charges")
    chosen: list[str] = []
    for spec in specs:
        order = st.order(spec.order_key)
        if order is None or order.order_number not in schedule.orders:
            raise core.refuse.invalid(
                SCHEDULE, f"Order {spec.order_key} is not among the orders of {schedule.number}"
            )
        subscription = st.subscription(spec.subscription_key)
        if subscription is None:
            raise core.refuse.not_found(
                SUBSCRIPTION, f"No subscription {spec.subscription_key}: check the number"
            )
        of_sub = [c for c in pool if st.charge_subscription[c] == subscription.id]
        numbers = spec.charge_numbers or of_sub
        if not numbers:
            raise core.refuse.rule(
                SCHEDULE,
                f"{subscription.subscription_number} has no charges that can be moved "
                f"on {schedule.number}",
            )
        for number in numbers:
            if number not in of_sub:
                raise core.refuse.rule(
                    SCHEDULE,
                    f"Charge {number} of {subscription.subscription_number} cannot be moved "
                    f"on {schedule.number} (it is not in the right state for this)",
                )
            if number not in chosen:
                chosen.append(number)
    return chosen


def _require_processed(core: Core, schedule: InvoiceSchedule, verb: str) -> None:
    if schedule.status not in {
        InvoiceScheduleStatus.PARTIALLY_PROCESSED,
        InvoiceScheduleStatus.FULLY_PROCESSED,
    }:
        raise core.refuse.rule(
            SCHEDULE,
            f"{schedule.number} is {schedule.status}: charges can be {verb} only on a "
            "PartiallyProcessed or FullyProcessed schedule",
        )


def _processed_count(schedule: InvoiceSchedule) -> int:
    return sum(1 for i in schedule.schedule_items if i.status is ScheduleItemStatus.PROCESSED)


def detach(core: Core, key: str, specs: list[SpecificSubscription]) -> InvoiceSchedule:
    st = core.store
    schedule = resolve(core, key)
    _require_processed(core, schedule, "detached")
    for item in schedule.schedule_items:
        invoice = st.invoices.get(item.invoice_id) if item.invoice_id else None
        if invoice is not None and invoice.status is DocumentStatus.DRAFT:
            raise core.refuse.rule(
                SCHEDULE,
                f"{invoice.invoice_number} of {schedule.number} is Draft: post every invoice of "
                "the schedule before detaching charges",
            )
    numbers = _charges_of_specs(core, schedule, specs, st.schedule_charges.get(schedule.id, []))
    extra = st.schedule_extra[schedule.id]
    extra.detachments.append(
        Detachment(
            charge_numbers=numbers,
            values={n: charge_value(st.charges[n]) for n in numbers},
            processed_count=_processed_count(schedule),
            credit_count=len(extra.credit_memo_ids),
        )
    )
    _release_charges(core, schedule, numbers)
    _touch(core, schedule)
    extra.last_detached_at = schedule.updated_date
    reprice(core, schedule)
    return schedule


def attach(core: Core, key: str, specs: list[SpecificSubscription]) -> InvoiceSchedule:
    st = core.store
    schedule = resolve(core, key)
    _require_processed(core, schedule, "attached")
    extra = st.schedule_extra[schedule.id]
    detached = [n for d in extra.detachments for n in d.charge_numbers]
    numbers = _charges_of_specs(core, schedule, specs, detached)
    for number in numbers:
        detachment = next(d for d in extra.detachments if number in d.charge_numbers)
        if (
            _processed_count(schedule) != detachment.processed_count
            or len(extra.credit_memo_ids) != detachment.credit_count
        ):
            raise core.refuse.rule(
                SCHEDULE,
                f"{schedule.number} processed items since {number} was detached: "
                "a charge can be attached again only if nothing was billed meanwhile",
            )
        if charge_value(st.charges[number]) != detachment.values[number]:
            raise core.refuse.rule(
                SCHEDULE,
                f"Charge {number} changed since it was detached: it cannot be attached again",
            )
        owner = st.charges[number].invoice_schedule_id
        if owner is not None and owner != schedule.id and owner in st.schedules:
            raise core.refuse.rule(
                SCHEDULE,
                f"Charge {number} is now billed by {st.schedules[owner].number}",
            )
    for number in numbers:
        for detachment in extra.detachments:
            if number in detachment.charge_numbers:
                detachment.charge_numbers.remove(number)
                detachment.values.pop(number, None)
    extra.detachments = [d for d in extra.detachments if d.charge_numbers]
    _attach_charges(core, schedule, numbers)
    _touch(core, schedule)
    reprice(core, schedule)
    return schedule
