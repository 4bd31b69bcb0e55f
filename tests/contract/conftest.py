"""The backends the contract tests run against: a list of factories, each giving a backend that
serves the demo tenant. Today only the fake; the REST backend (against the fake HTTP server)
joins by appending a factory here."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from backends.base import Backend, Settleable
from backends.fake import FakeBackend
from backends.models import BillRun

BackendFactory = Callable[[], Backend]


def _fake() -> Backend:
    return FakeBackend.demo(progression="manual")


BACKEND_FACTORIES: list[object] = [pytest.param(_fake, id="fake")]


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
