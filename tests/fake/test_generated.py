"""The generated tenant: the engine's invariants hold, the same seed gives the same state, search
through the indexes finds exactly what a scan finds, and the engine's operations work on it."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from backends import jsoncodec
from backends.fake import FakeBackend
from backends.fake.engine import ChargeSpec, Engine, SubscriptionSpec
from backends.fake.engine import schedules as rules
from backends.fake.generated import generated
from backends.models import (
    BillRunStatus,
    DocumentStatus,
    InvoiceScheduleStatus,
    Order,
    ScheduleItemStatus,
)
from backends.profile import BackendProfile

SIZE = 2000
ZERO = Decimal("0")


@pytest.fixture(scope="module")
def tenant() -> Engine:
    return generated(SIZE, seed="invariants")


def _canonical(engine: Engine) -> str:
    """A digest of the exported state with every list of objects and every mapping sorted:
    lazily loaded objects enter the store in the order they are first read, so only the order
    of entries may differ. (A digest: a failing comparison of megabytes would hang pytest.)"""
    state = engine.export_state()
    for key, value in state.items():
        if isinstance(value, list):
            state[key] = sorted(value, key=jsoncodec.dumps)
        elif isinstance(value, dict):
            state[key] = dict(sorted(value.items()))
    return hashlib.sha256(jsoncodec.dumps(state).encode()).hexdigest()


def test_the_engine_invariants_hold_on_every_object(tenant: Engine) -> None:
    core = tenant._core
    st = core.store
    tenant.export_state()  # reads every object: the whole tenant is materialised
    assert len(st.order_ids) == SIZE
    statuses: Counter[InvoiceScheduleStatus] = Counter()
    posted: dict[str, Decimal] = {}
    longest = 0
    for sid in st.schedule_ids:
        schedule = st.schedules[sid]
        statuses[schedule.status] += 1
        items = schedule.schedule_items
        longest = max(longest, len(items))
        assert 1 <= len(items) <= rules.MAX_ITEMS
        assert schedule.billed_amount + schedule.unbilled_amount == schedule.actual_amount
        assert schedule.total_amount == sum((i.amount for i in items), ZERO)
        assert rules.schedule_value(core, sid) == schedule.total_amount
        assert schedule.status is (
            InvoiceScheduleStatus.PAUSED
            if st.schedule_extra[sid].paused
            else rules.underlying_status(schedule)
        )
        runs = [i.run_date for i in items]
        assert all(r is not None for r in runs) and runs == sorted(runs)  # type: ignore[type-var]
        for item in items:
            assert st.item_schedule[item.id] == sid
            if item.status is not ScheduleItemStatus.PROCESSED:
                assert item.invoice_id is None
                continue
            invoice = st.invoices[item.invoice_id or ""]
            run = st.bill_runs[item.bill_run_id or ""]
            assert invoice.amount == st.item_billed[item.id] == item.actual_amount > 0
            assert invoice.bill_run_id == run.id and st.document_item[invoice.id] == (sid, item.id)
            assert st.bill_run_documents[run.id] == [invoice.id]
            assert st.jobs[run.id].targets == [(sid, item.id)]
            assert (run.status is BillRunStatus.POSTED) == (invoice.status is DocumentStatus.POSTED)
            assert run.status in {BillRunStatus.POSTED, BillRunStatus.COMPLETED}
            if invoice.status is DocumentStatus.POSTED:
                posted[invoice.account_id] = posted.get(invoice.account_id, ZERO) + invoice.balance
        for order_number in schedule.orders:
            order = st.order(order_number)
            assert order is not None and order.invoice_schedule_id == sid
        for number in st.schedule_charges[sid]:
            assert st.charges[number].invoice_schedule_id == sid
        # the amounts, status and dates are exactly what the engine's own arithmetic gives
        before = schedule.to_wire()
        due_before = st.due.get(sid)
        rules.reprice(core, schedule)
        assert schedule.to_wire() == before
        assert st.due.get(sid) == due_before == rules.due_date(core, schedule)
    assert set(statuses) == set(InvoiceScheduleStatus)
    assert longest > 12
    for account in st.accounts.values():
        assert account.balance == posted.get(account.id, ZERO)
    currencies = {st.accounts[st.schedules[sid].account_id].currency for sid in st.schedule_ids}
    assert len(currencies) >= 3
    assert len({st.order(n).existing_account_number for n in st.order_numbers}) >= 5  # type: ignore[union-attr]
    without = [n for n in st.order_numbers if not st.schedules_by_order.get(n)]
    assert 0 < len(without) < SIZE // 5


def test_the_same_seed_gives_the_same_state_whatever_is_read_first() -> None:
    size = 400
    first = generated(size, seed="same")
    second = generated(size, seed="same")
    numbers = [f"O-{n:08d}" for n in range(1, size + 1)]
    random.Random(7).shuffle(numbers)
    for number in numbers[:100]:  # touch orders in a scrambled order before the export
        second.get_order(number)
    assert _canonical(first) == _canonical(second)
    assert _canonical(first) != _canonical(generated(size, seed="other"))


def _scan(engine: Engine, needle: str) -> list[str]:
    """What the search means, by brute force over every order."""
    found = []
    needle = needle.lower()
    for n in range(1, SIZE + 1):
        order = engine.get_order(f"O-{n:08d}")
        digits = needle.lstrip("0")
        by_number = order.order_number.lower().startswith(needle) or (
            digits.isdigit() and str(n).startswith(digits)
        )
        by_account = (
            needle in order.existing_account_number.lower()
            or needle in (order.account_name or "").lower()
        )
        if by_number or by_account:
            found.append(order.order_number)
    return found


def _pages(engine: Engine, search: str, page_size: int) -> list[Order]:
    orders: list[Order] = []
    cursor = None
    while True:
        page = engine.list_orders(search=search, page_size=page_size, cursor=cursor)
        orders.extend(page.items)
        if page.next_cursor is None:
            return orders
        assert len(page.items) == page_size
        cursor = page.next_cursor


@pytest.mark.parametrize("needle", ["O-0000012", "12", "0042", "acme", "A00000003", "NOPE"])
def test_search_through_the_indexes_finds_what_a_scan_finds(tenant: Engine, needle: str) -> None:
    expected = _scan(tenant, needle)
    assert [o.order_number for o in _pages(tenant, needle, 37)] == expected


def test_paging_covers_every_order_once(tenant: Engine) -> None:
    numbers = [o.order_number for o in _pages(tenant, "", 500)]
    assert numbers == [f"O-{n:08d}" for n in range(1, SIZE + 1)]


def test_the_engine_operations_work_on_a_generated_tenant() -> None:
    size = 500
    engine = generated(size, seed="ops")
    st = engine._core.store
    partial = engine.list_invoice_schedules(
        status=InvoiceScheduleStatus.PARTIALLY_PROCESSED, page_size=1
    ).items[0]
    run = engine.execute_invoice_schedule(partial.number)
    engine.run_pending()
    engine.post_bill_run(run.id)
    after = engine.get_invoice_schedule(partial.number)
    assert after.billed_amount > partial.billed_amount
    assert after.billed_amount + after.unbilled_amount == after.actual_amount
    balance = sum(
        (
            st.invoices[i].balance
            for i in st.invoices
            if st.invoices[i].account_id == after.account_id
            and st.invoices[i].status is DocumentStatus.POSTED
        ),
        ZERO,
    )
    assert engine.get_account(after.account_id).balance == balance
    moved = engine.advance_to_next_run_date()
    assert moved.executed
    for executed in moved.executed:
        schedule = engine.get_invoice_schedule(executed.schedule_number)
        assert schedule.billed_amount + schedule.unbilled_amount == schedule.actual_amount
    # the engine's own numbering continues after the generated objects
    order = engine.create_subscriptions(
        "A00000001",
        [
            SubscriptionSpec(
                product_name="Extra",
                charges=(ChargeSpec(name="Extra", price=Decimal("10.00")),),
                term_start=engine.today,
            )
        ],
    )
    assert order.order_number == f"O-{size + 1:08d}"
    assert engine.list_orders(search=order.order_number).items == [order]
    assert order.order_number in [o.order_number for o in _pages(engine, "A00000001", 1000)]
    pending = engine.list_invoice_schedules(status=InvoiceScheduleStatus.PENDING).items[0]
    engine.delete_invoice_schedule(pending.number)
    assert pending.number not in [s.number for s in _all_schedules(engine)]
    assert engine.get_order(pending.orders[0]).invoice_schedule_number is None


def _all_schedules(engine: Engine) -> list[Any]:
    out: list[Any] = []
    cursor = None
    while True:
        page = engine.list_invoice_schedules(page_size=1000, cursor=cursor)
        out.extend(page.items)
        if page.next_cursor is None:
            return out
        cursor = page.next_cursor


async def test_the_profile_seed_opens_a_generated_tenant() -> None:
    backend = FakeBackend.from_profile(BackendProfile(seed="generated:1_000", progression="manual"))
    async with backend:
        page = await backend.list_orders(page_size=5)
        assert next(o.order_number for o in page.items) == "O-00000001"
        last = await backend.get_order("O-00001000")
        assert last.account_name
    assert FakeBackend.generated(10).engine.get_order("O-00000010").order_number == "O-00000010"
