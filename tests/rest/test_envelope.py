"""Every error shape Zuora answers with, and malformed bodies, become the right BackendError."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from backends.errors import (
    AuthenticationError,
    BackendError,
    BusinessRuleError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnavailableError,
    ValidationError,
)
from backends.rest import RestBackend

from .conftest import FakeClock, json_response, make_backend
from .zuora_samples import invoice, schedule, v1_error

INVOICE = "/v1/invoices/INV00000001"

#: category -> (class, HTTP status with Zuora-Version >= 2024-05-20)
CATEGORIES: dict[int, tuple[type[BackendError], int]] = {
    10: (PermissionDeniedError, 403),
    11: (AuthenticationError, 401),
    20: (ValidationError, 400),
    21: (ValidationError, 400),
    22: (ValidationError, 400),
    23: (ValidationError, 400),
    27: (ValidationError, 400),
    30: (BusinessRuleError, 400),
    40: (NotFoundError, 404),
    45: (ValidationError, 405),
    50: (ConflictError, 409),
    60: (ServerError, 500),
    61: (ServerError, 500),
    70: (RateLimitedError, 429),
    90: (ValidationError, 400),
    99: (ServerError, 500),
}


@pytest.fixture
async def no_retry(router: respx.MockRouter, clock: FakeClock) -> Any:
    async with make_backend(clock, max_retries=0) as backend:
        yield backend


@pytest.mark.parametrize("style", ["http-200", "real-status"])
@pytest.mark.parametrize("category", sorted(CATEGORIES))
async def test_both_error_styles_for_every_category(
    no_retry: RestBackend, router: respx.MockRouter, category: int, style: str
) -> None:
    error_class, real_status = CATEGORIES[category]
    code = 59210000 + category
    status = 200 if style == "http-200" else real_status
    router.get(INVOICE).mock(
        return_value=json_response(
            v1_error(code, f"Zuora says {category}"), status, {"Zuora-Request-Id": "req-123"}
        )
    )
    with pytest.raises(error_class) as caught:
        await no_retry.get_invoice("INV00000001")
    error = caught.value
    assert type(error) is error_class
    assert error.message == f"Zuora says {category}"
    assert error.code == code
    assert error.request_id == "req-123"
    assert error.track_id is not None and error.track_id.startswith("btui-")
    if style == "real-status":
        assert error.status == real_status


async def test_error_codes_sent_as_strings_and_several_reasons(
    no_retry: RestBackend, router: respx.MockRouter
) -> None:
    body = {
        "success": False,
        "processId": "CBCFED6580B4E076",
        "reasons": [
            {"code": "53100320", "message": "'termType' value should be one of: TERMED, EVERGREEN"},
            {"code": "53100320", "message": "'orders' is required"},
        ],
    }
    router.get(INVOICE).mock(return_value=json_response(body, 400))
    with pytest.raises(ValidationError) as caught:
        await no_retry.get_invoice("INV00000001")
    assert caught.value.code == 53100320
    assert "termType" in caught.value.message and "'orders' is required" in caught.value.message


async def test_request_id_from_the_body_when_no_header(
    no_retry: RestBackend, router: respx.MockRouter
) -> None:
    router.get(INVOICE).mock(return_value=json_response(v1_error(50000040, "Not found"), 404))
    with pytest.raises(NotFoundError) as caught:
        await no_retry.get_invoice("INV00000001")
    assert caught.value.request_id == "d385ab22-0f51-4b97-9ecd-b8ff3fd4fcb6"


async def test_object_query_error_without_success(
    no_retry: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/object-query/accounts/A1").mock(
        return_value=json_response(
            {"reasons": [{"code": 50000027, "message": "invalid filter"}], "requestId": "oq-1"},
            400,
        )
    )
    with pytest.raises(ValidationError, match="invalid filter") as caught:
        await no_retry.get_account("A1")
    assert caught.value.request_id == "oq-1"


async def test_object_query_error_with_http_200(
    no_retry: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/object-query/accounts/A1").mock(
        return_value=json_response({"reasons": [{"code": 50000040, "message": "no such account"}]})
    )
    with pytest.raises(NotFoundError, match="no such account"):
        await no_retry.get_account("A1")


async def test_gateway_401_message(no_retry: RestBackend, router: respx.MockRouter) -> None:
    router.get(INVOICE).mock(
        return_value=json_response({"message": "Failed to get user info"}, 401)
    )
    with pytest.raises(AuthenticationError, match="Failed to get user info"):
        await no_retry.get_invoice("INV00000001")


async def test_gateway_403_code_and_message(
    no_retry: RestBackend, router: respx.MockRouter
) -> None:
    router.get(INVOICE).mock(
        return_value=json_response({"code": "90000010", "message": "Not allowed"}, 403)
    )
    with pytest.raises(PermissionDeniedError, match="Not allowed") as caught:
        await no_retry.get_invoice("INV00000001")
    assert caught.value.code == 90000010


@pytest.mark.parametrize(
    ("response", "error", "words"),
    [
        (
            httpx.Response(
                502,
                text="<!DOCTYPE html><html>Bad Gateway</html>",
                headers={"content-type": "text/html"},
            ),
            UnavailableError,
            ["GET /v1/invoices/INV00000001", "502", "HTML"],
        ),
        (
            httpx.Response(200, text="<html><body>Maintenance</body></html>"),
            ServerError,
            ["GET /v1/invoices/INV00000001", "HTML"],
        ),
        (
            httpx.Response(
                200,
                text='{"id": "abc", "invoiceNumber": "INV0',
                headers={"content-type": "application/json"},
            ),
            ServerError,
            ["GET /v1/invoices/INV00000001", "truncated or invalid JSON"],
        ),
        (
            httpx.Response(418, text="I'm a teapot"),
            BackendError,
            ["GET /v1/invoices/INV00000001", "418"],
        ),
    ],
    ids=["html-502", "html-200", "truncated", "odd-status"],
)
async def test_malformed_bodies_name_the_endpoint(
    no_retry: RestBackend,
    router: respx.MockRouter,
    response: httpx.Response,
    error: type[BackendError],
    words: list[str],
) -> None:
    router.get(INVOICE).mock(return_value=response)
    with pytest.raises(error) as caught:
        await no_retry.get_invoice("INV00000001")
    for word in words:
        assert word in caught.value.message


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (invoice(amount="lots"), "field amount"),
        (invoice(status="Exploded"), "field status"),
        (invoice(invoiceDate=20221031), "field invoiceDate"),
        ({k: v for k, v in invoice().items() if k != "invoiceNumber"}, "field invoiceNumber"),
    ],
    ids=["money-not-a-number", "unknown-status", "date-as-number", "missing-field"],
)
async def test_wrong_types_name_endpoint_and_field(
    no_retry: RestBackend, router: respx.MockRouter, body: dict[str, Any], field: str
) -> None:
    router.get(INVOICE).mock(return_value=json_response(body))
    with pytest.raises(ServerError) as caught:
        await no_retry.get_invoice("INV00000001")
    assert caught.value.message.startswith("unexpected response from GET /v1/invoices/INV00000001")
    assert field in caught.value.message


async def test_nested_field_path_is_reported(
    no_retry: RestBackend, router: respx.MockRouter
) -> None:
    body = schedule()
    body["scheduleItems"][1]["amount"] = {"value": 1}
    router.get("/v1/invoice-schedules/IS-00000004").mock(return_value=json_response(body))
    with pytest.raises(ServerError, match=r"field scheduleItems\[1\]\.amount"):
        await no_retry.get_invoice_schedule("IS-00000004")


async def test_a_list_where_an_object_belongs(
    no_retry: RestBackend, router: respx.MockRouter
) -> None:
    router.get(INVOICE).mock(return_value=json_response([1, 2, 3]))
    with pytest.raises(ServerError, match="should be a JSON object"):
        await no_retry.get_invoice("INV00000001")


async def test_orders_list_with_wrong_container(
    no_retry: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders").mock(return_value=json_response({"orders": {"a": 1}, "success": True}))
    with pytest.raises(ServerError, match="field orders should be an array"):
        await no_retry.list_orders()


async def test_redirects_are_not_followed(no_retry: RestBackend, router: respx.MockRouter) -> None:
    router.get(INVOICE).mock(
        return_value=httpx.Response(302, headers={"location": "https://evil.example.com/x"})
    )
    with pytest.raises(ServerError, match="redirected"):
        await no_retry.get_invoice("INV00000001")
    assert all(c.request.url.host == "rest.test.zuora.com" for c in router.calls)


async def test_malformed_body_errors_carry_the_track_id(
    no_retry: RestBackend, router: respx.MockRouter
) -> None:
    route = router.get(INVOICE).mock(return_value=json_response(invoice(amount="lots")))
    with pytest.raises(ServerError) as caught:
        await no_retry.get_invoice("INV00000001")
    assert caught.value.track_id == route.calls.last.request.headers["zuora-track-id"]


async def test_success_false_without_reasons(
    no_retry: RestBackend, router: respx.MockRouter
) -> None:
    router.get(INVOICE).mock(return_value=json_response({"success": False}))
    with pytest.raises(BackendError, match="without giving a reason"):
        await no_retry.get_invoice("INV00000001")
