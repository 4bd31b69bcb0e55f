"""The backends the contract tests run against: a list of factories, each giving a backend that
serves the demo tenant. Every test runs three ways: the in-process fake, the REST backend into
the fake Zuora server in-process (``httpx`` over ASGI), and the REST backend over a real uvicorn
on 127.0.0.1 with an ephemeral port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from backends.base import Backend, Settleable
from backends.fake import FakeBackend
from backends.models import BillRun, InvoiceSchedule, ScheduleItem
from tests.server.factories import rest_over_asgi_backend, rest_over_uvicorn_backend
from tests.spec.conformance import spec_conformance  # noqa: F401  (autouse)

BackendFactory = Callable[[], Backend]


def _fake() -> Backend:
    return FakeBackend.demo(progression="manual")


BACKEND_FACTORIES: list[object] = [
    pytest.param(_fake, id="fake"),
    pytest.param(rest_over_asgi_backend, id="rest-asgi"),
    pytest.param(rest_over_uvicorn_backend, id="rest-uvicorn"),
]


@pytest.fixture(params=BACKEND_FACTORIES)
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    factory: BackendFactory = request.param
    built = factory()
    try:
        yield built
    finally:
        await built.aclose()


async def finish(backend: Backend, bill_run_id: str, *, patience: float = 30.0) -> BillRun:
    """Wait until a bill run is finished: settle when the backend can, else poll."""
    if isinstance(backend, Settleable):
        await backend.settle()
    deadline = asyncio.get_running_loop().time() + patience
    while True:
        run = await backend.get_bill_run(bill_run_id)
        if run.is_finished or asyncio.get_running_loop().time() > deadline:
            return run
        await asyncio.sleep(0.2)  # only reached by backends without Settleable


async def bill_run_of(backend: Backend, item: ScheduleItem) -> str:
    """The bill run behind a Processed item. ``bill_run_id`` on an item is a derived field that
    the REST backend fills only when it is cheap, so fall back to the item's invoice."""
    if item.bill_run_id:
        return item.bill_run_id
    assert item.invoice_id, "the item has neither a bill run nor an invoice"
    run_id = (await backend.get_invoice(item.invoice_id)).bill_run_id
    assert run_id
    return run_id


async def wait_for_schedule(
    backend: Backend,
    key: str,
    done: Callable[[InvoiceSchedule], bool],
    *,
    patience: float = 30.0,
) -> InvoiceSchedule:
    """Settle when the backend can, then re-read the schedule until ``done`` says so."""
    if isinstance(backend, Settleable):
        await backend.settle()
    deadline = asyncio.get_running_loop().time() + patience
    while True:
        schedule = await backend.get_invoice_schedule(key)
        if done(schedule) or asyncio.get_running_loop().time() > deadline:
            return schedule
        await asyncio.sleep(0.2)  # only reached by backends without Settleable
