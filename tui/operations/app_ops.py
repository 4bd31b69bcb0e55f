"""Operations that belong to no object screen: the fake's simulated clock and its fault rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from backends.base import FaultInjection, SimulatedClock
from backends.models import ClockAdvance, FaultRuleSpec
from tui.faults_presets import PRESETS
from tui.keys import KeyNames
from tui.operations.base import (
    ALL_KINDS,
    Change,
    Confirmation,
    Context,
    Field,
    Notice,
    Operation,
    Refused,
)

# ------------------------------------------------------------------ the simulated clock


@dataclass(frozen=True)
class ClockTarget:
    today: date | None

    @property
    def obj(self) -> str:
        return "clock"


def clock_target(screen: Any, keys: KeyNames) -> ClockTarget:
    app = screen.app
    if not isinstance(app.backend, SimulatedClock):
        raise Refused("only the fake backend has a simulated clock", "clock")
    return ClockTarget(app.sim_date)


def describe_advance(result: ClockAdvance) -> str:
    head = f"Clock {result.from_date.isoformat()} → {result.to_date.isoformat()}"
    started = "; ".join(
        f"scheduled bill run {r.bill_run_number} ran (target {r.target_date or '—'}, "
        f"{r.status.value})"
        for r in result.started_bill_runs
    )
    if not result.executed:
        return f"{head}: {started}" if started else f"{head}: no item fell due"
    runs = ", ".join(
        f"{e.schedule_number} (due {e.run_date.isoformat()}) in {e.bill_run_number}"
        for e in result.executed
    )
    return f"{head}: the scheduler ran {runs}" + (f"; {started}" if started else "")


async def _advance(ctx: Context[ClockTarget]) -> ClockAdvance:
    backend = ctx.backend
    assert isinstance(backend, SimulatedClock)
    return await backend.advance_to_next_run_date()


def _after_advance(ctx: Context[ClockTarget], result: ClockAdvance) -> None:
    app = ctx.screen.app
    app.sim_date = result.to_date
    for executed in result.executed:
        app.remember_bill_run(executed.bill_run_number, executed.bill_run_id)
    for run in result.started_bill_runs:
        app.remember_bill_run(run.bill_run_number, run.id)


ADVANCE_CLOCK: Operation[ClockTarget] = Operation(
    id="advance_clock",
    action_id="advance_clock",
    target=clock_target,
    confirm=lambda t, ctx: Confirmation(
        "Advance the simulated clock?",
        f"From {t.today.isoformat() if t.today else 'today'} to the next run date of a Pending "
        "item. The scheduler then executes every item that falls due, as Zuora's would.",
        "Advance",
    ),
    call=_advance,
    success=lambda ctx, result: Notice(describe_advance(result), title="Clock advanced"),
    changes=lambda ctx, result: Change("advance_clock", kinds=frozenset({ALL_KINDS})),
    after=_after_advance,
)


# ------------------------------------------------------------------ fault rules


@dataclass(frozen=True)
class FaultsTarget:
    rules: tuple[FaultRuleSpec, ...]
    rule: FaultRuleSpec | None = None

    @property
    def obj(self) -> str:
        return f"rule {self.rule.id}" if self.rule is not None else "faults"


def _faults(screen: Any) -> FaultInjection:
    backend = screen.app.backend
    if not isinstance(backend, FaultInjection):
        raise Refused("only the fake backend takes fault rules", "faults")
    return backend


def faults_target(screen: Any, keys: KeyNames) -> FaultsTarget:
    _faults(screen)
    rules = tuple(getattr(screen, "rules", ()))
    current = getattr(screen, "current_rule", None)
    return FaultsTarget(rules, current() if current is not None else None)


def _preset_input(target: FaultsTarget, ctx: Context[FaultsTarget]) -> tuple[Field, ...]:
    labels = tuple(label for label, _ in PRESETS)
    return (Field("preset", "Add a fault rule", kind="choice", default=labels[0], choices=labels),)


def _preset(ctx: Context[FaultsTarget]) -> tuple[str, FaultRuleSpec]:
    label = ctx.values["preset"]
    return label, dict(PRESETS)[label]


async def _add(ctx: Context[FaultsTarget]) -> FaultRuleSpec:
    backend = ctx.backend
    assert isinstance(backend, FaultInjection)
    return await backend.add_fault_rule(_preset(ctx)[1].model_copy())


async def _delete(ctx: Context[FaultsTarget]) -> None:
    backend = ctx.backend
    assert isinstance(backend, FaultInjection) and ctx.target.rule is not None
    await backend.remove_fault_rule(ctx.target.rule.id)


async def _clear(ctx: Context[FaultsTarget]) -> None:
    backend = ctx.backend
    assert isinstance(backend, FaultInjection)
    await backend.clear_fault_rules()


def _rules_changed(kind: str) -> Any:
    return lambda ctx, result: Change(kind, kinds=frozenset({"fault_rule"}))


FAULT_ADD: Operation[FaultsTarget] = Operation(
    id="fault_add",
    action_id="fault_add",
    target=faults_target,
    obj=lambda t: "faults",
    inputs=_preset_input,
    call=_add,
    success=lambda ctx, rule: Notice(
        f"Rule {rule.id} added: {ctx.values['preset']}", title="Fault rule"
    ),
    changes=_rules_changed("fault_add"),
)

FAULT_DELETE: Operation[FaultsTarget] = Operation(
    id="fault_delete",
    action_id="fault_delete",
    target=faults_target,
    rule=lambda t, keys: None if t.rule is not None else "no rule here",
    call=_delete,
    success=lambda ctx, _: Notice(f"{ctx.target.obj} deleted", title="Fault rule"),
    changes=_rules_changed("fault_delete"),
)

FAULT_CLEAR: Operation[FaultsTarget] = Operation(
    id="fault_clear",
    action_id="fault_clear",
    target=faults_target,
    obj=lambda t: "faults",
    rule=lambda t, keys: None if t.rules else "there are no rules",
    call=_clear,
    success=lambda ctx, _: Notice(f"{len(ctx.target.rules)} rule(s) cleared", title="Fault rules"),
    changes=_rules_changed("fault_clear"),
)

OPERATIONS = (ADVANCE_CLOCK, FAULT_ADD, FAULT_DELETE, FAULT_CLEAR)
