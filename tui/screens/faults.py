"""Fault panel (``F``, fake backend only): the fault rules that make the fake fail like a real
tenant on a bad day. Adding a rule from a preset, deleting the rule under the cursor
(``current_rule()``) and clearing them all are operations (:mod:`tui.operations.app_ops`).

Shown only when the backend implements :class:`backends.base.FaultInjection`, and hidden in
read-only mode: it changes how the fake answers, never billing data, so nothing is confirmed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from backends.base import FaultInjection
from backends.models import FaultRuleSpec
from tui import actions
from tui.screens.base import ConsoleScreen

COLUMNS = (
    ("Id", "id"),
    ("Effect", "effect"),
    ("Operation", "operation"),
    ("Method", "method"),
    ("Path", "path"),
    ("Times", "times"),
    ("Probability", "probability"),
    ("Phase", "phase"),
    ("Latency", "latency"),
    ("Fired", "fired"),
)


def rule_row(rule: FaultRuleSpec) -> tuple[Any, ...]:
    return (
        str(rule.id),
        rule.effect.value,
        rule.operation or "any",
        rule.method,
        rule.path,
        "always" if rule.times is None else str(rule.times),
        f"{(rule.probability * 100).normalize():f}%",
        rule.phase,
        f"{rule.latency_ms} ms" if rule.latency_ms else "—",
        str(rule.fired),
    )


class FaultPanelScreen(ConsoleScreen):
    SCOPE = actions.FAULTS
    SHOWS_KINDS = frozenset({"fault_rule"})
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.FAULTS)  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__("Fault rules")
        self.rules: list[FaultRuleSpec] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Label("Fault rules of the fake", classes="section")
        yield Static(
            "Matching calls fail as a real Zuora would: before = nothing happened, "
            "after = the work was done and the answer lost.",
            id="explain",
            classes="explain",
        )
        table: DataTable[Any] = DataTable(id="rules", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="status", classes="status-line")
        yield from self.compose_footer()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#rules", DataTable)

    @property
    def faults(self) -> FaultInjection:
        backend = self.billing_app.backend
        assert isinstance(backend, FaultInjection)
        return backend

    def on_mount(self) -> None:
        for label, key in COLUMNS:
            self.table.add_column(label, key=key)
        self.table.focus()
        self.reload()

    def reload(self, quiet: bool = False) -> None:
        self._load()

    @work(group="load", exclusive=True, exit_on_error=False)
    async def _load(self) -> None:
        try:
            rules = await self.faults.list_fault_rules()
        except Exception as exc:
            self.first_load_failed("the fault rules", exc)
            return
        self.loaded_once = True
        self._show(rules)

    def _show(self, rules: list[FaultRuleSpec]) -> None:
        self.rules = rules
        table = self.table
        row = table.cursor_row
        table.clear()
        for rule in rules:
            table.add_row(*rule_row(rule), key=str(rule.id))
        if rules:
            table.move_cursor(row=min(max(row, 0), len(rules) - 1), animate=False)
        text = f"{len(rules)} rule(s)" if rules else "no rules: every call answers normally"
        keys = self.billing_app.keys
        self.query_one("#status", Static).update(
            f"{text} · {keys['fault_add']} adds a preset · {keys['fault_delete']} deletes · "
            f"{keys['fault_clear']} clears"
        )

    def current_rule(self) -> FaultRuleSpec | None:
        row = self.table.cursor_row
        return self.rules[row] if 0 <= row < len(self.rules) else None
