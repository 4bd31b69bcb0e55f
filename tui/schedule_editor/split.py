"""Split a total into equal items, exactly: the rounding remainder goes on the last item."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

__all__ = ["HUNDRED", "split_percentages", "split_total"]

HUNDRED = Decimal(100)


def split_total(total: Decimal, count: int, places: int) -> list[Decimal]:
    """``count`` amounts with ``places`` decimals that add up to ``total`` exactly.

    Every item but the last gets ``total / count`` rounded toward zero; the last takes what is
    left, so it differs from the others by less than ``count`` minor units."""
    if count < 1:
        raise ValueError("split into at least one item")
    unit = Decimal(1).scaleb(-places)
    if total != total.quantize(unit):
        raise ValueError(f"{total} has more than {places} decimals")
    share = (total / count).quantize(unit, rounding=ROUND_DOWN)
    shares = [share] * (count - 1)
    return [*shares, (total - share * (count - 1)).quantize(unit)]


def split_percentages(count: int, places: int = 2) -> list[Decimal]:
    """100% in ``count`` equal percentages (remainder on the last)."""
    return split_total(HUNDRED.quantize(Decimal(1).scaleb(-places)), count, places)
