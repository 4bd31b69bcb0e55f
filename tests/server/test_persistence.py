"""State persists atomically on request and on shutdown; a restart continues where it stopped."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from backends.errors import ValidationError
from backends.fake import persistence, tenants
from backends.fake.server.app import create_app
from backends.fake.server.tenants import DEMO_CLIENT_ID, TenantRegistry

from .conftest import Api, body, get_token
from .factories import UvicornThread, zuora_client_id

RESTART = zuora_client_id("restart")

PERSIST = zuora_client_id("persist")


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_save_on_request_is_atomic(tmp_path: Path) -> None:
    from backends.fake.server.transport import FakeServerTransport

    state = tmp_path / "fake.json"
    app = create_app(TenantRegistry(state_file=state), save_on_shutdown=False)
    async with httpx.AsyncClient(
        transport=FakeServerTransport(app), base_url="http://127.0.0.1:8080"
    ) as http:
        api = Api(http, await get_token(http, PERSIST))
        await api.call("PUT", "/v1/invoice-schedules/IS-00000001/pause")
        r = await http.post("/_fake/state/save")
        assert body(r)["saved"] == str(state)
    assert _names(tmp_path) == ["fake.json"]  # no temp file left behind
    again = TenantRegistry(state_file=state)
    schedule = await again.get(PERSIST).backend.get_invoice_schedule("IS-00000001")
    assert schedule.status == "Paused"


async def test_restart_continues_with_clock_keys_and_faults(tmp_path: Path) -> None:
    state = tmp_path / "state" / "fake.json"
    with UvicornThread(create_app(TenantRegistry(state_file=state))) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            api = Api(http, await get_token(http, RESTART))
            first = await api.call(
                "POST", "/v1/invoice-schedules/IS-00000001/execute", {}, Idempotency_Key="k1"
            )
            await http.post(f"/_fake/tenants/{RESTART}/clock/settle")
            await http.post(f"/_fake/tenants/{RESTART}/faults", json={"effect": "latency"})
    assert state.exists()  # written by the lifespan shutdown
    with UvicornThread(create_app(TenantRegistry(state_file=state))) as server:
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            api = Api(http, await get_token(http, RESTART))
            replay = await api.call(
                "POST", "/v1/invoice-schedules/IS-00000001/execute", {}, Idempotency_Key="k1"
            )
            assert replay.content == first.content
            assert replay.headers["Idempotent-Replayed"] == "true"
            schedule = body(await api.call("GET", "/v1/invoice-schedules/IS-00000001"))
            assert schedule["scheduleItems"][0]["status"] == "Processed"
            rules = body(await http.get(f"/_fake/tenants/{RESTART}/faults"))["rules"]
            assert [r["effect"] for r in rules] == ["latency"]


async def test_a_console_state_file_becomes_the_demo_tenant(tmp_path: Path) -> None:
    engine = tenants.demo()
    engine.pause_invoice_schedule("IS-00000001")
    path = tmp_path / "console.json"
    persistence.save(engine, path)
    registry = TenantRegistry(state_file=path)
    schedule = await registry.get(DEMO_CLIENT_ID).backend.get_invoice_schedule("IS-00000001")
    assert schedule.status == "Paused"


def test_corrupt_or_newer_files_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValidationError, match="not valid JSON"):
        TenantRegistry(state_file=bad)
    newer = tmp_path / "newer.json"
    newer.write_text('{"format": "billing-tui/fake-server-state", "version": 9, "tenants": []}')
    with pytest.raises(ValidationError, match="upgrade"):
        TenantRegistry(state_file=newer)
    with pytest.raises(ValidationError, match="seed"):
        TenantRegistry(seed="nope")
