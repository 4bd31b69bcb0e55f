"""Rows marked for a bulk post, shared by every screen that marks invoices (Documents, Bill
run, Account): the ``mark`` operation toggles a row here, ``post_marked`` reads ``marked`` and
clears it after posting. ``post_marked`` shows in the footer only while something is marked.

A screen using it declares ``marked`` as a reactive ``var`` (so the footer follows it) and says
which table carries the marks and how one row's mark is drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.widgets import DataTable

    from tui.operations.documents import Marked

__all__ = ["MarkedRows"]


class MarkedRows:
    marked: dict[str, Marked]

    def mark_table(self) -> DataTable[Any]:
        """The table whose rows carry the marks."""
        raise NotImplementedError

    def show_mark(self, row: str, marked: bool) -> None:
        """Draw (or clear) one row's mark."""
        raise NotImplementedError

    def advance_after_mark(self, table: DataTable[Any]) -> bool:
        """Whether marking moves the cursor to the next row (so space marks a run of rows)."""
        return True

    def _show_status(self) -> None:
        raise NotImplementedError

    def action_state(self, action: str) -> bool | None:
        if action == "post_marked":  # in the footer only while something is marked
            return bool(self.marked)
        return True

    def toggle_mark(self, row: str, mark: Marked) -> None:
        marked = dict(self.marked)
        if row in marked:
            del marked[row]
        else:
            marked[row] = mark
        self.marked = marked
        self.show_mark(row, row in marked)
        self._show_status()
        table = self.mark_table()
        if self.advance_after_mark(table) and table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def clear_marks(self) -> None:
        for row in self.marked:
            self.show_mark(row, False)
        self.marked = {}
        self._show_status()
