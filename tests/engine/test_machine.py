"""Random operations and clock advances on the demo tenant; invariants checked after every step."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from backends.errors import BackendError, BusinessRuleError
from backends.fake.engine import Engine
from backends.fake.tenants import demo
from backends.models import (
    BillRunStatus,
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

    @rule(
        index=st.integers(0, 400),
        matching=st.booleans(),
        action=st.sampled_from(
            ["post", "unpost", "cancel", "reverse", "post_memo", "unpost_memo", "reverse_dated"]
        ),
    )
    def step_back(self, index: int, matching: bool, action: str) -> None:
        """Post, unpost, cancel or reverse any item's document: one in the status the action
        needs (``matching``), or any one (mostly refusals)."""
        e = self.engine
        memo_action = action in {"post_memo", "unpost_memo"}
        wanted = (
            DocumentStatus.DRAFT
            if action in {"post", "cancel", "post_memo"}
            else DocumentStatus.POSTED
        )
        candidates: list[str] = []
        for schedule in _all_schedules(e):
            for item in schedule.schedule_items:
                key = item.credit_memo_id if memo_action else item.invoice_id
                status = item.credit_memo_status if memo_action else item.invoice_status
                if key and (not matching or status is wanted):
                    candidates.append(key)
        if not candidates:
            return
        key = candidates[index % len(candidates)]
        if action == "post":
            self._try(lambda: e.post_invoice(key))
        elif action == "unpost":
            self._try(lambda: e.unpost_invoice(key))
        elif action == "cancel":
            self._try(lambda: e.cancel_invoice(key))
        elif action in {"reverse", "reverse_dated"}:
            amount = e.get_invoice(key).amount
            when = e.today + timedelta(days=3) if action == "reverse_dated" else None
            self._try(lambda: self._reverse(key, amount, when))
        elif action == "post_memo":
            self._try(lambda: e.post_credit_memo(key))
        else:
            self._try(lambda: e.unpost_credit_memo(key))

    def _reverse(self, invoice_id: str, amount: Decimal, when: date | None) -> None:
        memo = self.engine.reverse_invoice(invoice_id, memo_date=when)
        assert memo.amount == amount and memo.status is DocumentStatus.POSTED
        assert memo.referred_invoice_id == invoice_id
        assert self.engine.get_invoice(invoice_id).reversed

    @rule(indexes=st.lists(st.integers(0, 200), min_size=1, max_size=6))
    def bulk_post(self, indexes: list[int]) -> None:
        keys = [
            item.invoice_id
            for index in indexes
            for item in self._schedule(index).schedule_items
            if item.invoice_id
        ][:50]
        before = {k: self.engine.get_invoice(k).status for k in keys}
        results = self.engine.post_invoices(keys)
        assert [r.key for r in results] == keys
        for result in results:
            was = before[result.key]
            if result.success:
                assert was is DocumentStatus.DRAFT  # a repeated key shares the first result
            else:
                assert result.code == 59210020 and was is not DocumentStatus.DRAFT
            assert self.engine.get_invoice(result.key).status is not DocumentStatus.DRAFT

    @rule(index=st.integers(0, 200), cancel_first=st.booleans())
    def delete_bill_run(self, index: int, cancel_first: bool) -> None:
        runs = self.engine.list_bill_runs(page_size=1000).items
        if not runs:
            return
        run = runs[index % len(runs)]
        if cancel_first:
            self._try(lambda: self.engine.cancel_bill_run(run.id))
            run = self.engine.get_bill_run(run.id)
        before = state_of(self.engine)
        try:
            self.engine.delete_bill_run(run.id)
        except BusinessRuleError:
            assert run.status not in {BillRunStatus.CANCELED, BillRunStatus.ERROR}
            assert state_of(self.engine) == before
        else:
            assert run.status is BillRunStatus.CANCELED

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
        data = self.engine.export_state()
        self.items_and_live_invoices_agree(schedules, data)
        self.bill_run_status_agrees_with_documents(data)
        self.account_balance_is_what_posted_invoices_owe(data)

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

    def items_and_live_invoices_agree(
        self, schedules: list[InvoiceSchedule], data: dict[str, Any]
    ) -> None:
        """A Processed item has exactly one live invoice (Draft or Posted, not reversed) or
        none, and it is the one it names; a Pending or Executing item has none."""
        live: dict[str, list[str]] = {}
        for entry in data["invoices"]:
            invoice = entry["invoice"]
            if invoice["status"] in {"Draft", "Posted"} and not invoice["reversed"]:
                live.setdefault(entry["link"][1], []).append(invoice["id"])
        for s in schedules:
            for item in s.schedule_items:
                found = live.get(item.id, [])
                if item.status is ScheduleItemStatus.PROCESSED:
                    assert len(found) <= 1, s.number
                    assert item.invoice_id == (found[0] if found else None), s.number
                else:
                    assert found == [] and item.invoice_id is None, s.number

    def bill_run_status_agrees_with_documents(self, data: dict[str, Any]) -> None:
        statuses: dict[str, list[str]] = {}
        for entry in data["invoices"]:
            doc = entry["invoice"]
            statuses.setdefault(doc["billRunId"], []).append(doc["status"])
        for entry in data["creditMemos"]:
            doc = entry["creditMemo"]
            statuses.setdefault(doc["billRunId"], []).append(doc["status"])
        for entry in data["billRuns"]:
            run = entry["billRun"]
            docs = statuses.get(run["id"], [])
            live = [status for status in docs if status != "Canceled"]
            number = run["billRunNumber"]
            if run["status"] in {"Pending", "Processing"}:
                assert docs == [], number
            elif run["status"] == "Canceled":
                assert live == [], number
            elif live:
                assert (run["status"] == "Posted") == all(x == "Posted" for x in live), number

    def account_balance_is_what_posted_invoices_owe(self, data: dict[str, Any]) -> None:
        owed: dict[str, Decimal] = {}
        for entry in data["invoices"]:
            doc = entry["invoice"]
            if doc["status"] == "Posted":
                owed[doc["accountId"]] = owed.get(doc["accountId"], ZERO) + Decimal(doc["balance"])
        for account in data["accounts"]:
            assert Decimal(account["balance"]) == owed.get(account["id"], ZERO), account[
                "accountNumber"
            ]

    def executing_items_have_an_active_run(self, schedules: list[InvoiceSchedule]) -> None:
        active = set(self.engine.active_bill_runs())
        for s in schedules:
            for item in s.schedule_items:
                if item.status is ScheduleItemStatus.EXECUTING:
                    assert item.bill_run_id in active, s.number


# examples, steps and randomness come from the hypothesis profile (tests/conftest.py)
EngineMachine.TestCase.settings = settings(deadline=None)
TestEngineMachine = EngineMachine.TestCase
