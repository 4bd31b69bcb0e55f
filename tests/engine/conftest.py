"""Fixtures and helpers for the engine's rule tests: fresh tenants and a "refused" checker."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from backends.errors import BackendError, ValidationError
from backends.fake.engine import ChargeSpec, Engine, SubscriptionSpec
from backends.fake.tenants import demo
from backends.models import (
    ChargeType,
    CreateInvoiceScheduleRequest,
    InvoiceSchedule,
    ScheduleItemInput,
)

TODAY = date(2026, 3, 2)


def state_of(engine: Engine) -> dict[str, Any]:
    """The engine's exported state, minus the request-id counter (a refusal still gets an id)."""
    data = engine.export_state()
    data["ids"]["counters"].pop("request", None)
    return data


@contextmanager
def refused(
    engine: Engine, error: type[BackendError], match: str | None = None
) -> Iterator[pytest.ExceptionInfo[BackendError]]:
    """Assert the block raises ``error`` (category code, request id) and changed nothing."""
    before = state_of(engine)
    with pytest.raises(error, match=match) as info:
        yield info
    assert state_of(engine) == before, "a refused operation changed the state"
    exc = info.value
    assert exc.code is not None and 10_000_000 <= exc.code <= 99_999_999
    assert exc.request_id
    category = exc.code % 100
    if error is ValidationError:
        assert category in {20, 21, 22, 23}
    else:
        assert category == error.category


@pytest.fixture
def engine() -> Engine:
    """A fresh demo tenant (clock at 2026-03-02)."""
    return demo()


@pytest.fixture
def blank() -> Engine:
    """An empty tenant with two accounts: A00000001 (USD) and A00000002 (EUR)."""
    e = Engine(seed="test", today=TODAY)
    e.create_account("First Customer", "USD")
    e.create_account("Second Customer", "EUR")
    return e


def new_order(
    e: Engine,
    account: str = "A00000001",
    *,
    monthly: str | None = "100.00",
    one_time: str | None = None,
    start: date = TODAY,
    months: int = 12,
    plans: int = 1,
) -> str:
    charges: list[ChargeSpec] = []
    if monthly is not None:
        charges.append(ChargeSpec("Monthly fee", Decimal(monthly)))
    if one_time is not None:
        charges.append(ChargeSpec("Setup", Decimal(one_time), type=ChargeType.ONE_TIME))
    extra = tuple(
        (f"Add-on {n}", (ChargeSpec(f"Add-on {n}", Decimal("10.00")),)) for n in range(1, plans)
    )
    order = e.create_subscriptions(
        account,
        [
            SubscriptionSpec(
                "Product", tuple(charges), term_start=start, term_months=months, extra_plans=extra
            )
        ],
        order_date=min(start, e.today),
    )
    return order.order_number


def items(*pairs: tuple[str, date | None]) -> list[ScheduleItemInput]:
    return [ScheduleItemInput(amount=Decimal(a), run_date=d) for a, d in pairs]


def new_schedule(
    e: Engine,
    order: str,
    amounts: Sequence[tuple[str, date | None]],
    account: str = "A00000001",
) -> InvoiceSchedule:
    return e.create_invoice_schedule(
        CreateInvoiceScheduleRequest(
            account_key=account, orders=[order], schedule_items=items(*amounts)
        )
    )


def item_ids(e: Engine, key: str) -> list[str]:
    return [i.id for i in e.get_invoice_schedule(key).schedule_items]
