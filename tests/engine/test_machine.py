"""Random operations and clock advances on the demo tenant; invariants checked after every step."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from backends.errors import BackendError, BusinessRuleError
from backends.fake.engine import Engine
from backends.fake.tenants import demo
from backends.models import (
    CreateInvoiceScheduleRequest,
    DocumentStatus,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    ScheduleItemInput,
    ScheduleItemStatus,
)

from .conftest import state_of

ZERO = Decimal("0")


def _all_schedules(e: Engine) -> list[InvoiceSchedule]:
    return e.list_invoice_schedules(page_size=1000).items


class EngineMachine(RuleBasedStateMachine):
    engine: Engine

    @initialize()
    def start(self) -> None:
        self.engine = demo()

    # ----------------------------------------------------------------- helpers

    def _schedule(self, index: int) -> InvoiceSchedule:
        schedules = _all_schedules(self.engine)
        return schedules[index % len(schedules)]

    def _try(self, call: object) -> None:
        before = state_of(self.engine)
        try:
            call()  # type: ignore[operator]
        except BackendError:
            assert state_of(self.engine) == before, "a refused operation changed the state"

    # ----------------------------------------------------------------- rules

    @rule(index=st.integers(0, 200), pick=st.integers(0, 3))
    def execute(self, index: int, pick: int) -> None:
        schedule = self._schedule(index)
        item_id = None
        if pick < len(schedule.schedule_items) and pick < 3:
            item_id = schedule.schedule_items[pick].id
        was_paused = schedule.status is InvoiceScheduleStatus.PAUSED
        before = state_of(self.engine)
        try:
            self.engine.execute_invoice_schedule(schedule.number, item_id)
        except BackendError:
            assert state_of(self.engine) == before
        else:
            assert not was_paused, "a Paused schedule executed"
        if was_paused:
            after = self.engine.get_invoice_schedule(schedule.number)
            assert [i.status for i in after.schedule_items] == [
                i.status for i in schedule.schedule_items
            ]

    @rule()
    def step(self) -> None:
        self.engine.step()

    @rule()
    def settle(self) -> None:
        self.engine.run_pending()

    @rule(days=st.integers(0, 75))
    def advance(self, days: int) -> None:
        paused = {
            s.number: [i.status for i in s.schedule_items]
            for s in _all_schedules(self.engine)
            if s.status is InvoiceScheduleStatus.PAUSED
        }
        # items already executing finish (their runs are settled); nothing new starts on them
        result = self.engine.advance(self.engine.today + timedelta(days=days))
        assert not {x.schedule_number for x in result.executed} & set(paused)
        for number, statuses in paused.items():
            now = self.engine.get_invoice_schedule(number)
            if now.status is InvoiceScheduleStatus.PAUSED:
                for old, new in zip(statuses, (i.status for i in now.schedule_items), strict=False):
                    if old is ScheduleItemStatus.PENDING:
                        assert new is ScheduleItemStatus.PENDING

    @rule(index=st.integers(0, 200))
    def pause_or_resume(self, index: int) -> None:
        schedule = self._schedule(index)
        if schedule.status is InvoiceScheduleStatus.PAUSED:
            self._try(lambda: self.engine.resume_invoice_schedule(schedule.number))
        else:
            self._try(lambda: self.engine.pause_invoice_schedule(schedule.number))

    @rule(index=st.integers(0, 200), action=st.sampled_from(["post", "cancel", "unpost"]))
    def document(self, index: int, action: str) -> None:
        schedule = self._schedule(index)
        e = self.engine
        item = next((i for i in schedule.schedule_items if i.invoice_id or i.credit_memo_id), None)
        if item is None:
            return
        invoice, memo = item.invoice_id, item.credit_memo_id
        if action == "post" and invoice:
            self._try(lambda: e.post_invoice(invoice))
        elif action == "post" and memo:
            self._try(lambda: e.post_credit_memo(memo))
        elif action == "cancel" and invoice:
            self._try(lambda: e.cancel_invoice(invoice))
        elif action == "unpost" and invoice:
            self._try(lambda: e.unpost_invoice(invoice))

    @rule(index=st.integers(0, 200), post=st.booleans())
    def bill_run(self, index: int, post: bool) -> None:
        schedule = self._schedule(index)
        runs = [i.bill_run_id for i in schedule.schedule_items if i.bill_run_id]
        if not runs:
            return
        run_id = runs[-1]
        if post:
            self._try(lambda: self.engine.post_bill_run(run_id))
        else:
            self._try(lambda: self.engine.cancel_bill_run(run_id))

    @rule(index=st.integers(0, 200), months=st.integers(0, 14))
    def cancel_subscription(self, index: int, months: int) -> None:
        schedule = self._schedule(index)
        order = self.engine.get_order(schedule.orders[0])
        sub = self.engine.get_subscription(order.subscriptions[0].subscription_number)
        when = sub.contract_effective_date + timedelta(days=30 * months)
        self._try(lambda: self.engine.cancel_subscription(sub.subscription_number, when))

    @rule(parts=st.lists(st.integers(1, 500), min_size=1, max_size=4), days=st.integers(0, 90))
    def new_schedule(self, parts: list[int], days: int) -> None:
        e = self.engine
        from backends.fake.engine import ChargeSpec, SubscriptionSpec
        from backends.models import ChargeType

        total = Decimal(sum(parts)) + Decimal("0.25")
        order = e.create_subscriptions(
            "A00000011",
            [
                SubscriptionSpec(
                    "Random",
                    (ChargeSpec("One-off", total, type=ChargeType.ONE_TIME),),
                    term_start=e.today,
                )
            ],
        )
        amounts = [Decimal(p) for p in parts]
        amounts[-1] += Decimal("0.25")
        run = e.today + timedelta(days=days)
        items = [
            ScheduleItemInput(amount=a, run_date=run + timedelta(days=30 * n))
            for n, a in enumerate(amounts)
        ]
        e.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key="A00000011", orders=[order.order_number], schedule_items=items
            )
        )

    @rule(index=st.integers(0, 200))
    def delete(self, index: int) -> None:
        schedule = self._schedule(index)
        before = state_of(self.engine)
        try:
            self.engine.delete_invoice_schedule(schedule.number)
        except BusinessRuleError:
            assert schedule.status is not InvoiceScheduleStatus.PENDING or any(
                i.status is not ScheduleItemStatus.PENDING for i in schedule.schedule_items
            )
            assert state_of(self.engine) == before
        else:
            assert schedule.status is InvoiceScheduleStatus.PENDING

    # ----------------------------------------------------------------- invariants

    @invariant()
    def invariants(self) -> None:
        schedules = _all_schedules(self.engine)
        self.amounts_add_up_and_never_go_negative(schedules)
        self.each_invoice_belongs_to_one_processed_item(schedules)
        self.status_agrees_with_items(schedules)
        self.executing_items_have_an_active_run(schedules)

    def amounts_add_up_and_never_go_negative(self, schedules: list[InvoiceSchedule]) -> None:
        for s in schedules:
            assert s.billed_amount + s.unbilled_amount == s.actual_amount, s.number
            for amount in (s.total_amount, s.actual_amount, s.billed_amount, s.unbilled_amount):
                assert amount >= ZERO, s.number
            for item in s.schedule_items:
                assert item.amount >= ZERO and item.actual_amount >= ZERO, s.number
            billed = sum(
                (
                    i.actual_amount
                    for i in s.schedule_items
                    if i.status is ScheduleItemStatus.PROCESSED
                ),
                ZERO,
            )
            assert billed == s.billed_amount, s.number

    def each_invoice_belongs_to_one_processed_item(self, schedules: list[InvoiceSchedule]) -> None:
        seen: set[str] = set()
        for s in schedules:
            for item in s.schedule_items:
                if item.invoice_id is None:
                    continue
                assert item.status is ScheduleItemStatus.PROCESSED, s.number
                assert item.invoice_id not in seen
                seen.add(item.invoice_id)
                invoice = self.engine.get_invoice(item.invoice_id)
                assert invoice.status is not DocumentStatus.CANCELED
                assert invoice.amount > ZERO

    def status_agrees_with_items(self, schedules: list[InvoiceSchedule]) -> None:
        for s in schedules:
            if s.status is InvoiceScheduleStatus.PAUSED:
                continue
            processed = sum(1 for i in s.schedule_items if i.status is ScheduleItemStatus.PROCESSED)
            if processed == 0:
                expected = InvoiceScheduleStatus.PENDING
            elif processed < len(s.schedule_items):
                expected = InvoiceScheduleStatus.PARTIALLY_PROCESSED
            else:
                expected = InvoiceScheduleStatus.FULLY_PROCESSED
            assert s.status is expected, s.number
            pending = s.earliest_pending_item
            if pending is not None and pending.run_date is not None:
                assert s.next_run_date is not None

    def executing_items_have_an_active_run(self, schedules: list[InvoiceSchedule]) -> None:
        active = set(self.engine.active_bill_runs())
        for s in schedules:
            for item in s.schedule_items:
                if item.status is ScheduleItemStatus.EXECUTING:
                    assert item.bill_run_id in active, s.number


EngineMachine.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
TestEngineMachine = EngineMachine.TestCase
