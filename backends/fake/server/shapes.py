"""Domain models in Zuora's own response shapes: v1 objects and Object Query rows.

The models carry Zuora's v1 field names, so most objects go out as ``to_wire()`` gives them. What
differs, each for a documented reason (reference ``zuora-api.md``):

* *Derived* fields (an item's invoice number, an order's account name...) are the fake's
  conveniences, not Zuora's: v1 objects leave them out.
* v1 orders nest action details (``removeProduct.ratePlanId``,
  ``cancelSubscription.cancellationEffectiveDate``) and bring the account under
  ``existingAccountDetails.basicInfo`` only when asked (``getAccountDetails=true``).
* Object Query rows leave null fields out (``includeNullFields`` defaults to false), write
  datetimes as ISO-8601 with an offset, item amounts and ``sequenceNumber`` as strings,
  ``additionalSubscriptionsToBill`` as a string (``"[]"``) and credit memo numbers as
  ``memoNumber``. The fake's tenant time zone is UTC, so the offset is ``+00:00``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from backends import jsoncodec
from backends.models import (
    Account,
    BillRun,
    BillRunDocuments,
    CreditMemo,
    Invoice,
    InvoiceSchedule,
    Order,
    OrderActionType,
    ScheduleItem,
    Subscription,
)

__all__ = [
    "oq_account",
    "oq_billing_run",
    "oq_booking",
    "oq_credit_memo",
    "oq_invoice",
    "oq_order",
    "oq_schedule",
    "oq_schedule_item",
    "oq_subscription",
    "stable_id",
    "v1_bill_run",
    "v1_credit_memo",
    "v1_invoice",
    "v1_order",
    "v1_schedule",
]

_ORDER_DERIVED = ("accountId", "accountName", "invoiceScheduleNumber")
_ITEM_DERIVED = (
    "invoiceNumber",
    "invoiceStatus",
    "creditMemoNumber",
    "creditMemoStatus",
    "billRunId",
)
_BILL_RUN_OQ_ONLY = ("numberOfInvoices", "numberOfCreditMemos")


def stable_id(*parts: str) -> str:
    """A 32-hex id derived from ``parts``: for objects the engine does not model (bookings)."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def _drop(body: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    for key in keys:
        body.pop(key, None)
    return body


# --------------------------------------------------------------------------- v1


def v1_order(order: Order, account: Account | None = None) -> dict[str, Any]:
    body = _drop(order.to_wire(), _ORDER_DERIVED)
    body["state"] = "Complete" if order.status == "Completed" else None
    for sub in body.get("subscriptions") or []:
        for action in sub.get("orderActions") or []:
            rate_plan_id = action.pop("ratePlanId", None)
            effective = action.pop("cancellationEffectiveDate", None)
            if action.get("type") == OrderActionType.REMOVE_PRODUCT and rate_plan_id:
                action["removeProduct"] = {"ratePlanId": rate_plan_id}
            if action.get("type") == OrderActionType.CANCEL_SUBSCRIPTION and effective:
                action["cancelSubscription"] = {
                    "cancellationEffectiveDate": effective,
                    "cancellationPolicy": "SpecificDate",
                }
    if account is not None:
        body["existingAccountDetails"] = {
            "basicInfo": {
                "id": account.id,
                "accountNumber": account.account_number,
                "name": account.name,
                "currency": account.currency,
                "status": account.status,
                "billCycleDay": account.bill_cycle_day,
            }
        }
    return body


def v1_schedule(schedule: InvoiceSchedule) -> dict[str, Any]:
    body = schedule.to_wire()
    body.pop("createdDate", None)
    body.pop("updatedDate", None)
    items = body.get("scheduleItems")
    if isinstance(items, list):
        for item in items:
            _drop(item, _ITEM_DERIVED)
    return body


def v1_bill_run(run: BillRun) -> dict[str, Any]:
    body = _drop(run.to_wire(), _BILL_RUN_OQ_ONLY)
    body.setdefault("schedule", None)
    body.setdefault("scheduledExecutionTime", None)
    return body


def v1_invoice(invoice: Invoice) -> dict[str, Any]:
    return invoice.to_wire()


def v1_credit_memo(memo: CreditMemo) -> dict[str, Any]:
    return memo.to_wire()


# --------------------------------------------------------------------------- Object Query


def oq_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.isoformat()


def _oq(body: dict[str, Any]) -> dict[str, Any]:
    """Nulls left out, datetimes as ISO-8601 with offset, dates as text: JSON-ready."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if value is None:
            continue
        if isinstance(value, datetime):
            out[key] = oq_datetime(value)
        elif isinstance(value, date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def oq_account(account: Account) -> dict[str, Any]:
    return _oq(account.to_wire())


def oq_order(order: Order, account_id: str | None) -> dict[str, Any]:
    return _oq(
        {
            "id": order.id,
            "orderNumber": order.order_number,
            "orderDate": order.order_date,
            "accountId": account_id,
            "status": order.status.value,
            "state": "Complete" if order.status == "Completed" else None,
            "category": order.category,
            "description": order.description,
            "currency": order.currency,
            "invoiceScheduleId": order.invoice_schedule_id,
            "createdDate": order.created_date,
            "updatedDate": order.updated_date,
        }
    )


def oq_schedule(schedule: InvoiceSchedule) -> dict[str, Any]:
    return _oq(
        {
            "id": schedule.id,
            "number": schedule.number,
            "accountId": schedule.account_id,
            "status": schedule.status.value,
            "totalAmount": schedule.total_amount,
            "actualAmount": schedule.actual_amount,
            "billedAmount": schedule.billed_amount,
            "unbilledAmount": schedule.unbilled_amount,
            "nextRunDate": schedule.next_run_date,
            "notes": schedule.notes,
            "currency": schedule.currency,
            "invoiceSeparately": schedule.invoice_separately,
            "additionalSubscriptionsToBill": jsoncodec.dumps(
                schedule.additional_subscriptions_to_bill
            ),
            "createdDate": schedule.created_date,
            "updatedDate": schedule.updated_date,
        }
    )


def _text(amount: Decimal) -> str:
    return jsoncodec.dumps(amount)


def oq_schedule_item(schedule: InvoiceSchedule, item: ScheduleItem, seq: int) -> dict[str, Any]:
    return _oq(
        {
            "id": item.id,
            "invoiceScheduleId": schedule.id,
            "name": item.name,
            "amount": _text(item.amount),
            "percentage": item.percentage,
            "actualAmount": _text(item.actual_amount),
            "runDate": item.run_date,
            "targetDateForAdditionalSubscriptions": item.target_date_for_additional_subscriptions,
            "status": item.status.value,
            "invoiceId": item.invoice_id,
            "creditMemoId": item.credit_memo_id,
            "sequenceNumber": str(seq),
            "createdDate": schedule.created_date,
            "updatedDate": schedule.updated_date,
        }
    )


def oq_booking(
    schedule: InvoiceSchedule,
    order: Order,
    subscription_number: str,
    subscription_id: str | None,
    charge_numbers: list[str],
) -> dict[str, Any]:
    return _oq(
        {
            "id": stable_id(schedule.id, order.order_number, subscription_number),
            "invoiceScheduleId": schedule.id,
            "orderId": order.id,
            "orderNumber": order.order_number,
            "subscriptionId": subscription_id,
            "subscriptionNumber": subscription_number,
            "chargeNumbers": ",".join(charge_numbers) if charge_numbers else None,
            "createdDate": schedule.created_date,
            "updatedDate": schedule.updated_date,
        }
    )


def oq_subscription(subscription: Subscription) -> dict[str, Any]:
    return _oq(
        {
            "id": subscription.id,
            "name": subscription.subscription_number,
            "subscriptionNumber": subscription.subscription_number,
            "accountId": subscription.account_id,
            "status": subscription.status.value,
            "termType": subscription.term_type,
            "termStartDate": subscription.term_start_date,
            "termEndDate": subscription.term_end_date,
            "invoiceScheduleId": subscription.invoice_schedule_id,
        }
    )


def oq_billing_run(run: BillRun, documents: BillRunDocuments) -> dict[str, Any]:
    """A bill run as Object Query's ``billing-runs`` row (the number is ``billingRunNumber``;
    document counts are Object Query's extras)."""
    accounts = {i.account_id for i in documents.invoices} | {
        m.account_id for m in documents.credit_memos
    }
    return _oq(
        {
            "id": run.id,
            "billingRunNumber": run.bill_run_number,
            "name": run.name,
            "status": run.status.value,
            "targetDate": run.target_date,
            "invoiceDate": run.invoice_date,
            "autoPost": run.auto_post,
            "autoEmail": run.auto_email,
            "numberOfAccounts": len(accounts),
            "numberOfInvoices": len(documents.invoices),
            "numberOfCreditMemos": len(documents.credit_memos),
            "billingRunType": "Regular",
            "createdById": run.created_by_id,
            "createdDate": run.created_date,
            "updatedById": run.updated_by_id,
            "updatedDate": run.updated_date,
        }
    )


def oq_invoice(invoice: Invoice) -> dict[str, Any]:
    return _oq(invoice.to_wire())


def oq_credit_memo(memo: CreditMemo) -> dict[str, Any]:
    body = memo.to_wire()
    body["memoNumber"] = body.pop("number")
    body["memoDate"] = body.pop("creditMemoDate")
    body["totalAmount"] = body.pop("amount")
    body["balance"] = memo.unapplied_amount
    return _oq(body)
