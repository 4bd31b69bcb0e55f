"""Snapshots of the new-bill-run form (empty, filled, with errors) and the bill run screen (a
finished run with the accounts it billed; a scheduled run waiting; a run whose invoices are
being posted, with the progress panel), at 120x36 and 80x24.
Regenerate on purpose with ``--snapshot-update`` and look at them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest

from backends.fake.backend import FakeBackend
from backends.fake.bulk import bulk
from backends.models import ALL_BATCHES, BillRunSchedule, CreateBillRunRequest, RepeatType

from .test_bulk_progress import Held, open_run, panel_text, until
from .tui_helpers import make_app, settle

SIZES = [(120, 36), (80, 24)]
SIZE_IDS = ["120x36", "80x24"]

Step = Callable[[Any], Awaitable[None]]


async def new_form(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("B")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)


async def filled(pilot: Any) -> None:
    """One account found by name, weekly on Mon and Thu, billing 30 days ahead."""
    await new_form(pilot)
    screen = pilot.app.screen
    screen.query_one("#who").focus()
    await pilot.press("left", "left")
    screen.query_one("#account").focus()
    await pilot.press(*"hoo")
    await settle(pilot)
    await pilot.press("down", "enter")
    await settle(pilot)
    await pilot.press("right", "right")  # when: Weekly
    screen.query_one("#weekdays").value = "Mon, Thu"
    screen.query_one("#target_offset").value = "30"
    screen.query_one("#exclude-Usage").value = True
    screen.query_one("#name").value = "Hooli twice a week"
    await settle(pilot)
    screen.query_one("#name").focus()
    await settle(pilot)


async def with_errors(pilot: Any) -> None:
    await new_form(pilot)
    screen = pilot.app.screen
    screen.query_one("#batches").value = "Batch1, Batch51"
    screen.query_one("#target_date").value = "someday"
    for box in ("#exclude-OneTime", "#exclude-Recurring", "#exclude-Usage"):
        screen.query_one(box).value = True
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def finished_run(pilot: Any) -> None:
    backend = pilot.app.backend
    run = await backend.create_bill_run(
        CreateBillRunRequest(batches=[ALL_BATCHES], target_date=date(2026, 4, 30))
    )
    await backend.settle()
    await settle(pilot)
    pilot.app.open_object("bill_run", run.id)
    await settle(pilot)


async def scheduled_run(pilot: Any) -> None:
    backend = pilot.app.backend
    run = await backend.create_bill_run(
        CreateBillRunRequest(
            batches=["Batch2"],
            schedule=BillRunSchedule(
                repeat_type=RepeatType.DAILY, repeat_from=date(2026, 3, 3), run_time=2
            ),
            target_date_offset=30,
            name="Batch2 every night",
        )
    )
    await settle(pilot)
    pilot.app.open_object("bill_run", run.id)
    await settle(pilot)


SCENES: dict[str, Step] = {
    "form_empty": new_form,
    "form_filled": filled,
    "form_errors": with_errors,
    "bill_run_finished": finished_run,
    "bill_run_scheduled": scheduled_run,
}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("name", list(SCENES))
def test_bill_run_form_and_screen(snap_compare: Any, name: str, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), run_before=SCENES[name], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_bill_run_while_its_invoices_post(snap_compare: Any, size: tuple[int, int]) -> None:
    """E on a run of 300 Draft invoices, held after the first of its 6 batches: the progress
    panel above the footer (50 of 300, the stop key) and the header's short text."""
    backend = FakeBackend(bulk(300))
    held = Held(backend)

    async def posting(pilot: Any) -> None:
        await open_run(pilot, backend)
        await pilot.press("E", "y")
        await until(pilot, lambda: len(held.started) == 4)
        held.release(0)
        await until(pilot, lambda: len(held.started) == 5)
        await until(pilot, lambda: "50 of 300 done" in panel_text(pilot.app.screen))
        await pilot.pause()  # not settle: the held batches never complete

    assert snap_compare(make_app(backend), run_before=posting, terminal_size=size)
