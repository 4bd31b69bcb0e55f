"""The REST backend end to end against the fake server: in process (ASGI) and over uvicorn.

The same operator flow runs on the in-process ``FakeBackend`` too, and the observable results
(numbers, statuses, amounts) must be the same three ways.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from backends.base import Backend
from backends.errors import BusinessRuleError, NotFoundError
from backends.fake.backend import FakeBackend
from backends.models import (
    CreateBillRunRequest,
    CreateInvoiceScheduleRequest,
    ScheduleItemInput,
    UpdateInvoiceScheduleRequest,
)

from .factories import rest_over_asgi, rest_over_uvicorn

Settle = Callable[[], Awaitable[Any]]
Advance = Callable[[date], Awaitable[Any]]


@contextlib.asynccontextmanager
async def _in_process() -> AsyncIterator[tuple[Backend, Settle, Advance]]:
    async with FakeBackend.demo() as backend:

        async def advance(to: date) -> Any:
            return await backend.advance(to=to)

        yield backend, backend.settle, advance


@contextlib.asynccontextmanager
async def _over(factory: Any) -> AsyncIterator[tuple[Backend, Settle, Advance]]:
    async with factory() as sb:

        async def advance(to: date) -> Any:
            return await sb.control.advance(to=to)

        yield sb.backend, sb.control.settle, advance


Way = Callable[[], contextlib.AbstractAsyncContextManager[tuple[Backend, Settle, Advance]]]
WAYS: dict[str, Way] = {
    "in-process": _in_process,
    "asgi": lambda: _over(rest_over_asgi),
    "uvicorn": lambda: _over(rest_over_uvicorn),
}


async def _flow(backend: Backend, settle: Settle, advance: Advance) -> list[Any]:
    """Generate → settle → post, pause/resume, credit run, bill run, create/update/delete."""
    out: list[Any] = []
    order = await backend.get_order("O-00000001")
    out.append((order.order_number, order.existing_account_number, order.invoice_schedule_id))
    account = await backend.get_account(order.existing_account_number)
    out.append((account.account_number, account.name, account.currency))
    schedules = await backend.list_invoice_schedules(order_number="O-00000001")
    out.append([s.number for s in schedules.items])
    schedule = await backend.get_invoice_schedule("IS-00000001")
    item = schedule.schedule_items[0]
    run = await backend.execute_invoice_schedule("IS-00000001", item.id)
    out.append((run.bill_run_number, run.status, run.target_date))
    await settle()
    run = await backend.get_bill_run(run.id)
    schedule = await backend.get_invoice_schedule("IS-00000001")
    out.append((run.status, schedule.status, schedule.billed_amount, schedule.next_run_date))
    invoice_id = schedule.schedule_items[0].invoice_id
    assert invoice_id is not None
    invoice = await backend.post_invoice(invoice_id)
    out.append((invoice.invoice_number, invoice.status, invoice.amount))
    out.append((await backend.get_bill_run(run.id)).status)
    paused = await backend.pause_invoice_schedule("IS-00000001")
    with pytest.raises(BusinessRuleError):
        await backend.execute_invoice_schedule("IS-00000001")
    resumed = await backend.resume_invoice_schedule("IS-00000001")
    out.append((paused.status, resumed.status))
    credit_run = await backend.execute_invoice_schedule("IS-00000004")
    await settle()
    memo_id = (await backend.get_invoice_schedule("IS-00000004")).schedule_items[-1].credit_memo_id
    assert memo_id is not None
    memo = await backend.post_credit_memo(memo_id)
    out.append((credit_run.bill_run_number, memo.number, memo.status, memo.amount))
    draft = (await backend.get_invoice_schedule("IS-00000002")).schedule_items[0].invoice_id
    assert draft is not None
    out.append((await backend.get_invoice(draft)).status)
    run2 = await backend.create_bill_run(
        CreateBillRunRequest(target_date=date(2026, 3, 2), name="ad hoc")
    )
    out.append((run2.bill_run_number, run2.status))
    cancelled = await backend.cancel_bill_run(run2.id)
    out.append(cancelled.status)
    created = await backend.create_invoice_schedule(
        CreateInvoiceScheduleRequest(
            account_key="A00000008",
            orders=["O-00000009"],
            schedule_items=[
                ScheduleItemInput(percentage=Decimal("40"), run_date=date(2026, 6, 1)),
                ScheduleItemInput(percentage=Decimal("60"), run_date=date(2026, 9, 1)),
            ],
        )
    )
    out.append((created.number, created.status, created.total_amount))
    updated = await backend.update_invoice_schedule(
        "IS-00000006", UpdateInvoiceScheduleRequest(notes="moved by the test")
    )
    out.append((updated.number, updated.notes))
    moved = await advance(date(2026, 4, 1))
    out.append([(e.schedule_number, e.run_date) for e in moved.executed])
    await settle()
    await backend.delete_invoice_schedule(created.number)
    with pytest.raises(NotFoundError):
        await backend.get_invoice_schedule(created.number)
    with pytest.raises(NotFoundError):
        await backend.get_invoice("INV99999999")
    listed = await backend.list_orders(page_size=50)
    out.append(sorted(o.order_number for o in listed.items)[:10])
    final = await backend.list_invoice_schedules(account_id=account.id)
    out.append(sorted((s.number, s.status, s.billed_amount) for s in final.items))
    return out


async def test_the_same_flow_gives_the_same_results_three_ways() -> None:
    results = {}
    for name, way in WAYS.items():
        async with way() as (backend, settle, advance):
            results[name] = await _flow(backend, settle, advance)
    assert results["asgi"] == results["in-process"]
    assert results["uvicorn"] == results["in-process"]


async def test_uvicorn_drop_is_a_connection_error_the_client_retries() -> None:
    async with rest_over_uvicorn(max_retries=2) as sb:
        await sb.control.add_faults({"effect": "drop", "path": "/v1/orders/*", "times": 1})
        order = await sb.backend.get_order("O-00000001")
        assert order.order_number == "O-00000001"
        statuses = [e["status"] for e in await sb.control.journal(path="/v1/orders/*")]
        assert statuses == [0, 200]
