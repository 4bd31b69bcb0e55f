"""A two-column grid of label / value pairs for the summary sections of detail screens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.widgets import Static


class Fields(Static):
    DEFAULT_CSS = """
    Fields { height: auto; padding: 0 1; }
    """

    plain = ""
    """The pairs as plain ``label: value`` lines (for tests and screen readers)."""

    def show(self, pairs: Sequence[tuple[str, object]], columns: int = 2) -> None:
        table = Table.grid(padding=(0, 2), expand=True)
        for _ in range(columns):
            table.add_column(style="bold", no_wrap=True, ratio=None)
            table.add_column(ratio=1)
        rows = [pairs[i : i + columns] for i in range(0, len(pairs), columns)]
        for row in rows:
            cells: list[Any] = []
            for label, value in row:
                cells.extend([Text(label, style="dim"), value])
            while len(cells) < columns * 2:
                cells.extend(["", ""])
            table.add_row(*cells)
        self.plain = "\n".join(f"{label}: {value}" for label, value in pairs)
        self.update(table)
