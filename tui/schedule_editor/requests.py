"""The create and update requests, built with the contract's models.

An update always carries the complete lists (orders, specific subscriptions, additional
subscriptions, every item with its id, processed ones as stored): Zuora deletes what an update
leaves out, so nothing is ever left out by accident.
"""

from __future__ import annotations

from backends.models import (
    CreateInvoiceScheduleRequest,
    InvoiceSchedule,
    ScheduleItemInput,
    SpecificSubscription,
    UpdateInvoiceScheduleRequest,
)
from tui.schedule_editor.plan import ItemPlan, SchedulePlan

__all__ = ["create_request", "item_inputs", "update_request"]


def _specs(plan: SchedulePlan) -> list[SpecificSubscription]:
    return [
        SpecificSubscription(order_key=o, subscription_key=s, charge_numbers=list(c))
        for o, s, c in plan.specific_subscriptions
    ]


def item_inputs(
    items: tuple[ItemPlan, ...], schedule: InvoiceSchedule | None
) -> list[ScheduleItemInput]:
    stored = {i.id: i for i in schedule.schedule_items} if schedule else {}
    inputs: list[ScheduleItemInput] = []
    for item in items:
        old = stored.get(item.id) if item.id else None
        inputs.append(
            ScheduleItemInput(
                id=item.id,
                name=item.name or None,
                amount=item.amount,
                percentage=item.percentage,
                run_date=item.run_date,
                # kept as stored: the form does not edit it, and an update must not drop it
                target_date_for_additional_subscriptions=(
                    old.target_date_for_additional_subscriptions if old else None
                ),
            )
        )
    return inputs


def create_request(account_key: str, plan: SchedulePlan) -> CreateInvoiceScheduleRequest:
    return CreateInvoiceScheduleRequest(
        account_key=account_key,
        orders=list(plan.orders),
        schedule_items=item_inputs(plan.items, None),
        specific_subscriptions=_specs(plan),
        invoice_separately=plan.invoice_separately,
        notes=plan.notes or None,
    )


def update_request(schedule: InvoiceSchedule, plan: SchedulePlan) -> UpdateInvoiceScheduleRequest:
    return UpdateInvoiceScheduleRequest(
        orders=list(plan.orders),
        schedule_items=item_inputs(plan.items, schedule),
        specific_subscriptions=_specs(plan),
        additional_subscriptions_to_bill=list(schedule.additional_subscriptions_to_bill),
        invoice_separately=plan.invoice_separately,
        # Zuora treats an absent notes field as "unchanged": clearing them sends ""
        notes=plan.notes,
    )
