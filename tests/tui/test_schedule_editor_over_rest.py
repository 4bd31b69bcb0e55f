"""The schedule operations over REST into the fake server: Zuora's requests, keys where Zuora
takes them (POST), the same screens as on the in-process fake."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backends.fake.server.app import create_app
from backends.fake.server.tenants import TenantRegistry
from backends.fake.server.transport import FakeServerTransport
from tests.server.factories import (
    LOOPBACK,
    Control,
    FakeServerBackend,
    _no_sleep,
    _rest,
    new_client_id,
)
from tui.screens.order import OrderScreen
from tui.screens.schedule_charges import ScheduleChargesScreen
from tui.widgets.confirm import ConfirmDialog

from .test_schedule_editor_forms import form, open_order, set_cell
from .tui_helpers import make_app, messages, open_schedule, settle


class Recording(httpx.AsyncBaseTransport):
    """The fake server's transport, noting each schedule write and its idempotency key."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.writes: list[tuple[str, str, str | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method != "GET" and path.startswith("/v1/invoice-schedules"):
            self.writes.append((request.method, path, request.headers.get("idempotency-key")))
        return await self.inner.handle_async_request(request)


@pytest.fixture
async def rest() -> Any:
    app = create_app(TenantRegistry(), save_on_shutdown=False)
    cid = new_client_id("asgi")
    http = httpx.AsyncClient(transport=FakeServerTransport(app), base_url=LOOPBACK)
    recording = Recording(FakeServerTransport(app))
    backend = FakeServerBackend(
        _rest(LOOPBACK, cid, recording, sleep=_no_sleep), Control(http, cid), http
    )
    backend.recording = recording  # type: ignore[attr-defined]
    yield backend
    await backend.aclose()


async def test_new_edit_delete_over_rest(rest: Any) -> None:
    app = make_app(rest)
    writes = rest.recording.writes
    async with app.run_test(size=(120, 36)) as pilot:
        await open_order(pilot, "O-00000009")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        order = app.screen
        assert isinstance(order, OrderScreen) and len(order.schedules) == 1, messages(app)
        number = order.schedules[0].number
        method, path, key = writes[-1]
        assert (method, path) == ("POST", "/v1/invoice-schedules") and key

        await open_schedule(pilot, number)
        await pilot.press("e")
        await settle(pilot)
        screen = form(pilot)
        await set_cell(pilot, screen, 2, "run_date", "")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "REST" in app.screen.environment
        await pilot.press("y")
        await settle(pilot)
        assert writes[-1] == ("PUT", f"/v1/invoice-schedules/{number}", None)
        stored = await rest.get_invoice_schedule(number)
        assert stored.schedule_items[-1].run_date is None

        await pilot.press("D")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert writes[-1] == ("DELETE", f"/v1/invoice-schedules/{number}", None)
        assert isinstance(app.screen, OrderScreen) and app.screen.schedules == []
        assert any(f"{number} deleted" in m for m in messages(app))


async def test_detach_and_attach_over_rest(rest: Any) -> None:
    app = make_app(rest)
    writes = rest.recording.writes
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000004")
        for verb, state in (("detach", "attached"), ("attach", "detached")):
            await pilot.press("c")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ScheduleChargesScreen), messages(app)
            rows = [(r.order, r.subscription, r.charge, r.state) for r in screen.charges.rows]
            # the list comes from GET /v1/subscriptions/{key}: charge numbers and their state
            assert rows == [("O-00000004", "A-S00000004", "C-00000004", state)]
            await pilot.press("space", "ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("y")
            await settle(pilot)
            assert writes[-1] == ("PUT", f"/v1/invoice-schedules/IS-00000004/{verb}", None)
            assert any(f"{verb}ed C-00000004" in m for m in messages(app)), messages(app)
