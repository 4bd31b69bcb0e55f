"""Detach / attach charges: the schedule's subscriptions and charges with their state.

The mark key marks a charge (an attached one to detach, a detached one to attach back); the
apply key hands the marks to the operation, which confirms with the list. Its keys are the
registry's (``tui.actions``, scope ``schedule_charges``), so help, the keymap and read-only
follow.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui import actions
from tui.keys import DEFAULT_KEYS, KeyNames
from tui.schedule_editor.charges import ChargeRow, Charges
from tui.widgets.footer import ConsoleFooter

__all__ = ["ScheduleChargesScreen"]

_STATE_TEXT = {"attached": "attached", "detached": "detached", "other": "other schedule"}


class ScheduleChargesScreen(Screen[dict[str, Any] | None]):
    SCOPE: ClassVar[str] = actions.SCHEDULE_CHARGES
    DEFAULT_CSS = """
    ScheduleChargesScreen #charges-title { text-style: bold; padding: 0 1; background: $boost; width: 1fr; }
    ScheduleChargesScreen #charges { height: 1fr; margin: 0 1; }
    ScheduleChargesScreen #charges-note { height: auto; padding: 0 1; color: $text-muted; }
    ScheduleChargesScreen #charges-error { height: auto; padding: 0 1; color: $text-error; }
    """

    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.SCHEDULE_CHARGES)  # type: ignore[assignment]

    def __init__(self, charges: Charges, *, error: str | None = None) -> None:
        super().__init__()
        self.charges = charges
        self.error = error

    @property
    def keys(self) -> KeyNames:
        return getattr(self.app, "keys", None) or DEFAULT_KEYS

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only (and the registry) decide, as on every console screen."""
        allowed = getattr(self.app, "action_allowed", None)
        return allowed is None or bool(allowed(actions.action_method(action, parameters)))

    def compose(self) -> ComposeResult:
        schedule = self.charges.schedule
        yield Static(
            f"Charges of {schedule.number} ({schedule.status.value}) · orders "
            f"{', '.join(schedule.orders) or '—'}",
            id="charges-title",
            markup=False,
        )
        table: DataTable[object] = DataTable(id="charges", cursor_type="row", zebra_stripes=True)
        yield table
        keys = self.keys
        yield Static(
            f"{keys['charges_mark']} marks: an attached charge to detach, a detached one to "
            f"attach back · {keys['charges_apply']} applies · the charges of the subscriptions "
            "the schedule covers, as the backend has them; Zuora attaches back only a charge "
            "detached from this schedule with nothing billed since",
            id="charges-note",
            markup=False,
        )
        yield Static(self.error or "", id="charges-error", markup=False)
        yield ConsoleFooter(compact=self.app.size.width < 110)

    def on_mount(self) -> None:
        table = self.query_one("#charges", DataTable)
        for label, key in (
            ("", "mark"),
            ("Order", "order"),
            ("Subscription", "subscription"),
            ("Charge", "charge"),
            ("Name", "name"),
            ("State", "state"),
        ):
            table.add_column(label, key=key)
        self._fill()
        table.focus()

    def _mark(self, row: ChargeRow) -> str:
        if row.charge not in self.charges.marked:
            return ""
        return "detach" if row.state == "attached" else "attach"

    def _fill(self) -> None:
        table = self.query_one("#charges", DataTable)
        cursor = table.cursor_row
        table.clear()
        for r in self.charges.rows:
            table.add_row(
                self._mark(r),
                r.order,
                r.subscription,
                r.charge,
                r.name or "—",
                _STATE_TEXT[r.state],
                key=r.charge,
            )
        if self.charges.rows:
            table.move_cursor(row=min(cursor, len(self.charges.rows) - 1), animate=False)
        else:
            self.query_one("#charges-error", Static).update(
                "No charges: the subscriptions of this schedule have none"
            )

    def action_charges_mark(self) -> None:
        table = self.query_one("#charges", DataTable)
        if not self.charges.rows:
            return
        charge = self.charges.rows[table.cursor_row].charge
        reason = self.charges.toggle(charge)
        self.query_one("#charges-error", Static).update(reason or "")
        if reason:
            self.app.bell()
        self._fill()

    @on(DataTable.RowSelected, "#charges")
    def _selected(self) -> None:
        self.action_charges_mark()

    def action_charges_apply(self) -> None:
        if not self.charges.marked:
            self.query_one("#charges-error", Static).update(
                f"Mark a charge first ({self.keys['charges_mark']})"
            )
            return
        self.dismiss({"charges": self.charges})

    def action_charges_leave(self) -> None:
        self.dismiss(None)
