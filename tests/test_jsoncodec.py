from datetime import date, datetime
from decimal import Decimal

import pytest

from backends import jsoncodec
from backends.models import ScheduleItem, ScheduleItemStatus


def test_numbers_parse_to_decimal_and_write_back_as_numbers() -> None:
    data = jsoncodec.loads('{"a": 0.1, "b": 70200, "c": 3.10}')
    assert data == {"a": Decimal("0.1"), "b": 70200, "c": Decimal("3.10")}
    assert jsoncodec.dumps(data) == '{"a":0.1,"b":70200,"c":3.10}'


def test_large_and_exponent_decimals_stay_exact() -> None:
    assert jsoncodec.dumps(Decimal("12345678901234567890.01")) == "12345678901234567890.01"
    assert jsoncodec.dumps(Decimal("1E+3")) == "1000"


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        jsoncodec.dumps({"amount": 0.1})


def test_dates_and_v1_datetimes() -> None:
    text = jsoncodec.dumps({"d": date(2026, 3, 2), "t": datetime(2026, 3, 2, 9, 5, 1)})
    assert text == '{"d":"2026-03-02","t":"2026-03-02 09:05:01"}'


def test_model_round_trip_keeps_camel_case_and_money() -> None:
    item = ScheduleItem(
        id="8a8881aa82118bec018211daf9f01680",
        amount=Decimal("1000.00"),
        actual_amount=Decimal("1000.00"),
        run_date=date(2026, 3, 2),
        status=ScheduleItemStatus.PENDING,
    )
    text = jsoncodec.dumps(item.to_wire())
    assert '"actualAmount":1000.00' in text and '"runDate":"2026-03-02"' in text
    again = ScheduleItem.model_validate(jsoncodec.loads(text))
    assert again == item
