"""The console's navigation and actions over the REST backend against the spec-minimal tenant
(only the fields Zuora's spec requires and its documented samples show; see spec_tenant.py):
orders page, search by number, account and name,
order, schedule, invoice, credit memo, bill run, bill runs list; generate to Processed, post,
pause/resume, create bill run, unpost, cancel, reverse, bulk post."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from backends.fake.server.app import create_app
from backends.fake.server.tenants import DEMO_CLIENT_SECRET, TenantRegistry
from backends.fake.server.transport import FakeServerTransport
from backends.models import (
    DocumentStatus,
    InvoiceScheduleStatus,
    ScheduleItemStatus,
)
from backends.rest import RestBackend
from tests.server.factories import LOOPBACK, Control, new_client_id

from .spec_tenant import SpecMinimalTransport


@dataclass
class Tenant:
    backend: RestBackend
    control: Control
    transport: SpecMinimalTransport


async def _no_sleep(_seconds: float) -> None:
    return None


@pytest.fixture
async def tenant() -> AsyncIterator[Tenant]:
    app = create_app(TenantRegistry(), save_on_shutdown=False)
    cid = new_client_id("spec")
    transport = SpecMinimalTransport(FakeServerTransport(app))
    async with (
        httpx.AsyncClient(transport=FakeServerTransport(app), base_url=LOOPBACK) as http,
        RestBackend(
            LOOPBACK,
            client_id=cid,
            client_secret=DEMO_CLIENT_SECRET,
            transport=transport,
            sleep=_no_sleep,
        ) as backend,
    ):
        yield Tenant(backend, Control(http, cid), transport)


async def test_navigation(tenant: Tenant) -> None:
    b = tenant.backend
    page = await b.list_orders()
    assert page.items
    first = page.items[0]
    assert (await b.list_orders(search=first.order_number)).items[0].order_number == (
        first.order_number
    )
    by_account = await b.list_orders(search=first.existing_account_number)
    assert first.order_number in {o.order_number for o in by_account.items}
    order = await b.get_order(first.order_number)
    if order.account_name:
        by_name = await b.list_orders(search=order.account_name.split()[0])
        assert by_name.items
    schedules = await b.list_invoice_schedules(order_number=order.order_number)
    assert schedules.items
    schedule = await b.get_invoice_schedule(schedules.items[0].number)
    assert schedule.schedule_items
    runs = await b.list_bill_runs()
    assert runs.items
    run = await b.get_bill_run(runs.items[0].id)
    documents = await b.list_bill_run_documents(run.id)
    for invoice in documents.invoices[:1]:
        assert (await b.get_invoice(invoice.invoice_number)).id == invoice.id
    for memo in documents.credit_memos[:1]:
        assert (await b.get_credit_memo(memo.number)).id == memo.id
    # the fake's answers lost what no sample shows, and money came both as strings and numbers
    stripped = tenant.transport.stripped
    assert "GET /v1/orders orders[].category" in stripped
    assert "GET /v1/invoice-schedules/{scheduleKey} scheduleItems[].name" in stripped
    assert tenant.transport.money_as_strings > 0


async def test_actions(tenant: Tenant) -> None:
    b, control = tenant.backend, tenant.control
    key = "IS-00000001"
    schedule = await b.get_invoice_schedule(key)
    await b.execute_invoice_schedule(key, schedule.schedule_items[0].id)
    await control.settle()
    schedule = await b.get_invoice_schedule(key)
    first = schedule.schedule_items[0]
    assert first.status is ScheduleItemStatus.PROCESSED and first.invoice_number
    number = first.invoice_number
    assert (await b.post_invoice(number)).status is DocumentStatus.POSTED
    assert (await b.unpost_invoice(number)).status is DocumentStatus.DRAFT
    (result,) = await b.post_invoices([number])
    assert result.success, result.message
    memo = await b.reverse_invoice(number)
    assert memo.status is DocumentStatus.POSTED
    assert (await b.pause_invoice_schedule(key)).status is InvoiceScheduleStatus.PAUSED
    assert (await b.resume_invoice_schedule(key)).status is not InvoiceScheduleStatus.PAUSED

    schedule = await b.get_invoice_schedule(key)
    pending = next(i for i in schedule.schedule_items if i.status is ScheduleItemStatus.PENDING)
    await b.execute_invoice_schedule(key, pending.id)
    await control.settle()
    schedule = await b.get_invoice_schedule(key)
    again = next(i for i in schedule.schedule_items if i.id == pending.id)
    assert again.invoice_number
    assert (await b.cancel_invoice(again.invoice_number)).status is DocumentStatus.CANCELED

    run = await b.execute_invoice_schedule("IS-00000004")  # create bill run: a credit memo
    await control.settle()
    documents = await b.list_bill_run_documents(run.id)
    assert documents.credit_memos
    posted = await b.post_credit_memo(documents.credit_memos[0].number)
    assert posted.status is DocumentStatus.POSTED
