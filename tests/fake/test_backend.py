"""The async adapter: protocol, copies, locking, errors, profiles, clock and settle."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from backends.base import Backend, Settleable, SimulatedClock
from backends.errors import BackendError, ConflictError, ServerError, ValidationError
from backends.factory import make_backend
from backends.fake import FakeBackend
from backends.fake.engine import StateError
from backends.models import BillRunStatus, InvoiceScheduleStatus, ScheduleItemStatus
from backends.profile import BackendProfile


def test_it_implements_the_contract_and_both_capabilities() -> None:
    backend = FakeBackend.demo()
    assert isinstance(backend, Backend)
    assert isinstance(backend, SimulatedClock) and isinstance(backend, Settleable)
    info = backend.describe()
    assert info.kind == "FAKE" and info.host is None


async def test_returned_objects_are_copies(fake: FakeBackend) -> None:
    s = await fake.get_invoice_schedule("IS-00000001")
    s.status = InvoiceScheduleStatus.FULLY_PROCESSED
    s.schedule_items.clear()
    again = await fake.get_invoice_schedule("IS-00000001")
    assert again.status is InvoiceScheduleStatus.PENDING and len(again.schedule_items) == 3
    run = await fake.execute_invoice_schedule("IS-00000001")
    run.status = BillRunStatus.POSTED
    assert (await fake.get_bill_run(run.id)).status is BillRunStatus.PENDING


async def test_manual_progression_waits_for_settle(fake: FakeBackend) -> None:
    run = await fake.execute_invoice_schedule("IS-00000001")
    for _ in range(5):
        await asyncio.sleep(0)
        assert (await fake.get_bill_run(run.id)).status is BillRunStatus.PENDING
    await fake.settle()
    assert (await fake.get_bill_run(run.id)).status is BillRunStatus.COMPLETED


async def test_concurrent_generates_on_one_account_give_one_conflict(fake: FakeBackend) -> None:
    results = await asyncio.gather(
        *(fake.execute_invoice_schedule("IS-00000002") for _ in range(4)), return_exceptions=True
    )
    ok = [r for r in results if not isinstance(r, BaseException)]
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(ok) == 1 and all(isinstance(e, ConflictError) for e in errors)


async def test_clock_capability(fake: FakeBackend) -> None:
    result = await fake.advance(to=date(2026, 3, 3))
    assert [x.schedule_number for x in result.executed] == ["IS-00000001"]
    assert await fake.today() == date(2026, 3, 3)
    s = await fake.get_invoice_schedule("IS-00000001")
    assert s.schedule_items[0].status is ScheduleItemStatus.PROCESSED
    nxt = await fake.advance_to_next_run_date()
    assert nxt.to_date == date(2026, 4, 1)
    with pytest.raises(ValidationError):
        await fake.advance(to=date(2026, 1, 1))


async def test_an_engine_bug_surfaces_as_a_server_error(fake: FakeBackend) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    fake.engine.get_order = broken  # type: ignore[method-assign]
    with pytest.raises(ServerError, match="boom"):
        await fake.get_order("O-00000001")


async def test_errors_are_backend_errors_with_codes(fake: FakeBackend) -> None:
    with pytest.raises(BackendError) as info:
        await fake.get_order("O-09999999")
    assert info.value.status == 404 and info.value.code and info.value.code % 100 == 40


async def test_from_profile_seeds_and_factory() -> None:
    demo = FakeBackend.from_profile(BackendProfile(seed="demo", progression="manual"))
    assert (await demo.get_order("O-00000001")).invoice_schedule_number == "IS-00000001"
    empty = FakeBackend.from_profile(BackendProfile(seed="empty", progression="manual"))
    assert (await empty.list_orders()).items == []
    with pytest.raises(ValidationError, match="Unknown fake seed"):
        FakeBackend.from_profile(BackendProfile(seed="nope"))
    made = make_backend(BackendProfile(progression="manual"))
    assert isinstance(made, FakeBackend)
    for backend in (demo, empty, made):
        await backend.aclose()


async def test_state_file_is_loaded_and_saved_on_close(tmp_path: Path) -> None:
    path = tmp_path / "tenant.json"
    profile = BackendProfile(seed="demo", progression="manual", state_file=path)
    first = FakeBackend.from_profile(profile)
    await first.pause_invoice_schedule("IS-00000001")
    await first.aclose()
    assert path.exists()
    second = FakeBackend.from_profile(profile)
    assert (await second.get_invoice_schedule("IS-00000001")).status is InvoiceScheduleStatus.PAUSED
    await second.aclose()
    path.write_text("{not json")
    with pytest.raises(StateError, match="not valid JSON"):
        FakeBackend.from_profile(profile)


async def test_context_manager_closes() -> None:
    async with FakeBackend.demo(progression="realtime", stage_seconds=60) as backend:
        await backend.execute_invoice_schedule("IS-00000001")
        driver = backend._driver
        assert driver is not None and driver.running
    assert not driver.running
