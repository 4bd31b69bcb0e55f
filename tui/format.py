"""Plain formatting for money, dates and statuses (no wall clock here: pass times in)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from rich.text import Text

STATUS_STYLE = {
    "Pending": "yellow",
    "PartiallyProcessed": "cyan",
    "Paused": "magenta",
    "FullyProcessed": "green",
    "Executing": "bold yellow",
    "Processed": "green",
    "Draft": "yellow",
    "Posted": "green",
    "Canceled": "red",
    "Cancelled": "red",
    "Error": "bold red",
    "Completed": "green",
    "Processing": "bold yellow",
}


def money(amount: Decimal | None, currency: str | None = None) -> str:
    if amount is None:
        return "—"
    text = f"{amount:,.2f}"
    return f"{text} {currency}" if currency else text


def day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def stamp(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def status(value: object) -> Text:
    text = str(getattr(value, "value", value)) if value is not None else "—"
    return Text(text, style=STATUS_STYLE.get(text, ""))


def text_or_dash(value: object) -> str:
    return "—" if value in (None, "") else str(value)


def short_id(value: str | None) -> str:
    """A 32-hex id where no number could be read: its first 8 characters identify it."""
    if not value:
        return "—"
    return value if len(value) <= 12 else f"{value[:8]}…"
