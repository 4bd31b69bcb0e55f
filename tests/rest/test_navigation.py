"""Request counts for the console's navigation Orders → Order → Schedule."""
# The schedule screen asks for its documents' statuses each time: they are state, never cached.

from __future__ import annotations

import asyncio

import respx

from backends.models import DocumentStatus
from backends.rest import RestBackend

from .conftest import api_calls, json_response
from .zuora_samples import INVOICE_ID, oq_schedule_row, order, schedule


async def test_orders_order_schedule_costs_five_requests_none_repeated(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders").mock(
        return_value=json_response({"orders": [order(details=False)], "success": True})
    )
    router.get("/v1/orders/O-00000007").mock(
        return_value=json_response({"order": order(), "success": True})
    )
    router.get("/object-query/invoice-schedules").mock(
        return_value=json_response({"data": [oq_schedule_row()]})
    )
    router.get("/v1/invoice-schedules/IS-00000004").mock(return_value=json_response(schedule()))
    router.get("/object-query/invoices").mock(
        return_value=json_response(
            {"data": [{"id": INVOICE_ID, "invoiceNumber": "INV00000001", "status": "Posted"}]}
        )
    )

    page = await backend.list_orders()  # orders screen
    number = page.items[0].order_number
    order_, schedules = await asyncio.gather(  # order screen, as tui/screens/order.py does it
        backend.get_order(number), backend.list_invoice_schedules(order_number=number)
    )
    detail = await backend.get_invoice_schedule(schedules.items[0].number)  # schedule screen

    paths = [f"{c.method} {c.url.path}" for c in api_calls(router)]
    assert paths[0] == "GET /v1/orders"
    assert sorted(paths[1:3]) == [  # the order screen's two calls run concurrently
        "GET /object-query/invoice-schedules",
        "GET /v1/orders/O-00000007",
    ]
    assert paths[3:] == [
        "GET /v1/invoice-schedules/IS-00000004",
        "GET /object-query/invoices",  # its items' documents: one id.IN query, fresh statuses
    ]
    assert len(set(paths)) == len(paths)
    # plus one account-name lookup for the orders page, made once for the whole page
    assert router["accounts"].call_count == 1
    assert order_.account_name == "Acme Corp"
    assert order_.invoice_schedule_number == "IS-00000004"  # from the page's one id.IN lookup
    assert router["numbers"].call_count == 1
    assert detail.schedule_items[0].invoice_number == "INV00000001"
    assert detail.schedule_items[0].invoice_status is DocumentStatus.POSTED


async def test_schedules_of_an_order_reuse_known_accounts(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders/O-00000007").mock(
        return_value=json_response({"order": order(), "success": True})
    )
    router.get("/object-query/invoice-schedules").mock(
        return_value=json_response({"data": [oq_schedule_row()]})
    )
    await backend.get_order("O-00000007")
    await backend.list_invoice_schedules(order_number="O-00000007")
    await backend.list_invoice_schedules(order_number="O-00000007")
    paths = [c.url.path for c in api_calls(router)]
    assert paths.count("/v1/orders/O-00000007") == 1


async def test_concurrent_get_order_calls_share_one_request(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.get("/v1/orders/O-00000007").mock(
        return_value=json_response({"order": order(), "success": True})
    )
    results = await asyncio.gather(*(backend.get_order("O-00000007") for _ in range(5)))
    assert route.call_count == 1
    assert len({id(r) for r in results}) == 1  # every caller gets the one shared result
    await backend.get_order("O-00000007")  # a later call asks again: orders are not cached
    assert route.call_count == 2
