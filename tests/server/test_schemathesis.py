"""Schemathesis against the fake server, in process (ASGI): no 5xx, every 4xx in its envelope.

Twice: from Zuora's spec (``tests/spec/zuora_served_openapi.json``, cut down to the operations
the server serves by ``scripts/derive_served_openapi.py``) against the API routes, and from the
control plane's own description (``GET /_fake/openapi.json``) against ``/_fake/``. Both
generate valid and invalid requests (Schemathesis' positive and negative modes). Bounded and
deterministic: a few derandomized examples per operation, no example database; each operation
gets a fresh app, so the order tests run in does not matter.
"""

from __future__ import annotations

import asyncio
import json
import os
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import hypothesis
import schemathesis
from schemathesis.checks import not_a_server_error

from backends import jsoncodec
from backends.fake.server.app import create_app
from backends.fake.server.tenants import DEMO_CLIENT_SECRET, TenantRegistry

from .factories import zuora_client_id

SPEC = Path(__file__).resolve().parents[1] / "spec" / "zuora_served_openapi.json"
CLIENT = zuora_client_id("schemathesis-tenant")

#: A deeper local run: BTUI_SCHEMATHESIS_EXAMPLES=200 pytest tests/server/test_schemathesis.py
EXAMPLES = int(os.environ.get("BTUI_SCHEMATHESIS_EXAMPLES", "5"))

SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.generate],
)


def _fresh_app() -> Any:
    return create_app(TenantRegistry(), save_on_shutdown=False)


def _token(app: Any) -> str:
    async def issue() -> str:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
            form = {
                "client_id": CLIENT,
                "client_secret": DEMO_CLIENT_SECRET,
                "grant_type": "client_credentials",
            }
            token: str = (await client.post("/oauth/token", data=form)).json()["access_token"]
            return token

    return asyncio.run(issue())


def _body(response: Any) -> Any:
    try:
        return jsoncodec.loads(response.content)
    except ValueError:
        raise AssertionError(f"not JSON: {response.content[:200]!r}") from None


def zuora_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx of an API route is Zuora's: the v1 envelope, Object Query's, the gateway's
    ``{"message": ...}`` (401, 429 and friends), or OAuth's on ``/oauth/token``."""
    if not 400 <= response.status_code < 500:
        return None
    data = _body(response)
    assert isinstance(data, dict), data
    path = case.operation.path
    if path == "/oauth/token":
        assert set(data) == {"error", "error_description"}, data
    elif set(data) == {"message"}:
        assert response.status_code in (401, 403, 413, 429), data
    else:
        keys = {"reasons", "requestId"} if path.startswith("/object-query") else None
        expected = keys or {"success", "processId", "requestId", "reasons"}
        assert set(data) == expected, data
        reason = data["reasons"][0]
        assert isinstance(reason["code"], int) and len(str(reason["code"])) == 8, reason
        assert reason["message"], reason
    return True


def control_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx of the control plane is ``{"error": "..."}``."""
    if not 400 <= response.status_code < 500:
        return None
    data = _body(response)
    assert isinstance(data, dict) and set(data) == {"error"}, data
    assert isinstance(data["error"], str) and data["error"], data
    return True


zuora = schemathesis.openapi.from_dict(jsoncodec.loads(SPEC.read_text(encoding="utf-8")))


def _served_description() -> Any:
    """``GET /_fake/openapi.json``, as the server serves it."""
    return json.loads(_send_raw(_fresh_app(), "GET", "/_fake/openapi.json").content)


def _send_raw(app: Any, method: str, path: str) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
            return await client.request(method, path)

    return asyncio.run(send())


control = schemathesis.openapi.from_dict(_served_description())


_apps: dict[str, tuple[Any, dict[str, str]]] = {}


def _real_keys(app: Any) -> dict[str, list[str]]:
    """Keys of objects the demo tenant has, by the spec's path parameter names."""
    state = app.state.server.registry.get(CLIENT).engine.export_state()
    schedules = [s["schedule"]["number"] for s in state["schedules"]]
    invoices = [i["invoice"]["invoiceNumber"] for i in state["invoices"]]
    memos = [str(c.get("creditMemo", c).get("number")) for c in state["creditMemos"]]
    bill_runs = [b["billRun"]["id"] for b in state["billRuns"]]
    orders = [o["orderNumber"] for o in state["orders"]][:8]
    accounts = [a["accountNumber"] for a in state["accounts"]][:4]
    subscriptions = [s["subscriptionNumber"] for s in state["subscriptions"]][:8]
    return {
        "scheduleKey": schedules,
        "invoiceKey": invoices,
        "creditMemoKey": memos,
        "billRunId": bill_runs,
        "orderNumber": orders,
        "accountNumber": accounts,
        "subscription-key": subscriptions,
        "/object-query/accounts/{key}": accounts,
        "/object-query/orders/{key}": orders,
        "/object-query/billing-runs/{key}": bill_runs,
        "/object-query/invoice-schedules/{key}": schedules,
    }


def _aim_at_real_objects(case: Any, keys: dict[str, list[str]]) -> None:
    """Half the valid cases (chosen from the case itself, so deterministically) name objects
    that exist, so that the engine, not only the 404 path, sees the generated bodies."""
    if not case.path_parameters or str(case.meta.generation.mode) != "positive":
        return
    digest = zlib.crc32(repr((case.body, case.query)).encode())
    if digest % 2:
        return
    for name in list(case.path_parameters):
        real = keys.get(name) or keys.get(case.operation.path)
        if real:
            case.path_parameters[name] = real[digest // 2 % len(real)]


def _app_for(case: Any, *, authenticated: bool) -> tuple[Any, dict[str, str]]:
    """One fresh app (and token) per operation, shared by that operation's examples."""
    label = f"{case.operation.schema is zuora} {case.operation.label}"
    if label not in _apps:
        app = _fresh_app()
        headers = {"Authorization": f"Bearer {_token(app)}"} if authenticated else {}
        _apps[label] = (app, headers)
    return _apps[label]


def _send(case: Any, app: Any, headers: dict[str, str]) -> httpx.Response:
    """The case through ``httpx.ASGITransport`` into ``app`` (in process, no thread)."""
    kwargs = case.as_transport_kwargs(base_url="http://fake", headers=headers)
    kwargs.pop("cookies", None)

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.request(
                kwargs.pop("method"),
                kwargs.pop("url"),
                params=kwargs.pop("params", None),
                headers=kwargs.pop("headers", None),
                content=_content(kwargs),
            )
            await response.aread()
            return response

    return asyncio.run(send())


def _content(kwargs: dict[str, Any]) -> bytes | None:
    if "json" in kwargs:
        return json.dumps(kwargs["json"]).encode()
    data = kwargs.get("data")
    if isinstance(data, dict):
        return urlencode(data, doseq=True).encode()
    if isinstance(data, str):
        return data.encode()
    return data


@zuora.parametrize()
@SETTINGS
def test_api_routes_from_zuoras_spec(case: Any) -> None:
    app, headers = _app_for(case, authenticated=case.operation.path != "/oauth/token")
    _aim_at_real_objects(case, _real_keys(app))
    response = _send(case, app, headers)
    case.validate_response(response, checks=[not_a_server_error, zuora_envelope])


@control.parametrize()
@hypothesis.settings(SETTINGS, max_examples=EXAMPLES * 4)  # small, cheap operations: go deeper
def test_control_plane_from_its_own_description(case: Any) -> None:
    app, headers = _app_for(case, authenticated=False)
    response = _send(case, app, headers)
    case.validate_response(response, checks=[not_a_server_error, control_envelope])


def test_the_served_spec_covers_every_route() -> None:
    from backends.fake.server.api import ROUTES

    spec = jsoncodec.loads(SPEC.read_text(encoding="utf-8"))
    missing = set(spec["x-derived"]["servedButNotInSpec"])
    import re

    def template(path: str) -> str:
        return re.sub(r"\{[^/}]+\}", "{}", path)

    in_spec = {(m.upper(), template(p)) for p, item in spec["paths"].items() for m in item}
    for route in ROUTES:
        key = (route.method, template(route.path))
        assert key in in_spec or f"{route.method} {route.path}" in missing, route
