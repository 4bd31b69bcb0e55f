"""The backend search of a list screen (Orders, Accounts): one field above the table.

Hidden until the search key, and never focusable while hidden, so the first key of a screen
always reaches its table. ``enter`` runs the search (the screen asks the backend); leaving the
field without ``enter`` puts back the search that is applied. The field shows while a search
is applied, so the operator sees what the list is narrowed to.
"""

from __future__ import annotations

from textual.widgets import Input

__all__ = ["SearchField"]


class SearchField(Input):
    def __init__(self, placeholder: str) -> None:
        super().__init__(placeholder=placeholder, id="search", compact=True)
        self.can_focus = False
        #: the search the list shows (``None``: no search)
        self.applied: str | None = None

    def on_mount(self) -> None:
        self.display = False
        self.cursor_blink = False

    def open(self) -> None:
        """The search key: show the field with the applied search, ready to edit."""
        self._show(True)
        self.value = self.applied or ""
        self.focus()

    def apply(self, text: str) -> str | None:
        """``enter``: the search to run (``None`` for a blank field)."""
        self.applied = text.strip() or None
        self._show(self.applied is not None)
        return self.applied

    def leave(self) -> bool:
        """``esc`` while typing: put the applied search back; False when the field is not being
        edited (the screen then does what esc does there)."""
        if not self.has_focus:
            return False
        self.value = self.applied or ""
        self._show(self.applied is not None)
        return True

    def clear(self) -> None:
        self.applied = None
        self.value = ""
        self._show(False)

    def _show(self, shown: bool) -> None:
        self.display = shown
        self.can_focus = shown
