"""Split a total exactly; monthly and quarterly dates; what an operator may type as a date."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.schedule_editor.currency import decimals, quantum
from tui.schedule_editor.dates import DateInputError, add_months, parse_run_date, series
from tui.schedule_editor.split import split_percentages, split_total

TODAY = date(2026, 3, 2)


@given(
    places=st.sampled_from([0, 2, 3]),
    units=st.integers(min_value=1, max_value=10**12),
    count=st.integers(min_value=1, max_value=50),
)
def test_split_sums_exactly_with_the_remainder_on_the_last(
    places: int, units: int, count: int
) -> None:
    total = Decimal(units).scaleb(-places)
    parts = split_total(total, count, places)
    assert len(parts) == count
    assert sum(parts, Decimal(0)) == total
    unit = Decimal(1).scaleb(-places)
    assert all(p == p.quantize(unit) for p in parts)
    # every part but the last is the same; the last holds the remainder (fewer than count units)
    assert len(set(parts[:-1])) <= 1
    if count > 1:
        assert Decimal(0) <= parts[-1] - parts[0] < unit * count


def test_split_examples() -> None:
    assert split_total(Decimal("100.00"), 3, 2) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert split_total(Decimal("1000"), 3, 0) == [Decimal(333), Decimal(333), Decimal(334)]
    assert split_percentages(3) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_split_refuses_what_it_cannot_do() -> None:
    with pytest.raises(ValueError, match="at least one"):
        split_total(Decimal("10.00"), 0, 2)
    with pytest.raises(ValueError, match="more than 2 decimals"):
        split_total(Decimal("10.005"), 2, 2)


def test_currency_decimals() -> None:
    assert decimals("USD") == 2 and decimals("eur") == 2
    assert decimals("JPY") == 0 and quantum("JPY") == Decimal(1)
    assert decimals("KWD") == 3 and quantum("KWD") == Decimal("0.001")


def test_months_are_end_of_month_aware() -> None:
    assert series(date(2026, 1, 31), 4, 1) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    # a clamped February does not drag the later dates to the 28th
    assert series(date(2026, 1, 30), 3, 1) == [
        date(2026, 1, 30),
        date(2026, 2, 28),
        date(2026, 3, 30),
    ]
    assert series(date(2026, 11, 15), 3, 3) == [
        date(2026, 11, 15),
        date(2027, 2, 15),
        date(2027, 5, 15),
    ]
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 4, 30), 1) == date(2026, 5, 31)  # end of month stays so


@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), n=st.integers(1, 24))
def test_series_is_increasing_and_monthly(start: date, n: int) -> None:
    days = series(start, n, 1)
    assert days[0] == start
    assert all(a < b for a, b in itertools.pairwise(days))
    assert all(
        (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1 for a, b in itertools.pairwise(days)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-01", date(2026, 4, 1)),
        (" 2026-04-01 ", date(2026, 4, 1)),
        ("+30d", date(2026, 4, 1)),
        ("+2w", date(2026, 3, 16)),
        ("+1m", date(2026, 4, 2)),
        ("+1q", date(2026, 6, 2)),
        ("eom", date(2026, 3, 31)),
        ("EOM", date(2026, 3, 31)),
        ("eom+1", date(2026, 4, 30)),
        ("today", TODAY),
        ("", None),
        ("   ", None),
    ],
)
def test_run_date_input(text: str, expected: date | None) -> None:
    assert parse_run_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["2026-13-01", "tomorrow", "+30", "30d", "eom-1", "+d"])
def test_run_date_input_refused_with_the_forms_it_takes(text: str) -> None:
    with pytest.raises(DateInputError, match=r"2026-04-01|eom"):
        parse_run_date(text, TODAY)
