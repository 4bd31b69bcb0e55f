"""Both error styles, Zuora's categories for bad requests, unknown routes, gateway shapes."""

from __future__ import annotations

import httpx
import pytest

from backends.errors import ValidationError, error_for
from backends.rest.envelope import build_error

from .conftest import Api, body


@pytest.mark.parametrize(
    ("version", "status"),
    [("2025-08-12", 404), ("2024-05-20", 404), ("2023-12-01", 200), ("341.0", 200), ("186.0", 200)],
)
async def test_error_status_follows_the_zuora_version(api: Api, version: str, status: int) -> None:
    api.version = version
    r = await api.call("GET", "/v1/invoice-schedules/IS-99999999")
    data = body(r)
    assert r.status_code == status
    assert data["success"] is False
    assert set(data) == {"success", "processId", "requestId", "reasons"}
    assert len(str(data["reasons"][0]["code"])) == 8 and data["reasons"][0]["code"] % 100 == 40
    assert data["requestId"] == r.headers["Zuora-Request-Id"]
    assert len(data["processId"]) == 16


async def test_without_a_version_the_tenant_default_applies(api: Api) -> None:
    r = await api.http.get(
        "/v1/invoice-schedules/IS-99999999", headers={"Authorization": f"Bearer {api.token}"}
    )
    assert r.status_code == 404  # the fake tenant defaults to 2025-08-12


async def test_business_rule_error_is_category_30(api: Api) -> None:
    r = await api.call("POST", "/v1/invoice-schedules/IS-00000003/execute", {})
    assert r.status_code == 400
    reason = body(r)["reasons"][0]
    assert reason["code"] % 100 == 30 and "Paused" in reason["message"]
    api.version = "196.0"
    r = await api.call("POST", "/v1/invoice-schedules/IS-00000003/execute", {})
    assert r.status_code == 200 and body(r)["success"] is False


@pytest.mark.parametrize("version", ["2025-08-12", "211.0"])
async def test_malformed_json_is_category_90(api: Api, version: str) -> None:
    api.version = version
    r = await api.call(
        "POST", "/v1/invoice-schedules/IS-00000001/execute", raw=b'{"scheduleItemId": '
    )
    assert body(r)["reasons"][0]["code"] % 100 == 90
    assert r.status_code == (400 if version.startswith("2025") else 200)


async def test_unknown_field_is_category_21(api: Api) -> None:
    r = await api.call("POST", "/v1/invoice-schedules/IS-00000001/execute", {"itemId": "x"})
    assert r.status_code == 400 and body(r)["reasons"][0]["code"] % 100 == 21
    assert "itemId" in body(r)["reasons"][0]["message"]
    nested = {
        "accountKey": "A00000001",
        "orders": ["O-00000001"],
        "scheduleItems": [{"amount": 3000, "runDate": "2026-04-01", "colour": "red"}],
    }
    r = await api.call("POST", "/v1/invoice-schedules", nested)
    assert body(r)["reasons"][0]["code"] % 100 == 21
    assert "scheduleItems[0].colour" in body(r)["reasons"][0]["message"]
    r = await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause", {"now": True})
    assert body(r)["reasons"][0]["code"] % 100 == 21


async def test_missing_field_is_category_22_and_bad_value_20(api: Api) -> None:
    r = await api.call("POST", "/v1/invoice-schedules", {"orders": ["O-00000001"]})
    assert r.status_code == 400 and body(r)["reasons"][0]["code"] % 100 == 22
    assert "accountKey" in body(r)["reasons"][0]["message"]
    r = await api.call("POST", "/v1/invoice-schedules", None)
    assert body(r)["reasons"][0]["code"] % 100 == 22
    r = await api.call("POST", "/v1/bill-runs", {"targetDate": "not a date"})
    assert r.status_code == 400 and body(r)["reasons"][0]["code"] % 100 == 20
    r = await api.call("POST", "/v1/bill-runs", [1, 2])
    assert body(r)["reasons"][0]["code"] % 100 == 20


async def test_unknown_route_is_404_in_the_envelope(api: Api) -> None:
    r = await api.call("GET", "/v1/invoice-schedule/IS-00000001")
    data = body(r)
    assert r.status_code == 404 and data["success"] is False
    assert data["reasons"][0]["code"] == 50000040
    assert "Unrecognized request URL" in data["reasons"][0]["message"]
    assert r.headers["Zuora-Request-Id"] == data["requestId"]


async def test_wrong_method_on_a_known_path_is_405(api: Api) -> None:
    r = await api.call("DELETE", "/v1/bill-runs/abc/post")
    assert r.status_code == 405 and r.headers["Allow"] == "PUT"
    assert body(r)["reasons"][0]["code"] % 100 == 45


async def test_object_query_errors_carry_no_success(api: Api) -> None:
    r = await api.call(
        "GET", "/object-query/invoice-schedules", params={"filter[]": "colour.EQ:red"}
    )
    data = body(r)
    assert r.status_code == 400 and "success" not in data
    assert set(data) == {"reasons", "requestId"} and data["reasons"][0]["code"] % 100 == 27
    r = await api.call("GET", "/object-query/invoice-schedules", params={"pageSize": "100"})
    assert r.status_code == 400
    r = await api.call("GET", "/object-query/orders", params={"cursor": "not-a-cursor"})
    assert r.status_code == 400


async def test_gateway_401_without_or_with_a_bad_token(http: httpx.AsyncClient) -> None:
    r = await http.get("/v1/orders")
    assert r.status_code == 401 and body(r) == {"message": "Authentication error"}
    r = await http.get("/v1/orders", headers={"Authorization": "Bearer 0123456789abcdef"})
    assert r.status_code == 401 and body(r) == {"message": "Authentication error"}


async def test_bad_track_id_is_refused(api: Api) -> None:
    r = await api.call("GET", "/v1/orders", Zuora_Track_Id="has:colon")
    assert r.status_code == 400 and "Zuora-Track-Id" not in r.headers


async def test_the_rest_client_reads_every_error_shape_as_the_right_class(api: Api) -> None:
    r = await api.call("POST", "/v1/invoice-schedules", {"orders": []})
    err = build_error(r.status_code, body(r), r.headers, "POST /v1/invoice-schedules")
    assert isinstance(err, ValidationError) and err.request_id == r.headers["Zuora-Request-Id"]
    assert type(err) is type(error_for("x", code=body(r)["reasons"][0]["code"]))


def body_of(r: httpx.Response) -> object:
    return body(r)
