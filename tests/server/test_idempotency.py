"""Idempotent POSTs: replay, 409 while in flight, 422 on mismatch, 24 h on the simulated clock."""

from __future__ import annotations

import asyncio

import httpx

from backends.fake.server.pipeline import FakeServer

from .conftest import CLIENT, CLIENT_B, Api, Sleeps, body


async def _execute(api: Api, key: str, body_: object = None) -> httpx.Response:
    return await api.call(
        "POST", "/v1/invoice-schedules/IS-00000001/execute", body_ or {}, Idempotency_Key=key
    )


async def test_same_key_same_request_replays_the_first_answer(api: Api) -> None:
    first = await _execute(api, "key-1")
    second = await _execute(api, "key-1")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    # exactly one bill run: a new key now finds the account busy
    third = await _execute(api, "key-2")
    assert body(third)["reasons"][0]["code"] % 100 == 50


async def test_refusals_are_replayed_too(api: Api) -> None:
    first = await api.call(
        "POST", "/v1/invoice-schedules/IS-00000003/execute", {}, Idempotency_Key="paused"
    )
    assert first.status_code == 400
    await api.call("PUT", "/v1/invoice-schedules/IS-00000003/resume")
    again = await api.call(
        "POST", "/v1/invoice-schedules/IS-00000003/execute", {}, Idempotency_Key="paused"
    )
    assert again.status_code == 400 and again.headers["Idempotent-Replayed"] == "true"


async def test_transient_failures_are_not_stored(api: Api) -> None:
    await _execute(api, "k-a")
    busy = await _execute(api, "k-b")
    assert busy.status_code == 409  # the account's bill run is still running: category 50
    await api.http.post(f"/_fake/tenants/{CLIENT}/clock/settle")
    retry = await _execute(api, "k-b")
    assert retry.status_code == 200 and body(retry)["status"] == "Pending"
    assert "Idempotent-Replayed" not in retry.headers


async def test_same_key_other_request_is_422(api: Api) -> None:
    await _execute(api, "key-x")
    other = await api.call(
        "POST", "/v1/invoice-schedules/IS-00000006/execute", {}, Idempotency_Key="key-x"
    )
    assert other.status_code == 422
    assert "different request" in body(other)["reasons"][0]["message"]
    other_body = await _execute(api, "key-x", {"scheduleItemId": "nope"})
    assert other_body.status_code == 422


async def test_same_key_in_flight_is_409(api: Api, server: FakeServer, sleeps: Sleeps) -> None:
    gate = asyncio.Event()
    entered = asyncio.Event()

    async def slow(seconds: float) -> None:
        sleeps.calls.append(seconds)
        entered.set()
        await gate.wait()

    server.sleep = slow
    await api.http.post(
        f"/_fake/tenants/{CLIENT}/faults",
        json={"effect": "latency", "latencyMs": 5000, "phase": "after", "times": 1},
    )
    first = asyncio.ensure_future(_execute(api, "slow-key"))
    await entered.wait()
    duplicate = await _execute(api, "slow-key")
    assert duplicate.status_code == 409
    assert "still being processed" in body(duplicate)["reasons"][0]["message"]
    gate.set()
    done = await first
    assert done.status_code == 200 and sleeps.calls == [5.0]
    replay = await _execute(api, "slow-key")
    assert replay.content == done.content


async def test_keys_expire_after_24_hours_of_simulated_time(
    api: Api, http: httpx.AsyncClient
) -> None:
    from .conftest import get_token

    first = await _execute(api, "day-key")
    assert first.status_code == 200
    await http.post(f"/_fake/tenants/{CLIENT}/clock/settle")
    await http.post(f"/_fake/tenants/{CLIENT}/clock/advance", json={"to": "2026-03-03"})
    api.token = await get_token(http)  # the day's advance expired the token
    within = await _execute(api, "day-key")  # 2026-03-03 09:00: not yet 24 h
    assert within.headers["Idempotent-Replayed"] == "true" and within.content == first.content
    await http.post(f"/_fake/tenants/{CLIENT}/clock/advance", json={"to": "2026-03-04"})
    api.token = await get_token(http)
    again = await _execute(api, "day-key")
    assert "Idempotent-Replayed" not in again.headers  # stored 2026-03-02 09:04: gone
    assert again.content != first.content


async def test_key_longer_than_255_is_refused(api: Api) -> None:
    r = await _execute(api, "k" * 256)
    assert r.status_code == 400 and body(r)["reasons"][0]["code"] % 100 == 20


async def test_keys_are_per_tenant(api: Api, http: httpx.AsyncClient) -> None:
    from .conftest import Api as A
    from .conftest import get_token

    other = A(http, await get_token(http, CLIENT_B))
    a = await _execute(api, "shared")
    b = await _execute(other, "shared")
    assert "Idempotent-Replayed" not in b.headers and a.status_code == b.status_code == 200


async def test_put_ignores_the_header(api: Api) -> None:
    r1 = await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause", Idempotency_Key="p")
    r2 = await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause", Idempotency_Key="p")
    assert r1.status_code == 200 and r2.status_code == 400
