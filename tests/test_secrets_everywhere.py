"""Secrets appear nowhere: the console over REST into the fake server, and the server itself.

Plants a distinctive client secret (and a wrong one, refused), collects every bearer token the
server issues, drives the console with Pilot through faults, refusals, lost replies, a token
revoked mid-session and a failed login, and the server through bad requests; then scans every
output for them: captured logs (every logger, DEBUG), stdout/stderr, the action log and its
JSONL file, notifications, screenshots, the server's banner, journal, exported state and error
bodies, reprs of the objects that hold them, and tracebacks of real failures rendered by
``rich.traceback`` with ``show_locals=True``.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from rich.traceback import Traceback

from backends.errors import BackendError
from backends.fake.server import cli
from backends.fake.server.app import create_app
from backends.fake.server.tenants import TenantRegistry
from backends.fake.server.transport import FakeServerTransport
from backends.rest.backend import RestBackend
from backends.rest.secrets import Secret
from tests.server.factories import Control, FakeServerBackend, zuora_client_id
from tests.tui.tui_helpers import make_app, messages, settle

SECRET = "PLANTED-client-secret-q7Zx93Kd"
WRONG_SECRET = "PLANTED-wrong-secret-Lm40vRt2"
CLIENT = zuora_client_id("secrets-tenant")
BASE = "http://127.0.0.1:8080"

FAULTS = [
    {"effect": "rate_limit", "probability": 0.2, "retryAfter": 1},
    {"effect": "unavailable", "probability": 0.1},
    {"effect": "lock", "operation": "PUT_PauseInvoiceSchedule", "times": 1},
    {"effect": "drop", "operation": "POST_ExecuteInvoiceSchedule", "phase": "after", "times": 1},
    {"effect": "temporary", "operation": "GET_InvoiceSchedule", "times": 2},
]


async def _no_sleep(_seconds: float) -> None:
    return None


def _render(exc: BaseException) -> str:
    out = io.StringIO()
    trace = Traceback.from_exception(
        type(exc), exc, exc.__traceback__, show_locals=True, locals_max_string=10_000, width=200
    )
    Console(file=out, width=200, color_system=None).print(trace)
    return out.getvalue()


class Collected:
    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []
        self.errors: list[BaseException] = []

    def add(self, where: str, text: Any) -> None:
        self.texts.append((where, text if isinstance(text, str) else repr(text)))

    async def attempt(self, call: Any) -> None:
        try:
            await call
        except BackendError as exc:
            self.errors.append(exc)


def _rest(app: Any, secret: str, **options: Any) -> RestBackend:
    return RestBackend(
        BASE,
        client_id=CLIENT,
        client_secret=Secret(secret),
        transport=FakeServerTransport(app),
        sleep=_no_sleep,
        **options,
    )


async def test_no_secret_or_token_in_any_output(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    registry = TenantRegistry(client_secret=SECRET)
    issued: list[str] = []
    issue = registry.issue_token

    def recording_issue(client_id: str) -> Any:
        token, tenant = issue(client_id)
        issued.append(token)
        return token, tenant

    monkeypatch.setattr(registry, "issue_token", recording_issue)
    app = create_app(registry, save_on_shutdown=False)
    seen = Collected()
    http = httpx.AsyncClient(transport=FakeServerTransport(app), base_url=BASE)
    control = Control(http, CLIENT)
    backend = FakeServerBackend(_rest(app, SECRET, max_retries=2), control, http)
    await control.add_faults(*FAULTS)
    log_file = tmp_path / "actions.jsonl"

    console = make_app(backend, log_path=log_file)
    async with console.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        console.open_object("schedule", "IS-00000001")
        await settle(pilot)
        for keys in (["g", "y"], ["z"], ["z"], ["r"]):  # generate (answer lost), pause twice
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            seen.add("screenshot", console.export_screenshot())
        await backend.settle()
        await control.reset()  # revokes every token: the next call gets a 401 and renews
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("p", "y")
        await settle(pilot)
        console.open_object("schedule", "IS-00000003")  # Paused: generate is refused
        await settle(pilot)
        await pilot.press("g", "y")
        await settle(pilot)
        await pilot.press("l")  # the action log screen
        await settle(pilot)
        seen.add("screenshot", console.export_screenshot())
        seen.add("notifications", "\n".join(messages(console)))
        seen.add("action log", console.action_log.entries)
    assert console.action_log.entries, "the console should have logged its actions"

    # the same backend, directly, through errors (kept with their tracebacks)
    await control.add_faults({"effect": "temporary", "path": "/v1/*"})
    await seen.attempt(backend.rest.get_invoice_schedule("IS-00000001"))
    await control.clear_faults()
    await seen.attempt(backend.rest.execute_invoice_schedule("IS-00000003"))
    await seen.attempt(backend.rest.get_invoice("INV99999999"))
    wrong = _rest(app, WRONG_SECRET)
    await seen.attempt(wrong.get_invoice_schedule("IS-00000001"))
    assert len(seen.errors) == 4, seen.errors
    for obj in (backend.rest, backend.rest.transport, backend.rest.transport.auth, wrong):
        seen.add("repr", obj)
    seen.add("repr", registry.client_secret)
    seen.add("str", str(registry.client_secret))
    await wrong.aclose()
    await backend.aclose()

    # the server: bad logins and requests, then everything it will tell about itself
    async with httpx.AsyncClient(transport=FakeServerTransport(app), base_url=BASE) as raw:
        for form in (
            {
                "client_id": CLIENT,
                "client_secret": WRONG_SECRET,
                "grant_type": "client_credentials",
            },
            {"client_id": CLIENT, "client_secret": SECRET, "grant_type": "password"},
            {"client_id": CLIENT, "client_secret": SECRET + "x" * 2_000_000},
        ):
            response = await raw.post("/oauth/token", data=form)
            seen.add(f"token error {response.status_code}", response.text)
        await raw.post(f"/_fake/tenants/{CLIENT}/reset")  # revokes the tenant's tokens
        for token in issued:  # the gateway's 401
            response = await raw.get("/v1/orders", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401
            seen.add("401 body", response.text + repr(response.headers))
        for path in ("/_fake/journal", "/_fake/state", f"/_fake/tenants/{CLIENT}/state"):
            seen.add(path, (await raw.get(path)).text)
        seen.add("health", (await raw.get("/_fake/health")).text)

    monkeypatch.setenv("BTUI_PLANTED_SECRET", SECRET)
    prepared = cli.prepare(["--port", "0", "--client-secret-env", "BTUI_PLANTED_SECRET"])
    prepared.sock.close()
    seen.add("banner", prepared.banner)

    for error in seen.errors:
        seen.add("error", f"{error}\n{error!r}\n{error.detail}")
        seen.add("traceback", _render(error))
    seen.add("jsonl", log_file.read_text(encoding="utf-8"))
    seen.add("logs", "\n".join(r.getMessage() for r in caplog.records))
    seen.add("log args", "\n".join(repr(r.args) for r in caplog.records))
    captured = capsys.readouterr()
    seen.add("stdout", captured.out)
    seen.add("stderr", captured.err)

    assert len(issued) >= 2, "the tenant's tokens were revoked once, so at least two were issued"
    planted = [SECRET, WRONG_SECRET, *issued]
    leaks = [(where, p) for where, text in seen.texts for p in planted if p in text]
    assert not leaks, leaks
    # and the scan itself can fail: the planted values did travel
    assert any("Traceback" in text for where, text in seen.texts if where == "traceback")
    assert registry.credentials_ok(CLIENT, SECRET)
