"""``billing-tui fake-server`` / ``python -m backends.server_cli``: banner, binding, state."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from backends import server_cli
from backends.fake.server import cli
from backends.fake.server.tenants import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from .conftest import CLIENT, CLIENT_B


def test_banner_says_loopback_and_prints_the_demo_credentials() -> None:
    text = cli.banner(
        "127.0.0.1", 8080, DEMO_CLIENT_ID, None, "demo", None, demo_secret=DEMO_CLIENT_SECRET
    )
    assert "loopback only" in text and "http://127.0.0.1:8080" in text
    assert f"client_id     = {DEMO_CLIENT_ID}" in text
    assert f"client_secret = {DEMO_CLIENT_SECRET}   (the public demo secret)" in text
    assert "--backend rest --base-url http://127.0.0.1:8080" in text
    exposed = cli.banner("0.0.0.0", 9, "c", None, "demo", Path("f.json"))
    assert "WARNING" in exposed and "f.json" in exposed


def test_a_secret_from_the_environment_is_never_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    planted = "s3cr3t-PLANTED-by-the-banner-test"
    monkeypatch.setenv("BTUI_TEST_SECRET", planted)
    prepared = cli.prepare(["--port", "0", "--client-secret-env", "BTUI_TEST_SECRET"])
    try:
        assert planted not in prepared.banner
        assert "client_secret = the value of $BTUI_TEST_SECRET (not shown)" in prepared.banner
        assert 'ZUORA_CLIENT_SECRET="$BTUI_TEST_SECRET" billing-tui' in prepared.banner
        registry = prepared.server.config.app.state.server.registry
        assert registry.credentials_ok(DEMO_CLIENT_ID, planted)
        assert planted not in repr(registry.client_secret) + str(registry.client_secret)
    finally:
        prepared.sock.close()


def test_bad_arguments_are_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert server_cli.main(["--port", "0", "--state", str(bad)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert server_cli.main(["--port", "0", "--seed", "nope"]) == 2
    assert "Unknown seed 'nope'" in capsys.readouterr().err
    assert server_cli.main(["--client-secret-env", "BTUI_SURELY_UNSET_VAR"]) == 2
    assert "$BTUI_SURELY_UNSET_VAR is empty or not set" in capsys.readouterr().err


def _wait_started(prepared: cli.Prepared, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 10
    while not prepared.server.started:  # poll `started`; nothing else waits
        assert thread.is_alive() and time.monotonic() < deadline
        time.sleep(0.001)


async def test_the_cli_serves_on_loopback_and_saves_on_shutdown(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    prepared = cli.prepare(["--port", "0", "--state", str(state), "--progression", "manual"])
    host, port = prepared.sock.getsockname()[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=prepared.run, daemon=True)
    thread.start()
    _wait_started(prepared, thread)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            health = (await http.get("/_fake/health")).json()
            assert health["tenants"] == [DEMO_CLIENT_ID]
            token = await http.post(
                "/oauth/token",
                data={
                    "client_id": DEMO_CLIENT_ID,
                    "client_secret": DEMO_CLIENT_SECRET,
                    "grant_type": "client_credentials",
                },
            )
            assert token.status_code == 200
    finally:
        prepared.server.should_exit = True
        thread.join(timeout=10)
    assert state.exists() and DEMO_CLIENT_ID in state.read_text()


async def test_a_generated_seed_gives_each_tenant_a_large_tenant_at_once() -> None:
    from backends.fake.server.tenants import TenantRegistry

    registry = TenantRegistry(seed="generated:5000")
    first = registry.get(CLIENT).backend
    second = registry.get(CLIENT_B).backend
    page = await first.list_orders(search="O-00005000")
    assert [o.order_number for o in page.items] == ["O-00005000"]
    await first.pause_invoice_schedule("IS-00000001")
    assert (await second.get_invoice_schedule("IS-00000001")).status.value != "Paused"
