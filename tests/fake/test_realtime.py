"""Realtime progression: stages advance on their own after ``stage_seconds`` of (fake) time."""

from __future__ import annotations

import asyncio
import threading

from backends.fake import FakeBackend
from backends.fake.engine import Engine
from backends.fake.progression import RealtimeDriver
from backends.fake.tenants import demo
from backends.models import BillRunStatus, ScheduleItemStatus


async def _wait_for(predicate: object, turns: int = 200) -> None:
    for _ in range(turns):
        if await predicate():  # type: ignore[operator]
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not reached")


async def test_realtime_runs_finish_without_settle() -> None:
    async with FakeBackend.demo(progression="realtime", stage_seconds=0) as backend:
        run = await backend.execute_invoice_schedule("IS-00000001")

        async def completed() -> bool:
            return (await backend.get_bill_run(run.id)).status is BillRunStatus.COMPLETED

        await _wait_for(completed)
        s = await backend.get_invoice_schedule("IS-00000001")
        assert s.schedule_items[0].status is ScheduleItemStatus.PROCESSED
        # the demo's Processing run (IS-00000007) finished too
        s7 = await backend.get_invoice_schedule("IS-00000007")
        assert s7.schedule_items[0].status is ScheduleItemStatus.PROCESSED


async def test_each_stage_takes_stage_seconds() -> None:
    now = [100.0]
    engine = demo()
    lock = threading.Lock()
    driver = RealtimeDriver(lambda: engine, lock, 1.0, monotonic=lambda: now[0])
    run_id = engine.execute_invoice_schedule("IS-00000001").id
    # IS-00000007's run is Processing already; both are seen now
    assert driver._tick() == 1.0
    assert engine.get_bill_run(run_id).status is BillRunStatus.PENDING
    now[0] += 0.5
    assert driver._tick() == 0.5
    assert engine.get_bill_run(run_id).status is BillRunStatus.PENDING
    now[0] += 0.5
    driver._tick()
    assert engine.get_bill_run(run_id).status is BillRunStatus.PROCESSING
    now[0] += 1.0
    assert driver._tick() is None  # both done: idle
    assert engine.get_bill_run(run_id).status is BillRunStatus.COMPLETED
    assert engine.active_bill_runs() == []


async def test_realtime_task_starts_lazily_and_stops_on_close() -> None:
    backend = FakeBackend.demo(progression="realtime", stage_seconds=30)
    assert backend._driver is not None and not backend._driver.running
    await backend.get_order("O-00000001")
    assert backend._driver.running
    await backend.aclose()
    assert not backend._driver.running


async def test_settle_works_in_realtime_too() -> None:
    async with FakeBackend.demo(progression="realtime", stage_seconds=30) as backend:
        run = await backend.execute_invoice_schedule("IS-00000001")
        await backend.settle()
        assert (await backend.get_bill_run(run.id)).status is BillRunStatus.COMPLETED


def test_manual_engine_has_no_driver() -> None:
    assert FakeBackend(Engine())._driver is None
