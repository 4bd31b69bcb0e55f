"""Response bodies shaped like Zuora's own samples (reference §3.3, §5, §7, §8), as Python data.

Money is ``Decimal`` so the bodies travel through :mod:`backends.jsoncodec` as exact numbers.
"""

from __future__ import annotations

import hashlib
from copy import deepcopy
from decimal import Decimal as D
from typing import Any

ACCOUNT_ID = "8a90c1d47f07e24b017f0811c06a0b8b"
ACCOUNT_NUMBER = "A00000101"
SCHEDULE_ID = "e2441b3e24eb42859194be7da2403b38"
ITEM_1 = "8a8881aa82118bec018211daf9f01680"
ITEM_2 = "8a8881aa82118bec018211daf9f11681"
INVOICE_ID = "8a8881aa82118bec018211dafc1e1695"
BILL_RUN_ID = "8a90876c8459e39601845a6c789e191b"
CREDIT_MEMO_ID = "8a90e5e48c5e2d0a018c5f3b4c6d0123"

ENVELOPE = {"success": True}


def schedule(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": SCHEDULE_ID,
        "number": "IS-00000004",
        "accountId": ACCOUNT_ID,
        "status": "PartiallyProcessed",
        "currency": "USD",
        "totalAmount": 70200,
        "actualAmount": 70200,
        "billedAmount": 50000,
        "unbilledAmount": 20200,
        "nextRunDate": "2022-10-17",
        "notes": "2022 Billing Schedule",
        "invoiceSeparately": False,
        "orders": ["O-00000007", "O-00000008"],
        "specificSubscriptions": [
            {"orderKey": "O-00000008", "subscriptionKey": "S-00000008", "chargeNumbers": None}
        ],
        "additionalSubscriptionsToBill": ["S-00000001"],
        "scheduleItems": [
            {
                "id": ITEM_1,
                "amount": 50000,
                "actualAmount": 50000,
                "percentage": None,
                "runDate": "2022-02-24",
                "targetDateForAdditionalSubscriptions": "2022-02-24",
                "status": "Processed",
                "invoiceId": INVOICE_ID,
            },
            {
                "id": ITEM_2,
                "amount": D("20200.10"),
                "actualAmount": D("20200.10"),
                "percentage": None,
                "runDate": "2022-10-17",
                "status": "Pending",
            },
        ],
        "success": True,
    }
    body.update(over)
    return body


def item(n: int, status: str = "Pending") -> dict[str, Any]:
    return {
        "id": f"{n:032x}",
        "amount": D("10.01"),
        "actualAmount": D("10.01"),
        "runDate": f"2023-{(n % 12) + 1:02d}-01",
        "status": status,
    }


def bill_run(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": BILL_RUN_ID,
        "billRunNumber": "BR-00170238",
        "status": "Pending",
        "targetDate": "2022-12-03",
        "invoiceDate": "2022-12-03",
        "autoPost": False,
        "autoEmail": False,
        "autoRenewal": False,
        "noEmailForZeroAmountInvoice": False,
        "billCycleDay": None,
        "batches": None,
        "schedule": None,
        "scheduledExecutionTime": None,
        "targetDateOffset": None,
        "invoiceDateOffset": None,
        "chargeTypeToExclude": ["Usage"],
        "billRunFilters": [
            {
                "filterType": "InvoiceSchedule",
                "accountId": ACCOUNT_ID,
                "subscriptionId": None,
                "invoiceScheduleId": SCHEDULE_ID,
                "invoiceScheduleItemId": ITEM_2,
            }
        ],
        "createdById": "2c92c8fb7d6be66a017d6ecf94614438",
        "createdDate": "2022-11-08 17:26:09",
        "updatedById": "2c92c8fb7d6be66a017d6ecf94614438",
        "updatedDate": "2022-11-08 17:26:09",
        "success": True,
    }
    body.update(over)
    return body


def invoice(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": INVOICE_ID,
        "invoiceNumber": "INV00000001",
        "accountId": ACCOUNT_ID,
        "accountNumber": ACCOUNT_NUMBER,
        "status": "Draft",
        "amount": D("700.50"),
        "amountWithoutTax": D("700.50"),
        "taxAmount": 0,
        "balance": D("700.50"),
        "invoiceDate": "2022-10-31",
        "dueDate": "2022-11-30",
        "targetDate": "2022-10-31",
        "currency": "USD",
        "billRunId": BILL_RUN_ID,
        "source": "BillRun",
        "sourceId": "BR-00000001",
        "sourceType": "Subscription",
        "postedDate": None,
        "createdDate": "2022-12-08 19:49:16",
        "updatedDate": "2022-12-08 19:51:23",
        "success": True,
    }
    body.update(over)
    return body


def credit_memo(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": CREDIT_MEMO_ID,
        "number": "CM00000012",
        "accountId": ACCOUNT_ID,
        "accountNumber": ACCOUNT_NUMBER,
        "status": "Draft",
        "amount": D("14000"),
        "taxAmount": 0,
        "appliedAmount": 0,
        "unappliedAmount": D("14000"),
        "refundAmount": 0,
        "creditMemoDate": "2022-12-08",
        "targetDate": None,
        "currency": "USD",
        "referredInvoiceId": None,
        "reasonCode": "Correcting invoice error",
        "source": "BillRun",
        "sourceId": "BR-00000002",
        "sourceType": "Subscription",
        "postedOn": None,
        "reversed": False,
        "createdDate": "2022-12-08 19:49:16",
        "updatedDate": "2022-12-08 19:51:23",
        "success": True,
    }
    body.update(over)
    return body


def order(number: str = "O-00000007", *, details: bool = True, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "orderNumber": number,
        "id": hashlib.md5(number.encode()).hexdigest(),
        "orderDate": "2022-01-01",
        "existingAccountNumber": ACCOUNT_NUMBER,
        "status": "Completed",
        "state": "Complete",
        "category": "NewSales",
        "currency": "USD",
        "description": "Annual plan",
        "invoiceScheduleId": SCHEDULE_ID,
        "createdBy": "2c92c8fb7d6be66a017d6ecf94614438",
        "createdDate": "2022-01-01 10:00:00",
        "updatedDate": "2022-01-01 10:00:05",
        "customFields": {},
        "subscriptions": [
            {
                "subscriptionNumber": "S-00000008",
                "baseVersion": None,
                "newVersion": 1,
                "sequence": 0,
                "subscriptionOwnerAccountNumber": ACCOUNT_NUMBER,
                "customFields": {},
                "orderActions": [
                    {
                        "id": "4028fc828244a0ac018244dfd8a4001a",
                        "type": "CreateSubscription",
                        "sequence": 0,
                        "triggerDates": [
                            {"name": "ContractEffective", "triggerDate": "2022-01-01"},
                            {"name": "ServiceActivation", "triggerDate": "2022-01-01"},
                        ],
                    },
                    {
                        "id": "4028fc828244a0ac018244dfd8a4001b",
                        "type": "RemoveProduct",
                        "sequence": 1,
                        "triggerDates": [],
                        "removeProduct": {"ratePlanId": "2c9890f980c24bd80180c2f34f5d0cd2"},
                    },
                ],
            }
        ],
    }
    if details:
        body["existingAccountDetails"] = {
            "basicInfo": {"id": ACCOUNT_ID, "accountNumber": ACCOUNT_NUMBER, "name": "Acme Corp"}
        }
    body.update(over)
    return body


def oq_schedule_row(
    number: str = "IS-00000004",
    *,
    orders: tuple[str, ...] = ("O-00000007",),
    sid: str = SCHEDULE_ID,
) -> dict[str, Any]:
    return {
        "id": sid,
        "number": number,
        "accountId": ACCOUNT_ID,
        "status": "PartiallyProcessed",
        "totalAmount": 70200,
        "actualAmount": 70200,
        "billedAmount": 50000,
        "unbilledAmount": 20200,
        "nextRunDate": "2022-10-17",
        "notes": "",
        "currency": "USD",
        "additionalSubscriptionsToBill": "[]",
        "createdDate": "2025-04-07T02:33:50-07:00",
        "updatedDate": "2025-04-07T02:33:51-07:00",
        "invoiceScheduleItems": [
            {
                "id": ITEM_2,
                "amount": "20200",
                "actualAmount": "20200",
                "runDate": "2022-10-17",
                "status": "Pending",
                "sequenceNumber": "2",
                "invoiceScheduleId": sid,
            },
            {
                "id": ITEM_1,
                "amount": "50000",
                "actualAmount": "50000",
                "runDate": "2022-02-24",
                "status": "Processed",
                "sequenceNumber": "1",
                "invoiceId": INVOICE_ID,
                "invoiceScheduleId": sid,
                "invoice": {"id": INVOICE_ID, "invoiceNumber": "INV00000001", "status": "Draft"},
            },
        ],
        "invoiceScheduleBookings": [
            {"id": f"b{n}", "orderNumber": o, "subscriptionNumber": "S-00000008"}
            for n, o in enumerate(orders)
        ],
    }


def oq_account(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": ACCOUNT_ID,
        "accountNumber": ACCOUNT_NUMBER,
        "name": "Acme Corp",
        "currency": "USD",
        "status": "Active",
        "billCycleDay": 1,
        "balance": D("1234.56"),
        "autoPay": False,
        "createdDate": "2025-04-07T02:33:50-07:00",
    }
    body.update(over)
    return body


def v1_error(code: int, message: str) -> dict[str, Any]:
    return {
        "success": False,
        "processId": "CBCFED6580B4E076",
        "requestId": "d385ab22-0f51-4b97-9ecd-b8ff3fd4fcb6",
        "reasons": [{"code": code, "message": message}],
    }


def copy(body: dict[str, Any]) -> dict[str, Any]:
    return deepcopy(body)
