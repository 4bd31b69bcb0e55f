"""Fault panel (``F``, fake backend only): the fault rules that make the fake fail like a real
tenant on a bad day. ``a`` adds a rule from a preset, ``d`` deletes the rule under the cursor,
``c`` clears them all.

Shown only when the backend implements :class:`backends.base.FaultInjection`, and hidden in
read-only mode: it changes how the fake answers, never billing data, so nothing is confirmed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option

from backends.base import FaultInjection
from backends.models import FaultEffect, FaultRuleSpec
from tui import actions
from tui.screens.base import ConsoleScreen

#: (label, rule) the ``a`` key offers
PRESETS: tuple[tuple[str, FaultRuleSpec], ...] = (
    (
        "30% rate limits on every call",
        FaultRuleSpec(effect=FaultEffect.RATE_LIMIT, probability=Decimal("0.3")),
    ),
    (
        "next generate hits lock contention",
        FaultRuleSpec(effect=FaultEffect.LOCK, operation="POST_ExecuteInvoiceSchedule", times=1),
    ),
    (
        "next post drops after the engine ran",
        FaultRuleSpec(effect=FaultEffect.DROP, operation="PUT_PostInvoice", times=1, phase="after"),
    ),
    (
        "next bulk post times out after the engine ran",
        FaultRuleSpec(
            effect=FaultEffect.TIMEOUT, operation="POST_PostInvoices", times=1, phase="after"
        ),
    ),
    (
        "next bill run read: service unavailable",
        FaultRuleSpec(effect=FaultEffect.UNAVAILABLE, operation="GET_BillRun", times=1),
    ),
    (
        "every call 800 ms late",
        FaultRuleSpec(effect=FaultEffect.LATENCY, latency_ms=800),
    ),
)

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


class PresetPicker(ModalScreen[int | None]):
    """Pick one preset: enter adds it, escape adds nothing."""

    DEFAULT_CSS = """
    PresetPicker { align: center middle; }
    PresetPicker > Vertical {
        width: 64;
        max-width: 95%;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    PresetPicker #title { text-style: bold; margin-bottom: 1; }
    PresetPicker OptionList { height: auto; max-height: 12; }
    PresetPicker #hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", show=False)]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Add a fault rule", id="title")
            yield OptionList(
                *(Option(label, id=str(n)) for n, (label, _) in enumerate(PRESETS)),
                id="presets",
            )
            yield Static("enter adds the rule · escape cancels", id="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class FaultPanelScreen(ConsoleScreen):
    SCOPE = actions.FAULTS
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
        self.query_one("#status", Static).update(f"{text} · a adds a preset · d deletes · c clears")
        self.refresh_bindings()

    def current_rule(self) -> FaultRuleSpec | None:
        row = self.table.cursor_row
        return self.rules[row] if 0 <= row < len(self.rules) else None

    def refusal(self, action_id: str) -> str | None:
        if action_id == "fault_delete" and self.current_rule() is None:
            return "no rule here"
        if action_id == "fault_clear" and not self.rules:
            return "there are no rules"
        return None

    # ------------------------------------------------------------------ actions

    def action_fault_add(self) -> None:
        if self.billing_app.refuse_read_only("fault_add", "faults"):
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self._add(index)

        self.app.push_screen(PresetPicker(), chosen)

    @work(group="faults", exit_on_error=False)
    async def _add(self, index: int) -> None:
        label, spec = PRESETS[index]
        result = await self.billing_app.perform(
            "fault_add",
            label,
            lambda: self.faults.add_fault_rule(spec.model_copy()),
            lambda r: f"rule {r.id}: {label}",
        )
        if result is not None:
            self.notify(f"Rule {result.id} added: {label}", title="Fault rule")
        self._load()

    def action_fault_delete(self) -> None:
        app = self.billing_app
        if app.refuse_read_only("fault_delete", "faults"):
            return
        rule = self.current_rule()
        if rule is None:
            app.refuse("fault_delete", "faults", "no rule here")
            return
        self._delete(rule.id)

    @work(group="faults", exit_on_error=False)
    async def _delete(self, rule_id: int) -> None:
        await self.billing_app.perform(
            "fault_delete",
            f"rule {rule_id}",
            lambda: self.faults.remove_fault_rule(rule_id),
            lambda _: "deleted",
        )
        self._load()

    def action_fault_clear(self) -> None:
        app = self.billing_app
        if app.refuse_read_only("fault_clear", "faults"):
            return
        if not self.rules:
            app.refuse("fault_clear", "faults", "there are no rules")
            return
        self._clear()

    @work(group="faults", exit_on_error=False)
    async def _clear(self) -> None:
        count = len(self.rules)
        await self.billing_app.perform(
            "fault_clear",
            "faults",
            self.faults.clear_fault_rules,
            lambda _: f"{count} rule(s) cleared",
        )
        self._load()
