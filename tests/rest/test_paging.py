"""Both pagination families behind one opaque cursor."""

from __future__ import annotations

import httpx
import pytest
import respx

from backends.errors import ValidationError
from backends.rest import RestBackend
from backends.rest.paging import decode_cursor, encode_cursor

from .conftest import BASE, api_calls, json_response
from .zuora_samples import oq_account, oq_schedule_row, order


def _orders_page(numbers: list[str], next_page: str | None) -> httpx.Response:
    body: dict[str, object] = {
        "orders": [order(n, details=False) for n in numbers],
        "success": True,
    }
    if next_page:
        body["nextPage"] = next_page
    return json_response(body)


async def test_v1_orders_across_three_pages(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.get("/v1/orders").mock(
        side_effect=[
            _orders_page(["O-1", "O-2"], f"{BASE}/v1/orders?page=2&pageSize=2"),
            _orders_page(["O-3", "O-4"], f"{BASE}/v1/orders?page=3&pageSize=2"),
            _orders_page(["O-5"], None),
        ]
    )
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await backend.list_orders(page_size=2, cursor=cursor)
        pages += 1
        seen += [o.order_number for o in page.items]
        if not page.has_more:
            break
        cursor = page.next_cursor
    assert pages == 3
    assert sorted(seen) == ["O-1", "O-2", "O-3", "O-4", "O-5"]
    queries = [dict(c.request.url.params) for c in route.calls]
    assert queries == [
        {"page": "1", "pageSize": "2"},
        {"page": "2", "pageSize": "2"},
        {"page": "3", "pageSize": "2"},
    ]


async def test_v1_page_size_is_capped_at_40(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.get("/v1/orders").mock(return_value=_orders_page(["O-1"], None))
    await backend.list_orders(page_size=500)
    assert route.calls.last.request.url.params["pageSize"] == "40"


async def test_next_page_on_another_host_never_gets_our_token(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders").mock(
        side_effect=[
            _orders_page(["O-1"], "https://evil.example.com/steal?page=2&pageSize=1"),
            _orders_page(["O-2"], None),
        ]
    )
    first = await backend.list_orders(page_size=1)
    second = await backend.list_orders(cursor=first.next_cursor)
    assert [o.order_number for o in second.items] == ["O-2"]
    assert {c.request.url.host for c in router.calls} == {"rest.test.zuora.com"}
    assert api_calls(router)[-1].url.path == "/v1/orders"


async def test_invoice_owner_orders_page_on(backend: RestBackend, router: respx.MockRouter) -> None:
    path = "/v1/orders/invoiceOwner/A00000101"
    route = router.get(path).mock(
        side_effect=[
            _orders_page(["O-1"], f"{BASE}{path}?page=2&pageSize=40"),
            _orders_page(["O-2"], None),
        ]
    )
    first = await backend.list_orders(search="A00000101")
    second = await backend.list_orders(search="A00000101", cursor=first.next_cursor)
    assert [o.order_number for o in first.items + second.items] == ["O-1", "O-2"]
    assert second.next_cursor is None
    assert route.calls.last.request.url.params["page"] == "2"


async def test_object_query_schedules_across_pages(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.get("/object-query/invoice-schedules").mock(
        side_effect=[
            json_response(
                {"nextPage": "Y3Vyc29yLTE=", "data": [oq_schedule_row("IS-1", sid="1" * 32)]}
            ),
            json_response(
                {"nextPage": "Y3Vyc29yLTI=", "data": [oq_schedule_row("IS-2", sid="2" * 32)]}
            ),
            json_response({"data": [oq_schedule_row("IS-3", sid="3" * 32)]}),
        ]
    )
    numbers: list[str] = []
    cursor = None
    while True:
        page = await backend.list_invoice_schedules(account_id="acc1", cursor=cursor)
        numbers += [s.number for s in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert numbers == ["IS-1", "IS-2", "IS-3"]
    cursors = [c.request.url.params.get("cursor") for c in route.calls]
    assert cursors == [None, "Y3Vyc29yLTE=", "Y3Vyc29yLTI="]
    for call in route.calls:  # every page keeps the filter and expansions
        assert call.request.url.params.get_list("filter[]") == ["accountid.EQ:acc1"]
        assert "invoicescheduleitems.invoice" in call.request.url.params.get_list("expand[]")


async def test_object_query_orders_by_account_name_page_on(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/object-query/accounts").mock(return_value=json_response({"data": [oq_account()]}))
    row = {
        "id": "f" * 32,
        "orderNumber": "O-00000009",
        "orderDate": "2023-02-01",
        "status": "Completed",
        "category": "NewSales",
        "accountId": "8a90c1d47f07e24b017f0811c06a0b8b",
        "account": oq_account(),
    }
    route = router.get("/object-query/orders").mock(
        side_effect=[
            json_response({"nextPage": "T1EtMg==", "data": [row]}),
            json_response({"data": [{**row, "orderNumber": "O-00000010"}]}),
        ]
    )
    first = await backend.list_orders(search="Acme Corp", page_size=1)
    second = await backend.list_orders(cursor=first.next_cursor)
    assert [o.order_number for o in first.items + second.items] == ["O-00000009", "O-00000010"]
    assert route.calls.last.request.url.params["cursor"] == "T1EtMg=="
    assert route.calls.last.request.url.params["pageSize"] == "1"


@pytest.mark.parametrize("cursor", ["not base64 !!", "e30", encode_cursor("schedules", {"c": "x"})])
async def test_bad_or_foreign_cursors_are_refused(backend: RestBackend, cursor: str) -> None:
    with pytest.raises(ValidationError, match="cursor"):
        await backend.list_orders(cursor=cursor)


async def test_a_tampered_v1_cursor_cannot_reach_another_endpoint(backend: RestBackend) -> None:
    forged = encode_cursor("orders", {"p": "/v1/invoices/bulk-post", "q": [["page", "2"]]})
    with pytest.raises(ValidationError, match="cursor"):
        await backend.list_orders(cursor=forged)
    forged_owner = encode_cursor(
        "orders-owner", {"p": "/v1/orders/invoiceOwner/A1/../../x", "q": [["page", "2"]]}
    )
    with pytest.raises(ValidationError, match="cursor"):
        await backend.list_orders(cursor=forged_owner)


def test_cursor_round_trip() -> None:
    cursor = encode_cursor("orders", {"p": "/v1/orders", "q": [["page", "2"]]})
    assert "=" not in cursor
    assert decode_cursor(cursor, "orders")["q"] == [["page", "2"]]
