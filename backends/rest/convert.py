"""Zuora's response shapes, normalised into the keyword dicts our models validate.

The models carry Zuora's v1 field names, so most v1 objects validate as they come. What needs
help is listed here, each for a documented reason:

* ``null`` means "absent" on the wire; it is dropped so the model's default applies (Object Query
  leaves null fields out altogether unless asked; v1 sends them).
* v1 orders carry no ``id`` (Zuora's schema has none; the number is their key on v1), so the
  order number stands in for it.
* v1 orders nest action details (``removeProduct.ratePlanId``,
  ``cancelSubscription.cancellationEffectiveDate``) that our ``OrderAction`` keeps flat, and bring
  the account's id and name under ``existingAccountDetails.basicInfo`` when asked for.
* Zuora types a few ids and day numbers loosely (``invoiceScheduleId`` as an integer in the spec,
  ``billCycleDay`` as ``1`` or ``"1"``); they become strings.
* Object Query rows differ from v1 objects: schedule items and bookings arrive as expansions,
  ``additionalSubscriptionsToBill`` is a string (``"[]"``), credit memo numbers are ``memoNumber``.
* Object Query ``billing-runs`` names the number ``billingRunNumber`` and sends
  ``chargeTypeToExclude`` as one string; its credit memos carry ``memoDate``, ``totalAmount``,
  ``balance`` (the unapplied amount) and ``invoiceId`` (the referred invoice); neither its invoices
  nor its credit memos carry ``billRunId`` (the caller knows the run it asked for).
* v1 invoice items name the subscription ``subscriptionName``.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from backends.models import DocumentStatus

__all__ = [
    "bill_run",
    "credit_memo",
    "document_status",
    "invoice",
    "invoice_item",
    "oq_account",
    "oq_bill_run",
    "oq_credit_memo",
    "oq_invoice",
    "oq_order",
    "oq_schedule",
    "v1_order",
    "v1_schedule",
]


def drop_nulls(value: Any) -> Any:
    """``value`` with every ``None``-valued key removed, recursively."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def _object(value: dict[str, Any]) -> dict[str, Any]:
    """:func:`drop_nulls` for an object, typed as one."""
    return {k: drop_nulls(v) for k, v in value.items() if v is not None}


def _rows(value: Any) -> list[Any]:
    """``value`` when it is a list, else no rows (a wrong type is left for validation to name)."""
    return value if isinstance(value, list) else []


def _as_str(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _date_only(value: Any) -> Any:
    """A date field sent as ``YYYY-MM-DD HH:MM:SS`` (some v1 objects do): keep the day."""
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and value[10] in " T":
        return value[:10]
    return value


def document_status(value: Any) -> DocumentStatus | None:
    """A document status we model, or ``None`` for transient ones (Generating, PendingForTax…)."""
    try:
        return DocumentStatus(value)
    except ValueError:
        return None


def v1_order(raw: dict[str, Any]) -> dict[str, Any]:
    """A v1 order. Zuora's spec gives v1 orders no ``id`` (only Object Query rows have one), so
    an order without one is keyed by its number: the contract and the console reach orders by
    number only (inferred; the model still requires an ``id``)."""
    order = _object(raw)
    if "id" not in order:
        number = order.get("orderNumber")
        # Without a usable number the model refuses it, and must name the number: the empty id
        # only keeps validation from naming the id derived from it first.
        order["id"] = number if isinstance(number, str) else ""
    if "invoiceScheduleId" in order:
        order["invoiceScheduleId"] = _as_str(order["invoiceScheduleId"])
    details = order.get("existingAccountDetails")
    if isinstance(details, dict) and isinstance(details.get("basicInfo"), dict):
        basic = details["basicInfo"]
        order.setdefault("accountId", basic.get("id"))
        order.setdefault("accountName", basic.get("name"))
        if order.get("accountId") is None:
            order.pop("accountId")
        if order.get("accountName") is None:
            order.pop("accountName")
    for subscription in _rows(order.get("subscriptions")):
        if not isinstance(subscription, dict):
            continue
        for action in _rows(subscription.get("orderActions")):
            if not isinstance(action, dict):
                continue
            remove = action.get("removeProduct")
            if isinstance(remove, dict) and "ratePlanId" in remove:
                action.setdefault("ratePlanId", remove["ratePlanId"])
            cancel = action.get("cancelSubscription")
            if isinstance(cancel, dict) and "cancellationEffectiveDate" in cancel:
                action.setdefault("cancellationEffectiveDate", cancel["cancellationEffectiveDate"])
    return order


def v1_schedule(raw: dict[str, Any]) -> dict[str, Any]:
    schedule = _object(raw)
    for spec in _rows(schedule.get("specificSubscriptions")):
        if isinstance(spec, dict) and isinstance(spec.get("chargeNumbers"), str):
            spec["chargeNumbers"] = _split_list(spec["chargeNumbers"])
    return schedule


def bill_run(raw: dict[str, Any]) -> dict[str, Any]:
    run = _object(raw)
    if "billCycleDay" in run:
        run["billCycleDay"] = _as_str(run["billCycleDay"])
    for key in ("targetDate", "invoiceDate"):
        if key in run:
            run[key] = _date_only(run[key])
    return run


def invoice(raw: dict[str, Any]) -> dict[str, Any]:
    doc = _object(raw)
    for key in ("invoiceDate", "dueDate", "targetDate", "postedDate"):
        if key in doc:
            doc[key] = _date_only(doc[key])
    # GET /v1/invoices/{key} samples omit amountWithoutTax on untaxed invoices.
    if "amountWithoutTax" not in doc and "amount" in doc:
        tax = doc.get("taxAmount", 0)
        with contextlib.suppress(TypeError):  # else left missing: validation names the field
            doc["amountWithoutTax"] = doc["amount"] - tax
    return doc


def credit_memo(raw: dict[str, Any]) -> dict[str, Any]:
    doc = _object(raw)
    if "number" not in doc and "memoNumber" in doc:
        doc["number"] = doc["memoNumber"]
    for key in ("creditMemoDate", "targetDate"):
        if key in doc:
            doc[key] = _date_only(doc[key])
    return doc


def oq_account(raw: dict[str, Any]) -> dict[str, Any]:
    return _object(raw)


def _split_list(text: str) -> list[str]:
    """A list Object Query serialised into a string: ``"[]"``, ``'["S-1","S-2"]'`` or ``"S-1,S-2"``."""
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("["):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            stripped = stripped.strip("[]")
        else:
            if isinstance(parsed, list):
                return [str(x) for x in parsed if x is not None and str(x)]
    return [part.strip().strip('"') for part in stripped.split(",") if part.strip().strip('"')]


def _sequence(item: dict[str, Any]) -> tuple[int, str]:
    raw = item.get("sequenceNumber")
    try:
        seq = int(raw) if raw is not None else 1_000_000
    except (TypeError, ValueError):
        seq = 1_000_000
    return seq, str(item.get("runDate") or "9999-12-31")


def oq_schedule(raw: dict[str, Any]) -> dict[str, Any]:
    """An Object Query invoice-schedule row (with item and booking expansions) as a v1 shape.

    Items are ordered by ``sequenceNumber``. Each item's expanded ``invoice`` / ``creditMemo``
    fills the derived number and status. ``orders`` are the distinct order numbers of the
    bookings. ``specificSubscriptions`` is not in Object Query and stays empty.
    """
    row = _object(raw)
    row.pop("specificSubscriptions", None)
    additional = row.get("additionalSubscriptionsToBill")
    if isinstance(additional, str):
        row["additionalSubscriptionsToBill"] = _split_list(additional)
    items = row.pop("invoiceScheduleItems", None)
    if isinstance(items, list):
        converted = []
        for item in sorted((i for i in items if isinstance(i, dict)), key=_sequence):
            entry = dict(item)
            inv = entry.pop("invoice", None)
            if isinstance(inv, dict):
                entry.setdefault("invoiceId", inv.get("id"))
                if inv.get("invoiceNumber") is not None:
                    entry["invoiceNumber"] = inv["invoiceNumber"]
                status = document_status(inv.get("status"))
                if status is not None:
                    entry["invoiceStatus"] = status.value
            memo = entry.pop("creditMemo", None)
            if isinstance(memo, dict):
                entry.setdefault("creditMemoId", memo.get("id"))
                number = memo.get("memoNumber", memo.get("number"))
                if number is not None:
                    entry["creditMemoNumber"] = number
                status = document_status(memo.get("status"))
                if status is not None:
                    entry["creditMemoStatus"] = status.value
            converted.append(_object(entry))
        row["scheduleItems"] = converted
    bookings = row.pop("invoiceScheduleBookings", None)
    if isinstance(bookings, list) and "orders" not in row:
        orders: list[str] = []
        for booking in bookings:
            if not isinstance(booking, dict):
                continue
            number = booking.get("orderNumber")
            if number is None and isinstance(booking.get("order"), dict):
                number = booking["order"].get("orderNumber")
            if isinstance(number, str) and number not in orders:
                orders.append(number)
        row["orders"] = orders
    return row


def oq_order(raw: dict[str, Any]) -> dict[str, Any]:
    """An Object Query order row with ``expand[]=account`` as a v1-shaped order."""
    row = _object(raw)
    if "invoiceScheduleId" in row:
        row["invoiceScheduleId"] = _as_str(row["invoiceScheduleId"])
    account = row.pop("account", None)
    if isinstance(account, dict):
        row.setdefault("existingAccountNumber", account.get("accountNumber"))
        row.setdefault("accountId", account.get("id"))
        row.setdefault("accountName", account.get("name"))
    for key in ("orderLineItems", "orderActions"):
        row.pop(key, None)
    return _object(row)


def oq_bill_run(raw: dict[str, Any]) -> dict[str, Any]:
    """An Object Query ``billing-runs`` row as a v1-shaped bill run."""
    row = bill_run(raw)
    if "billRunNumber" not in row and "billingRunNumber" in row:
        row["billRunNumber"] = row.pop("billingRunNumber")
    exclude = row.get("chargeTypeToExclude")
    if isinstance(exclude, str):
        row["chargeTypeToExclude"] = _split_list(exclude)
    batches = row.get("batches")
    if isinstance(batches, str):
        row["batches"] = _split_list(batches)
    return row


def oq_invoice(raw: dict[str, Any], bill_run_id: str | None = None) -> dict[str, Any]:
    """An Object Query ``invoices`` row (``postedDate`` is a date-time there)."""
    row = invoice(raw)
    row.pop("invoiceItems", None)
    account = row.pop("account", None)
    if isinstance(account, dict) and account.get("accountNumber") is not None:
        row.setdefault("accountNumber", account["accountNumber"])
    if bill_run_id is not None:
        row.setdefault("billRunId", bill_run_id)
    return row


def oq_credit_memo(raw: dict[str, Any], bill_run_id: str | None = None) -> dict[str, Any]:
    """An Object Query ``credit-memos`` row as a v1-shaped credit memo."""
    row = _object(raw)
    for ours, theirs in (
        ("number", "memoNumber"),
        ("creditMemoDate", "memoDate"),
        ("amount", "totalAmount"),
        ("unappliedAmount", "balance"),
        ("referredInvoiceId", "invoiceId"),
    ):
        if ours not in row and theirs in row:
            row[ours] = row[theirs]
    for key in ("creditMemoItems", "creditMemoApplications"):
        row.pop(key, None)
    account = row.pop("account", None)
    if isinstance(account, dict) and account.get("accountNumber") is not None:
        row.setdefault("accountNumber", account["accountNumber"])
    if bill_run_id is not None:
        row.setdefault("billRunId", bill_run_id)
    return credit_memo(row)


def invoice_item(raw: dict[str, Any]) -> dict[str, Any]:
    """A v1 invoice item (``GET /v1/invoices/{key}/items``)."""
    item = _object(raw)
    if "subscriptionNumber" not in item and "subscriptionName" in item:
        item["subscriptionNumber"] = item["subscriptionName"]
    for key in ("serviceStartDate", "serviceEndDate"):
        if key in item:
            item[key] = _date_only(item[key])
    for key in ("invoiceScheduleId", "invoiceScheduleItemId"):
        if key in item:
            item[key] = _as_str(item[key])
    return item
