"""Every fault effect, both phases, times and seeded probability, and the journal's record."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backends.errors import RateLimitedError, UnavailableError
from backends.fake.faults import FaultBook, FaultRule

from .conftest import CLIENT, CLIENT_B, Api, Sleeps, body


async def _rule(api: Api, **rule: Any) -> dict[str, Any]:
    r = await api.http.post(f"/_fake/tenants/{CLIENT}/faults", json=rule)
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()["rules"][0]
    return created


async def _journal(api: Api) -> list[dict[str, Any]]:
    r = await api.http.get("/_fake/journal", params={"tenant": CLIENT})
    entries: list[dict[str, Any]] = r.json()["entries"]
    return entries


async def test_rate_limit_429_with_retry_after(api: Api) -> None:
    rule = await _rule(api, effect="rate_limit", path="/v1/orders", times=1, retryAfter=7)
    r = await api.call("GET", "/v1/orders")
    assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert body(r)["reasons"][0]["code"] == 50000070
    api.version = "196.0"
    assert (await api.call("GET", "/v1/orders")).status_code == 200  # times=1: spent
    entry = (await _journal(api))[-2]
    assert entry["fault"] == f"#{rule['id']} rate_limit (before)" and entry["status"] == 429


@pytest.mark.parametrize(("version", "status"), [("2025-08-12", 409), ("200.0", 200)])
async def test_lock_contention_category_50(api: Api, version: str, status: int) -> None:
    api.version = version
    await _rule(api, effect="lock", method="GET", path="/v1/invoice-schedules/*", times=1)
    r = await api.call("GET", "/v1/invoice-schedules/IS-00000001")
    assert r.status_code == status and body(r)["reasons"][0]["code"] == 50000050
    assert "lock competition" in body(r)["reasons"][0]["message"]


async def test_temporary_error_category_61(api: Api) -> None:
    await _rule(api, effect="temporary", operation="GET_Order", times=1)
    r = await api.call("GET", "/v1/orders/O-00000001")
    assert r.status_code == 500 and body(r)["reasons"][0]["code"] == 50000061


async def test_unavailable_and_timeout(api: Api) -> None:
    await _rule(api, effect="unavailable", path="/v1/orders", times=1, retryAfter=2)
    await _rule(api, effect="timeout", path="/v1/orders", times=1)
    r = await api.call("GET", "/v1/orders")
    assert r.status_code == 503 and r.headers["Retry-After"] == "2"
    r = await api.call("GET", "/v1/orders")
    assert r.status_code == 504 and "120 seconds" in body(r)["message"]


async def test_latency_waits_then_answers(api: Api, sleeps: Sleeps) -> None:
    await _rule(api, effect="latency", latencyMs=250, times=2)
    r = await api.call("GET", "/v1/orders")
    assert r.status_code == 200 and sleeps.calls == [0.25]


async def test_drop_in_process_is_a_connection_error(api: Api) -> None:
    await _rule(api, effect="drop", path="/v1/orders", times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        await api.call("GET", "/v1/orders")
    assert (await _journal(api))[-1]["status"] == 0


async def test_after_phase_does_the_work_and_the_key_replays_it(api: Api) -> None:
    await _rule(
        api, effect="unavailable", operation="POST_ExecuteInvoiceSchedule", phase="after", times=1
    )
    lost = await api.call(
        "POST", "/v1/invoice-schedules/IS-00000001/execute", {}, Idempotency_Key="k"
    )
    assert lost.status_code == 503
    retry = await api.call(
        "POST", "/v1/invoice-schedules/IS-00000001/execute", {}, Idempotency_Key="k"
    )
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    schedule = body(await api.call("GET", "/v1/invoice-schedules/IS-00000001"))
    assert schedule["scheduleItems"][0]["status"] == "Executing"  # one run, not two


async def test_match_by_method_and_glob(api: Api) -> None:
    await _rule(api, effect="temporary", method="PUT", path="/v1/invoice-schedules/*/pause")
    assert (await api.call("GET", "/v1/invoice-schedules/IS-00000001")).status_code == 200
    assert (await api.call("PUT", "/v1/invoice-schedules/IS-00000001/resume")).status_code == 400
    assert (await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause")).status_code == 500


async def test_faults_are_per_tenant(api: Api, http: httpx.AsyncClient) -> None:
    from .conftest import Api as A
    from .conftest import get_token

    await _rule(api, effect="temporary")
    other = A(http, await get_token(http, CLIENT_B))
    assert (await other.call("GET", "/v1/orders")).status_code == 200
    assert (await api.call("GET", "/v1/orders")).status_code == 500


def test_probability_is_seeded_and_repeatable() -> None:
    def fired(seed: int) -> list[bool]:
        book = FaultBook(seed)
        book.add(FaultRule(effect="lock", probability=0.3))
        return [book.pick("GET", "/x", None, "before") is not None for _ in range(200)]

    assert fired(5) == fired(5)
    assert fired(5) != fired(6)
    assert 40 <= sum(fired(5)) <= 80


def test_rules_validate_their_fields() -> None:
    with pytest.raises(ValueError, match="effect"):
        FaultRule(effect="explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="probability"):
        FaultRule(effect="lock", probability=2)
    with pytest.raises(ValueError, match="unknown"):
        FaultRule.from_json({"effect": "lock", "colour": "red"})
    rule = FaultRule.from_json({"effect": "latency", "latencyMs": 5, "times": 1})
    assert rule.latency_ms == 5 and FaultRule.from_json(rule.to_json()).times == 1


async def test_rest_backend_retries_through_the_faults() -> None:
    from .factories import rest_over_asgi

    async with rest_over_asgi(max_retries=3) as sb:
        await sb.control.add_faults(
            {"effect": "rate_limit", "path": "/v1/invoice-schedules/*", "times": 1},
            {"effect": "drop", "path": "/v1/invoice-schedules/*", "times": 1},
            {"effect": "unavailable", "path": "/v1/invoice-schedules/*", "times": 1},
        )
        schedule = await sb.backend.get_invoice_schedule("IS-00000001")
        assert schedule.number == "IS-00000001"
        faults = [e["fault"] for e in await sb.control.journal(fault="true")]
        assert len(faults) == 3
        await sb.control.add_faults({"effect": "rate_limit", "path": "/v1/orders/*"})
        with pytest.raises(RateLimitedError):
            await sb.backend.get_order("O-00000001")
        await sb.control.clear_faults()
        await sb.control.add_faults({"effect": "drop", "path": "/v1/orders/*"})
        with pytest.raises(UnavailableError):
            await sb.backend.get_order("O-00000001")
