"""Detach / attach charges: the schedule's subscriptions and charges with their state.

``space`` marks a charge (an attached one to detach, one detached from this schedule to attach
back); ``ctrl+s`` hands the marks to the operation, which confirms with the list.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui.schedule_editor.charges import Charges
from tui.widgets.footer import ConsoleFooter

__all__ = ["ScheduleChargesScreen"]


class ScheduleChargesScreen(Screen[dict[str, Any] | None]):
    DEFAULT_CSS = """
    ScheduleChargesScreen #charges-title { text-style: bold; padding: 0 1; background: $boost; width: 1fr; }
    ScheduleChargesScreen #charges { height: 1fr; margin: 0 1; }
    ScheduleChargesScreen #charges-note { height: auto; padding: 0 1; color: $text-muted; }
    ScheduleChargesScreen #charges-error { height: auto; padding: 0 1; color: $text-error; }
    """

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("space", "mark_charge", "Mark", priority=True),
        Binding("ctrl+s", "apply", "Apply", priority=True),
        Binding("escape", "leave", "Back", priority=True),
    ]

    def __init__(self, charges: Charges, *, error: str | None = None) -> None:
        super().__init__()
        self.charges = charges
        self.error = error

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
        yield Static(
            "space marks: an attached charge to detach, a charge detached from this schedule to "
            "attach back · ctrl+s applies · charges are those the schedule billed; 'detached' "
            "means detached from this console in this session",
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
            ("State", "state"),
            ("Billed on", "billed"),
        ):
            table.add_column(label, key=key)
        self._fill()
        table.focus()

    def _fill(self) -> None:
        table = self.query_one("#charges", DataTable)
        row = table.cursor_row
        table.clear()
        for r in self.charges.rows:
            mark = ""
            if r.charge in self.charges.marked:
                mark = "detach" if r.state == "attached" else "attach"
            table.add_row(
                mark,
                r.order,
                r.subscription,
                r.charge,
                r.state,
                ", ".join(r.billed_on) or "—",
                key=r.charge,
            )
        if self.charges.rows:
            table.move_cursor(row=min(row, len(self.charges.rows) - 1), animate=False)
        else:
            self.query_one("#charges-error", Static).update(
                "No charges: the schedule has billed nothing yet"
            )

    def action_mark_charge(self) -> None:
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
        self.action_mark_charge()

    def action_apply(self) -> None:
        if not self.charges.marked:
            self.query_one("#charges-error", Static).update("Mark a charge first (space)")
            return
        self.dismiss({"charges": self.charges})

    def action_leave(self) -> None:
        self.dismiss(None)
