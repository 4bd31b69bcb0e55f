"""Action log (``l``): this session's actions with time, profile, object, result and duration.

``/`` filters the entries by any text (action, object, outcome, result); ``esc`` clears the
filter first, then goes back.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from tui import actions
from tui.actionlog import LogEntry
from tui.screens.base import ConsoleScreen

OUTCOME_STYLE = {"ok": "green", "refused": "yellow", "error": "bold red", "cancelled": "dim"}


class ActionLogScreen(ConsoleScreen):
    SCOPE = actions.ACTION_LOG
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.ACTION_LOG)  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__("Action log")
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        search = Input(placeholder="filter: any text; enter applies it", id="search", compact=True)
        search.can_focus = False
        search.display = False
        yield search
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
            if self._matches(entry):
                self._add(entry)
        self._status()

    def _matches(self, entry: LogEntry) -> bool:
        if not self.filter_text:
            return True
        text = " ".join((entry.action, entry.object, entry.outcome, entry.result)).lower()
        return self.filter_text.lower() in text

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = search.can_focus = True
        search.value = self.filter_text
        search.focus()

    @on(Input.Submitted, "#search")
    def _filter(self, event: Input.Submitted) -> None:
        self.filter_text = event.value.strip()
        event.input.display = event.input.can_focus = bool(self.filter_text)
        self.query_one("#log", DataTable).focus()
        self.reload()

    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus or self.filter_text:
            self.filter_text = ""
            search.value = ""
            search.display = search.can_focus = False
            self.query_one("#log", DataTable).focus()
            self.reload()
            return
        super().action_back()

    def action_refresh(self) -> None:
        self.reload()

    def _added(self, entry: LogEntry) -> None:
        if self._matches(entry):
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
        count = f"{len(log.entries)} action(s)"
        if self.filter_text:
            shown = self.query_one("#log", DataTable).row_count
            count = f"{shown} of {count} matching “{self.filter_text}”"
        key = self.billing_app.keys["search"]
        self.query_one("#status", Static).update(f"{count} · {where} · {key} filters")
