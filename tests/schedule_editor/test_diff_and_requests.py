"""The update's diff (apply(diff) == new), the complete lists an update sends, the live line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from backends.models import InvoiceScheduleStatus, UpdateInvoiceScheduleRequest
from tests.schedule_editor.factories import TODAY, schedule
from tui.schedule_editor.diff import apply, diff
from tui.schedule_editor.plan import ItemPlan, SchedulePlan, plan_of_schedule
from tui.schedule_editor.requests import create_request, update_request
from tui.schedule_editor.state import OrderInfo, edit_state, new_state
from tui.schedule_editor.summary import summarize
from tui.schedule_editor.validate import validate

names = st.text(alphabet="abc ", max_size=4)
days = st.none() | st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))
values = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2)


@st.composite
def item_plans(draw: st.DrawFn, item_id: str | None) -> ItemPlan:
    by_percent = draw(st.booleans())
    value = draw(values)
    return ItemPlan(
        item_id,
        draw(names),
        draw(days),
        amount=None if by_percent else value,
        percentage=value if by_percent else None,
    )


orders_lists = st.lists(
    st.sampled_from([f"O-{n:08d}" for n in range(1, 8)]), unique=True, max_size=5
)


@st.composite
def edits(draw: st.DrawFn) -> tuple[SchedulePlan, SchedulePlan]:
    """An old plan and an edit of it: items deleted, changed, added anywhere, maybe reordered."""
    count = draw(st.integers(0, 8))
    old_items = [draw(item_plans(f"id{n}")) for n in range(count)]
    old = SchedulePlan(
        orders=tuple(draw(orders_lists)),
        items=tuple(old_items),
        notes=draw(names),
        invoice_separately=draw(st.booleans()),
    )
    kept = [i for i in old_items if draw(st.booleans())]
    kept = [
        draw(item_plans(i.id)) if draw(st.booleans()) else i  # changed or not
        for i in kept
    ]
    if draw(st.booleans()):
        kept = draw(st.permutations(kept))
    new_items = list(kept)
    for _ in range(draw(st.integers(0, 4))):
        new_items.insert(draw(st.integers(0, len(new_items))), draw(item_plans(None)))
    new = SchedulePlan(
        orders=tuple(draw(orders_lists)),
        items=tuple(new_items),
        notes=draw(names),
        invoice_separately=draw(st.booleans()),
    )
    return old, new


@given(edits())
def test_applying_the_diff_gives_the_new_plan(pair: tuple[SchedulePlan, SchedulePlan]) -> None:
    old, new = pair
    change = diff(old, new)
    assert apply(old, change) == new
    assert change.is_empty == (old == new)


@given(edits())
def test_every_deleted_item_is_listed_as_deleted(pair: tuple[SchedulePlan, SchedulePlan]) -> None:
    old, new = pair
    change = diff(old, new)
    gone = {i.id for i in old.items} - {i.id for i in new.items}
    assert {i.id for i in change.items_deleted} == gone
    assert sum("DELETED" in line for line in change.lines()) == len(gone)


def test_removing_an_item_shows_it_deleted_and_the_request_carries_every_other_one() -> None:
    stored = schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, processed=1)
    state = edit_state(stored, "A00000001")
    assert state.remove_item(2) is None
    state.items[1].value = "2000.00"
    state.items[1].run_date = "2026-04-15"
    result = validate(state, TODAY)
    assert result.ok and result.plan is not None
    change = diff(plan_of_schedule(stored), result.plan)
    assert change.lines("USD") == [
        "~ Installment 2/3 changed: run date 2026-04-01 → 2026-04-15; value 1,000.00 → 2,000.00",
        "- DELETED Installment 3/3 · 2026-05-01 · 1,000.00 USD",
    ]
    request = update_request(stored, result.plan)
    assert isinstance(request, UpdateInvoiceScheduleRequest)
    wire = request.to_wire()
    # the processed item goes back as stored, the orders and lists complete
    assert [i["id"] for i in wire["scheduleItems"]] == ["item1", "item2"]  # type: ignore[index]
    assert wire["scheduleItems"][0]["amount"] == Decimal("1000.00")  # type: ignore[index]
    assert wire["orders"] == ["O-00000001"]
    assert wire["specificSubscriptions"] == []
    assert wire["additionalSubscriptionsToBill"] == []
    assert wire["notes"] == "Setup fee"


def test_an_edit_that_changes_nothing_is_an_empty_diff() -> None:
    stored = schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, processed=1)
    state = edit_state(stored, "A00000001")
    result = validate(state, TODAY)
    assert result.plan is not None
    change = diff(plan_of_schedule(stored), result.plan)
    assert change.is_empty and change.lines() == []
    # typing the same value differently is no change either
    state.items[1].value = "1,000.0"
    result = validate(state, TODAY)
    assert result.plan is not None and diff(plan_of_schedule(stored), result.plan).is_empty


def test_orders_added_and_removed() -> None:
    old = SchedulePlan(orders=("O-1", "O-2"), items=())
    new = SchedulePlan(orders=("O-2", "O-3"), items=())
    assert diff(old, new).lines() == ["+ order O-3 added", "- order O-1 removed"]


def test_specific_subscriptions_added_and_removed() -> None:
    old = SchedulePlan(orders=("O-1",), items=(), specific_subscriptions=(("O-1", "S-1", ()),))
    new = SchedulePlan(orders=("O-1",), items=(), specific_subscriptions=(("O-1", "S-2", ()),))
    change = diff(old, new)
    assert change.lines() == [
        "+ subscription S-2 (O-1) added",
        "- subscription S-1 (O-1) removed",
    ]
    assert apply(old, change) == new
    emptied = diff(old, SchedulePlan(orders=("O-1",), items=()))
    assert emptied.lines() == [
        "- subscription S-1 (O-1) removed: none specific left, every subscription of the "
        "orders counts"
    ]


def test_the_request_names_the_specific_subscriptions() -> None:
    state = new_state("A00000008", "EUR", OrderInfo("O-00000009", ("S-8", "S-9")), start=TODAY)
    state.subscriptions = ["S-9"]
    result = validate(state, TODAY)
    assert result.plan is not None
    wire = create_request("A00000008", result.plan).to_wire()
    assert wire["specificSubscriptions"] == [
        {"orderKey": "O-00000009", "subscriptionKey": "S-9", "chargeNumbers": []}
    ]


def test_create_request() -> None:
    state = new_state("A00000008", "EUR", OrderInfo("O-00000009"), start=date(2026, 4, 1))
    state.notes = "Launch"
    result = validate(state, TODAY)
    assert result.plan is not None
    wire = create_request(state.account_key, result.plan).to_wire()
    assert wire["accountKey"] == "A00000008" and wire["orders"] == ["O-00000009"]
    assert [i["percentage"] for i in wire["scheduleItems"]] == [  # type: ignore[index]
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert all(i["amount"] is None and i["id"] is None for i in wire["scheduleItems"])  # type: ignore[union-attr]
    assert wire["notes"] == "Launch"


def test_live_line() -> None:
    stored = schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, processed=1)
    state = edit_state(stored, "A00000001")
    line = summarize(state)
    assert line.adds_up is True and line.billed == Decimal("1000.00")
    assert line.unbilled == Decimal("2000.00")
    assert "total 3,000.00 USD" in line.text and "✓ adds up" in line.text
    state.items[2].value = "900.00"
    line = summarize(state)
    assert line.adds_up is False and "100.00 USD left to place" in line.text
    fresh = new_state("A1", "EUR", OrderInfo("O-00000009"), start=TODAY)
    assert summarize(fresh).adds_up is True
    fresh.items[2].value = "30%"
    assert "96.66% of 100%" in summarize(fresh).text
    assert "3.34% left to place" in summarize(fresh).text
    fresh.items[2].value = "100.00"
    assert summarize(fresh).adds_up is None  # amounts against a total the console lacks
