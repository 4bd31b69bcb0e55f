"""Posting a bill run's invoices in batches from the console: the progress panel on whatever
screen is up, the stop key, every invoice's outcome in the action log; and the same over REST
into the fake server with 429s and lost replies injected."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from textual.widgets import ProgressBar

from backends.fake.backend import FakeBackend
from backends.fake.bulk import bulk
from backends.fake.server.app import create_app
from backends.fake.server.tenants import TenantRegistry
from backends.models import BillRunStatus, DocumentStatus
from tests.server.factories import rest_over_asgi
from tui import actions
from tui.operations.bulk import post_in_batches
from tui.screens.action_log import ActionLogScreen
from tui.screens.bill_run import BillRunScreen
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.progress_panel import ProgressPanel

from .tui_helpers import make_app, messages, settle


class Held:
    """Holds every ``post_invoices`` call until the test lets it go, one at a time."""

    def __init__(self, backend: FakeBackend) -> None:
        self.started: list[list[str]] = []
        self._gates: list[asyncio.Event] = []
        original = backend.post_invoices

        async def post_invoices(keys: list[str]) -> Any:
            gate = asyncio.Event()
            self.started.append(list(keys))
            self._gates.append(gate)
            await gate.wait()
            return await original(keys)

        backend.post_invoices = post_invoices  # type: ignore[method-assign]

    def release(self, index: int) -> None:
        self._gates[index].set()

    def release_all(self) -> None:
        for gate in self._gates:
            gate.set()


async def until(pilot: Any, done: Any) -> None:
    """Let the app run until ``done()`` (bounded: a stuck condition fails, not hangs)."""
    for _ in range(200):
        if done():
            return
        await pilot.pause()
    assert done()


async def open_run(pilot: Any, backend: FakeBackend) -> BillRunScreen:
    app = pilot.app
    await settle(pilot)
    app.open_object("bill_run", (await backend.list_bill_runs()).items[0].id)
    await settle(pilot)
    assert isinstance(app.screen, BillRunScreen)
    return app.screen


def panel_text(screen: Any) -> str:
    panel = screen.query_one(ProgressPanel)
    return " ".join(str(label.content) for label in panel.query("Label"))


async def test_posting_a_runs_invoices_shows_progress_and_stops_after_the_batch_in_flight() -> None:
    backend = FakeBackend(bulk(300))  # 6 batches of 50
    held = Held(backend)
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_run(pilot, backend)
        assert not screen.query(ProgressPanel)  # nothing to show: no panel
        await pilot.press("E")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        text = " ".join(
            str(w.content) for w in dialog.query("Label, Static") if hasattr(w, "content")
        )
        assert "Post the 300 Draft invoices of bill run BR-00000001?" in text
        assert "in 6 bulk posts of up to 50, 4 at a time" in text and "ctrl+x stops" in text
        await pilot.press("y")
        await until(pilot, lambda: len(held.started) == 4)  # four batches in flight, no more
        assert app.screen is screen
        held.release(0)
        await until(pilot, lambda: len(held.started) == 5)  # one done: the next one starts
        await until(pilot, lambda: "50 of 300 done" in panel_text(screen))
        text = panel_text(screen)
        assert "Post invoices: BR-00000001" in text and "0 refused · 250 remaining" in text
        assert "ctrl+x stops after the batch in flight" in text
        assert screen.query_one(ProgressPanel).query_one(ProgressBar).progress == 50
        assert app.progress == "Post invoices 50/300"  # the header says it too

        # the panel follows the operator to another screen while the work runs
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, ActionLogScreen))
        await until(pilot, lambda: bool(app.screen.query(ProgressPanel)))
        assert "50 of 300 done" in panel_text(app.screen)

        await pilot.press("ctrl+x")
        await pilot.pause()
        assert "stopping: the batches in flight finish" in panel_text(app.screen)
        assert "ctrl+x" not in {k for k in app.screen.active_bindings}  # stop asked: key free
        held.release_all()
        await settle(pilot)
        assert len(held.started) == 5, "nothing started after the stop"
        summary = messages(app)[-1]
        assert summary == "BR-00000001: 250 posted, 0 refused; stopped: 50 not attempted"
        for stacked in app.screen_stack:
            assert not stacked.query(ProgressPanel)  # gone once the work ended
        assert app.progress == ""

        logged = [e for e in app.action_log.entries if e.action == "post_run_invoices"]
        assert logged[0].object == "BR-00000001" and logged[0].outcome == "ok"
        per_invoice = logged[1:]
        assert len(per_invoice) == 300
        assert [e.outcome for e in per_invoice].count("ok") == 250
        assert [e.outcome for e in per_invoice].count("cancelled") == 50
        assert per_invoice[0].result == "invoice INV00000001 posted"
        stop = next(e for e in app.action_log.entries if e.action == "stop_work")
        assert "stop asked at 50 of 300" in stop.result

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and "50 Draft" in str(
            screen.query_one("#documents-title").content
        )
        # E again posts what is left, and the run turns Posted
        await pilot.press("E", "y")
        await until(pilot, lambda: len(held.started) == 6)
        held.release_all()
        await settle(pilot)
        assert messages(app)[-1] == "BR-00000001: 50 posted, 0 refused"
        run = await backend.get_bill_run(screen.bill_run_id)
        assert run.status is BillRunStatus.POSTED
        assert screen.bill_run is not None and screen.bill_run.status is BillRunStatus.POSTED


async def test_post_invoices_is_refused_where_there_is_nothing_to_post() -> None:
    backend = FakeBackend(bulk(3))
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_run(pilot, backend)
        await backend.post_bill_run(screen.bill_run_id)
        await pilot.press("r")
        await settle(pilot)
        assert screen.refusal("post_run_invoices") == "BR-00000001 has no Draft invoice to post"
        await pilot.press("E")
        await settle(pilot)
        assert app.screen is screen and messages(app)[-1] == (
            "BR-00000001 has no Draft invoice to post"
        )


async def test_marked_invoices_go_through_the_same_batches() -> None:
    backend = FakeBackend(bulk(60))
    spy_calls: list[int] = []
    original = backend.post_invoices

    async def counted(keys: list[str]) -> Any:
        spy_calls.append(len(keys))
        return await original(keys)

    backend.post_invoices = counted  # type: ignore[method-assign]
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_run(pilot, backend)
        for doc in screen.docs[:55]:  # as if space had marked them (55 presses are slow)
            screen.toggle_mark(doc.id, screen._marked(doc))  # type: ignore[arg-type]
        await pilot.press("M", "y")
        await settle(pilot)
        assert spy_calls == [50, 5]
        assert messages(app)[-1] == "55 posted, 0 refused" and not screen.marked
        per_invoice = [e for e in app.action_log.entries if e.action == "post_marked"][1:]
        assert len(per_invoice) == 55 and {e.outcome for e in per_invoice} == {"ok"}


def test_the_stop_key_is_in_the_registry_and_clashes_with_nothing() -> None:
    spec = actions.by_id("stop_work")
    assert spec.key == "ctrl+x" and actions.APP in spec.scopes and spec.priority
    assert actions.keymap_problem({}) is None
    assert actions.keymap_problem({"stop_work": "x"}) is not None  # x is taken on screens


# ---------------------------------------------------------------- over REST, with faults


async def test_over_rest_with_429s_and_lost_replies_nothing_is_posted_twice() -> None:
    app = create_app(TenantRegistry(seed="bulk:260"), save_on_shutdown=False)
    async with rest_over_asgi(app) as sb:
        await sb.control.add_faults(
            {"effect": "rate_limit", "probability": 0.3, "retryAfter": 1},
            {
                "effect": "unavailable",
                "operation": "POST_PostInvoices",
                "phase": "after",
                "times": 2,
            },
        )
        backend = sb.backend
        run = (await backend.list_bill_runs()).items[0]
        keys = [f"INV{n:08d}" for n in range(1, 261)]
        report = await post_in_batches(backend, keys)
        journal = await sb.control.journal()
        await sb.control.clear_faults()
        assert [o.key for o in report.outcomes] == keys
        assert report.count("posted") == 260, [
            o.text for o in report.outcomes if o.outcome != "posted"
        ]
        limited = [e for e in journal if e.get("fault") and e.get("status") == 429]
        assert limited, "the 429s must really have been injected"
        assert sum(1 for e in journal if e.get("replayed")) >= 2  # the lost replies replayed
        posts = [e for e in journal if e.get("path") == "/v1/invoices/bulk-post"]
        assert len(posts) > 6  # 6 batches, and their retries
        after = await backend.get_bill_run(run.id)
        assert after.status is BillRunStatus.POSTED
        docs = await backend.list_bill_run_documents(run.id)
        assert all(i.status is DocumentStatus.POSTED for i in docs.invoices)
        # posted exactly once: each account's balance is the sum of its invoices, once
        totals: dict[str, Decimal] = {}
        for inv in docs.invoices:
            totals[inv.account_id] = totals.get(inv.account_id, Decimal(0)) + inv.amount
        for account_id, total in list(totals.items())[:5]:
            assert (await backend.get_account(account_id)).balance == total
