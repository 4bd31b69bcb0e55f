"""The simulated clock and the Zuora Scheduler; reading never advances anything; purity."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from backends.errors import ValidationError
from backends.fake.engine import Engine
from backends.models import BillRunStatus, InvoiceScheduleStatus, ScheduleItemStatus

from .conftest import new_order, new_schedule, refused

ENGINE_DIR = Path(__file__).resolve().parents[2] / "backends" / "fake" / "engine"


def test_the_clock_only_moves_forward(engine: Engine) -> None:
    with refused(engine, ValidationError, match="only moves forward"):
        engine.advance(date(2026, 3, 1))


def test_advance_runs_the_scheduler_for_due_items_and_skips_paused(engine: Engine) -> None:
    result = engine.advance(date(2026, 4, 1))
    assert result.from_date == date(2026, 3, 2) and result.to_date == date(2026, 4, 1)
    assert engine.today == date(2026, 4, 1)
    executed = [(x.schedule_number, x.run_date) for x in result.executed]
    assert ("IS-00000001", date(2026, 3, 2)) in executed
    assert ("IS-00000001", date(2026, 4, 1)) in executed
    assert ("IS-00000006", date(2026, 4, 1)) in executed
    assert all(number != "IS-00000003" for number, _ in executed)  # Paused
    for x in result.executed:
        run = engine.get_bill_run(x.bill_run_id)
        assert run.status is BillRunStatus.COMPLETED and run.bill_run_number == x.bill_run_number
    assert engine.active_bill_runs() == []  # the Processing run of IS-00000007 was finished too
    paused = engine.get_invoice_schedule("IS-00000003")
    assert paused.status is InvoiceScheduleStatus.PAUSED
    assert paused.schedule_items[1].status is ScheduleItemStatus.PENDING


def test_items_with_a_blank_run_date_are_never_auto_executed(engine: Engine) -> None:
    engine.advance(date(2027, 12, 31))
    schedule = engine.get_invoice_schedule("IS-00000006")
    assert [i.status for i in schedule.schedule_items] == [
        ScheduleItemStatus.PROCESSED,
        ScheduleItemStatus.PROCESSED,
        ScheduleItemStatus.PENDING,
    ]
    assert schedule.next_run_date is None


def test_advance_to_next_run_date(blank: Engine) -> None:
    order = new_order(blank)
    schedule = new_schedule(
        blank, order, [("600.00", date(2026, 3, 20)), ("600.00", date(2026, 5, 1))]
    )
    first = blank.advance_to_next_run_date()
    assert first.to_date == date(2026, 3, 20) and len(first.executed) == 1
    second = blank.advance_to_next_run_date()
    assert second.to_date == date(2026, 5, 1)
    assert blank.get_invoice_schedule(schedule.number).status is (
        InvoiceScheduleStatus.FULLY_PROCESSED
    )
    nothing = blank.advance_to_next_run_date()
    assert nothing.from_date == nothing.to_date == date(2026, 5, 1) and nothing.executed == []


def test_items_due_today_run_on_the_next_advance(engine: Engine) -> None:
    result = engine.advance(engine.today)
    assert [(x.schedule_number, x.run_date) for x in result.executed] == [
        ("IS-00000001", date(2026, 3, 2))
    ]


def test_created_dates_come_from_the_simulated_clock(engine: Engine) -> None:
    engine.advance(date(2026, 6, 15))
    run = engine.execute_invoice_schedule("IS-00000001")
    assert run.created_date is not None and run.created_date.date() == date(2026, 6, 15)


def test_reading_never_advances_anything(engine: Engine) -> None:
    from .conftest import state_of

    before = state_of(engine)
    for _ in range(3):
        engine.get_invoice_schedule("IS-00000007")
        engine.list_orders(page_size=5)
        engine.list_invoice_schedules(page_size=5)
        engine.get_bill_run(engine.active_bill_runs()[0])
    assert state_of(engine) == before
    assert engine.get_invoice_schedule("IS-00000007").schedule_items[0].status is (
        ScheduleItemStatus.EXECUTING
    )


def test_the_engine_reads_no_wall_clock_and_does_no_io_or_asyncio() -> None:
    forbidden = re.compile(
        r"date\.today\(|datetime\.now\(|datetime\.utcnow\(|time\.time\(|time\.monotonic\("
        r"|^import asyncio|^from asyncio|^import random|\bopen\(|^import os|^from pathlib"
    )
    offenders = []
    for path in sorted(ENGINE_DIR.glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if forbidden.search(line.strip()):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []
