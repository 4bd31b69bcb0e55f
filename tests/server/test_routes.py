"""Every route the REST backend calls, with Zuora's shapes, parsed with the contract's models."""

from __future__ import annotations

from decimal import Decimal

import httpx

from backends.fake.server.api import ROUTES
from backends.models import (
    Account,
    BillRun,
    CreditMemo,
    Invoice,
    InvoiceItem,
    InvoiceSchedule,
    Order,
)
from backends.rest import convert

from .conftest import BASE, CLIENT, Api, body


def test_every_rest_backend_endpoint_has_a_route() -> None:
    served = {(r.method, r.path) for r in ROUTES}
    wanted = {
        ("GET", "/v1/orders"),
        ("GET", "/v1/orders/{orderNumber}"),
        ("GET", "/v1/orders/invoiceOwner/{accountNumber}"),
        ("GET", "/object-query/accounts"),
        ("GET", "/object-query/accounts/{key}"),
        ("GET", "/object-query/orders"),
        ("GET", "/object-query/invoice-schedules"),
        ("GET", "/v1/invoice-schedules/{scheduleKey}"),
        ("POST", "/v1/invoice-schedules"),
        ("PUT", "/v1/invoice-schedules/{scheduleKey}"),
        ("DELETE", "/v1/invoice-schedules/{scheduleKey}"),
        ("POST", "/v1/invoice-schedules/{scheduleKey}/execute"),
        ("PUT", "/v1/invoice-schedules/{scheduleKey}/pause"),
        ("PUT", "/v1/invoice-schedules/{scheduleKey}/resume"),
        ("PUT", "/v1/invoice-schedules/{scheduleKey}/detach"),
        ("PUT", "/v1/invoice-schedules/{scheduleKey}/attach"),
        ("POST", "/v1/bill-runs"),
        ("GET", "/v1/bill-runs/{billRunId}"),
        ("PUT", "/v1/bill-runs/{billRunId}/post"),
        ("PUT", "/v1/bill-runs/{billRunId}/cancel"),
        ("GET", "/v1/invoices/{invoiceKey}"),
        ("PUT", "/v1/invoices/{invoiceKey}/post"),
        ("POST", "/v1/invoices/bulk-post"),
        ("GET", "/v1/credit-memos/{creditMemoKey}"),
        ("PUT", "/v1/credit-memos/{creditMemoKey}/post"),
    }
    assert wanted <= served


async def test_orders_list_and_one_order(api: Api) -> None:
    r = await api.call("GET", "/v1/orders", params={"page": 1, "pageSize": 5})
    data = body(r)
    assert r.status_code == 200 and data["success"] is True
    orders = [Order.model_validate(convert.v1_order(o)) for o in data["orders"]]
    assert [o.order_number for o in orders] == [f"O-0000000{n}" for n in range(1, 6)]
    assert data["nextPage"].startswith(f"{BASE}/v1/orders?")

    r = await api.call("GET", "/v1/orders/O-00000001", params={"getAccountDetails": "true"})
    data = body(r)
    assert set(data) == {"order", "success"}
    order = Order.model_validate(convert.v1_order(data["order"]))
    basic = data["order"]["existingAccountDetails"]["basicInfo"]
    assert order.account_id == basic["id"] and basic["accountNumber"] == "A00000001"
    assert "accountName" not in data["order"]  # derived fields are the fake's, not Zuora's

    r = await api.call("GET", "/v1/orders/O-00000001")
    assert "existingAccountDetails" not in body(r)["order"]


async def test_cancel_subscription_actions_nest_like_zuora(api: Api) -> None:
    r = await api.call("GET", "/v1/orders/O-00000005")
    actions = [a for s in body(r)["order"]["subscriptions"] for a in s["orderActions"]]
    cancel = next(a for a in actions if a["type"] == "CancelSubscription")
    assert cancel["cancelSubscription"]["cancellationEffectiveDate"] == "2026-02-01"
    assert "cancellationEffectiveDate" not in cancel


async def test_orders_by_invoice_owner(api: Api) -> None:
    r = await api.call("GET", "/v1/orders/invoiceOwner/A00000002")
    numbers = [o["orderNumber"] for o in body(r)["orders"]]
    assert "O-00000002" in numbers
    assert all(o["existingAccountNumber"] == "A00000002" for o in body(r)["orders"])
    r = await api.call("GET", "/v1/orders/invoiceOwner/A99999999")
    assert r.status_code == 404 and body(r)["reasons"][0]["code"] % 100 == 40


async def test_schedule_v1_shape(api: Api) -> None:
    r = await api.call("GET", "/v1/invoice-schedules/IS-00000002")
    data = body(r)
    schedule = InvoiceSchedule.model_validate(convert.v1_schedule(data))
    assert schedule.status == "PartiallyProcessed" and data["success"] is True
    assert schedule.schedule_items[0].invoice_id
    assert "invoiceNumber" not in data["scheduleItems"][0]
    by_id = await api.call("GET", f"/v1/invoice-schedules/{schedule.id}")
    assert body(by_id)["number"] == "IS-00000002"
    paged = await api.call(
        "GET", "/v1/invoice-schedules/IS-00000002", params={"page": 2, "pageSize": 2}
    )
    assert len(body(paged)["scheduleItems"]) == 1


async def test_execute_settle_post_flow(api: Api, server: object) -> None:
    schedule = body(await api.call("GET", "/v1/invoice-schedules/IS-00000001"))
    item = schedule["scheduleItems"][0]["id"]
    r = await api.call(
        "POST", "/v1/invoice-schedules/IS-00000001/execute", {"scheduleItemId": item}
    )
    run = BillRun.model_validate(convert.bill_run(body(r)))
    assert run.status == "Pending" and run.bill_run_filters[0].invoice_schedule_item_id == item
    again = await api.call("GET", f"/v1/bill-runs/{run.id}")
    assert body(again)["billRunNumber"] == run.bill_run_number
    await api.http.post(f"/_fake/tenants/{CLIENT}/clock/settle")
    schedule = body(await api.call("GET", "/v1/invoice-schedules/IS-00000001"))
    invoice_id = schedule["scheduleItems"][0]["invoiceId"]
    invoice = Invoice.model_validate(
        convert.invoice(body(await api.call("GET", f"/v1/invoices/{invoice_id}")))
    )
    assert invoice.status == "Draft" and invoice.amount == Decimal("1000.00")
    r = await api.call("PUT", f"/v1/invoices/{invoice.invoice_number}/post", {})
    data = body(r)
    assert data["id"] == invoice_id and data["jobStatus"] == "Completed" and data["success"]
    r = await api.call("PUT", f"/v1/invoices/{invoice_id}/post", {})
    assert r.status_code == 400 and body(r)["reasons"][0]["code"] == 59210020
    r = await api.call("PUT", f"/v1/bill-runs/{run.id}/post", {})
    assert r.status_code == 400  # already Posted with its only invoice


async def test_bulk_post_reports_each_invoice(api: Api) -> None:
    draft = body(await api.call("GET", "/v1/invoice-schedules/IS-00000002"))["scheduleItems"][0]
    posted = body(await api.call("GET", "/v1/invoice-schedules/IS-00000004"))["scheduleItems"][0]
    r = await api.call(
        "POST",
        "/v1/invoices/bulk-post",
        {"invoices": [{"id": draft["invoiceId"]}, {"id": posted["invoiceId"]}, {"id": "nope"}]},
    )
    data = body(r)
    assert data["success"] is True
    assert data["invoices"][0] == {"id": draft["invoiceId"], "success": True}
    assert data["invoices"][1]["success"] is False
    assert data["invoices"][1]["reasons"][0]["code"] == 59210020
    assert data["invoices"][2]["reasons"][0]["code"] % 100 == 40
    r = await api.call("POST", "/v1/invoices/bulk-post", {"invoices": []})
    assert r.status_code == 400


async def test_invoice_items_reverse_unpost_cancel(api: Api) -> None:
    posted = body(await api.call("GET", "/v1/invoice-schedules/IS-00000004"))["scheduleItems"][1]
    items = body(await api.call("GET", f"/v1/invoices/{posted['invoiceId']}/items"))
    lines = [InvoiceItem.model_validate(i) for i in items["invoiceItems"]]
    assert lines and lines[0].invoice_schedule_item_id == posted["id"]
    # Unpost and cancel answer as Zuora's SDK models them (the compact spec has neither).
    r = await api.call("PUT", f"/v1/invoices/{posted['invoiceId']}/unpost")
    assert body(r)["jobStatus"] == "Completed" and body(r)["invoice"]["status"] == "Draft"
    r = await api.call("PUT", f"/v1/invoices/{posted['invoiceId']}/cancel")
    assert body(r)["id"] == posted["invoiceId"] and body(r)["jobStatus"] == "Completed"
    invoice = body(await api.call("GET", f"/v1/invoices/{posted['invoiceId']}"))
    assert invoice["status"] == "Canceled"
    first = body(await api.call("GET", "/v1/invoice-schedules/IS-00000005"))["scheduleItems"][0]
    r = await api.call("PUT", f"/v1/invoices/{first['invoiceId']}/reverse", {})
    data = body(r)
    assert data["success"] and data["jobStatus"] == "Completed", data
    memo = body(await api.call("GET", f"/v1/credit-memos/{data['creditMemo']['id']}"))
    assert memo["status"] == "Posted"
    r = await api.call("PUT", f"/v1/credit-memos/{memo['number']}/unpost")
    assert r.status_code in (200, 400)


async def test_bill_run_queries_and_delete(api: Api) -> None:
    runs = body(await api.call("GET", "/object-query/billing-runs", params={"pageSize": "99"}))
    rows = runs["data"]
    assert rows and "billingRunNumber" in rows[0] and "success" not in runs
    created = [r["createdDate"] for r in rows]
    assert created == sorted(created, reverse=True)  # newest first
    done = next(r for r in rows if r["numberOfInvoices"])
    invoices = body(
        await api.call(
            "GET",
            "/object-query/invoices",
            params={"filter[]": f"sourceid.EQ:{done['billingRunNumber']}"},
        )
    )["data"]
    assert len(invoices) == done["numberOfInvoices"]
    memos = body(await api.call("GET", "/object-query/credit-memos"))["data"]
    assert all("memoNumber" in m for m in memos)
    one = body(await api.call("GET", f"/object-query/billing-runs/{done['id']}"))
    assert one["billingRunNumber"] == done["billingRunNumber"]
    account = body(await api.call("GET", "/object-query/accounts/A00000010"))
    run = body(
        await api.call(
            "POST",
            "/v1/bill-runs",
            {
                "targetDate": "2026-03-02",
                "billRunFilters": [{"filterType": "Account", "accountId": account["id"]}],
            },
        )
    )
    await api.call("PUT", f"/v1/bill-runs/{run['id']}/cancel", {})
    r = await api.call("DELETE", f"/v1/bill-runs/{run['id']}")
    assert body(r) == {"success": True}
    assert (await api.call("GET", f"/v1/bill-runs/{run['id']}")).status_code == 404


async def test_pause_resume_delete_update_create(api: Api) -> None:
    r = await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause")
    assert body(r)["status"] == "Paused"
    r = await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause")
    assert r.status_code == 400 and body(r)["reasons"][0]["code"] % 100 == 30
    r = await api.call("PUT", "/v1/invoice-schedules/IS-00000001/resume", {})
    assert body(r)["status"] == "Pending"
    r = await api.call(
        "PUT", "/v1/invoice-schedules/IS-00000001", {"notes": "updated by the server test"}
    )
    assert body(r)["notes"] == "updated by the server test"
    r = await api.call("DELETE", "/v1/invoice-schedules/IS-00000001")
    assert body(r) == {"success": True}
    r = await api.call("GET", "/v1/invoice-schedules/IS-00000001")
    assert r.status_code == 404
    r = await api.call(
        "POST",
        "/v1/invoice-schedules",
        {
            "accountKey": "A00000001",
            "orders": ["O-00000001"],
            "scheduleItems": [
                {"amount": 1500, "runDate": "2026-03-10"},
                {"amount": 1500, "runDate": "2026-06-10"},
            ],
        },
    )
    created = InvoiceSchedule.model_validate(convert.v1_schedule(body(r)))
    assert created.status == "Pending" and created.total_amount == Decimal("3000.00")


async def test_detach_answers_success_only(api: Api) -> None:
    r = await api.call(
        "PUT",
        "/v1/invoice-schedules/IS-00000001/detach",
        {"specificSubscriptions": [{"orderKey": "O-00000001", "subscriptionKey": "A-S00000001"}]},
    )
    data = body(r)
    assert data["success"] is False or set(data) == {"success"}  # Pending: refused (category 30)
    assert r.status_code in (200, 400)


async def test_credit_memo_from_the_credit_bill_run(api: Api) -> None:
    r = await api.call("POST", "/v1/invoice-schedules/IS-00000004/execute", {})
    assert body(r)["status"] == "Pending"
    await api.http.post(f"/_fake/tenants/{CLIENT}/clock/settle")
    schedule = body(await api.call("GET", "/v1/invoice-schedules/IS-00000004"))
    memo_id = schedule["scheduleItems"][-1]["creditMemoId"]
    memo = CreditMemo.model_validate(
        convert.credit_memo(body(await api.call("GET", f"/v1/credit-memos/{memo_id}")))
    )
    assert memo.status == "Draft" and memo.amount == Decimal("200.00")
    r = await api.call("PUT", f"/v1/credit-memos/{memo.number}/post")
    assert body(r)["status"] == "Posted"


async def test_create_and_cancel_bill_run(api: Api) -> None:
    account = body(await api.call("GET", "/object-query/accounts/A00000001"))
    r = await api.call(
        "POST",
        "/v1/bill-runs",
        {
            "targetDate": "2026-03-02",
            "billRunFilters": [{"filterType": "Account", "accountId": account["id"]}],
        },
    )
    run = body(r)
    assert run["status"] == "Pending", run
    r = await api.call("PUT", f"/v1/bill-runs/{run['id']}/cancel", {})
    assert body(r)["status"] == "Canceled"


async def test_object_query_accounts(api: Api) -> None:
    r = await api.call("GET", "/object-query/accounts", params={"filter[]": "name.SW:Acme"})
    data = body(r)
    assert "success" not in data and "nextPage" not in data
    accounts = [Account.model_validate(convert.oq_account(a)) for a in data["data"]]
    assert [a.account_number for a in accounts] == ["A00000001"]
    r = await api.call("GET", "/object-query/accounts", params={"filter[]": "name.SW:acme"})
    assert body(r)["data"] == []  # SW is case-sensitive, as Zuora's
    one = body(await api.call("GET", f"/object-query/accounts/{accounts[0].id}"))
    assert one["accountNumber"] == "A00000001"
    r = await api.call("GET", "/object-query/accounts/nope")
    assert r.status_code == 404 and "success" not in body(r)


async def test_object_query_orders(api: Api) -> None:
    account = body(await api.call("GET", "/object-query/accounts/A00000002"))
    r = await api.call(
        "GET",
        "/object-query/orders",
        params=[
            ("filter[]", f"accountid.IN:[{account['id']},x]"),
            ("expand[]", "account"),
            ("sort[]", "orderdate.DESC"),
            ("pageSize", "99"),
        ],
    )
    rows = body(r)["data"]
    orders = [Order.model_validate(convert.oq_order(o)) for o in rows]
    assert orders and all(o.existing_account_number == "A00000002" for o in orders)
    dates = [o.order_date for o in orders]
    assert dates == sorted(dates, reverse=True)
    assert rows[0]["createdDate"].endswith("+00:00")


async def test_object_query_schedules_with_expansions(api: Api) -> None:
    account = body(await api.call("GET", "/object-query/accounts/A00000004"))
    r = await api.call(
        "GET",
        "/object-query/invoice-schedules",
        params=[
            ("filter[]", f"accountid.EQ:{account['id']}"),
            ("expand[]", "invoicescheduleitems"),
            ("expand[]", "invoicescheduleitems.invoice"),
            ("expand[]", "invoicescheduleitems.creditmemo"),
            ("expand[]", "invoiceschedulebookings"),
            ("pageSize", "50"),
        ],
    )
    rows = body(r)["data"]
    assert len(rows) == 1
    row = rows[0]
    assert row["additionalSubscriptionsToBill"] == "[]"
    assert row["invoiceScheduleItems"][0]["sequenceNumber"] == "1"
    assert isinstance(row["invoiceScheduleItems"][0]["amount"], str)
    schedule = InvoiceSchedule.model_validate(convert.oq_schedule(row))
    assert schedule.number == "IS-00000004" and schedule.orders == ["O-00000004"]
    assert schedule.schedule_items[0].invoice_number is not None
    assert schedule.schedule_items[0].invoice_status == "Posted"
    r = await api.call(
        "GET",
        "/object-query/invoice-schedules",
        params=[("filter[]", "status.EQ:Paused"), ("pageSize", "99")],
    )
    assert {s["status"] for s in body(r)["data"]} == {"Paused"}
    one = await api.call(
        "GET",
        "/object-query/invoice-schedules/IS-00000004",
        params=[("expand[]", "invoiceschedulebookings.order")],
    )
    booking = body(one)["invoiceScheduleBookings"][0]
    assert booking["order"]["orderNumber"] == "O-00000004"


async def test_rest_backend_reads_through_the_app(http: httpx.AsyncClient) -> None:
    from .factories import rest_over_asgi

    async with rest_over_asgi() as sb:
        page = await sb.backend.list_invoice_schedules(order_number="O-00000002")
        assert [s.number for s in page.items] == ["IS-00000002"]
        assert page.items[0].schedule_items[0].invoice_number is not None
