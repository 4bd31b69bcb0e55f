"""The new-bill-run form and the bill run screen over REST into the fake server: Zuora's
``POST /v1/bill-runs`` fields on the wire, an idempotency key, the same screens as in-process."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from textual.widgets import Checkbox, DataTable

from backends.fake.server.app import create_app
from backends.fake.server.tenants import TenantRegistry
from backends.fake.server.transport import FakeServerTransport
from backends.models import BillRunStatus
from tests.server.factories import (
    LOOPBACK,
    Control,
    FakeServerBackend,
    _no_sleep,
    _rest,
    new_client_id,
)
from tui.screens.bill_run import BillRunScreen
from tui.screens.bill_runs import BillRunsScreen
from tui.widgets.confirm import ConfirmDialog

from .test_bill_run_form import errors, form, open_form, type_into
from .tui_helpers import make_app, messages, settle


class Recording(httpx.AsyncBaseTransport):
    """The fake server's transport, keeping each ``POST /v1/bill-runs`` body and its key."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.creates: list[tuple[dict[str, Any], str | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/v1/bill-runs":
            body = json.loads(await request.aread())
            self.creates.append((body, request.headers.get("idempotency-key")))
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


async def test_batch1_ahead_over_rest_and_its_screen(rest: Any) -> None:
    app = make_app(rest)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_form(pilot)
        await type_into(pilot, screen, "target_date", "eom+1")
        screen.query_one("#exclude-Usage", Checkbox).focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "REST" in app.screen.environment
        await pilot.press("y")
        await settle(pilot)
        body, key = rest.recording.creates[-1]
        assert key
        assert body["batches"] == ["Batch1"]
        assert body["targetDate"] == "2026-04-30" and body["invoiceDate"] == "2026-03-02"
        assert body["chargeTypeToExclude"] == ["Usage"]
        assert "schedule" not in body and "billCycleDay" not in body
        bill_runs = app.screen
        assert isinstance(bill_runs, BillRunsScreen)
        run = bill_runs.table.items[0]
        assert bill_runs.current_run() == run  # the cursor is on the new run
        assert any(m.startswith(f"Bill run {run.bill_run_number} created") for m in messages(app))

        await rest.settle()
        app.watcher.check_now()
        await settle(pilot)
        assert any(
            f"Bill run {run.bill_run_number} for every account in Batch1: 3 invoices" in m
            for m in messages(app)
        ), messages(app)
        await pilot.press("enter")
        await settle(pilot)
        run_screen = app.screen
        assert isinstance(run_screen, BillRunScreen)
        text = str(run_screen.query_one("#progress").content)  # type: ignore[attr-defined]
        assert text == "1 of 1 account processed · 3 invoices (5,651.65 USD), 0 credit memos"
        billed = run_screen.query_one("#accounts", DataTable)
        assert billed.row_count == 1 and str(billed.get_row_at(0)[0]) == "A00000001"
        assert str(billed.get_row_at(0)[1]) == "Acme Corporation"
        # Zuora's documents of a run name the account by id: the screen shows its number
        accounts = {str(run_screen.table.get_row_at(n)[6]) for n in range(3)}
        assert accounts == {"A00000001"}


async def test_schedule_daily_over_rest_and_the_clock_runs_it(rest: Any) -> None:
    app = make_app(rest)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_form(pilot)
        screen.query_one("#when").focus()
        await pilot.press("right")
        await type_into(pilot, screen, "target_offset", "30")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        body, _ = rest.recording.creates[-1]
        assert body["schedule"] == {"repeatType": "Daily", "repeatFrom": "2026-03-03", "runTime": 2}
        assert body["targetDateOffset"] == 30 and body["invoiceDateOffset"] == 0
        assert "targetDate" not in body
        bill_runs = app.screen
        assert isinstance(bill_runs, BillRunsScreen)
        listed = bill_runs.current_run()  # the cursor is on the new run
        assert listed is not None and listed.status is BillRunStatus.PENDING
        scheduled = await rest.get_bill_run(listed.id)  # Object Query lists carry no schedule
        assert scheduled.schedule is not None
        for _ in range(2):
            await pilot.press("t")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
        assert any(
            f"scheduled bill run {scheduled.bill_run_number} ran" in m for m in messages(app)
        ), messages(app)
        statuses = {r.bill_run_number: r.status for r in bill_runs.table.items}
        assert statuses[scheduled.bill_run_number] is BillRunStatus.COMPLETED
        newest = bill_runs.table.items[0]
        assert newest.status is BillRunStatus.PENDING and newest.id != scheduled.id
        assert (await rest.get_bill_run(newest.id)).schedule is not None


async def test_an_unknown_account_is_refused_against_the_form_over_rest(rest: Any) -> None:
    app = make_app(rest)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_form(pilot)
        screen.query_one("#who").focus()
        await pilot.press("left", "left")
        await type_into(pilot, screen, "account", "A09999999")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = form(pilot)
        assert errors(screen).startswith("Refused by the backend:")
        assert screen.state.account == "A09999999"
        assert rest.recording.creates == []  # refused before the bill run was asked for
