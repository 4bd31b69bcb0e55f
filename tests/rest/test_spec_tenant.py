"""The console's navigation and actions over the REST backend against the spec-minimal tenant
(only the fields Zuora's spec requires and its documented samples show; see spec_tenant.py):
orders page, search by number, account and name,
order, schedule, invoice, credit memo, bill run, bill runs list; generate to Processed, post,
pause/resume, create bill run, unpost, cancel, reverse, bulk post."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest

from backends.errors import BackendError
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

from .spec_tenant import SpecMinimalTransport, minimal, outside


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


def test_minimal_keeps_required_and_sample_paths_only() -> None:
    keep = frozenset({"orders", "orders[].orderNumber", "orders[].subscriptions", "success"})
    body = {
        "orders": [{"orderNumber": "O-1", "category": "NewSales", "subscriptions": [{"a": 1}]}],
        "success": True,
        "nextPage": "p2",
    }
    removed: set[str] = set()
    kept = minimal(body, keep, removed)
    # subscriptions: the sample shows it without parts, so it is kept whole
    assert kept == {
        "orders": [{"orderNumber": "O-1", "subscriptions": [{"a": 1}]}],
        "success": True,
    }
    assert removed == {"orders[].category", "nextPage"}
    assert outside(kept, keep) == set() and outside(body, keep) == removed


async def test_every_answer_carries_only_what_the_spec_requires_or_a_sample_shows(
    tenant: Tenant,
) -> None:
    await test_navigation(tenant)
    answers = tenant.transport.answers
    assert len({key for key, _, _ in answers}) >= 8
    for key, body, keep in answers:
        assert outside(body, keep) == set(), key


async def test_decimal_money_reads_the_same_as_a_string_or_a_number(tenant: Tenant) -> None:
    b = tenant.backend
    before = tenant.transport.money_as_strings
    reads = [await b.get_invoice_schedule("IS-00000002") for _ in range(2)]
    assert tenant.transport.money_as_strings == before + 1  # one answer each way
    items = [[(i.amount, i.actual_amount) for i in s.schedule_items] for s in reads]
    assert items[0] == items[1] and all(isinstance(a, Decimal) for a, _ in items[0])
    number = reads[0].schedule_items[0].invoice_number
    assert number is not None
    lines = [await b.get_invoice_items(number) for _ in range(2)]
    amounts = [[(line.charge_amount, line.tax_amount) for line in page] for page in lines]
    assert amounts[0] == amounts[1] and amounts[0]
    assert tenant.transport.money_as_strings == before + 2


async def test_orders_page_on_when_the_tenant_names_no_next_page() -> None:
    """Zuora's v1 orders samples carry no nextPage: a full page is followed by asking for the
    next one by number, and the list still ends."""
    app = create_app(TenantRegistry(seed="generated:120"), save_on_shutdown=False)
    transport = SpecMinimalTransport(FakeServerTransport(app))
    async with RestBackend(
        LOOPBACK,
        client_id=new_client_id("spec"),
        client_secret=DEMO_CLIENT_SECRET,
        transport=transport,
        sleep=_no_sleep,
    ) as backend:
        seen: list[str] = []
        page = await backend.list_orders(page_size=50)
        while True:
            seen.extend(o.order_number for o in page.items)
            if page.next_cursor is None:
                break
            page = await backend.list_orders(page_size=50, cursor=page.next_cursor)
    assert "GET /v1/orders nextPage" in transport.stripped
    assert len(seen) == len(set(seen)) == 120


class _WithoutOrderNumbers(SpecMinimalTransport):
    def rewrite(
        self, key: str, status: int, data: Any, removed: set[str], request: httpx.Request
    ) -> Any:
        kept = super().rewrite(key, status, data, removed, request)
        if key == "GET /v1/orders":
            for order in kept.get("orders", []):
                order.pop("orderNumber", None)
        return kept


async def test_a_field_the_console_cannot_do_without_is_named_with_its_endpoint() -> None:
    app = create_app(TenantRegistry(), save_on_shutdown=False)
    async with RestBackend(
        LOOPBACK,
        client_id=new_client_id("spec"),
        client_secret=DEMO_CLIENT_SECRET,
        transport=_WithoutOrderNumbers(FakeServerTransport(app)),
        sleep=_no_sleep,
    ) as backend:
        with pytest.raises(BackendError) as caught:
            await backend.list_orders()
    assert caught.value.endpoint == "GET /v1/orders"
    assert "orders[0].orderNumber" in str(caught.value)
