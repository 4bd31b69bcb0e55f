"""``BillingChanged``: the app-level message every completed change posts.

The app hands it to every mounted console screen, top or not; a screen that shows one of the
changed objects (:meth:`tui.screens.base.ConsoleScreen.object_refs`) or a whole changed kind
(``SHOWS_KINDS``) reloads, and one showing a deleted object closes. So ``esc`` always lands on a
screen that is true.
"""

from __future__ import annotations

from textual.message import Message

from tui.operations.base import ALL_KINDS, Change

__all__ = ["BillingChanged", "affects"]


class BillingChanged(Message):
    def __init__(self, change: Change) -> None:
        super().__init__()
        self.change = change


def affects(change: Change, refs: frozenset[str] | set[str], kinds: frozenset[str]) -> bool:
    """Whether a screen showing ``refs`` and every object of ``kinds`` must reload."""
    if ALL_KINDS in change.kinds:
        return True
    return bool(change.refs & refs) or bool(change.kinds & kinds)
