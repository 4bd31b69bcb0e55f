"""Every validation rule: the field in error and the rule named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backends.models import InvoiceScheduleStatus, SpecificSubscription
from tests.schedule_editor.factories import TODAY, schedule
from tui.schedule_editor.dates import end_of_month
from tui.schedule_editor.state import FormState, ItemRow, OrderInfo, edit_state, new_state
from tui.schedule_editor.validate import validate


def fresh(*rows: tuple[str, str], currency: str = "USD") -> FormState:
    state = FormState(account_key="A00000001", currency=currency, orders=["O-00000001"])
    state.items = [ItemRow(name=f"I{n}", run_date=d, value=v) for n, (d, v) in enumerate(rows)]
    return state


def rules(state: FormState) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(p.rule, p.field, p.row, p.column) for p in validate(state, TODAY).problems]


def test_a_good_new_schedule_has_a_plan() -> None:
    state = new_state("A1", "EUR", OrderInfo("O-00000009", ("A-S00000008",)), start=TODAY)
    result = validate(state, TODAY)
    assert result.ok and result.plan is not None
    assert [i.percentage for i in result.plan.items] == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert [i.run_date for i in result.plan.items] == [
        date(2026, 3, 2),
        date(2026, 4, 2),
        date(2026, 5, 2),
    ]


def test_items_required_and_at_most_fifty() -> None:
    assert rules(fresh()) == [("items_required", "items", None, None)]
    many = fresh(*[("", "2%")] * 51)
    assert ("items_max", "items", None, None) in rules(many)
    fifty = fresh(*[("", "2%")] * 50)
    assert validate(fifty, TODAY).ok


def test_orders_required_at_most_ten_and_not_twice() -> None:
    state = fresh(("", "100%"))
    state.orders = []
    assert rules(state) == [("orders_required", "orders", None, None)]
    state.orders = [f"O-{n:08d}" for n in range(11)]
    assert rules(state) == [("orders_max", "orders", None, None)]
    state.orders = [f"O-{n:08d}" for n in range(10)]
    assert validate(state, TODAY).ok
    state.orders = ["O-00000001", "O-00000001"]
    assert rules(state) == [("orders_duplicate", "orders", None, None)]


def test_at_most_three_hundred_subscriptions() -> None:
    state = fresh(("", "100%"))
    subs = tuple(f"S-{n:05d}" for n in range(301))
    state.order_info = {"O-00000001": OrderInfo("O-00000001", subs)}
    problems = validate(state, TODAY).problems
    assert [p.rule for p in problems] == ["subscriptions_max"]
    assert "301" in problems[0].message and "300" in problems[0].message
    # specific subscriptions narrow an order to the ones named
    state.subscriptions = ["S-00001"]
    result = validate(state, TODAY)
    assert result.ok and result.plan is not None
    assert result.plan.specific_subscriptions == (("O-00000001", "S-00001", ()),)


def test_specific_subscriptions_belong_to_the_orders_and_are_named_once() -> None:
    state = fresh(("", "100%"))
    state.order_info = {"O-00000001": OrderInfo("O-00000001", ("S-1", "S-2"))}
    state.subscriptions = ["S-1", "S-9", "S-1"]
    problems = validate(state, TODAY).problems
    assert [(p.rule, p.field) for p in problems] == [
        ("subscription_unknown", "subscriptions"),
        ("subscriptions_duplicate", "subscriptions"),
    ]
    assert "S-9 is not a subscription of O-00000001 (theirs: S-1, S-2)" in problems[0].message
    # over the limit with specific ones named: the field in error is theirs
    state.subscriptions = [f"S-{n}" for n in range(301)]
    state.order_info = {"O-00000001": OrderInfo("O-00000001", tuple(state.subscriptions))}
    assert [(p.rule, p.field) for p in validate(state, TODAY).problems] == [
        ("subscriptions_max", "subscriptions")
    ]


def test_a_kept_specific_subscription_keeps_its_order_and_charges() -> None:
    stored = schedule()
    stored.specific_subscriptions = [
        SpecificSubscription(order_key="O-00000001", subscription_key="S-1", charge_numbers=["C-1"])
    ]
    state = edit_state(stored, "A00000001", {"O-00000001": OrderInfo("O-00000001", ("S-1",))})
    assert state.subscriptions == ["S-1"]
    result = validate(state, TODAY)
    assert result.plan is not None
    assert result.plan.specific_subscriptions == (("O-00000001", "S-1", ("C-1",)),)


def test_specific_subscriptions_locked_once_the_schedule_left_pending() -> None:
    stored = schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, processed=1)
    state = edit_state(stored, "A00000001", {"O-00000001": OrderInfo("O-00000001", ("S-1",))})
    state.subscriptions = ["S-1"]
    assert [(p.rule, p.field) for p in validate(state, TODAY).problems] == [
        ("orders_locked", "subscriptions")
    ]


def test_run_dates_in_order() -> None:
    problems = validate(fresh(("2026-05-01", "50%"), ("2026-04-01", "50%")), TODAY).problems
    assert [(p.rule, p.row, p.column) for p in problems] == [("run_date_order", 1, "run_date")]
    assert "before item 1" in problems[0].message
    # the same day twice is in order
    assert validate(fresh(("2026-05-01", "50%"), ("2026-05-01", "50%")), TODAY).ok


def test_blank_run_dates_come_last() -> None:
    assert validate(fresh(("2026-05-01", "50%"), ("", "50%")), TODAY).ok
    # Zuora (and the engine): once one is blank, every later one is blank too
    assert validate(fresh(("2026-05-01", "50%"), ("", "25%"), ("", "25%")), TODAY).ok
    bad = fresh(("", "50%"), ("2026-05-01", "50%"))
    assert rules(bad) == [("run_date_blank_last", "items", 1, "run_date")]


def test_run_date_format() -> None:
    problems = validate(fresh(("next tuesday", "100%")), TODAY).problems
    assert [(p.rule, p.row, p.column) for p in problems] == [("run_date_format", 0, "run_date")]
    assert "+30d" in problems[0].message


def test_value_format_positive_and_decimals() -> None:
    assert rules(fresh(("", ""))) == [("value_format", "items", 0, "value")]
    assert rules(fresh(("", "abc"))) == [("value_format", "items", 0, "value")]
    assert rules(fresh(("", "0"))) == [("amount_positive", "items", 0, "value")]
    assert rules(fresh(("", "-5.00"))) == [("amount_positive", "items", 0, "value")]
    assert rules(fresh(("", "10.005"))) == [("amount_decimals", "items", 0, "value")]
    assert rules(fresh(("", "10.5"), currency="JPY")) == [("amount_decimals", "items", 0, "value")]
    # a new schedule by amount: the console does not know the orders' total; Zuora checks it
    assert validate(fresh(("", "1,000.50")), TODAY).ok


def test_percentages_in_range_and_summing_to_100() -> None:
    assert rules(fresh(("", "0%"))) == [("percentage_range", "items", 0, "value")]
    assert rules(fresh(("", "101%"))) == [("percentage_range", "items", 0, "value")]
    problems = validate(fresh(("", "50%"), ("", "40%")), TODAY).problems
    assert [(p.rule, p.row) for p in problems] == [("percentages_sum", 1)]
    assert "90%" in problems[0].message


def test_amounts_must_add_up_to_a_known_total() -> None:
    state = edit_state(schedule(), "A00000001")
    assert validate(state, TODAY).ok
    state.items[2].value = "900.00"
    problems = validate(state, TODAY).problems
    assert [p.rule for p in problems] == ["amounts_total"]
    assert "2,900.00 USD" in problems[0].message and "3,000.00 USD" in problems[0].message
    # mixing amounts and percentages of the known total
    state.items[2].value = "33%"
    assert [p.rule for p in validate(state, TODAY).problems] == ["amounts_total"]
    # as the engine does: the exact sum rounded to the currency's decimals must be the total
    state.items[2].value = "33.333333333%"
    assert validate(state, TODAY).ok


def test_notes_and_names_length() -> None:
    state = fresh(("", "100%"))
    state.notes = "x" * 256
    assert rules(state) == [("notes_length", "notes", None, None)]
    state.notes = "x" * 255
    state.items[0].name = "n" * 101
    assert rules(state) == [("item_name_length", "items", 0, "name")]


def test_orders_locked_once_the_schedule_left_pending() -> None:
    stored = schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, processed=1)
    state = edit_state(stored, "A00000001")
    assert not state.orders_editable
    assert validate(state, TODAY).ok
    state.orders.append("O-00000002")
    problems = validate(state, TODAY).problems
    assert next(p.rule for p in problems) == "orders_locked"
    assert "PartiallyProcessed" in problems[0].message


def test_only_pending_items_are_editable() -> None:
    state = edit_state(schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, processed=1), "A1")
    first = state.items[0]
    assert not first.editable and first.locked is not None
    assert "Processed (INV00000001)" in first.locked and "only Pending" in first.locked
    assert state.remove_item(0) is not None and len(state.items) == 3
    # whatever was typed into a locked row, the stored values are what is sent
    first.value = "1.00"
    result = validate(state, TODAY)
    assert result.ok and result.plan is not None
    assert result.plan.items[0].amount == Decimal("1000.00")


@pytest.mark.parametrize("count", [1, 2, 7])
def test_split_keeps_processed_rows_and_splits_what_is_left(count: int) -> None:
    state = edit_state(schedule(InvoiceScheduleStatus.PARTIALLY_PROCESSED, processed=1), "A1")
    state.split(count)
    assert len(state.items) == count + 1 and not state.items[0].editable
    state.fill_dates(date(2026, 4, 30), 1)
    result = validate(state, TODAY)
    assert result.ok, result.problems
    assert result.plan is not None
    assert sum((i.amount or 0 for i in result.plan.items), Decimal(0)) == Decimal("3000.00")
    # April 30 is an end of month: the series stays on month ends
    assert result.plan.items[-1].run_date == end_of_month(date(2026, 4 + count - 1, 1))


def test_split_needs_a_total_for_amounts() -> None:
    state = fresh(("", "100%"))
    with pytest.raises(ValueError, match="total"):
        state.split(3)
    state.split(3, total=Decimal("100.00"))
    assert [r.value for r in state.items] == ["33.33", "33.33", "33.34"]
    state.split(4, percent=True)
    assert [r.value for r in state.items] == ["25.00%"] * 4
