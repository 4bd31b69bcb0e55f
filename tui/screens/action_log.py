"""Action log (``l``): this session's actions with time, profile, object, result and duration."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from tui import actions
from tui.actionlog import LogEntry
from tui.screens.base import ConsoleScreen

OUTCOME_STYLE = {"ok": "green", "refused": "yellow", "error": "bold red", "cancelled": "dim"}


class ActionLogScreen(ConsoleScreen):
    SCOPE = actions.ACTION_LOG
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.ACTION_LOG)  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__("Action log")

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        table: DataTable[Any] = DataTable(id="log", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="status", classes="status-line")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        table = self.query_one("#log", DataTable)
        for label, key in (
            ("Time", "time"),
            ("Profile", "profile"),
            ("Action", "action"),
            ("Object", "object"),
            ("Outcome", "outcome"),
            ("ms", "ms"),
            ("Result", "result"),
        ):
            table.add_column(label, key=key)
        self.reload()
        self.billing_app.action_log.listeners.append(self._added)
        table.focus()

    def on_unmount(self) -> None:
        listeners = self.billing_app.action_log.listeners
        if self._added in listeners:
            listeners.remove(self._added)

    def reload(self, quiet: bool = False) -> None:
        table = self.query_one("#log", DataTable)
        table.clear()
        for entry in self.billing_app.action_log.entries:
            self._add(entry)
        self._status()

    def action_refresh(self) -> None:
        self.reload()

    def _added(self, entry: LogEntry) -> None:
        self._add(entry)
        self._status()

    def _add(self, entry: LogEntry) -> None:
        table = self.query_one("#log", DataTable)
        table.add_row(
            entry.time[11:19] if len(entry.time) >= 19 else entry.time,
            entry.profile,
            entry.action,
            entry.object,
            Text(entry.outcome, style=OUTCOME_STYLE.get(entry.outcome, "")),
            Text(str(entry.duration_ms), justify="right"),
            entry.result,
        )

    def _status(self) -> None:
        log = self.billing_app.action_log
        where = f"also in {log.path}" if log.path else "not written to disk"
        self.query_one("#status", Static).update(f"{len(log.entries)} action(s) · {where}")
