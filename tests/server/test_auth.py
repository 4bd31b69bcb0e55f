"""OAuth on the simulated clock, tenants by client id."""

from __future__ import annotations

import httpx

from backends.errors import AuthenticationError
from backends.fake.server.tenants import DEMO_CLIENT_SECRET

from .conftest import CLIENT, CLIENT_B, Api, body, get_token


async def test_token_shape(http: httpx.AsyncClient) -> None:
    r = await http.post(
        "/oauth/token",
        data={
            "client_id": CLIENT,
            "client_secret": DEMO_CLIENT_SECRET,
            "grant_type": "client_credentials",
        },
    )
    data = body(r)
    assert data["token_type"] == "bearer" and data["expires_in"] == 3599
    assert len(data["access_token"]) == 32 and set(data) >= {"scope", "jti"}


async def test_bad_credentials_and_bad_form(http: httpx.AsyncClient) -> None:
    r = await http.post(
        "/oauth/token",
        data={"client_id": CLIENT, "client_secret": "wrong", "grant_type": "client_credentials"},
    )
    assert r.status_code == 401 and body(r)["error"] == "invalid_client"
    r = await http.post("/oauth/token", data={"client_id": CLIENT, "client_secret": "wrong"})
    assert r.status_code == 400 and body(r)["error"] == "invalid_request"
    r = await http.get("/oauth/token")
    assert r.status_code == 405


async def test_a_client_id_not_shaped_like_zuoras_is_refused(http: httpx.AsyncClient) -> None:
    """Zuora's spec gives createToken's client_id exactly 36 characters (its SDK checks too)."""
    for client_id in ("x", CLIENT[:-1], CLIENT + "0"):
        form = {
            "client_id": client_id,
            "client_secret": DEMO_CLIENT_SECRET,
            "grant_type": "client_credentials",
        }
        r = await http.post("/oauth/token", data=form)
        assert r.status_code == 400, client_id
        assert body(r)["error"] == "invalid_request" and "36" in body(r)["error_description"]
    assert body(await http.get("/_fake/tenants"))["tenants"] == []
    form = {"client_id": CLIENT, "client_secret": DEMO_CLIENT_SECRET}
    r = await http.post("/oauth/token", data={**form, "grant_type": "client_credentials"})
    assert r.status_code == 200 and len(CLIENT) == 36


async def test_tokens_expire_on_the_simulated_clock(api: Api, http: httpx.AsyncClient) -> None:
    assert (await api.call("GET", "/v1/orders")).status_code == 200
    await http.post(f"/_fake/tenants/{CLIENT}/clock/advance", json={"to": "2026-03-03"})
    r = await api.call("GET", "/v1/orders")
    assert r.status_code == 401 and body(r) == {"message": "Authentication error"}
    api.token = await get_token(http)
    assert (await api.call("GET", "/v1/orders")).status_code == 200


async def test_reset_revokes_the_tenants_tokens(api: Api, http: httpx.AsyncClient) -> None:
    await http.post(f"/_fake/tenants/{CLIENT}/reset")
    assert (await api.call("GET", "/v1/orders")).status_code == 401


async def test_each_client_id_is_its_own_tenant(api: Api, http: httpx.AsyncClient) -> None:
    other = Api(http, await get_token(http, CLIENT_B))
    await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause")
    mine = body(await api.call("GET", "/v1/invoice-schedules/IS-00000001"))
    theirs = body(await other.call("GET", "/v1/invoice-schedules/IS-00000001"))
    assert mine["status"] == "Paused" and theirs["status"] == "Pending"
    assert mine["id"] == theirs["id"]  # same seed, same ids


async def test_rest_backend_renews_an_expired_token_by_itself() -> None:
    from .factories import rest_over_asgi

    async with rest_over_asgi() as sb:
        await sb.backend.get_order("O-00000001")
        renewals = sb.backend.transport.auth.renewals
        await sb.control.advance_to_next_run_date()
        await sb.control.advance(to=(await sb.control.today()).replace(day=28))
        order = await sb.backend.get_order("O-00000001")
        assert order.order_number == "O-00000001"
        assert sb.backend.transport.auth.renewals == renewals + 1
        entries = await sb.control.journal(path="/v1/orders/O-00000001")
        assert [e["status"] for e in entries] == [200, 401, 200]


async def test_rest_backend_with_a_wrong_secret() -> None:
    import pytest

    from backends.fake.server.app import create_app
    from backends.fake.server.tenants import TenantRegistry
    from backends.fake.server.transport import FakeServerTransport
    from backends.rest.backend import RestBackend

    app = create_app(TenantRegistry(client_secret="right"), save_on_shutdown=False)
    async with RestBackend(
        "http://127.0.0.1:8080",
        client_id=CLIENT,
        client_secret="wrong",
        transport=FakeServerTransport(app),
    ) as backend:
        with pytest.raises(AuthenticationError, match="client credentials"):
            await backend.get_order("O-00000001")
