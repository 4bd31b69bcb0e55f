"""The fake server's bill run creation by batch and schedule, generate by account and cancelOnce,
in Zuora's shapes."""

from __future__ import annotations

from .conftest import Api, body


async def test_generate_billing_documents_by_account(api: Api) -> None:
    r = await api.call(
        "POST",
        "/v1/accounts/A00000003/billing-documents/generate",
        {"targetDate": "2026-12-31", "autoPost": False},
    )
    data = body(r)
    assert r.status_code == 200 and data["success"] is True
    assert data["invoices"] and all(set(i) == {"id"} for i in data["invoices"])
    assert data["creditMemos"] == []
    unknown = await api.call(
        "POST",
        "/v1/accounts/A00000003/billing-documents/generate",
        {"targetDate": "2026-12-31", "nonsense": 1},
    )
    assert unknown.status_code == 400 and body(unknown)["success"] is False
    missing = await api.call(
        "POST",
        "/v1/accounts/A09999999/billing-documents/generate",
        {"targetDate": "2026-12-31"},
    )
    assert missing.status_code == 404


async def test_a_scheduled_run_and_cancel_once_false_stops_the_series(api: Api) -> None:
    r = await api.call(
        "POST",
        "/v1/bill-runs",
        {
            "batches": ["Batch2"],
            "billCycleDay": "AllBillCycleDays",
            "schedule": {
                "repeatType": "Weekly",
                "repeatFrom": "2026-03-02",
                "runTime": 5,
                "weeklyOnDay": ["Fri"],
            },
            "targetDateOffset": 30,
            "invoiceDateOffset": 0,
            "chargeTypeToExclude": ["Usage"],
        },
    )
    run = body(r)
    assert r.status_code == 200 and run["status"] == "Pending"
    assert run["schedule"]["repeatType"] == "Weekly" and run["schedule"]["weeklyOnDay"] == ["Fri"]
    assert run["scheduledExecutionTime"].startswith("2026-03-06")
    assert run["targetDateOffset"] == 30 and "numberOfAccounts" not in run
    cancelled = await api.call("PUT", f"/v1/bill-runs/{run['id']}/cancel", {"cancelOnce": False})
    assert body(cancelled)["status"] == "Canceled"
    rows = body(
        await api.call(
            "GET", "/object-query/billing-runs", params=[("filter[]", "status.EQ:Pending")]
        )
    )["data"]
    assert all(row.get("repeatType") != "Weekly" for row in rows)


async def test_accounts_filter_by_batch_and_expand_bill_to(api: Api) -> None:
    r = await api.call(
        "GET",
        "/object-query/accounts",
        params=[("filter[]", "batch.EQ:Batch3"), ("expand[]", "billto"), ("pageSize", "20")],
    )
    rows = body(r)["data"]
    assert [row["accountNumber"] for row in rows] == [f"A000000{n:02d}" for n in range(9, 13)]
    assert all(row["billTo"]["firstName"] and row["paymentTerm"] == "Net 30" for row in rows)
    plain = body(await api.call("GET", "/object-query/accounts/A00000001"))
    assert "billTo" not in plain and plain["batch"] == "Batch1"
