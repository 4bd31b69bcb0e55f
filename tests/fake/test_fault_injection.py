"""Fault rules on the in-process fake: the same rules as the fake server, as BackendErrors."""

from decimal import Decimal

import pytest

from backends.base import FaultInjection
from backends.errors import (
    ConflictError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnavailableError,
    ValidationError,
)
from backends.fake import FakeBackend
from backends.models import FaultEffect, FaultRuleSpec, ScheduleItemStatus


@pytest.fixture
async def backend():
    built = FakeBackend.demo()
    yield built
    await built.aclose()


async def test_the_fake_offers_fault_injection(backend: FakeBackend) -> None:
    assert isinstance(backend, FaultInjection)
    assert await backend.list_fault_rules() == []


async def test_before_rule_refuses_once_and_nothing_happens(backend: FakeBackend) -> None:
    rule = await backend.add_fault_rule(
        FaultRuleSpec(effect=FaultEffect.LOCK, operation="POST_ExecuteInvoiceSchedule", times=1)
    )
    assert rule.id == 1
    before = backend.engine.export_state()
    with pytest.raises(ConflictError) as caught:
        await backend.execute_invoice_schedule("IS-00000001")
    assert caught.value.code == 50000050 and "fault rule 1" in caught.value.message
    assert backend.engine.export_state() == before  # refused before the engine ran
    run = await backend.execute_invoice_schedule("IS-00000001")  # times=1: spent
    assert run.bill_run_number
    assert [r.fired for r in await backend.list_fault_rules()] == [1]


async def test_after_rule_loses_the_answer_but_the_work_is_done(backend: FakeBackend) -> None:
    await backend.add_fault_rule(
        FaultRuleSpec(
            effect=FaultEffect.DROP, operation="POST_ExecuteInvoiceSchedule", phase="after"
        )
    )
    with pytest.raises(UnavailableError):
        await backend.execute_invoice_schedule("IS-00000001")
    schedule = await backend.get_invoice_schedule("IS-00000001")
    assert schedule.schedule_items[0].status is ScheduleItemStatus.EXECUTING


@pytest.mark.parametrize(
    ("effect", "error", "status"),
    [
        (FaultEffect.RATE_LIMIT, RateLimitedError, 429),
        (FaultEffect.TEMPORARY, ServerError, 500),
        (FaultEffect.UNAVAILABLE, UnavailableError, 503),
        (FaultEffect.TIMEOUT, UnavailableError, 504),
    ],
)
async def test_every_call_rule_maps_effects_to_wire_errors(
    backend: FakeBackend, effect: FaultEffect, error: type[Exception], status: int
) -> None:
    await backend.add_fault_rule(FaultRuleSpec(effect=effect, retry_after=3))
    with pytest.raises(error) as caught:
        await backend.get_order("O-00000001")
    assert getattr(caught.value, "status", None) == status
    if isinstance(caught.value, RateLimitedError):
        assert caught.value.retry_after == 3.0
    # the clock and settle are the operator's controls and never fail
    await backend.settle()
    assert await backend.today()


async def test_probability_is_seeded_and_rules_can_be_removed(backend: FakeBackend) -> None:
    rule = await backend.add_fault_rule(
        FaultRuleSpec(effect=FaultEffect.RATE_LIMIT, probability=Decimal("0.5"))
    )
    outcomes = []
    for _ in range(20):
        try:
            await backend.get_order("O-00000001")
            outcomes.append(True)
        except RateLimitedError:
            outcomes.append(False)
    assert True in outcomes and False in outcomes
    again = FakeBackend.demo()
    await again.add_fault_rule(
        FaultRuleSpec(effect=FaultEffect.RATE_LIMIT, probability=Decimal("0.5"))
    )
    replay = []
    for _ in range(20):
        try:
            await again.get_order("O-00000001")
            replay.append(True)
        except RateLimitedError:
            replay.append(False)
    assert replay == outcomes  # the same seed gives the same faults
    await backend.remove_fault_rule(rule.id)
    assert await backend.list_fault_rules() == []
    with pytest.raises(NotFoundError):
        await backend.remove_fault_rule(rule.id)
    await again.clear_fault_rules()
    assert await again.list_fault_rules() == []


async def test_a_bad_rule_is_refused(backend: FakeBackend) -> None:
    with pytest.raises(ValidationError):
        await backend.add_fault_rule(
            FaultRuleSpec(effect=FaultEffect.LOCK, probability=Decimal("1.5"))
        )
    assert await backend.list_fault_rules() == []
