"""Orders and accounts: requests sent, responses parsed, derived fields and search strategy."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import respx

from backends.models import OrderActionType, OrderStatus
from backends.rest import RestBackend

from .conftest import api_calls, json_response
from .zuora_samples import ACCOUNT_ID, ACCOUNT_NUMBER, SCHEDULE_ID, oq_account, order, v1_error


async def test_get_order(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.get("/v1/orders/O-00000007").mock(
        return_value=json_response({"order": order(), "success": True})
    )
    result = await backend.get_order("O-00000007")
    request = route.calls.last.request
    assert request.method == "GET"
    assert dict(request.url.params) == {"getAccountDetails": "true"}
    assert result.order_number == "O-00000007"
    assert result.order_date == date(2022, 1, 1)
    assert result.status is OrderStatus.COMPLETED
    assert result.existing_account_number == ACCOUNT_NUMBER
    assert (result.account_id, result.account_name) == (ACCOUNT_ID, "Acme Corp")
    assert result.invoice_schedule_id == SCHEDULE_ID
    assert result.created_date == datetime(2022, 1, 1, 10, 0)
    sub = result.subscriptions[0]
    assert sub.subscription_number == "S-00000008" and sub.base_version is None
    create, remove = sub.order_actions
    assert create.type is OrderActionType.CREATE_SUBSCRIPTION
    assert create.trigger_dates[0].trigger_date == date(2022, 1, 1)
    assert remove.rate_plan_id == "2c9890f980c24bd80180c2f34f5d0cd2"  # from removeProduct


async def test_order_schedule_id_sent_as_integer_is_a_string(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders/O-1").mock(
        return_value=json_response({"order": order("O-1", invoiceScheduleId=123), "success": True})
    )
    assert (await backend.get_order("O-1")).invoice_schedule_id == "123"


async def test_list_orders_first_page(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.get("/v1/orders").mock(
        return_value=json_response(
            {
                "orders": [
                    order("O-1", details=False, orderDate="2022-01-01"),
                    order("O-2", details=False, orderDate="2023-05-01"),
                ],
                "success": True,
            }
        )
    )
    page = await backend.list_orders()
    assert dict(route.calls.last.request.url.params) == {"page": "1", "pageSize": "40"}
    assert [o.order_number for o in page.items] == ["O-1", "O-2"]  # Zuora's order, kept
    assert page.next_cursor is None
    # the page's unseen accounts are looked up once, for the whole page, not per row
    assert (page.items[0].account_id, page.items[0].account_name) == (ACCOUNT_ID, "Acme Corp")
    lookup = router["accounts"]
    assert lookup.call_count == 1
    assert lookup.calls.last.request.url.params.get_list("filter[]") == [
        f"accountnumber.IN:[{ACCOUNT_NUMBER}]"
    ]
    assert len(api_calls(router)) == 1
    await backend.list_orders()
    assert lookup.call_count == 1  # known now: no second lookup


async def test_list_orders_fills_accounts_already_known(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders/O-1").mock(
        return_value=json_response({"order": order("O-1"), "success": True})
    )
    router.get("/v1/orders").mock(
        return_value=json_response({"orders": [order("O-2", details=False)], "success": True})
    )
    await backend.get_order("O-1")
    page = await backend.list_orders()
    assert (page.items[0].account_id, page.items[0].account_name) == (ACCOUNT_ID, "Acme Corp")
    assert router["accounts"].call_count == 0  # known from the order already read
    # the latest schedule is named by id only: its number is asked for once for the page
    assert page.items[0].invoice_schedule_number == "IS-00000004"
    numbers = router["numbers"]
    assert numbers.call_count == 1
    assert numbers.calls.last.request.url.params.get_list("filter[]") == [f"id.IN:[{SCHEDULE_ID}]"]
    await backend.list_orders()
    assert numbers.call_count == 1  # known now


async def test_search_by_order_number(backend: RestBackend, router: respx.MockRouter) -> None:
    router.get("/v1/orders/O-00000007").mock(
        return_value=json_response({"order": order(), "success": True})
    )
    page = await backend.list_orders(search=" O-00000007 ")
    assert [o.order_number for o in page.items] == ["O-00000007"]
    assert len(api_calls(router)) == 1


async def test_search_by_unknown_order_number_is_empty(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders/O-404").mock(
        return_value=json_response(v1_error(50000040, "Order not found"), 404)
    )
    page = await backend.list_orders(search="O-404")
    assert page.items == [] and page.next_cursor is None


async def test_search_by_account_number(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.get("/v1/orders/invoiceOwner/A00000101").mock(
        return_value=json_response({"orders": [order(details=False)], "success": True})
    )
    page = await backend.list_orders(search="A00000101", page_size=10)
    assert [o.order_number for o in page.items] == ["O-00000007"]
    assert dict(route.calls.last.request.url.params) == {"page": "1", "pageSize": "10"}
    assert len(api_calls(router)) == 1


async def test_search_by_account_name_falls_back_to_object_query(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders/invoiceOwner/Acme").mock(
        return_value=json_response(v1_error(50000040, "Account not found"), 404)
    )
    accounts = router.get("/object-query/accounts").mock(
        return_value=json_response(
            {"data": [oq_account(), oq_account(id="b" * 32, accountNumber="A2", name="Acme Two")]}
        )
    )
    orders = router.get("/object-query/orders").mock(
        return_value=json_response(
            {
                "data": [
                    {
                        "id": "f" * 32,
                        "orderNumber": "O-00000009",
                        "orderDate": "2023-02-01",
                        "status": "Completed",
                        "category": "NewSales",
                        "invoiceScheduleId": None,
                        "accountId": ACCOUNT_ID,
                        "account": oq_account(),
                        "createdDate": "2023-02-01T10:00:00-08:00",
                    }
                ]
            }
        )
    )
    page = await backend.list_orders(search="Acme")
    assert accounts.calls.last.request.url.params.get_list("filter[]") == ["name.SW:Acme"]
    params = orders.calls.last.request.url.params
    assert params.get_list("filter[]") == [f"accountid.IN:[{ACCOUNT_ID},{'b' * 32}]"]
    assert params.get_list("expand[]") == ["account"]
    assert params.get_list("sort[]") == ["orderdate.DESC"]
    (found,) = page.items
    assert found.order_number == "O-00000009"
    assert found.existing_account_number == ACCOUNT_NUMBER
    assert (found.account_id, found.account_name) == (ACCOUNT_ID, "Acme Corp")


async def test_search_with_spaces_goes_straight_to_names(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/object-query/accounts").mock(return_value=json_response({"data": []}))
    page = await backend.list_orders(search="Acme Corp")
    assert page.items == []
    assert [c.url.path for c in api_calls(router)] == ["/object-query/accounts"]


async def test_get_account(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.get("/object-query/accounts/A00000101").mock(
        return_value=json_response(oq_account())
    )
    account = await backend.get_account("A00000101")
    assert route.called
    assert account.id == ACCOUNT_ID
    assert account.balance == Decimal("1234.56")
    assert account.bill_cycle_day == 1
