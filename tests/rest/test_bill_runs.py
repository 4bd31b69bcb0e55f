"""Bill runs: create (with idempotency), get, post, cancel."""

from __future__ import annotations

from datetime import date, datetime

import httpx
import respx

from backends.models import (
    BillRunFilter,
    BillRunFilterType,
    BillRunStatus,
    ChargeType,
    CreateBillRunRequest,
)
from backends.rest import RestBackend

from .conftest import json_response, request_json
from .zuora_samples import ACCOUNT_ID, BILL_RUN_ID, bill_run

RUN = f"/v1/bill-runs/{BILL_RUN_ID}"


async def test_create_bill_run(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.post("/v1/bill-runs").mock(
        return_value=json_response(bill_run(billCycleDay=1, name="Adhoc"))
    )
    request = CreateBillRunRequest(
        name="Adhoc",
        target_date=date(2022, 12, 3),
        bill_run_filters=[
            BillRunFilter(filter_type=BillRunFilterType.ACCOUNT, account_id=ACCOUNT_ID)
        ],
        charge_type_to_exclude=[ChargeType.USAGE],
        auto_post=True,
    )
    run = await backend.create_bill_run(request, idempotency_key="run-key")
    sent = route.calls.last.request
    assert sent.headers["idempotency-key"] == "run-key"
    assert request_json(sent) == {
        "name": "Adhoc",
        "targetDate": "2022-12-03",
        "billRunFilters": [{"filterType": "Account", "accountId": ACCOUNT_ID}],
        "chargeTypeToExclude": ["Usage"],
        "autoPost": True,
        "autoEmail": False,
        "autoRenewal": False,
        "noEmailForZeroAmountInvoice": False,
    }
    assert run.bill_run_number == "BR-00170238"
    assert run.bill_cycle_day == "1"
    assert run.created_date == datetime(2022, 11, 8, 17, 26, 9)


async def test_create_bill_run_retry_reuses_the_generated_key(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.post("/v1/bill-runs").mock(
        side_effect=[httpx.ReadTimeout("lost answer"), json_response(bill_run())]
    )
    await backend.create_bill_run(CreateBillRunRequest(target_date=date(2022, 12, 3)))
    first, second = (c.request for c in route.calls)
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert "billRunFilters" not in request_json(first)  # empty lists are left out


async def test_get_bill_run(backend: RestBackend, router: respx.MockRouter) -> None:
    router.get(RUN).mock(return_value=json_response(bill_run(status="Completed")))
    run = await backend.get_bill_run(BILL_RUN_ID)
    assert run.status is BillRunStatus.COMPLETED and run.is_finished


async def test_post_bill_run(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.put(f"{RUN}/post").mock(
        return_value=json_response(bill_run(status="PostInProgress"))
    )
    run = await backend.post_bill_run(BILL_RUN_ID, date(2022, 12, 5))
    sent = route.calls.last.request
    assert request_json(sent) == {"invoiceDate": "2022-12-05"}
    assert "idempotency-key" not in sent.headers
    assert run.status is BillRunStatus.POST_IN_PROGRESS
    await backend.post_bill_run(BILL_RUN_ID)
    assert request_json(route.calls.last.request) == {}


async def test_cancel_bill_run(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.put(f"{RUN}/cancel").mock(
        return_value=json_response(bill_run(status="Canceled"))
    )
    run = await backend.cancel_bill_run(BILL_RUN_ID)
    assert run.status is BillRunStatus.CANCELED
    assert "idempotency-key" not in route.calls.last.request.headers
