"""``get_subscription`` over ``GET /v1/subscriptions/{subscription-key}``: only what the contract
needs is required (Zuora's spec requires nothing), and a broken answer names the endpoint."""

from __future__ import annotations

from decimal import Decimal

import pytest
import respx

from backends.errors import NotFoundError, ServerError
from backends.models import ChargeType, SubscriptionStatus
from backends.rest import RestBackend

from .conftest import api_calls, json_response
from .zuora_samples import v1_error

PATH = "/v1/subscriptions/A-S00000001"
SCHEDULE_ID = "8a90a0a1b2c3d4e5f60718293a4b5c6d"


def answer(**extra: object) -> dict[str, object]:
    return {
        "success": True,
        "id": "8ad09be48db5aba7018db604776d4854",
        "subscriptionNumber": "A-S00000001",
        "accountId": "8ad09be48db5aba7018db604775d4850",
        "accountNumber": "A00000001",
        "status": "Active",
        "termType": "TERMED",
        "contractEffectiveDate": "2026-01-01",
        "termStartDate": "2026-01-01",
        "termEndDate": "2027-01-01",
        "invoiceScheduleId": 1234,  # the spec types it an integer
        "ratePlans": [
            {
                "id": "8ad09be48db5aba7018db604779d4860",
                "productName": "Platform",
                "ratePlanName": "Annual",
                "ratePlanCharges": [
                    {
                        "id": "8ad09be48db5aba7018db60477ad4861",
                        "number": "C-00000001",
                        "name": "Licence",
                        "type": "Recurring",
                        "price": Decimal("1200.5"),
                        "effectiveStartDate": "2026-01-01",
                        "invoiceScheduleId": SCHEDULE_ID,
                    },
                    {"number": "C-00000002", "type": "Discount-Fixed Amount"},
                ],
            }
        ],
        **extra,
    }


async def test_a_subscription_with_its_charges(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get(PATH).mock(return_value=json_response(answer()))
    subscription = await backend.get_subscription("A-S00000001")
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert subscription.invoice_schedule_id is None  # not read from the integer field
    first, second = subscription.rate_plans[0].rate_plan_charges
    assert first.number == "C-00000001" and first.invoice_schedule_id == SCHEDULE_ID
    assert first.type is ChargeType.RECURRING and first.price == Decimal("1200.5")
    # a charge type outside the contract's list, and nothing else: still a charge
    assert second.number == "C-00000002" and second.type is None
    assert second.invoice_schedule_id is None
    assert len(api_calls(router)) == 1


async def test_only_the_number_is_required(backend: RestBackend, router: respx.MockRouter) -> None:
    body = {"subscriptionNumber": "A-S00000001", "status": "Something new"}
    router.get(PATH).mock(return_value=json_response(body))
    subscription = await backend.get_subscription("A-S00000001")
    assert subscription.id == "A-S00000001" and subscription.status is None
    assert subscription.rate_plans == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"success": True}, "subscriptionNumber"),
        (
            {"subscriptionNumber": "A-S00000001", "ratePlans": [{"ratePlanCharges": [{}]}]},
            "ratePlans[0].ratePlanCharges[0].number",
        ),
        ({"subscriptionNumber": "A-S00000001", "ratePlans": {}}, "ratePlans"),
    ],
)
async def test_a_broken_answer_names_the_endpoint_and_field(
    backend: RestBackend, router: respx.MockRouter, body: dict[str, object], field: str
) -> None:
    router.get(PATH).mock(return_value=json_response(body))
    with pytest.raises(ServerError) as caught:
        await backend.get_subscription("A-S00000001")
    assert caught.value.endpoint == f"GET {PATH}" and field in str(caught.value)


async def test_an_unknown_subscription(backend: RestBackend, router: respx.MockRouter) -> None:
    router.get(PATH).mock(
        return_value=json_response(v1_error(50000040, "Cannot find entity"), status=404)
    )
    with pytest.raises(NotFoundError) as caught:
        await backend.get_subscription("A-S00000001")
    assert caught.value.endpoint == f"GET {PATH}"
