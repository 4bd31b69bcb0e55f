"""The /_fake/ control plane: health, tenants, reset, clock, settle, faults, journal, state."""

from __future__ import annotations

import httpx

from .conftest import CLIENT, Api, body
from .factories import zuora_client_id

COPY = zuora_client_id("copy")


async def test_health_and_tenants(api: Api, http: httpx.AsyncClient) -> None:
    r = await http.get("/_fake/health")
    assert body(r)["status"] == "ok" and CLIENT in body(r)["tenants"]
    tenants = body(await http.get("/_fake/tenants"))["tenants"]
    assert tenants[0]["today"] == "2026-03-02"


async def test_clock_read_advance_settle(api: Api, http: httpx.AsyncClient) -> None:
    clock = body(await http.get(f"/_fake/tenants/{CLIENT}/clock"))
    assert clock["today"] == "2026-03-02" and len(clock["activeBillRuns"]) == 1  # scenario 7
    settled = body(await http.post(f"/_fake/tenants/{CLIENT}/clock/settle"))
    assert settled["settled"] == 1 and settled["activeBillRuns"] == []
    moved = body(
        await http.post(f"/_fake/tenants/{CLIENT}/clock/advance", json={"nextRunDate": True})
    )
    assert moved["fromDate"] == "2026-03-02" and moved["toDate"] >= "2026-03-02"
    moved = body(
        await http.post(f"/_fake/tenants/{CLIENT}/clock/advance", json={"to": "2026-04-01"})
    )
    assert moved["toDate"] == "2026-04-01" and moved["executed"]
    assert {e["scheduleNumber"] for e in moved["executed"]} >= {"IS-00000001"}
    back = await http.post(f"/_fake/tenants/{CLIENT}/clock/advance", json={"to": "2026-01-01"})
    assert back.status_code == 400  # forward only
    bad = await http.post(f"/_fake/tenants/{CLIENT}/clock/advance", json={"to": "soon"})
    assert bad.status_code == 400
    assert (await http.post(f"/_fake/tenants/{CLIENT}/clock/advance", json={})).status_code == 400


async def test_reset_returns_to_the_seed(api: Api, http: httpx.AsyncClient) -> None:
    from .conftest import get_token

    await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause")
    await http.post(f"/_fake/tenants/{CLIENT}/faults", json={"effect": "latency"})
    r = await http.post(f"/_fake/tenants/{CLIENT}/reset")
    assert body(r)["today"] == "2026-03-02"
    api.token = await get_token(http)
    schedule = body(await api.call("GET", "/v1/invoice-schedules/IS-00000001"))
    assert schedule["status"] == "Pending"
    assert len(body(await http.get(f"/_fake/tenants/{CLIENT}/faults"))["rules"]) == 1


async def test_fault_rules_crud(http: httpx.AsyncClient) -> None:
    t = f"/_fake/tenants/{zuora_client_id('tenant-z')}/faults"
    created = body(
        await http.post(t, json=[{"effect": "lock", "times": 2}, {"effect": "latency"}])
    )["rules"]
    assert [r["id"] for r in created] == [1, 2] and created[0]["fired"] == 0
    assert len(body(await http.get(t))["rules"]) == 2
    assert (await http.delete(f"{t}/1")).status_code == 200
    assert (await http.delete(f"{t}/1")).status_code == 404
    assert (await http.delete(f"{t}/x")).status_code == 404
    assert (await http.post(t, json={"effect": "explode"})).status_code == 400
    assert (await http.post(t, json={"effect": "lock", "probability": 3})).status_code == 400
    await http.delete(t)
    assert body(await http.get(t))["rules"] == []


async def test_journal_filters(api: Api, http: httpx.AsyncClient) -> None:
    await api.call("GET", "/v1/orders/O-00000001")
    await api.call("GET", "/v1/orders/O-99999999")
    await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause")
    everything = body(await http.get("/_fake/journal"))["entries"]
    assert everything[0]["path"] == "/oauth/token"
    only_404 = body(await http.get("/_fake/journal", params={"status": "404"}))["entries"]
    assert [e["path"] for e in only_404] == ["/v1/orders/O-99999999"]
    puts = body(await http.get("/_fake/journal", params={"method": "put"}))["entries"]
    assert [e["operation"] for e in puts] == ["PUT_PauseInvoiceSchedule"]
    assert puts[0]["simTime"].startswith("2026-03-02 ") and puts[0]["trackId"] is None
    by_op = body(await http.get("/_fake/journal", params={"operation": "GET_Order"}))["entries"]
    assert len(by_op) == 2
    since = body(
        await http.get("/_fake/journal", params={"since": str(by_op[0]["seq"]), "limit": "1"})
    )["entries"]
    assert [e["seq"] for e in since] == [everything[-1]["seq"]]
    await http.delete("/_fake/journal")
    assert body(await http.get("/_fake/journal"))["entries"] == []


async def test_tenant_state_export_import(api: Api, http: httpx.AsyncClient) -> None:
    await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause")
    state = body(await http.get(f"/_fake/tenants/{CLIENT}/state"))
    assert state["engine"]["format"] == "billing-tui/fake-engine-state"
    r = await http.put(
        f"/_fake/tenants/{COPY}/state",
        content=(await http.get(f"/_fake/tenants/{CLIENT}/state")).content,
    )
    assert r.status_code == 200
    from .conftest import get_token

    copy = Api(http, await get_token(http, COPY))
    schedule = body(await copy.call("GET", "/v1/invoice-schedules/IS-00000001"))
    assert schedule["status"] == "Paused"
    bad = await http.put(f"/_fake/tenants/{COPY}/state", json={"nope": 1})
    assert bad.status_code == 400


async def test_whole_state_export_import(api: Api, http: httpx.AsyncClient) -> None:
    state = (await http.get("/_fake/state")).content
    assert body(await http.put("/_fake/state", content=state))["tenants"] == [CLIENT]
    assert (await http.put("/_fake/state", json={"format": "x"})).status_code == 400
    newer = body(await http.get("/_fake/state"))
    newer["version"] = 99
    from backends import jsoncodec

    r = await http.put("/_fake/state", content=jsoncodec.dumps(newer))
    assert (r.status_code == 400 and "newer" not in r.text) or "upgrade" in r.text


async def test_save_without_a_state_file_says_so(http: httpx.AsyncClient) -> None:
    r = await http.post("/_fake/state/save")
    assert r.status_code == 400 and "--state" in body(r)["error"]


async def test_unknown_control_route_is_404(http: httpx.AsyncClient) -> None:
    r = await http.get("/_fake/nothing")
    assert r.status_code == 404
    r = await http.put("/_fake/health")
    assert r.status_code == 405
