"""The console over the REST backend into the fake Zuora server (in-process, over ASGI).

The same keys as on the in-process fake, now through Zuora's wire format: OAuth, envelopes,
Object Query, idempotency keys and retries. With faults injected on about 30% of requests
(429 with Retry-After, 503, lock contention before the engine runs, and lost answers to POSTs
after it ran) every action still completes exactly once or shows a clear error: one bill run
and one invoice per item.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from textual.widgets import DataTable

from backends.models import DocumentStatus, InvoiceScheduleStatus, ScheduleItemStatus
from tests.server.factories import FakeServerBackend, rest_over_asgi_backend
from tui.screens.schedule import ScheduleScreen
from tui.widgets.confirm import ConfirmDialog

from .tui_helpers import make_app, messages, open_schedule, settle

FAULTS = [
    {"effect": "rate_limit", "probability": 0.12, "retryAfter": 1},
    {"effect": "unavailable", "probability": 0.1},
    {"effect": "lock", "probability": 0.1},
    # the answer to a POST lost after the engine did the work: only the idempotency key
    # stops the retry from creating a second bill run
    {
        "effect": "unavailable",
        "operation": "POST_ExecuteInvoiceSchedule",
        "phase": "after",
        "times": 2,
    },
]


@pytest.fixture
async def backend() -> Any:
    built = rest_over_asgi_backend()
    yield built
    await built.aclose()


def document_cell(screen: ScheduleScreen, row: int) -> str:
    return str(screen.query_one("#items", DataTable).get_row_at(row)[6])


async def confirm(pilot: Any, key: str) -> None:
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog)
    await pilot.press("y")
    await settle(pilot)


async def refresh_until(pilot: Any, screen: ScheduleScreen, done: Any, tries: int = 6) -> None:
    """Refresh (``r``) until ``done(schedule)``: a refresh hit by a fault just tries again."""
    for _ in range(tries):
        if screen.schedule is not None and done(screen.schedule):
            return
        await pilot.press("r")
        await settle(pilot)
    assert screen.schedule is not None and done(screen.schedule)


async def walk_the_demo(pilot: Any, backend: FakeServerBackend) -> None:
    """Generate → Processed → post; pause and resume; create bill run with a credit memo."""
    app = pilot.app
    screen = await open_schedule(pilot, "IS-00000001")
    await confirm(pilot, "g")
    await backend.settle()
    await refresh_until(
        pilot, screen, lambda s: s.schedule_items[0].status is ScheduleItemStatus.PROCESSED
    )
    await refresh_until(pilot, screen, lambda s: s.schedule_items[0].invoice_number is not None)
    assert "Draft" in document_cell(screen, 0)
    await confirm(pilot, "p")
    await refresh_until(
        pilot, screen, lambda s: s.schedule_items[0].invoice_status is DocumentStatus.POSTED
    )
    assert "Posted" in document_cell(screen, 0)

    await pilot.press("z")
    await settle(pilot)
    await refresh_until(pilot, screen, lambda s: s.status is InvoiceScheduleStatus.PAUSED)
    await pilot.press("z")
    await settle(pilot)
    await refresh_until(
        pilot, screen, lambda s: s.status is InvoiceScheduleStatus.PARTIALLY_PROCESSED
    )

    await pilot.press("escape")
    await settle(pilot)
    screen = await open_schedule(pilot, "IS-00000004")
    await confirm(pilot, "b")
    await backend.settle()
    await refresh_until(
        pilot, screen, lambda s: s.schedule_items[-1].credit_memo_number is not None
    )
    assert "CM" in document_cell(screen, len(screen.schedule.schedule_items) - 1)  # type: ignore[union-attr]
    assert app.return_code is None  # nothing crashed the console


async def test_console_walks_the_demo_over_rest(backend: FakeServerBackend) -> None:
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_the_demo(pilot, backend)
        said = messages(app)
        assert any(m.startswith("Invoice INV") and "posted" in m for m in said)
        assert any(m.startswith("Credit memo CM") and "for 200.00 USD created" in m for m in said)
        assert app.screen.query_one("#items")  # still on a working screen
        # every action names the Zuora-Track-Id of each wire call it made, for support
        generate = next(e for e in app.action_log.entries if e.action == "generate")
        assert generate.outcome == "ok" and generate.track_ids
        assert all(t.startswith("btui-") for t in generate.track_ids)
    assert app.backend.describe().kind == "REST"


async def test_console_over_rest_with_faults_does_everything_exactly_once(
    backend: FakeServerBackend,
) -> None:
    await backend.control.add_faults(*FAULTS)
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await walk_the_demo(pilot, backend)
    journal = await backend.control.journal()
    faulted = [e for e in journal if e.get("fault")]
    assert len(faulted) >= 5, "the faults must really have been injected"
    assert sum(1 for e in journal if e.get("replayed")) >= 2  # both lost answers replayed
    await backend.control.clear_faults()
    state = await backend.control.export_state()
    engine = state.get("engine", state)
    # exactly one bill run per executed item and one invoice per item: nothing duplicated
    runs = Counter(
        f.get("invoiceScheduleItemId") or f.get("invoiceScheduleId")
        for record in _objects(engine, "billRuns")
        for f in record.get("billRun", record).get("billRunFilters", [])
    )
    assert runs and max(runs.values()) == 1
    schedule = await backend.get_invoice_schedule("IS-00000001")
    first = schedule.schedule_items[0]
    assert first.status is ScheduleItemStatus.PROCESSED and first.invoice_id
    invoices = [
        record
        for record in _objects(engine, "invoices")
        if record.get("invoice", record).get("id") == first.invoice_id
    ]
    assert len(invoices) == 1
    memo = (await backend.get_invoice_schedule("IS-00000004")).schedule_items[-1]
    assert memo.credit_memo_id is not None


def _objects(engine: Any, kind: str) -> list[dict[str, Any]]:
    """The objects of one kind in an exported engine state, wherever the export nests them."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == kind:
                    items = value.values() if isinstance(value, dict) else value
                    found.extend(i for i in items if isinstance(i, dict))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(engine)
    return found


async def test_order_screen_names_the_latest_schedule_when_rest_gives_only_its_id(
    backend: FakeServerBackend,
) -> None:
    from tui.screens.order import _latest_schedule_number

    order = await backend.get_order("O-00000001")
    schedules = (await backend.list_invoice_schedules(order_number="O-00000001")).items
    assert order.invoice_schedule_id and order.invoice_schedule_number is None
    assert _latest_schedule_number(order, schedules) == "IS-00000001"
    assert _latest_schedule_number(order, []) is None
