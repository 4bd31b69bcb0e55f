"""``get_subscription`` on every backend: the charges a schedule bills, and what detaching and
attaching do to them (the charges screen is built from this)."""

from __future__ import annotations

import pytest

from backends.base import Backend
from backends.errors import NotFoundError
from backends.models import SpecificSubscription, Subscription


def _charges(subscription: Subscription) -> dict[str, str | None]:
    return {
        c.number: c.invoice_schedule_id
        for plan in subscription.rate_plans
        for c in plan.rate_plan_charges
    }


async def test_a_subscription_names_its_charges_and_the_schedule_billing_them(
    backend: Backend,
) -> None:
    schedule = await backend.get_invoice_schedule("IS-00000004")
    order = await backend.get_order(schedule.orders[0])
    number = order.subscriptions[0].subscription_number
    subscription = await backend.get_subscription(number)
    assert subscription.subscription_number == number
    charges = _charges(subscription)
    assert charges and set(charges.values()) == {schedule.id}
    by_id = await backend.get_subscription(subscription.id)
    assert by_id.subscription_number == number and _charges(by_id) == charges


async def test_an_unknown_subscription_is_not_found(backend: Backend) -> None:
    with pytest.raises(NotFoundError) as caught:
        await backend.get_subscription("A-S99999999")
    if backend.describe().kind == "REST":
        assert caught.value.endpoint == "GET /v1/subscriptions/A-S99999999"


async def test_detach_and_attach_show_on_the_subscription(backend: Backend) -> None:
    schedule = await backend.get_invoice_schedule("IS-00000004")
    order = schedule.orders[0]
    number = (await backend.get_order(order)).subscriptions[0].subscription_number
    charge = next(iter(_charges(await backend.get_subscription(number))))
    spec = [SpecificSubscription(order_key=order, subscription_key=number, charge_numbers=[charge])]

    await backend.detach_charges(schedule.number, spec)
    assert _charges(await backend.get_subscription(number))[charge] is None

    await backend.attach_charges(schedule.number, spec)
    assert _charges(await backend.get_subscription(number))[charge] == schedule.id
