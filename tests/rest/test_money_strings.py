"""Money that Zuora's spec types as a decimal-format string (schedule item ``amount`` and
``actualAmount``, invoice item ``chargeAmount`` and ``taxAmount``) is read whether it arrives as a
JSON number or a numeric string, exactly, as Decimal; a string that is not a number is refused
naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest
import respx

from backends.errors import ServerError
from backends.rest import RestBackend

from .conftest import json_response
from .test_step_back import invoice_item_row
from .zuora_samples import INVOICE_ID, item, schedule

PATH = "/v1/invoice-schedules/IS-00000004"


@pytest.mark.parametrize("amount", ["20200.10", Decimal("20200.10")], ids=["string", "number"])
async def test_schedule_item_amounts(
    backend: RestBackend, router: respx.MockRouter, amount: object
) -> None:
    row = {**item(1), "amount": amount, "actualAmount": amount}
    router.get(PATH).mock(return_value=json_response(schedule(scheduleItems=[row])))
    (read,) = (await backend.get_invoice_schedule("IS-00000004")).schedule_items
    assert read.amount == read.actual_amount == Decimal("20200.10")
    assert str(read.amount) == "20200.10"


@pytest.mark.parametrize("charge", ["100.00", Decimal("100.00")], ids=["string", "number"])
async def test_invoice_item_amounts(
    backend: RestBackend, router: respx.MockRouter, charge: object
) -> None:
    row = {**invoice_item_row(1), "chargeAmount": charge, "taxAmount": "7.50"}
    router.get(f"/v1/invoices/{INVOICE_ID}/items").mock(
        return_value=json_response({"invoiceItems": [row], "success": True})
    )
    (read,) = await backend.get_invoice_items(INVOICE_ID)
    assert read.charge_amount == Decimal("100.00") and read.tax_amount == Decimal("7.50")


async def test_a_money_string_that_is_no_number_names_the_field(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    row = {**item(1), "amount": "twenty"}
    router.get(PATH).mock(return_value=json_response(schedule(scheduleItems=[row])))
    with pytest.raises(ServerError, match=r"scheduleItems\[0\]\.amount"):
        await backend.get_invoice_schedule("IS-00000004")
