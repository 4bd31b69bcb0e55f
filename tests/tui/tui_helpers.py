"""Helpers for the console tests: the demo fake, a fixed clock, the app factory, settle()."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backends.profile import BackendProfile
from tui.app import BillingApp
from tui.config import ConsoleProfile

FIXED_NOW = datetime(2026, 3, 2, 9, 30, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED_NOW


def fixed_timer() -> float:
    return 0.0


def demo_backend() -> Any:
    from backends.fake.backend import FakeBackend

    return FakeBackend.demo(progression="manual")


def make_app(
    backend: Any | None = None,
    *,
    read_only: bool = False,
    poll_interval: float = 60.0,
    page_size: int = 50,
    keymap: Mapping[str, str] | None = None,
    log_path: Path | None = None,
) -> BillingApp:
    """The console on the manual demo tenant with a fixed clock and theme, no animation."""
    profile = ConsoleProfile(
        name="demo",
        backend=BackendProfile(name="demo", progression="manual"),
        poll_interval=poll_interval,
        page_size=page_size,
        keymap=dict(keymap or {}),
    )
    profile = replace(profile, read_only=read_only)
    app = BillingApp(
        backend=backend if backend is not None else demo_backend(),
        profile=profile,
        clock=fixed_clock,
        timer=fixed_timer,
        action_log_path=log_path,
    )
    app.animation_level = "none"
    return app


async def settle(pilot: Any) -> None:
    """Wait until every worker is done and the screen has caught up: no sleeps anywhere."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


class Spy:
    """Count calls of one backend method; optionally hold them at a gate."""

    def __init__(self, backend: Any, name: str, *, gated: bool = False) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.kwargs: list[dict[str, Any]] = []
        self.gate = asyncio.Event()
        if not gated:
            self.gate.set()
        original = getattr(backend, name)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(args)
            self.kwargs.append(kwargs)
            await self.gate.wait()
            return await original(*args, **kwargs)

        setattr(backend, name, wrapper)


async def open_schedule(pilot: Any, key: str) -> Any:
    """Open a schedule by number and wait until it has loaded."""
    from tui.screens.schedule import ScheduleScreen

    await settle(pilot)
    pilot.app.open_object("schedule", key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ScheduleScreen) and screen.schedule is not None
    return screen


def messages(app: BillingApp) -> list[str]:
    return [n.message for n in app._notifications]


def fault_double() -> Any:
    """The demo fake plus a tiny in-memory ``FaultInjection`` (whether or not FakeBackend has
    its own yet); a LOCK rule on ``POST_ExecuteInvoiceSchedule`` makes generate fail."""
    from backends.errors import ConflictError
    from backends.fake import tenants
    from backends.fake.backend import FakeBackend
    from backends.models import FaultEffect, FaultRuleSpec

    class FaultDouble(FakeBackend):
        def __init__(self) -> None:
            super().__init__(tenants.demo())
            self.rules: list[FaultRuleSpec] = []
            self.next_id = 1

        async def list_fault_rules(self) -> list[FaultRuleSpec]:
            return [r.model_copy() for r in self.rules]

        async def add_fault_rule(self, rule: FaultRuleSpec) -> FaultRuleSpec:
            stored = rule.model_copy(update={"id": self.next_id})
            self.next_id += 1
            self.rules.append(stored)
            return stored.model_copy()

        async def remove_fault_rule(self, rule_id: int) -> None:
            self.rules = [r for r in self.rules if r.id != rule_id]

        async def clear_fault_rules(self) -> None:
            self.rules = []

        async def execute_invoice_schedule(self, *args: Any, **kwargs: Any) -> Any:
            for rule in self.rules:
                if (
                    rule.effect is FaultEffect.LOCK
                    and rule.operation == "POST_ExecuteInvoiceSchedule"
                    and (rule.times is None or rule.fired < rule.times)
                ):
                    rule.fired += 1
                    raise ConflictError("Lock contention on the invoice schedule", code=50000050)
            return await super().execute_invoice_schedule(*args, **kwargs)

    return FaultDouble()
