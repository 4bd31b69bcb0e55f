"""A client's mistake is always a 4xx in the envelope of the route it reached, never a 5xx.

API routes answer in Zuora's envelope; the control plane (``/_fake/``) in its own
(``{"error": ...}``). Every input of the control plane is validated when it is submitted, so a
rule or a state it accepted cannot break the tenant later.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from backends import jsoncodec
from backends.fake.server.control_models import CONTROL_MAX_BODY_BYTES, MAX_ADVANCE_DAYS
from backends.fake.server.validation import MAX_BODY_BYTES, MAX_DEPTH, nested_deeper_than

from .conftest import CLIENT, CLIENT_B, Api, body, get_token
from .factories import zuora_client_id

NESTED = b"[" * 100_000 + b"]" * 100_000
JUST_DEEP_ENOUGH = b'{"a":' * MAX_DEPTH + b"1" + b"}" * MAX_DEPTH


def zuora_envelope(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    data: dict[str, Any] = body(r)
    assert data["success"] is False and set(data) == {
        "success",
        "processId",
        "requestId",
        "reasons",
    }
    assert len(str(data["reasons"][0]["code"])) == 8
    return data


def control_envelope(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, r.text
    data = body(r)
    assert set(data) == {"error"} and isinstance(data["error"], str)
    message: str = data["error"]
    return message


def test_depth_is_measured_outside_strings_only() -> None:
    assert not nested_deeper_than(JUST_DEEP_ENOUGH)
    assert nested_deeper_than(b"[" * (MAX_DEPTH + 1))
    assert not nested_deeper_than(b'["' + b"[" * 1000 + b'"]')  # brackets inside a string
    assert not nested_deeper_than(b'["\\"' + b"[" * 1000 + b'"]')  # after an escaped quote


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/invoice-schedules"),
        ("POST", "/v1/invoice-schedules/IS-00000001/execute"),
        ("PUT", "/v1/invoice-schedules/IS-00000001/pause"),
        ("POST", "/v1/invoices/bulk-post"),
    ],
)
async def test_deeply_nested_bodies_are_400_not_500(api: Api, method: str, path: str) -> None:
    data = zuora_envelope(await api.call(method, path, raw=NESTED), 400)
    assert data["reasons"][0]["code"] % 100 == 20
    assert f"deeper than {MAX_DEPTH}" in data["reasons"][0]["message"]


async def test_oversized_bodies_are_413_in_the_envelope(api: Api) -> None:
    big = b'{"scheduleItemId": "' + b"x" * MAX_BODY_BYTES + b'"}'
    r = await api.call("POST", "/v1/invoice-schedules/IS-00000001/execute", raw=big)
    data = zuora_envelope(r, 413)
    assert str(MAX_BODY_BYTES) in data["reasons"][0]["message"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    r = await api.http.post(
        "/v1/bill-runs", content=chunks(), headers=api.headers(**{"Content-Type": "text/plain"})
    )
    zuora_envelope(r, 413)
    r = await api.http.post("/oauth/token", content=b"client_id=" + b"x" * MAX_BODY_BYTES)
    assert r.status_code == 413 and body(r)["error"] == "invalid_request"


async def test_an_unknown_method_is_405_in_the_envelope(api: Api) -> None:
    r = await api.call("PROPFIND", "/v1/orders")
    data = zuora_envelope(r, 405)
    assert r.headers["Allow"] == "GET" and data["reasons"][0]["code"] % 100 == 45
    zuora_envelope(await api.call("BREW", "/v1/nothing"), 404)


@pytest.mark.parametrize(
    "query", ["since=abc", "limit=abc", "limit=0", "status=x", "fault=maybe", "colour=red"]
)
async def test_bad_journal_filters_are_400(http: httpx.AsyncClient, query: str) -> None:
    message = control_envelope(await http.get(f"/_fake/journal?{query}"), 400)
    assert message.startswith("bad journal query")


@pytest.mark.parametrize(
    "rule",
    [
        {"effect": "lock", "method": 5},
        {"effect": "lock", "method": None},
        {"effect": "drop", "path": 5},
        {"effect": "drop", "path": None},
        {"effect": "lock", "times": "2"},
        {"effect": "lock", "times": -1},
        {"effect": "lock", "probability": "0.5"},
        {"effect": "lock", "probability": True},
        {"effect": "latency", "latencyMs": 10**9},
        {"effect": "lock", "phase": "during"},
        {"effect": "lock", "colour": "red"},
        {"method": "GET"},
        [],
        [{"effect": "lock"}, {"effect": "lock", "operation": 7}],
        "lock",
        None,
    ],
)
async def test_bad_fault_rules_are_refused_when_submitted(
    api: Api, http: httpx.AsyncClient, rule: Any
) -> None:
    t = f"/_fake/tenants/{CLIENT}/faults"
    content = b"" if rule is None else httpx.Request("POST", "/", json=rule).content
    control_envelope(await http.post(t, content=content), 400)
    assert body(await http.get(t))["rules"] == []  # nothing half-added
    await get_token(http)  # the tenant still works, the token request included
    r = await api.call("GET", "/v1/invoice-schedules/IS-00000001")
    assert r.status_code == 200


async def test_a_fault_rule_with_a_wrong_type_cannot_break_the_tenant(
    http: httpx.AsyncClient,
) -> None:
    t = f"/_fake/tenants/{CLIENT_B}/faults"
    control_envelope(await http.post(t, json={"effect": "drop", "path": 5}), 400)
    token = await get_token(http, CLIENT_B)
    r = await Api(http, token).call("GET", "/v1/orders")
    assert r.status_code == 200


async def test_control_plane_bodies_that_are_not_json_nested_or_too_big(
    http: httpx.AsyncClient,
) -> None:
    t = f"/_fake/tenants/{CLIENT}"
    assert "not JSON" in control_envelope(await http.post(f"{t}/faults", content=b"{"), 400)
    assert "deeper" in control_envelope(await http.post(f"{t}/faults", content=NESTED), 400)
    control_envelope(await http.put(f"{t}/state", content=NESTED), 400)
    control_envelope(await http.put("/_fake/state", content=NESTED), 400)
    control_envelope(await http.post(f"{t}/clock/advance", content=NESTED), 400)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(CONTROL_MAX_BODY_BYTES // (1 << 20) + 1):
            yield b" " * (1 << 20)

    control_envelope(await http.put("/_fake/state", content=chunks()), 413)


@pytest.mark.parametrize(
    "move",
    [
        [1],
        "x",
        {"to": 5},
        {"to": "soon"},
        {"to": "2026-04-01", "nextRunDate": True},
        {"nextRunDate": False},
        {"nextRunDate": "yes"},
        {"when": "2026-04-01"},
        {"to": "9999-12-31"},
    ],
)
async def test_bad_clock_moves_are_400(http: httpx.AsyncClient, move: Any) -> None:
    r = await http.post(f"/_fake/tenants/{CLIENT}/clock/advance", json=move)
    control_envelope(r, 400)
    assert body(await http.get(f"/_fake/tenants/{CLIENT}/clock"))["today"] == "2026-03-02"


async def test_the_clock_moves_at_most_the_stated_span(http: httpx.AsyncClient) -> None:
    r = await http.post(f"/_fake/tenants/{CLIENT}/clock/advance", json={"to": "2036-03-10"})
    assert f"at most {MAX_ADVANCE_DAYS} days" in control_envelope(r, 400)
    r = await http.post(f"/_fake/tenants/{CLIENT}/clock/advance", json={"to": "2036-03-01"})
    assert r.status_code == 200 and body(r)["toDate"] == "2036-03-01"


async def test_a_refused_state_import_changes_nothing(api: Api, http: httpx.AsyncClient) -> None:
    t = f"/_fake/tenants/{CLIENT}/state"
    await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause")
    state = body(await http.get(t))
    for broken in (
        {**state, "faults": [{"effect": "drop", "path": 5}]},
        {**state, "idempotency": [{"key": 1}]},
        {**state, "colour": "red"},
        {**state, "engine": 5},
    ):
        control_envelope(await http.put(t, content=jsoncodec.dumps(broken)), 400)
    whole = body(await http.get("/_fake/state"))
    whole["tenants"].append(
        {**state, "clientId": zuora_client_id("tenant-c"), "faults": [{"effect": 1}]}
    )
    control_envelope(await http.put("/_fake/state", content=jsoncodec.dumps(whole)), 400)
    # the tenant, its token and its state are as they were
    r = await api.call("GET", "/v1/invoice-schedules/IS-00000001")
    assert r.status_code == 200 and body(r)["status"] == "Paused"
    assert [t["clientId"] for t in body(await http.get("/_fake/tenants"))["tenants"]] == [CLIENT]


async def test_control_plane_404_and_405_are_in_its_own_envelope(http: httpx.AsyncClient) -> None:
    control_envelope(await http.get("/_fake/nothing"), 404)
    r = await http.request("PROPFIND", "/_fake/journal")
    assert "PROPFIND" in control_envelope(r, 405) and r.headers["Allow"] == "DELETE, GET"
    control_envelope(await http.delete(f"/_fake/tenants/{CLIENT}/faults/99999999999999999999"), 404)
    control_envelope(await http.get("/_fake/tenants/" + "x" * 256 + "/clock"), 400)


async def test_a_client_id_over_the_limit_gets_no_tenant(http: httpx.AsyncClient) -> None:
    form = {"client_id": "x" * 256, "client_secret": "s", "grant_type": "client_credentials"}
    r = await http.post("/oauth/token", data=form)
    assert r.status_code == 400 and body(r)["error"] == "invalid_request"
    assert body(await http.get("/_fake/tenants"))["tenants"] == []


def test_the_control_plane_description_lists_exactly_its_routes() -> None:
    from starlette.routing import Route

    from backends.fake.server.app import create_app
    from backends.fake.server.control_models import openapi
    from backends.fake.server.tenants import TenantRegistry

    doc = openapi()
    assert doc["openapi"].startswith("3.1")
    described = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
    app = create_app(TenantRegistry(), save_on_shutdown=False)
    served = {
        (m, r.path)
        for r in app.routes
        if isinstance(r, Route) and r.path.startswith("/_fake") and r.methods
        for m in r.methods - {"HEAD"}
    }
    assert described == served
    for item in doc["paths"].values():
        for op in item.values():
            for status, response in op["responses"].items():
                if status.startswith("4"):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ControlError")


async def test_a_tenant_holds_at_most_the_stated_number_of_rules(http: httpx.AsyncClient) -> None:
    from backends.fake.server.control_models import MAX_FAULT_RULES

    t = f"/_fake/tenants/{zuora_client_id('tenant-r')}/faults"
    rules = [{"effect": "latency"}] * MAX_FAULT_RULES
    assert (await http.post(t, json=rules)).status_code == 201
    assert "at most" in control_envelope(await http.post(t, json={"effect": "lock"}), 400)
    assert len(body(await http.get(t))["rules"]) == MAX_FAULT_RULES
