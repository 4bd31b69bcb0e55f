"""Determinism and export/import of the engine's state."""

from __future__ import annotations

from datetime import date

import pytest

from backends import jsoncodec
from backends.errors import BusinessRuleError, NotFoundError
from backends.fake.engine import Engine, StateError
from backends.fake.engine.state import STATE_VERSION
from backends.fake.tenants import demo

from .conftest import new_order, new_schedule


def _exercise(e: Engine) -> None:
    e.execute_invoice_schedule("IS-00000001")
    e.run_pending()
    e.execute_invoice_schedule("IS-00000004")
    e.advance(date(2026, 8, 1))
    with pytest.raises(BusinessRuleError):
        e.execute_invoice_schedule("IS-00000003")
    e.resume_invoice_schedule("IS-00000003")
    e.advance_to_next_run_date()


def test_same_seed_and_calls_give_byte_identical_state() -> None:
    first, second = demo(), demo()
    assert jsoncodec.dumps(first.export_state()) == jsoncodec.dumps(second.export_state())
    _exercise(first)
    _exercise(second)
    assert jsoncodec.dumps(first.export_state()) == jsoncodec.dumps(second.export_state())


def test_a_different_seed_gives_different_ids() -> None:
    a = Engine(seed="a")
    b = Engine(seed="b")
    assert a.create_account("X").id != b.create_account("X").id


def test_a_refusal_does_not_shift_later_ids(blank: Engine) -> None:
    twin = Engine.import_state(jsoncodec.loads(jsoncodec.dumps(blank.export_state())))
    with pytest.raises(NotFoundError):
        blank.execute_invoice_schedule("IS-00000404")
    assert blank.create_account("Same").id == twin.create_account("Same").id


def test_export_import_round_trip_is_exact(engine: Engine) -> None:
    _exercise(engine)
    text = jsoncodec.dumps(engine.export_state(), indent=1)
    copy = Engine.import_state(jsoncodec.loads(text))
    assert jsoncodec.dumps(copy.export_state(), indent=1) == text
    # the copy behaves the same from here on
    for e in (engine, copy):
        e.advance(date(2027, 1, 1))
    assert jsoncodec.dumps(copy.export_state()) == jsoncodec.dumps(engine.export_state())


def test_money_stays_exact_in_the_export(blank: Engine) -> None:
    order = new_order(blank, monthly="33.33")
    schedule = new_schedule(blank, order, [("199.98", None), ("199.98", None)])
    text = jsoncodec.dumps(blank.export_state())
    assert '"totalAmount":399.96' in text
    copy = Engine.import_state(jsoncodec.loads(text))
    assert str(copy.get_invoice_schedule(schedule.number).total_amount) == "399.96"


def test_import_refuses_a_newer_version(engine: Engine) -> None:
    data = engine.export_state()
    data["version"] = STATE_VERSION + 1
    with pytest.raises(StateError, match="newer billing-tui"):
        Engine.import_state(data)


@pytest.mark.parametrize(
    "data",
    [None, [], {"format": "something else"}, {"format": "billing-tui/fake-engine-state"}],
)
def test_import_refuses_what_is_not_a_state(data: object) -> None:
    with pytest.raises(StateError):
        Engine.import_state(data)


def test_import_refuses_a_corrupt_state(engine: Engine) -> None:
    data = engine.export_state()
    del data["orders"]
    with pytest.raises(StateError, match="corrupt"):
        Engine.import_state(data)
    data = engine.export_state()
    data["schedules"][0]["schedule"]["totalAmount"] = "lots"
    with pytest.raises(StateError, match="corrupt"):
        Engine.import_state(data)
