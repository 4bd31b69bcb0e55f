"""Issue 8 on the wire: unpost, cancel, reverse, bill run lists and documents, delete, bulk post,
invoice items. Each test pins the request(s) sent and the mapping of Zuora's answer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from backends.errors import BusinessRuleError, NotFoundError, ServerError, ValidationError
from backends.models import BillRunStatus, ChargeType, DocumentStatus
from backends.rest import RestBackend

from .conftest import api_calls, json_response, request_json
from .zuora_samples import (
    ACCOUNT_ID,
    BILL_RUN_ID,
    CREDIT_MEMO_ID,
    INVOICE_ID,
    SCHEDULE_ID,
    bill_run,
    credit_memo,
    invoice,
    v1_error,
)

D = Decimal
INV = "/v1/invoices/INV00000001"
INVOICE_2 = "8a8881aa82118bec018211dafc1e1696"
INVOICE_3 = "8a8881aa82118bec018211dafc1e1697"
ITEM_ID = "8a8881aa82118bec018211dafc1e0001"


def _paths(router: respx.MockRouter) -> list[str]:
    return [f"{c.method} {c.url.path}" for c in api_calls(router)]


# --------------------------------------------------------------------------- unpost / cancel


async def test_unpost_invoice_puts_then_reads_back(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    put = router.put(f"{INV}/unpost").mock(
        return_value=json_response({"id": INVOICE_ID, "jobStatus": "Completed", "success": True})
    )
    router.get(INV).mock(return_value=json_response(invoice(status="Draft")))
    result = await backend.unpost_invoice("INV00000001")
    assert result.status is DocumentStatus.DRAFT
    sent = put.calls.last.request
    assert sent.content == b"" and "idempotency-key" not in sent.headers
    assert _paths(router) == [f"PUT {INV}/unpost", f"GET {INV}"]


async def test_unpost_invoice_answered_with_the_invoice_costs_one_request(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.put(f"{INV}/unpost").mock(return_value=json_response(invoice(status="Draft")))
    result = await backend.unpost_invoice("INV00000001")
    assert result.id == INVOICE_ID and result.status is DocumentStatus.DRAFT
    assert _paths(router) == [f"PUT {INV}/unpost"]


async def test_unpost_refusal_is_zuoras_error(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.put(f"{INV}/unpost").mock(
        return_value=json_response(
            v1_error(59210030, "Only invoices in Posted status can be unposted."), 400
        )
    )
    with pytest.raises(BusinessRuleError, match="Posted status") as caught:
        await backend.unpost_invoice("INV00000001")
    assert caught.value.code == 59210030
    assert _paths(router) == [f"PUT {INV}/unpost"]


async def test_cancel_invoice_async_operation_then_get(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.put(f"{INV}/cancel").mock(
        return_value=json_response(
            {"id": INVOICE_ID, "jobId": "job-7", "jobStatus": "Completed", "success": True}
        )
    )
    router.get(INV).mock(return_value=json_response(invoice(status="Canceled")))
    result = await backend.cancel_invoice("INV00000001")
    assert result.status is DocumentStatus.CANCELED
    assert _paths(router) == [f"PUT {INV}/cancel", f"GET {INV}"]


async def test_cancel_invoice_failed_job(backend: RestBackend, router: respx.MockRouter) -> None:
    router.put(f"{INV}/cancel").mock(
        return_value=json_response({"id": INVOICE_ID, "jobId": "job-8", "jobStatus": "Failed"})
    )
    get = router.get(INV)
    with pytest.raises(ServerError, match="job-8"):
        await backend.cancel_invoice("INV00000001")
    assert not get.called


async def test_unpost_credit_memo(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.put("/v1/credit-memos/CM00000012/unpost").mock(
        return_value=json_response(credit_memo(status="Draft"))
    )
    memo = await backend.unpost_credit_memo("CM00000012")
    assert memo.id == CREDIT_MEMO_ID and memo.status is DocumentStatus.DRAFT
    assert route.calls.last.request.content == b""
    assert _paths(router) == ["PUT /v1/credit-memos/CM00000012/unpost"]


# --------------------------------------------------------------------------- reverse


def _reverse_answer(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "creditMemo": {"id": CREDIT_MEMO_ID},
        "debitMemo": None,
        "id": INVOICE_ID,
        "jobId": None,
        "jobStatus": "Completed",
        "success": True,
    }
    body.update(over)
    return body


async def test_reverse_invoice_sends_memo_date_and_reads_the_memo(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    put = router.put(f"{INV}/reverse").mock(return_value=json_response(_reverse_answer()))
    router.get(f"/v1/credit-memos/{CREDIT_MEMO_ID}").mock(
        return_value=json_response(
            credit_memo(
                status="Posted",
                amount=D("700.50"),
                appliedAmount=D("700.50"),
                unappliedAmount=0,
                referredInvoiceId=INVOICE_ID,
                source="API",
            )
        )
    )
    memo = await backend.reverse_invoice("INV00000001", memo_date=date(2022, 12, 10))
    assert request_json(put.calls.last.request) == {"memoDate": "2022-12-10"}
    assert "idempotency-key" not in put.calls.last.request.headers
    assert memo.status is DocumentStatus.POSTED and memo.referred_invoice_id == INVOICE_ID
    assert memo.amount == D("700.50") and memo.balance == D("0")
    assert _paths(router) == [f"PUT {INV}/reverse", f"GET /v1/credit-memos/{CREDIT_MEMO_ID}"]


async def test_reverse_invoice_without_a_date_sends_an_empty_body(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    put = router.put(f"{INV}/reverse").mock(return_value=json_response(_reverse_answer()))
    router.get(f"/v1/credit-memos/{CREDIT_MEMO_ID}").mock(
        return_value=json_response(credit_memo(status="Posted"))
    )
    await backend.reverse_invoice("INV00000001")
    assert request_json(put.calls.last.request) == {}


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        (_reverse_answer(jobStatus="Failed", jobId="job-9", creditMemo=None), "job-9"),
        (_reverse_answer(jobStatus="Processing", jobId="job-10", creditMemo=None), "refresh"),
    ],
    ids=["failed", "still-running"],
)
async def test_reverse_invoice_without_a_memo(
    backend: RestBackend, router: respx.MockRouter, answer: dict[str, Any], match: str
) -> None:
    router.put(f"{INV}/reverse").mock(return_value=json_response(answer))
    with pytest.raises(ServerError, match=match):
        await backend.reverse_invoice("INV00000001")
    assert _paths(router) == [f"PUT {INV}/reverse"]


async def test_reverse_refusal(backend: RestBackend, router: respx.MockRouter) -> None:
    router.put(f"{INV}/reverse").mock(
        return_value=json_response(v1_error(59210030, "The invoice has been paid."), 400)
    )
    with pytest.raises(BusinessRuleError, match="paid"):
        await backend.reverse_invoice("INV00000001")


# --------------------------------------------------------------------------- bill run lists


def oq_billing_run(number: int, **over: Any) -> dict[str, Any]:
    """An Object Query ``billing-runs`` row (its field names differ from v1's)."""
    body: dict[str, Any] = {
        "id": f"8a90876c8459e39601845a6c789e{number:04d}",
        "billingRunNumber": f"BR-{number:08d}",
        "billingRunType": "Regular",
        "status": "Completed",
        "targetDate": "2026-03-02",
        "invoiceDate": "2026-03-02",
        "targetType": "SingleAccount",
        "accountId": ACCOUNT_ID,
        "numberOfAccounts": 1,
        "numberOfInvoices": 3,
        "numberOfCreditMemos": 1,
        "autoPost": False,
        "autoEmail": False,
        "autoRenewal": False,
        "noEmailForZeroAmountInvoice": False,
        "chargeTypeToExclude": "Usage",
        "billCycleDay": "AllBillCycleDays",
        "executedDate": "2026-03-02T09:00:05-08:00",
        "createdById": "2c92c8fb7d6be66a017d6ecf94614438",
        "createdDate": f"2026-03-02T09:{number % 60:02d}:00-08:00",
        "updatedDate": "2026-03-02T09:30:00-08:00",
    }
    body.update(over)
    return body


async def test_list_bill_runs_maps_object_query_fields(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.get("/object-query/billing-runs").mock(
        return_value=json_response(
            {
                "data": [
                    oq_billing_run(12, chargeTypeToExclude="OneTime,Usage"),
                    oq_billing_run(11, status="Posted"),
                ],
                "nextPage": "tok-2",
            }
        )
    )
    # Billing runs have no account filter: the account's documents name their runs.
    invoices = router.get("/object-query/invoices").mock(
        return_value=json_response(
            {"data": [{"sourceId": "BR-00000012"}, {"sourceId": "BR-00000011"}, {}]}
        )
    )
    memos = router.get("/object-query/credit-memos").mock(
        return_value=json_response({"data": [{"sourceId": "BR-00000012"}, {"sourceId": None}]})
    )
    page = await backend.list_bill_runs(
        status=BillRunStatus.COMPLETED, account_id=ACCOUNT_ID, page_size=2
    )
    for lookup in (invoices, memos):
        assert lookup.calls.last.request.url.params.get_list("filter[]") == [
            f"accountid.EQ:{ACCOUNT_ID}"
        ]
    by_account = "billingrunnumber.IN:[BR-00000011,BR-00000012]"
    params = route.calls.last.request.url.params
    assert params.get_list("sort[]") == ["createddate.DESC"]
    assert params.get_list("filter[]") == ["status.EQ:Completed", by_account]
    assert params["pageSize"] == "2" and "cursor" not in params
    first, second = page.items
    assert first.bill_run_number == "BR-00000012" and second.status is BillRunStatus.POSTED
    assert first.number_of_invoices == 3 and first.number_of_credit_memos == 1
    assert first.charge_type_to_exclude == [ChargeType.ONE_TIME, ChargeType.USAGE]
    assert second.charge_type_to_exclude == [ChargeType.USAGE]
    assert first.created_date == datetime(2026, 3, 2, 9, 12)  # the tenant's wall time
    assert page.next_cursor is not None

    route.mock(return_value=json_response({"data": [oq_billing_run(10)]}))
    rest = await backend.list_bill_runs(cursor=page.next_cursor)
    params = route.calls.last.request.url.params
    assert params["cursor"] == "tok-2"
    assert params.get_list("filter[]") == ["status.EQ:Completed", by_account]
    assert [r.bill_run_number for r in rest.items] == ["BR-00000010"]
    assert rest.next_cursor is None


async def test_list_bill_runs_unfiltered_and_bad_cursor(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.get("/object-query/billing-runs").mock(
        return_value=json_response({"data": [], "nextPage": None})
    )
    page = await backend.list_bill_runs(page_size=500)
    params = route.calls.last.request.url.params
    assert params["pageSize"] == "99" and "filter[]" not in params
    assert page.items == [] and page.next_cursor is None
    with pytest.raises(ValidationError):
        await backend.list_bill_runs(cursor="not-a-cursor")
    with pytest.raises(ValidationError):
        await backend.list_bill_runs(account_id="x],[id.NE:1")
    assert route.call_count == 1


def oq_invoice_row(invoice_id: str, number: str, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": invoice_id,
        "invoiceNumber": number,
        "accountId": ACCOUNT_ID,
        "status": "Draft",
        "amount": D("700.50"),
        "amountWithoutTax": D("700.50"),
        "taxAmount": 0,
        "balance": D("700.50"),
        "invoiceDate": "2026-03-02",
        "dueDate": "2026-04-01",
        "currency": "USD",
        "source": "BillRun",
        "sourceId": "BR-00170238",
        "sourceType": "Subscription",
        "postedDate": "2026-03-03T10:00:00-08:00",
        "createdDate": "2026-03-02T09:00:05-08:00",
    }
    body.update(over)
    return body


def oq_credit_memo_row(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": CREDIT_MEMO_ID,
        "memoNumber": "CM00000012",
        "accountId": ACCOUNT_ID,
        "status": "Draft",
        "totalAmount": D("200.00"),
        "taxAmount": 0,
        "appliedAmount": 0,
        "balance": D("200.00"),
        "refundAmount": 0,
        "memoDate": "2026-03-02",
        "currency": "USD",
        "invoiceId": INVOICE_ID,
        "reasonCode": "Subscription change",
        "source": "BillRun",
        "sourceId": "BR-00170238",
        "sourceType": "Subscription",
        "createdDate": "2026-03-02T09:00:05-08:00",
    }
    body.update(over)
    return body


async def test_bill_run_documents_by_source_id(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get(f"/v1/bill-runs/{BILL_RUN_ID}").mock(
        return_value=json_response(bill_run(status="Completed"))
    )
    invoices = router.get("/object-query/invoices").mock(
        side_effect=[
            json_response(
                {
                    "data": [oq_invoice_row(INVOICE_2, "INV00000002")],
                    "nextPage": "inv-page-2",
                }
            ),
            json_response({"data": [oq_invoice_row(INVOICE_ID, "INV00000001")]}),
        ]
    )
    memos = router.get("/object-query/credit-memos").mock(
        return_value=json_response({"data": [oq_credit_memo_row()]})
    )
    docs = await backend.list_bill_run_documents(BILL_RUN_ID)
    for route in (invoices, memos):
        params = route.calls[0].request.url.params
        assert params.get_list("filter[]") == ["sourceid.EQ:BR-00170238"]
        assert params["pageSize"] == "99"
    assert invoices.calls[1].request.url.params["cursor"] == "inv-page-2"
    assert [i.invoice_number for i in docs.invoices] == ["INV00000001", "INV00000002"]
    assert all(i.bill_run_id == BILL_RUN_ID for i in docs.invoices)
    assert docs.invoices[0].posted_date == date(2026, 3, 3)
    (memo,) = docs.credit_memos
    assert memo.number == "CM00000012" and memo.amount == D("200.00")
    assert memo.unapplied_amount == D("200.00") and memo.credit_memo_date == date(2026, 3, 2)
    assert memo.referred_invoice_id == INVOICE_ID and memo.bill_run_id == BILL_RUN_ID
    assert sorted(_paths(router)) == sorted(
        [
            f"GET /v1/bill-runs/{BILL_RUN_ID}",
            "GET /object-query/invoices",
            "GET /object-query/invoices",
            "GET /object-query/credit-memos",
        ]
    )


async def test_bill_run_documents_after_a_list_cost_two_requests(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    row = oq_billing_run(7)
    router.get("/object-query/billing-runs").mock(return_value=json_response({"data": [row]}))
    get_run = router.get(url__regex=r"/v1/bill-runs/")
    router.get("/object-query/invoices").mock(return_value=json_response({"data": []}))
    memos = router.get("/object-query/credit-memos").mock(return_value=json_response({"data": []}))
    (run,) = (await backend.list_bill_runs()).items
    docs = await backend.list_bill_run_documents(run.id)
    assert docs.invoices == [] and docs.credit_memos == []
    assert not get_run.called
    assert memos.calls.last.request.url.params.get_list("filter[]") == ["sourceid.EQ:BR-00000007"]
    assert len(api_calls(router)) == 3


async def test_delete_bill_run(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.delete(f"/v1/bill-runs/{BILL_RUN_ID}").mock(
        return_value=json_response(bill_run(status="RemoveInProgress"))
    )
    assert await backend.delete_bill_run(BILL_RUN_ID) is None
    assert route.call_count == 1 and "idempotency-key" not in route.calls.last.request.headers
    route.mock(
        return_value=json_response(
            v1_error(59010030, "Only bill runs in Canceled or Error status can be deleted."), 400
        )
    )
    with pytest.raises(BusinessRuleError, match="Canceled or Error"):
        await backend.delete_bill_run(BILL_RUN_ID)
    route.mock(return_value=json_response(v1_error(59010040, "Bill run not found"), 404))
    with pytest.raises(NotFoundError):
        await backend.delete_bill_run(BILL_RUN_ID)


# --------------------------------------------------------------------------- bulk post


def _lookup(rows: list[dict[str, Any]]) -> httpx.Response:
    return json_response({"data": rows})


async def test_bulk_post_with_mixed_results(backend: RestBackend, router: respx.MockRouter) -> None:
    lookup = router.get("/object-query/invoices").mock(
        return_value=_lookup(
            [
                oq_invoice_row(INVOICE_ID, "INV00000001"),
                oq_invoice_row(INVOICE_2, "INV00000002", status="Posted"),
                oq_invoice_row(INVOICE_3, "INV00000003"),
            ]
        )
    )
    bulk = router.post("/v1/invoices/bulk-post").mock(
        return_value=json_response(
            {
                "invoices": [
                    {"id": INVOICE_ID, "success": True},
                    {
                        "id": INVOICE_2,
                        "success": False,
                        "processId": "A1B2",
                        "reasons": [
                            {
                                "code": 59210020,
                                "message": "Only invoices with Draft status can be posted.",
                            }
                        ],
                    },
                    {"id": INVOICE_3, "success": True},
                ],
                "success": True,  # even though one failed
            }
        )
    )
    keys = ["INV00000001", "INV00000002", "INV00000003", "INV09999999"]
    results = await backend.post_invoices(keys)
    filters = lookup.calls.last.request.url.params.get_list("filter[]")
    assert filters == ["invoicenumber.IN:[INV00000001,INV00000002,INV00000003,INV09999999]"]
    sent = bulk.calls.last.request
    assert request_json(sent) == {
        "invoices": [{"id": INVOICE_ID}, {"id": INVOICE_2}, {"id": INVOICE_3}]
    }
    assert sent.headers["idempotency-key"]
    assert [r.key for r in results] == keys
    assert [r.success for r in results] == [True, False, True, False]
    refused = results[1]
    assert refused.invoice_id == INVOICE_2 and refused.invoice_number == "INV00000002"
    assert refused.code == 59210020 and refused.message
    assert "Draft" in refused.message
    unknown = results[3]
    assert unknown.invoice_id is None and unknown.message and "INV09999999" in unknown.message
    assert results[0].invoice_number == "INV00000001" and results[0].code is None
    assert _paths(router) == ["GET /object-query/invoices", "POST /v1/invoices/bulk-post"]


async def test_bulk_post_mixed_keys_and_a_repeated_invoice(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    lookup = router.get("/object-query/invoices").mock(
        side_effect=lambda request: _lookup(
            [oq_invoice_row(INVOICE_ID, "INV00000001")]
            if "id.IN" in request.url.params["filter[]"]
            else [
                oq_invoice_row(INVOICE_2, "INV00000002"),
                oq_invoice_row(INVOICE_ID, "INV00000001"),
            ]
        )
    )
    bulk = router.post("/v1/invoices/bulk-post").mock(
        return_value=json_response({"invoices": [{"success": True}, {"success": True}]})
    )
    results = await backend.post_invoices([INVOICE_ID, "INV00000002", "INV00000001"])
    assert sorted(c.request.url.params["filter[]"] for c in lookup.calls) == [
        f"id.IN:[{INVOICE_ID}]",
        "invoicenumber.IN:[INV00000002,INV00000001]",
    ]
    # the same invoice named twice is sent once; elements without ids match by position
    assert request_json(bulk.calls.last.request) == {
        "invoices": [{"id": INVOICE_ID}, {"id": INVOICE_2}]
    }
    assert [(r.invoice_number, r.success) for r in results] == [
        ("INV00000001", True),
        ("INV00000002", True),
        ("INV00000001", True),
    ]
    assert len(api_calls(router)) == 3


async def test_bulk_post_limits(backend: RestBackend, router: respx.MockRouter) -> None:
    assert await backend.post_invoices([]) == []
    with pytest.raises(ValidationError, match="at most 50"):
        await backend.post_invoices([f"INV{n:08d}" for n in range(51)])
    lookup = router.get("/object-query/invoices").mock(return_value=_lookup([]))
    bulk = router.post("/v1/invoices/bulk-post")
    (result,) = await backend.post_invoices(["INV,00]"])  # never put into a filter
    assert not result.success and not lookup.called and not bulk.called
    assert api_calls(router) == []


async def test_bulk_post_request_refused_as_a_whole(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/object-query/invoices").mock(
        return_value=_lookup([oq_invoice_row(INVOICE_ID, "INV00000001")])
    )
    router.post("/v1/invoices/bulk-post").mock(
        return_value=json_response(v1_error(50000020, "invoices is required"), 400)
    )
    with pytest.raises(ValidationError, match="invoices is required"):
        await backend.post_invoices(["INV00000001"])


# --------------------------------------------------------------------------- invoice items


def invoice_item_row(n: int) -> dict[str, Any]:
    return {
        "id": f"{ITEM_ID[:-4]}{n:04d}",
        "chargeName": f"Monthly fee {n}",
        "chargeAmount": D("100.00"),
        "taxAmount": 0,
        "serviceStartDate": "2026-03-01",
        "serviceEndDate": "2026-03-31",
        "subscriptionName": "A-S00000001",
        "subscriptionId": "8a90c1d47f07e24b017f0811c06a0b00",
        "chargeId": "8a90c1d47f07e24b017f0811c06a0b01",
        "invoiceScheduleId": SCHEDULE_ID,
        "invoiceScheduleItemId": "4d4a1a0c1b2f4a5c8f9d0e1f2a3b4c5d",
        "unitPrice": 100,
        "quantity": 1,
    }


async def test_invoice_items_follow_next_page(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.get(f"{INV}/items").mock(
        side_effect=[
            json_response(
                {
                    "invoiceItems": [invoice_item_row(n) for n in range(40)],
                    "nextPage": f"https://rest.test.zuora.com{INV}/items?page=2&pageSize=40",
                    "success": True,
                }
            ),
            json_response({"invoiceItems": [invoice_item_row(40)], "success": True}),
        ]
    )
    items = await backend.get_invoice_items("INV00000001")
    assert len(items) == 41
    assert [c.request.url.params["page"] for c in route.calls] == ["1", "2"]
    assert all(c.request.url.params["pageSize"] == "40" for c in route.calls)
    first = items[0]
    assert first.subscription_number == "A-S00000001" and first.charge_amount == D("100.00")
    assert first.invoice_schedule_id == SCHEDULE_ID
    assert first.invoice_schedule_item_id == "4d4a1a0c1b2f4a5c8f9d0e1f2a3b4c5d"
    assert first.service_start_date == date(2026, 3, 1)


async def test_invoice_items_of_an_unknown_invoice(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get(f"{INV}/items").mock(
        return_value=json_response(v1_error(50000040, "Invoice not found"), 404)
    )
    with pytest.raises(NotFoundError):
        await backend.get_invoice_items("INV00000001")
