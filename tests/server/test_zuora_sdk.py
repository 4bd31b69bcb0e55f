"""Zuora's own Python SDK (``zuora-sdk``), unchanged, against the fake server over TCP.

The SDK's ``ZuoraClient`` authenticates with the printed demo credentials (it refuses a
``client_id`` that is not 36 characters before it sends anything), then reads an order, a
schedule and a bill run, executes an item, the control plane settles the bill run, and the SDK
reads and posts the invoice: every answer through the SDK's typed models. The SDK is
synchronous (urllib3); the server is uvicorn on 127.0.0.1 in a thread, as in the contract suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING

import httpx
import pytest

from backends.fake.server.tenants import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from .factories import UvicornThread, uvicorn_server

if TYPE_CHECKING:
    from zuora_sdk.zuora_client import ZuoraClient

# The SDK's generated models use pydantic APIs deprecated since 2.0; that is the SDK's affair.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def sdk() -> ModuleType:
    """The SDK, imported by the first test that needs it. Its 1,700 generated pydantic models
    take about 13 s of CPU to build: imported at module level, every xdist worker paid that
    while collecting, before running any test."""
    return pytest.importorskip("zuora_sdk")


@pytest.fixture
def server() -> Iterator[UvicornThread]:
    with uvicorn_server() as running:
        yield running


@pytest.fixture
def client(sdk: ModuleType, server: UvicornThread) -> Iterator[ZuoraClient]:
    from zuora_sdk.zuora_client import ZuoraClient

    config = sdk.Configuration(host=server.base_url)
    zuora = ZuoraClient(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, None, config)  # type: ignore[arg-type]
    zuora.set_retry_config(max_retries=1, retry_base_delay=1)  # one attempt: no back-off sleep
    yield zuora
    zuora.stop_auto_auth()


def test_the_demo_credentials_have_zuoras_shape() -> None:
    assert len(DEMO_CLIENT_ID) == 36 and DEMO_CLIENT_ID.count("-") == 4
    assert len(DEMO_CLIENT_SECRET) <= 42 and DEMO_CLIENT_SECRET.isalnum()


def test_zuoras_sdk_generates_and_posts_an_invoice(
    server: UvicornThread, client: ZuoraClient
) -> None:
    from zuora_sdk import (
        BillRunApi,
        ExecuteInvoiceScheduleRequest,
        InvoicesApi,
        InvoiceSchedulesApi,
        OrdersApi,
        PostAsyncInvoiceRequest,
    )

    client.refresh_token()
    assert client.token["access_token"], "the SDK did not authenticate"
    api = client.api_client

    order = OrdersApi(api).get_order("O-00000001")
    assert order.success and order.order.order_number == "O-00000001"
    schedules = InvoiceSchedulesApi(api)
    schedule = schedules.get_invoice_schedule("IS-00000001")
    assert schedule.number == "IS-00000001" and schedule.status == "Pending"
    first = schedule.schedule_items[0]
    assert first.status == "Pending"

    run = schedules.execute_invoice_schedule(
        "IS-00000001", ExecuteInvoiceScheduleRequest(schedule_item_id=first.id)
    )
    assert run.status == "Pending" and run.bill_run_number.startswith("BR-")
    filters = run.bill_run_filters
    assert filters[0].invoice_schedule_item_id == first.id
    assert BillRunApi(api).get_bill_run(run.id).id == run.id

    with httpx.Client(base_url=server.base_url) as control:
        settled = control.post(f"/_fake/tenants/{DEMO_CLIENT_ID}/clock/settle")
        assert settled.status_code == 200, settled.text

    assert BillRunApi(api).get_bill_run(run.id).status == "Completed"
    item = schedules.get_invoice_schedule("IS-00000001").schedule_items[0]
    assert item.status == "Processed" and item.invoice_id
    invoices = InvoicesApi(api)
    invoice = invoices.get_invoice(item.invoice_id)
    assert invoice.status == "Draft" and invoice.amount == first.amount
    posted = invoices.post_invoice(item.invoice_id, PostAsyncInvoiceRequest())
    assert posted.success and posted.job_status == "Completed"
    assert invoices.get_invoice(item.invoice_id).status == "Posted"
