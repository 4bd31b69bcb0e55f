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

Zuora's published OpenAPI spec is the ceiling: every body here carries only fields the spec's
response schema for that operation names (the test suite checks each response against it), plus
the few that Zuora's documented samples show beyond the spec. So v1 orders have no ``id``,
``description`` or ``state``; v1 objects leave absent values out rather than sending ``null``,
except where the samples show ``null`` (the bill run's ``billCycleDay``, ``batches``,
``schedule``... in seed "Execute invoice schedules"); invoices carry no ``accountNumber`` or
``reversed`` and credit memos no ``billRunId`` (the spec has neither); invoice items name the
subscription ``subscriptionName`` and send ``chargeAmount`` / ``taxAmount`` as decimal strings,
as the spec types them.
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
    InvoiceItem,
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
    "v1_invoice_item",
    "v1_order",
    "v1_schedule",
    "v1_subscription",
]

_ORDER_DERIVED = ("accountId", "accountName", "invoiceScheduleNumber")
_ITEM_DERIVED = (
    "invoiceNumber",
    "invoiceStatus",
    "creditMemoNumber",
    "creditMemoStatus",
    "billRunId",
)
_BILL_RUN_OQ_ONLY = ("numberOfAccounts", "numberOfInvoices", "numberOfCreditMemos")
#: Our model's fields that Zuora's v1 order schema does not have.
_ORDER_NOT_V1 = ("id", "description", "state")
#: Bill run fields Zuora sends as ``null`` when unset (seed "Execute invoice schedules").
_BILL_RUN_NULLS = (
    "billCycleDay",
    "batches",
    "schedule",
    "scheduledExecutionTime",
    "targetDateOffset",
    "invoiceDateOffset",
)
_FILTER_NULLS = ("subscriptionId", "invoiceScheduleItemId")
#: Fields of our invoice model that Zuora's v1 invoice schema does not have.
_INVOICE_NOT_V1 = ("accountNumber", "reversed")
#: ... and of our credit memo model.
_MEMO_NOT_V1 = ("billRunId",)
#: Subscription fields that Zuora's v1 subscription schema lacks (``cancelledDate``) or types
#: otherwise (its top-level ``invoiceScheduleId`` is an integer in the spec; the fake's ids are
#: 32-hex strings, so it is left out: each charge's ``invoiceScheduleId``, a string, says which
#: schedule bills it).
_SUBSCRIPTION_NOT_V1 = ("cancelledDate", "invoiceScheduleId")


def stable_id(*parts: str) -> str:
    """A 32-hex id derived from ``parts``: for objects the engine does not model (bookings)."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def _drop(body: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    for key in keys:
        body.pop(key, None)
    return body


def _no_nulls(value: Any, keep: tuple[str, ...] = ()) -> Any:
    """``value`` without ``None``-valued keys (recursively), but for the keys in ``keep``."""
    if isinstance(value, dict):
        return {k: _no_nulls(v, keep) for k, v in value.items() if v is not None or k in keep}
    if isinstance(value, list):
        return [_no_nulls(v, keep) for v in value]
    return value


# --------------------------------------------------------------------------- v1


def v1_order(order: Order, account: Account | None = None) -> dict[str, Any]:
    body = _drop(order.to_wire(), _ORDER_DERIVED + _ORDER_NOT_V1)
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
                "status": account.status,
            }
        }
    result: dict[str, Any] = _no_nulls(body)
    return result


def v1_schedule(schedule: InvoiceSchedule) -> dict[str, Any]:
    body = schedule.to_wire()
    body.pop("createdDate", None)
    body.pop("updatedDate", None)
    items = body.get("scheduleItems")
    if isinstance(items, list):
        for item in items:
            _drop(item, _ITEM_DERIVED)
    # ``percentage`` is null on items defined by amount (GET_InvoiceSchedule sample).
    result: dict[str, Any] = _no_nulls(body, keep=("percentage",))
    return result


def v1_bill_run(run: BillRun, *, executed: bool = False) -> dict[str, Any]:
    """A v1 bill run; ``executed`` for the answer of ``POST .../execute``, whose schema (and the
    seed's sample) has no ``name``."""
    body = _drop(run.to_wire(), _BILL_RUN_OQ_ONLY + (("name",) if executed else ()))
    for key in _BILL_RUN_NULLS:
        body.setdefault(key, None)
    filters = body.get("billRunFilters") or []
    body = {k: _no_nulls(v) for k, v in body.items() if v is not None or k in _BILL_RUN_NULLS}
    body["billRunFilters"] = [
        {k: v for k, v in f.items() if v is not None or k in _FILTER_NULLS} for f in filters
    ]
    for entry in body["billRunFilters"]:
        if entry.get("filterType") == "InvoiceSchedule":
            entry.setdefault("subscriptionId", None)
            entry.setdefault("invoiceScheduleItemId", None)
    return body


def v1_invoice(invoice: Invoice) -> dict[str, Any]:
    result: dict[str, Any] = _no_nulls(_drop(invoice.to_wire(), _INVOICE_NOT_V1))
    return result


def v1_credit_memo(memo: CreditMemo) -> dict[str, Any]:
    result: dict[str, Any] = _no_nulls(_drop(memo.to_wire(), _MEMO_NOT_V1))
    return result


def v1_invoice_item(item: InvoiceItem) -> dict[str, Any]:
    """A v1 invoice item: the subscription as ``subscriptionName``, amounts as decimal text."""
    body = _drop(item.to_wire(), ("chargeNumber",))
    number = body.pop("subscriptionNumber", None)
    if number is not None:
        body["subscriptionName"] = number
    body["chargeAmount"] = _text(item.charge_amount)
    body["taxAmount"] = _text(item.tax_amount)
    result: dict[str, Any] = _no_nulls(body)
    return result


def v1_subscription(subscription: Subscription) -> dict[str, Any]:
    """``GET /v1/subscriptions/{key}``: the subscription with its rate plans and charges (each
    charge with its ``number`` and, while a schedule bills it, ``invoiceScheduleId``)."""
    result: dict[str, Any] = _no_nulls(_drop(subscription.to_wire(), _SUBSCRIPTION_NOT_V1))
    return result


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


def oq_account(account: Account, *, bill_to: bool = False) -> dict[str, Any]:
    """An Object Query account row; the bill-to contact only with ``expand[]=billto``."""
    body = account.to_wire()
    contact = body.pop("billTo", None)
    row = _oq(body)
    if bill_to and isinstance(contact, dict):
        row["billTo"] = _oq({**contact, "accountId": account.id})
    return row


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
            "status": subscription.status.value if subscription.status else None,
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
            "numberOfAccounts": (
                run.number_of_accounts if run.number_of_accounts is not None else len(accounts)
            ),
            "batches": run.batches,
            # the spec's row types billCycleDay as AllBillCycleDays | AsRunDay only
            "billCycleDay": (
                run.bill_cycle_day
                if run.bill_cycle_day in ("AllBillCycleDays", "AsRunDay")
                else None
            ),
            "scheduledExecutionTime": run.scheduled_execution_time,
            "repeatType": run.schedule.repeat_type.value if run.schedule else None,
            "repeatFrom": run.schedule.repeat_from if run.schedule else None,
            "repeatTo": run.schedule.repeat_to if run.schedule else None,
            "runTime": run.schedule.run_time if run.schedule else None,
            "targetDateOffSet": run.target_date_offset,
            "invoiceDateOffSet": run.invoice_date_offset,
            "numberOfInvoices": len(documents.invoices),
            "numberOfCreditMemos": len(documents.credit_memos),
            "billingRunType": "Regular",
            "createdById": run.created_by_id,
            "createdDate": run.created_date,
            "updatedById": run.updated_by_id,
            "updatedDate": run.updated_date,
        }
    )


#: Our invoice model's fields that Object Query's invoice row does not have; the fake keeps
#: them on rows only while filtering (``filter[]=billrunid``) and strips them before sending.
OQ_INVOICE_FILTER_ONLY = ("accountNumber", "billRunId")


def oq_invoice(invoice: Invoice, *, for_filter: bool = False) -> dict[str, Any]:
    body = invoice.to_wire()
    if invoice.posted_date is not None:
        # A date-time in Object Query (a date on v1): the start of the posting day, tenant time.
        body["postedDate"] = datetime.combine(invoice.posted_date, datetime.min.time())
    if not for_filter:
        _drop(body, OQ_INVOICE_FILTER_ONLY)
    return _oq(body)


def oq_credit_memo(memo: CreditMemo) -> dict[str, Any]:
    body = memo.to_wire()
    body["memoNumber"] = body.pop("number")
    body["memoDate"] = body.pop("creditMemoDate")
    body["totalAmount"] = body.pop("amount")
    body["balance"] = body.pop("unappliedAmount")
    body["invoiceId"] = body.pop("referredInvoiceId", None)
    # Object Query's credit memo row has neither (the caller knows the run it asked about).
    _drop(body, ("accountNumber", "billRunId"))
    return _oq(body)
