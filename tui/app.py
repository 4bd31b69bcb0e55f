"""The application: screen stack, header state, global keys, and the one path every action takes.

Every action that calls the backend goes through :meth:`BillingApp.perform`: a double-press guard
(an action already in flight on the same object does nothing), timing, the action log, and one
notification with the message and code for any :class:`BackendError`. Nothing a backend raises
reaches Textual's crash handler.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from backends.base import Backend, FaultInjection, SimulatedClock
from backends.errors import BackendError
from backends.models import BackendInfo
from backends.profile import BackendProfile
from backends.tracing import collect_track_ids
from tui import actions
from tui.actionlog import ActionLog
from tui.commands import BillingCommands
from tui.config import ConsoleProfile, state_dir

T = TypeVar("T")

_DEFAULT = object()


def _wall_clock() -> datetime:
    return datetime.now().astimezone()


class BillingApp(App[int]):
    """The operator console over any :class:`backends.base.Backend`."""

    TITLE = "billing-tui"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.APP)  # type: ignore[assignment]
    COMMANDS = App.COMMANDS | {BillingCommands}
    NOTIFICATION_TIMEOUT = 6

    sim_date: reactive[date | None] = reactive(None)
    busy_count: reactive[int] = reactive(0)

    def __init__(
        self,
        backend: Backend,
        profile: ConsoleProfile | None = None,
        *,
        read_only: bool | None = None,
        clock: Callable[[], datetime] = _wall_clock,
        timer: Callable[[], float] = time.perf_counter,
        action_log_path: Path | object | None = _DEFAULT,
        own_backend: bool = False,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.profile = profile or ConsoleProfile(name="demo", backend=BackendProfile())
        self.read_only = self.profile.read_only if read_only is None else read_only
        self.clock = clock
        self.timer = timer
        self.own_backend = own_backend
        self.backend_info: BackendInfo = backend.describe()
        self.simulated = isinstance(backend, SimulatedClock)
        #: optional backend capabilities that actions may need (ActionSpec.capability)
        self.capabilities: set[str] = set()
        if isinstance(backend, FaultInjection):
            self.capabilities.add(actions.FAULT_INJECTION)
        self.in_flight: set[str] = set()
        #: bill run number -> id for every bill run this session has seen (Zuora addresses bill
        #: runs by id only, so a BR- number typed in the palette is resolved through this)
        self.bill_run_ids: dict[str, str] = {}
        if action_log_path is _DEFAULT:
            log_path: Path | None = state_dir() / "actions.jsonl"
        else:
            log_path = action_log_path if isinstance(action_log_path, Path) else None
        self.action_log = ActionLog(
            log_path,
            profile=self.profile.name,
            environment=self.environment,
            clock=clock,
            on_write_error=lambda msg: self.notify(msg, severity="warning"),
        )
        self._clash_reported = False

    # ------------------------------------------------------------------ lifecycle

    @property
    def environment(self) -> str:
        info = self.backend_info
        return info.kind if not info.host else f"{info.kind} {info.host}"

    def on_mount(self) -> None:
        self.theme = self.profile.theme
        if self.profile.keymap:
            self.set_keymap(dict(self.profile.keymap))
        from tui.screens.orders import OrdersScreen

        self.push_screen(OrdersScreen())
        from tui import gcpolicy  # full collections when idle, not mid key press

        gcpolicy.install(self)
        if self.simulated:
            self.load_sim_date()

    async def on_unmount(self) -> None:
        if self.own_backend:
            # closing must never turn a clean exit into a traceback
            with contextlib.suppress(Exception):
                await self.backend.aclose()

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: Any) -> None:
        if self._clash_reported:
            return
        self._clash_reported = True
        keys = ", ".join(sorted({f"{b.key} ({b.id or b.action})" for b in clashed_bindings}))
        self.notify(f"keymap clash: {keys}", title="Config keymap", severity="warning")

    # ------------------------------------------------------------------ read-only and dangerous

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.action_allowed(action)

    def action_allowed(self, action: str) -> bool:
        """Hidden (False) when read-only hides it or the backend cannot do it."""
        spec = actions.by_method(action)
        if spec is None:
            return True
        if (spec.dangerous or spec.read_only_hidden) and self.read_only:
            return False
        if spec.capability is not None and spec.capability not in self.capabilities:
            return False
        return not (spec.fake_only and not self.simulated)

    def refuse_read_only(self, action_id: str, obj: str) -> bool:
        """True (and a notification) when read-only mode forbids ``action_id``."""
        spec = actions.by_id(action_id)
        if (spec.dangerous or spec.read_only_hidden) and self.read_only:
            self.refuse(action_id, obj, f"read-only mode: {spec.label} is disabled")
            return True
        return False

    def refuse(self, action_id: str, obj: str, reason: str) -> None:
        spec = actions.by_id(action_id)
        self.action_log.record(action_id, obj, "refused", reason)
        self.notify(reason, title=f"{spec.label}: not done", severity="warning")

    # ------------------------------------------------------------------ the action path

    def is_in_flight(self, action_id: str, obj: str) -> bool:
        return f"{action_id}:{obj}" in self.in_flight

    def already_running(self, action_id: str, obj: str) -> bool:
        """True (and a quiet notice) when the same action on the same object is in flight."""
        if self.is_in_flight(action_id, obj):
            label = actions.by_id(action_id).label
            self.notify(f"{label} on {obj} is already in progress", timeout=3)
            return True
        return False

    async def perform(
        self,
        action_id: str,
        obj: str,
        call: Callable[[], Awaitable[T]],
        describe: Callable[[T], str] = lambda _: "ok",
    ) -> T | None:
        """Run one backend call for an operator action; ``None`` if it failed or was a repeat."""
        key = f"{action_id}:{obj}"
        if key in self.in_flight:
            return None
        self.in_flight.add(key)
        self.busy_count += 1
        started = self.timer()
        label = actions.by_id(action_id).label
        with collect_track_ids() as track_ids:
            try:
                result = await call()
            except BackendError as exc:
                self.action_log.record(
                    action_id, obj, "error", exc.detail, self.timer() - started, track_ids
                )
                self.notify(
                    exc.detail, title=f"{label} failed: {obj}", severity="error", timeout=10
                )
                return None
            except Exception as exc:  # a backend bug must not take the console down
                text = f"{type(exc).__name__}: {exc}"
                self.action_log.record(
                    action_id, obj, "error", text, self.timer() - started, track_ids
                )
                self.notify(
                    text, title=f"{label} failed unexpectedly", severity="error", timeout=10
                )
                return None
            finally:
                self.in_flight.discard(key)
                self.busy_count -= 1
        self.action_log.record(
            action_id, obj, "ok", describe(result), self.timer() - started, track_ids
        )
        return result

    def remember_bill_run(self, number: str, bill_run_id: str) -> None:
        self.bill_run_ids[number.upper()] = bill_run_id

    def report_error(self, what: str, exc: BaseException) -> None:
        """A read failed (loading a screen, polling): one notification, the screen stays."""
        if isinstance(exc, BackendError):
            self.notify(exc.detail, title=f"Could not load {what}", severity="error", timeout=10)
        else:
            self.notify(
                f"{type(exc).__name__}: {exc}",
                title=f"Could not load {what}",
                severity="error",
                timeout=10,
            )

    def confirm(
        self,
        action_id: str,
        obj: str,
        title: str,
        body: str,
        confirm_label: str,
        on_yes: Callable[[], object],
        on_no: Callable[[], object] | None = None,
    ) -> None:
        """Ask first (modal, focus on Cancel); a "no" is logged as cancelled."""
        from tui.widgets.confirm import ConfirmDialog

        env = f"Environment: {self.environment} · profile {self.profile.name}"

        def answered(ok: bool | None) -> None:
            if ok:
                on_yes()
                return
            self.action_log.record(action_id, obj, "cancelled", "not confirmed")
            if on_no is not None:
                on_no()

        self.push_screen(ConfirmDialog(title, body, env, confirm_label), answered)

    # ------------------------------------------------------------------ navigation

    def open_object(self, kind: str, key: str, *, item_id: str | None = None) -> None:
        """Push the screen for an object: ``order``, ``schedule``, ``invoice``, ``credit_memo``,
        ``bill_run``. The screen loads itself; if the object does not exist it says so and closes.
        ``item_id`` puts a schedule's cursor on that schedule item.
        """
        from tui.screens.bill_run import BillRunScreen
        from tui.screens.invoice import CreditMemoScreen, InvoiceScreen
        from tui.screens.order import OrderScreen
        from tui.screens.schedule import ScheduleScreen

        if kind == "bill_run" and key.upper().startswith("BR-"):
            bill_run_id = self.bill_run_ids.get(key.upper())
            if bill_run_id is None:
                self.notify(
                    f"Bill runs are addressed by id; {key} has not been seen in this session. "
                    "Open it with o from its schedule item or document, or paste its id.",
                    title="Bill run not known yet",
                    severity="warning",
                )
                return
            key = bill_run_id
        screens: dict[str, Callable[[str], Any]] = {
            "order": OrderScreen,
            "schedule": ScheduleScreen,
            "invoice": InvoiceScreen,
            "credit_memo": CreditMemoScreen,
            "bill_run": BillRunScreen,
        }
        if kind == "schedule" and item_id is not None:
            self.push_screen(ScheduleScreen(key, item_id=item_id))
            return
        self.push_screen(screens[kind](key))

    # ------------------------------------------------------------------ global actions

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_bill_runs(self) -> None:
        from tui.screens.bill_runs import BillRunsScreen

        if not isinstance(self.screen, BillRunsScreen):
            self.push_screen(BillRunsScreen())

    def action_fault_panel(self) -> None:
        from tui.screens.faults import FaultPanelScreen

        if self.refuse_read_only("fault_panel", "faults"):
            return
        if actions.FAULT_INJECTION not in self.capabilities:
            self.refuse("fault_panel", "faults", "only the fake backend takes fault rules")
            return
        if not isinstance(self.screen, FaultPanelScreen):
            self.push_screen(FaultPanelScreen())

    def action_action_log(self) -> None:
        from tui.screens.action_log import ActionLogScreen

        if not isinstance(self.screen, ActionLogScreen):
            self.push_screen(ActionLogScreen())

    def action_advance_clock(self) -> None:
        if self.refuse_read_only("advance_clock", "clock"):
            return
        if not self.simulated:
            self.refuse("advance_clock", "clock", "only the fake backend has a simulated clock")
            return
        if self.already_running("advance_clock", "clock"):
            return
        today = self.sim_date.isoformat() if self.sim_date else "today"
        self.confirm(
            "advance_clock",
            "clock",
            "Advance the simulated clock?",
            f"From {today} to the next run date of a Pending item. The scheduler then executes "
            "every item that falls due, as Zuora's would.",
            "Advance",
            self._advance_clock,
        )

    @work(group="clock", exit_on_error=False)
    async def _advance_clock(self) -> None:
        from backends.models import ClockAdvance

        backend = self.backend
        assert isinstance(backend, SimulatedClock)

        def describe(result: ClockAdvance) -> str:
            return _describe_advance(result)

        result = await self.perform(
            "advance_clock", "clock", backend.advance_to_next_run_date, describe
        )
        if result is None:
            return
        self.sim_date = result.to_date
        for executed in result.executed:
            self.remember_bill_run(executed.bill_run_number, executed.bill_run_id)
        self.notify(_describe_advance(result), title="Clock advanced", timeout=10)
        from tui.screens.base import ConsoleScreen

        for screen in self.screen_stack:
            if isinstance(screen, ConsoleScreen):
                screen.reload(quiet=True)

    @work(group="clock", exit_on_error=False)
    async def load_sim_date(self) -> None:
        backend = self.backend
        if not isinstance(backend, SimulatedClock):
            return
        try:
            self.sim_date = await backend.today()
        except Exception as exc:
            self.report_error("the simulated date", exc)


def _describe_advance(result: Any) -> str:
    head = f"Clock {result.from_date.isoformat()} → {result.to_date.isoformat()}"
    if not result.executed:
        return f"{head}: no item fell due"
    runs = ", ".join(
        f"{e.schedule_number} (due {e.run_date.isoformat()}) in {e.bill_run_number}"
        for e in result.executed
    )
    return f"{head}: the scheduler ran {runs}"
