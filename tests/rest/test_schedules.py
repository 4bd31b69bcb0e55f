"""Invoice schedules: every endpoint's request and parsed response."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import respx

from backends.models import (
    CreateInvoiceScheduleRequest,
    DocumentStatus,
    InvoiceScheduleStatus,
    ScheduleItemInput,
    ScheduleItemStatus,
    SpecificSubscription,
    UpdateInvoiceScheduleRequest,
)
from backends.rest import RestBackend

from .conftest import api_calls, json_response, request_json
from .zuora_samples import (
    ACCOUNT_ID,
    INVOICE_ID,
    ITEM_1,
    ITEM_2,
    SCHEDULE_ID,
    bill_run,
    invoice,
    item,
    oq_schedule_row,
    order,
    schedule,
)

PATH = "/v1/invoice-schedules/IS-00000004"


async def test_get_invoice_schedule(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.get(PATH).mock(return_value=json_response(schedule()))
    lookup = router.get("/object-query/invoices").mock(
        side_effect=[
            json_response({"data": [_oq_invoice("Draft")]}),
            json_response({"data": [_oq_invoice("Posted")]}),
        ]
    )
    result = await backend.get_invoice_schedule("IS-00000004")
    assert dict(route.calls.last.request.url.params) == {"page": "1", "pageSize": "40"}
    assert route.call_count == 1
    assert result.id == SCHEDULE_ID and result.number == "IS-00000004"
    assert result.status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    assert result.total_amount == Decimal("70200")
    assert result.unbilled_amount == Decimal("20200")
    assert result.next_run_date == date(2022, 10, 17)
    assert result.orders == ["O-00000007", "O-00000008"]
    assert result.specific_subscriptions[0].charge_numbers == []
    first, second = result.schedule_items
    assert first.status is ScheduleItemStatus.PROCESSED and first.invoice_id == INVOICE_ID
    # v1 names the document by id only: its number and status come from one id.IN query
    assert (first.invoice_number, first.invoice_status) == ("INV00000001", DocumentStatus.DRAFT)
    assert lookup.calls.last.request.url.params.get_list("filter[]") == [f"id.IN:[{INVOICE_ID}]"]
    again = await backend.get_invoice_schedule("IS-00000004")
    # ... asked again on every read: a status is never served from memory
    assert lookup.call_count == 2 and route.call_count == 2
    assert again.schedule_items[0].invoice_status is DocumentStatus.POSTED
    assert second.amount == Decimal("20200.10") and str(second.amount) == "20200.10"
    assert second.percentage is None


def _oq_invoice(status: str) -> dict[str, object]:
    return {"id": INVOICE_ID, "invoiceNumber": "INV00000001", "status": status}


async def test_a_document_object_query_does_not_list_is_read_by_id(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get(PATH).mock(return_value=json_response(schedule()))
    router.get("/object-query/invoices").mock(return_value=json_response({"data": []}))
    read = router.get(f"/v1/invoices/{INVOICE_ID}").mock(
        return_value=json_response(invoice(status="Posted"))
    )
    result = await backend.get_invoice_schedule("IS-00000004")
    assert read.call_count == 1
    assert result.schedule_items[0].invoice_status is DocumentStatus.POSTED


async def test_forty_items_ask_for_page_two(backend: RestBackend, router: respx.MockRouter) -> None:
    items = [item(n) for n in range(50)]
    route = router.get(PATH).mock(
        side_effect=[
            json_response(schedule(scheduleItems=items[:40])),
            json_response(schedule(scheduleItems=items[40:])),
        ]
    )
    result = await backend.get_invoice_schedule("IS-00000004")
    assert [c.request.url.params["page"] for c in route.calls] == ["1", "2"]
    assert [i.id for i in result.schedule_items] == [i["id"] for i in items]


async def test_server_ignoring_pages_does_not_duplicate_items(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    items = [item(n) for n in range(40)]
    router.get(PATH).mock(return_value=json_response(schedule(scheduleItems=items)))
    result = await backend.get_invoice_schedule("IS-00000004")
    assert len(result.schedule_items) == 40


async def test_list_by_account(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.get("/object-query/invoice-schedules").mock(
        return_value=json_response({"data": [oq_schedule_row()]})
    )
    page = await backend.list_invoice_schedules(
        account_id=ACCOUNT_ID, status=InvoiceScheduleStatus.PARTIALLY_PROCESSED, page_size=10
    )
    params = route.calls.last.request.url.params
    assert params.get_list("filter[]") == [
        f"accountid.EQ:{ACCOUNT_ID}",
        "status.EQ:PartiallyProcessed",
    ]
    assert params.get_list("expand[]") == [
        "invoicescheduleitems",
        "invoicescheduleitems.invoice",
        "invoicescheduleitems.creditmemo",
        "invoiceschedulebookings",
    ]
    assert params["pageSize"] == "50"  # expansions are capped at pageSize children
    (found,) = page.items
    assert found.number == "IS-00000004"
    assert found.additional_subscriptions_to_bill == []
    assert found.orders == ["O-00000007"]
    assert [i.id for i in found.schedule_items] == [ITEM_1, ITEM_2]  # by sequenceNumber
    assert found.schedule_items[0].invoice_number == "INV00000001"
    assert found.schedule_items[0].invoice_status is DocumentStatus.DRAFT
    assert found.schedule_items[1].amount == Decimal("20200")


async def test_list_by_order_filters_on_bookings(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders/O-00000007").mock(
        return_value=json_response({"order": order(invoiceScheduleId="c" * 32), "success": True})
    )
    route = router.get("/object-query/invoice-schedules").mock(
        return_value=json_response(
            {
                "data": [
                    oq_schedule_row("IS-1", orders=("O-00000007",), sid="1" * 32),
                    oq_schedule_row("IS-2", orders=("O-00000099",), sid="2" * 32),
                    oq_schedule_row("IS-3", orders=(), sid="c" * 32),  # the order's latest
                ]
            }
        )
    )
    page = await backend.list_invoice_schedules(order_number="O-00000007")
    assert [s.number for s in page.items] == ["IS-1", "IS-3"]
    assert route.calls.last.request.url.params.get_list("filter[]") == [
        f"accountid.EQ:{ACCOUNT_ID}"
    ]


async def test_list_by_order_scans_further_pages(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders/O-00000007").mock(
        return_value=json_response({"order": order(), "success": True})
    )
    route = router.get("/object-query/invoice-schedules").mock(
        side_effect=[
            json_response(
                {"nextPage": "c1", "data": [oq_schedule_row("IS-9", orders=("O-9",), sid="9" * 32)]}
            ),
            json_response({"data": [oq_schedule_row("IS-1", orders=("O-00000007",))]}),
        ]
    )
    page = await backend.list_invoice_schedules(order_number="O-00000007")
    assert [s.number for s in page.items] == ["IS-1"]
    assert page.next_cursor is None
    assert route.call_count == 2


async def test_create_invoice_schedule(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.post("/v1/invoice-schedules").mock(
        return_value=json_response(schedule(status="Pending"))
    )
    request = CreateInvoiceScheduleRequest(
        account_key="A00000007",
        orders=["O-00000007", "O-00000008"],
        specific_subscriptions=[
            SpecificSubscription(
                order_key="O-00000008", subscription_key="S-00000008", charge_numbers=["C-1"]
            )
        ],
        schedule_items=[
            ScheduleItemInput(name="M1", amount=Decimal("50000.10"), run_date=date(2022, 2, 24)),
            ScheduleItemInput(percentage=Decimal("20"), run_date=date(2022, 10, 17)),
            ScheduleItemInput(amount=Decimal("0.1")),
        ],
        notes="2022 Billing Schedule",
    )
    result = await backend.create_invoice_schedule(request, idempotency_key="caller-key-1")
    sent = route.calls.last.request
    assert sent.headers["idempotency-key"] == "caller-key-1"
    assert sent.headers["content-type"] == "application/json"
    assert b'"amount":50000.10' in sent.content and b'"amount":0.1' in sent.content
    assert request_json(sent) == {
        "accountKey": "A00000007",
        "orders": ["O-00000007", "O-00000008"],
        "scheduleItems": [
            {"name": "M1", "amount": Decimal("50000.10"), "runDate": "2022-02-24"},
            {"percentage": 20, "runDate": "2022-10-17"},
            {"amount": Decimal("0.1")},
        ],
        "specificSubscriptions": [
            {"orderKey": "O-00000008", "subscriptionKey": "S-00000008", "chargeNumbers": ["C-1"]}
        ],
        "additionalSubscriptionsToBill": [],
        "invoiceSeparately": False,
        "notes": "2022 Billing Schedule",
    }
    assert result.status is InvoiceScheduleStatus.PENDING


async def test_create_generates_an_idempotency_key(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.post("/v1/invoice-schedules").mock(return_value=json_response(schedule()))
    request = CreateInvoiceScheduleRequest(account_key="A1", orders=["O-1"])
    await backend.create_invoice_schedule(request)
    await backend.create_invoice_schedule(request)
    keys = [c.request.headers["idempotency-key"] for c in route.calls]
    assert all(keys) and keys[0] != keys[1]


async def test_update_is_a_put_without_idempotency_key(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.put(PATH).mock(return_value=json_response(schedule(notes="Updated")))
    request = UpdateInvoiceScheduleRequest(
        schedule_items=[
            ScheduleItemInput(id=ITEM_2, amount=Decimal("180.25"), run_date=date(2022, 10, 8))
        ],
        notes="Updated",
    )
    result = await backend.update_invoice_schedule("IS-00000004", request)
    sent = route.calls.last.request
    assert "idempotency-key" not in sent.headers
    assert request_json(sent) == {
        "scheduleItems": [{"id": ITEM_2, "amount": Decimal("180.25"), "runDate": "2022-10-08"}],
        "notes": "Updated",
    }
    assert result.notes == "Updated"


async def test_delete(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.delete(PATH).mock(return_value=json_response({"success": True}))
    assert await backend.delete_invoice_schedule("IS-00000004") is None
    assert route.called


async def test_execute_one_item(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.post(f"{PATH}/execute").mock(return_value=json_response(bill_run()))
    run = await backend.execute_invoice_schedule("IS-00000004", ITEM_2, idempotency_key="k-1")
    sent = route.calls.last.request
    assert request_json(sent) == {"scheduleItemId": ITEM_2}
    assert sent.headers["idempotency-key"] == "k-1"
    assert run.status == "Pending" and run.bill_run_filters[0].invoice_schedule_item_id == ITEM_2
    assert run.charge_type_to_exclude == ["Usage"]


async def test_execute_without_item_sends_an_empty_body_and_a_key(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.post(f"{PATH}/execute").mock(return_value=json_response(bill_run()))
    await backend.execute_invoice_schedule("IS-00000004")
    sent = route.calls.last.request
    assert request_json(sent) == {}
    assert sent.headers["idempotency-key"].startswith("btui-")


async def test_pause_and_resume(backend: RestBackend, router: respx.MockRouter) -> None:
    pause = router.put(f"{PATH}/pause").mock(return_value=json_response(schedule(status="Paused")))
    resume = router.put(f"{PATH}/resume").mock(return_value=json_response(schedule()))
    assert (
        await backend.pause_invoice_schedule("IS-00000004")
    ).status is InvoiceScheduleStatus.PAUSED
    resumed = await backend.resume_invoice_schedule("IS-00000004")
    assert resumed.status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    for route in (pause, resume):
        sent = route.calls.last.request
        assert sent.content == b"" and "idempotency-key" not in sent.headers


async def test_detach_and_attach_read_the_schedule_back(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    detach = router.put(f"{PATH}/detach").mock(return_value=json_response({"success": True}))
    attach = router.put(f"{PATH}/attach").mock(return_value=json_response({"success": True}))
    get = router.get(PATH).mock(return_value=json_response(schedule()))
    router.get("/object-query/invoices").mock(
        return_value=json_response({"data": [_oq_invoice("Draft")]})
    )
    subs = [SpecificSubscription(order_key="O-1", subscription_key="S-1", charge_numbers=["C-1"])]
    assert (await backend.detach_charges("IS-00000004", subs)).number == "IS-00000004"
    assert (await backend.attach_charges("IS-00000004", subs)).number == "IS-00000004"
    body = {
        "specificSubscriptions": [
            {"orderKey": "O-1", "subscriptionKey": "S-1", "chargeNumbers": ["C-1"]}
        ]
    }
    assert request_json(detach.calls.last.request) == body
    assert request_json(attach.calls.last.request) == body
    assert get.call_count == 2
    paths = [f"{c.method} {c.url.path}" for c in api_calls(router)]
    assert paths == [
        f"PUT {PATH}/detach",
        f"GET {PATH}",
        "GET /object-query/invoices",  # the item's invoice status, on every read
        f"PUT {PATH}/attach",
        f"GET {PATH}",
        "GET /object-query/invoices",
    ]
