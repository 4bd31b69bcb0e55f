"""Accounts, orders and subscriptions: the order actions that feed invoice schedules.

Not part of the console's contract (Zuora's Orders API is large); the engine offers the few actions
its scenarios need: create an account, an order that creates subscriptions (``CreateSubscription``),
an order that cancels one (``CancelSubscription``) and one that removes a product
(``RemoveProduct``). Cancelling or removing ends the charges at the effective date, which lowers
what the schedules billing them are worth (see :mod:`schedules`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from backends.fake.engine import schedules
from backends.fake.engine.core import Core
from backends.fake.engine.pricing import add_months
from backends.fake.engine.refusals import ACCOUNT, ORDER, SUBSCRIPTION
from backends.models import (
    Account,
    ChargeType,
    Order,
    OrderAction,
    OrderActionType,
    OrderStatus,
    OrderSubscription,
    RatePlan,
    RatePlanCharge,
    Subscription,
    SubscriptionStatus,
    TriggerDate,
)

__all__ = [
    "ChargeSpec",
    "SubscriptionSpec",
    "cancel_subscription",
    "create_account",
    "create_subscriptions",
    "remove_product",
]


@dataclass(frozen=True)
class ChargeSpec:
    name: str
    price: Decimal
    type: ChargeType = ChargeType.RECURRING
    quantity: Decimal = Decimal("1")
    billing_period: str | None = "Month"


@dataclass(frozen=True)
class SubscriptionSpec:
    """A subscription to create: one rate plan with its charges, a termed contract."""

    product_name: str
    charges: tuple[ChargeSpec, ...]
    term_start: date
    term_months: int = 12
    rate_plan_name: str | None = None
    extra_plans: tuple[tuple[str, tuple[ChargeSpec, ...]], ...] = field(default=())


def create_account(
    core: Core, name: str, currency: str = "USD", *, bill_cycle_day: int = 1
) -> Account:
    if not name.strip():
        raise core.refuse.missing(ACCOUNT, "Give the account a name")
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise core.refuse.invalid(ACCOUNT, f"{currency!r} is not a currency code like USD")
    if not 1 <= bill_cycle_day <= 31:
        raise core.refuse.invalid(ACCOUNT, "The bill cycle day must be between 1 and 31")
    account = Account(
        id=core.ids.new_id(),
        account_number=core.ids.number("account"),
        name=name,
        currency=currency,
        bill_cycle_day=bill_cycle_day,
    )
    core.clock.tick()
    core.store.add_account(account)
    return account


def _resolve_account(core: Core, key: str) -> Account:
    account = core.store.account(key)
    if account is None:
        raise core.refuse.not_found(ACCOUNT, f"No account {key}: check the account number")
    return account


def _new_order(
    core: Core,
    account: Account,
    order_date: date | None,
    subscriptions: list[OrderSubscription],
    description: str | None,
) -> Order:
    now = core.clock.tick()
    return Order(
        id=core.ids.new_id(),
        order_number=core.ids.number("order"),
        order_date=order_date or core.clock.today,
        existing_account_number=account.account_number,
        status=OrderStatus.COMPLETED,
        category="NewSales",
        description=description,
        currency=account.currency,
        subscriptions=subscriptions,
        created_date=now,
        updated_date=now,
    )


def _action(core: Core, kind: OrderActionType, on: date, **extra: object) -> OrderAction:
    return OrderAction(
        id=core.ids.new_id(),
        type=kind,
        trigger_dates=[
            TriggerDate(name=name, trigger_date=on)
            for name in ("ContractEffective", "ServiceActivation", "CustomerAcceptance")
        ],
        **extra,
    )


def create_subscriptions(
    core: Core,
    account_key: str,
    specs: list[SubscriptionSpec],
    *,
    order_date: date | None = None,
    description: str | None = None,
) -> Order:
    """An order with one ``CreateSubscription`` action per spec."""
    account = _resolve_account(core, account_key)
    if not specs:
        raise core.refuse.missing(ORDER, "An order needs at least one subscription")
    for spec in specs:
        if spec.term_months < 1:
            raise core.refuse.invalid(ORDER, "A subscription term is at least one month")
        for _, charges in ((spec.product_name, spec.charges), *spec.extra_plans):
            if not charges:
                raise core.refuse.missing(ORDER, f"{spec.product_name}: add at least one charge")
            for charge in charges:
                if charge.price < 0 or charge.quantity <= 0:
                    raise core.refuse.invalid(
                        ORDER, f"{charge.name}: price must not be negative, quantity above 0"
                    )

    st = core.store
    order_subs: list[OrderSubscription] = []
    created: list[Subscription] = []
    for sequence, spec in enumerate(specs):
        start = spec.term_start
        end = add_months(start, spec.term_months)
        plans: list[RatePlan] = []
        plan_specs = ((spec.rate_plan_name or spec.product_name, spec.charges), *spec.extra_plans)
        for plan_name, charge_specs in plan_specs:
            plan_charges = [
                RatePlanCharge(
                    id=core.ids.new_id(),
                    number=core.ids.number("charge"),
                    name=c.name,
                    type=c.type,
                    billing_period=None if c.type is ChargeType.ONE_TIME else c.billing_period,
                    price=c.price,
                    quantity=c.quantity,
                    effective_start_date=start,
                    effective_end_date=None if c.type is ChargeType.ONE_TIME else end,
                )
                for c in charge_specs
            ]
            plans.append(
                RatePlan(
                    id=core.ids.new_id(),
                    product_name=spec.product_name,
                    rate_plan_name=plan_name,
                    last_change_type="Add",
                    rate_plan_charges=plan_charges,
                )
            )
        subscription = Subscription(
            id=core.ids.new_id(),
            subscription_number=core.ids.number("subscription"),
            account_id=account.id,
            account_number=account.account_number,
            status=SubscriptionStatus.ACTIVE,
            term_type="TERMED",
            contract_effective_date=start,
            term_start_date=start,
            term_end_date=end,
            rate_plans=plans,
        )
        created.append(subscription)
        order_subs.append(
            OrderSubscription(
                subscription_number=subscription.subscription_number,
                base_version=None,
                new_version=1,
                sequence=sequence,
                subscription_owner_account_number=account.account_number,
                order_actions=[_action(core, OrderActionType.CREATE_SUBSCRIPTION, start)],
            )
        )
    order = _new_order(core, account, order_date, order_subs, description)
    for subscription in created:
        st.add_subscription(subscription, order.order_number)
    st.add_order(order)
    return order


def _resolve_subscription(core: Core, key: str) -> Subscription:
    subscription = core.store.subscription(key)
    if subscription is None:
        raise core.refuse.not_found(SUBSCRIPTION, f"No subscription {key}: check the number")
    return subscription


def _end_charges(charges: list[RatePlanCharge], effective: date) -> None:
    for charge in charges:
        if charge.type is ChargeType.ONE_TIME:
            if effective <= charge.start:
                charge.effective_end_date = charge.start
            continue
        end = charge.effective_end_date
        if end is None or effective < end:
            charge.effective_end_date = max(effective, charge.start)


def _reprice_billing(core: Core, charges: list[RatePlanCharge], effective: date) -> None:
    st = core.store
    seen: set[str] = set()
    for charge in charges:
        sid = charge.invoice_schedule_id
        if sid is not None and sid in st.schedules and sid not in seen:
            seen.add(sid)
            schedule = st.schedules[sid]
            schedule.updated_date = core.clock.now
            schedules.reprice(core, schedule, change_date=effective)


def _amendment(
    core: Core,
    subscription: Subscription,
    action: OrderAction,
    order_date: date | None,
    description: str | None,
) -> Order:
    """An order with one action on an existing subscription, which gets its next version."""
    assert subscription.account_id is not None  # the engine's subscriptions always have one
    account = core.store.accounts[subscription.account_id]
    version = _next_version(core, subscription)
    amended = OrderSubscription(
        subscription_number=subscription.subscription_number,
        base_version=version - 1,
        new_version=version,
        subscription_owner_account_number=account.account_number,
        order_actions=[action],
    )
    return _new_order(core, account, order_date, [amended], description)


def cancel_subscription(
    core: Core,
    subscription_key: str,
    effective_date: date,
    *,
    order_date: date | None = None,
    description: str | None = None,
) -> Order:
    subscription = _resolve_subscription(core, subscription_key)
    if subscription.status is SubscriptionStatus.CANCELLED:
        raise core.refuse.rule(
            SUBSCRIPTION, f"{subscription.subscription_number} is already Cancelled"
        )
    starts = subscription.contract_effective_date
    if starts is not None and effective_date < starts:
        raise core.refuse.invalid(
            SUBSCRIPTION,
            f"{subscription.subscription_number} starts on "
            f"{starts}: it cannot be cancelled before that",
        )
    action = _action(
        core,
        OrderActionType.CANCEL_SUBSCRIPTION,
        effective_date,
        cancellation_effective_date=effective_date,
    )
    order = _amendment(core, subscription, action, order_date, description)
    charges = [c for plan in subscription.rate_plans for c in plan.rate_plan_charges]
    _end_charges(charges, effective_date)
    subscription.status = SubscriptionStatus.CANCELLED
    subscription.cancelled_date = effective_date
    core.store.add_order(order)
    _reprice_billing(core, charges, effective_date)
    return order


def remove_product(
    core: Core,
    subscription_key: str,
    rate_plan_id: str,
    effective_date: date,
    *,
    order_date: date | None = None,
    description: str | None = None,
) -> Order:
    subscription = _resolve_subscription(core, subscription_key)
    plan = next((p for p in subscription.rate_plans if p.id == rate_plan_id), None)
    if plan is None:
        raise core.refuse.not_found(
            SUBSCRIPTION,
            f"No rate plan {rate_plan_id} on {subscription.subscription_number}",
        )
    if plan.last_change_type == "Remove":
        raise core.refuse.rule(
            SUBSCRIPTION, f"{plan.rate_plan_name} was already removed from the subscription"
        )
    if subscription.status is SubscriptionStatus.CANCELLED:
        raise core.refuse.rule(
            SUBSCRIPTION, f"{subscription.subscription_number} is Cancelled: nothing to remove"
        )
    action = _action(
        core, OrderActionType.REMOVE_PRODUCT, effective_date, rate_plan_id=rate_plan_id
    )
    order = _amendment(core, subscription, action, order_date, description)
    _end_charges(plan.rate_plan_charges, effective_date)
    plan.last_change_type = "Remove"
    core.store.add_order(order)
    _reprice_billing(core, plan.rate_plan_charges, effective_date)
    return order


def _next_version(core: Core, subscription: Subscription) -> int:
    """The version the next order gives this subscription (version 1 is its creation)."""
    return core.store.subscription_version.get(subscription.subscription_number, 1) + 1
