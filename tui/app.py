"""The application: screen stack, header state, global keys, and where every action starts.

Every operator action is an ``op('<id>')`` binding: :meth:`BillingApp.action_op` hands it to the
:class:`~tui.operations.runner.OperationRunner` (read-only, double press, rule, confirm, worker,
action log, notification). A completed change arrives here as a
:class:`~tui.changes.BillingChanged` and is handed to every mounted screen; bill runs the
console started are watched by the :class:`~tui.watcher.BillRunWatcher`, not by a screen.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from backends.base import Backend, FaultInjection, SimulatedClock
from backends.errors import BackendError
from backends.models import BackendInfo
from backends.profile import BackendProfile
from tui import actions
from tui.actionlog import ActionLog
from tui.changes import BillingChanged
from tui.commands import BillingCommands
from tui.config import ConsoleProfile, state_dir
from tui.keys import KeyNames
from tui.operations.runner import OperationRunner
from tui.watcher import BillRunWatcher
from tui.widgets.progress_panel import LongWork

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
    #: long work in progress, for the header ("Post marked 50/120")
    progress: reactive[str] = reactive("")

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
        #: key names as bound: every label, hint and dialog asks it
        self.keys = KeyNames(self.profile.keymap)
        self.runner = OperationRunner(self)
        #: operations reporting progress, and the panel showing them on the screen on top
        self.long_work = LongWork(self)
        self.watcher = BillRunWatcher(self)

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
        self.screen_change_signal.subscribe(self, self.long_work.follow)
        self.watcher.start()
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
        if action == "stop_work":  # only while long work runs (else the key is free)
            return self.long_work.running()
        return self.action_allowed(actions.action_method(action, parameters))

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

    def refuse(self, action_id: str, obj: str, reason: str) -> None:
        """Logged, and one warning naming the action: nothing was done."""
        spec = actions.by_id(action_id)
        self.action_log.record(action_id, obj, "refused", reason)
        self.notify(reason, title=f"{spec.label}: not done", severity="warning")

    # ------------------------------------------------------------------ the action path

    def action_op(self, op_id: str) -> None:
        """Every operator action: the runner, on the screen the operator is on."""
        self.runner.start(op_id, self.screen)

    def is_in_flight(self, action_id: str, obj: str) -> bool:
        return f"{action_id}:{obj}" in self.in_flight

    def today(self) -> date:
        """The backend's today: the fake's simulated date, else the wall clock's."""
        return self.sim_date or self.clock().date()

    def show_progress(self, label: str, done: int, total: int, refused: int = 0) -> None:
        """Long work reports here; the header shows it (``Post marked 50/120``, and
        ``· 2 refused`` once some are); the progress panel shows the bar (``long_work``)."""
        text = f"{label} {done:,}/{total:,}" if total else ""
        if total and refused:
            text += f" · {refused:,} refused"
        self.progress = text

    def action_stop_work(self) -> None:
        """The stop key: long work (a bulk post) stops after the batch in flight."""
        stopped = self.long_work.stop()
        for job in stopped:
            self.action_log.record(
                "stop_work",
                job.obj,
                "ok",
                f"{job.label}: stop asked at {job.done:,} of {job.total:,}; the batches in "
                "flight finish",
            )
        if stopped:
            self.notify(
                "Stopping after the batch in flight: "
                + ", ".join(f"{w.label} ({w.done:,}/{w.total:,})" for w in stopped),
                title="Stop",
                timeout=6,
            )

    def on_billing_changed(self, message: BillingChanged) -> None:
        """Every mounted console screen, the ones below the top too, hears of every change."""
        from tui.screens.base import ConsoleScreen

        for screen in list(self.screen_stack):
            if isinstance(screen, ConsoleScreen):
                screen.billing_changed(message.change)

    def remember_bill_run(self, number: str, bill_run_id: str) -> None:
        self.bill_run_ids[number.upper()] = bill_run_id

    def bill_run_number(self, bill_run_id: str) -> str:
        """The number of a bill run seen this session (its id, shortened, if not seen)."""
        number = next((n for n, i in self.bill_run_ids.items() if i == bill_run_id), None)
        return number or (bill_run_id if len(bill_run_id) <= 12 else f"{bill_run_id[:8]}…")

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

    # ------------------------------------------------------------------ navigation

    def open_object(self, kind: str, key: str, *, item_id: str | None = None) -> None:
        """Push the screen for an object: ``order``, ``schedule``, ``invoice``, ``credit_memo``,
        ``bill_run``, ``account`` (or a list: ``accounts``, ``documents``; ``key`` unused). The
        screen loads itself; if the object does not exist it says so and closes.
        ``item_id`` puts a schedule's cursor on that schedule item.
        """
        from tui.screens.account import AccountScreen
        from tui.screens.accounts import AccountsScreen
        from tui.screens.bill_run import BillRunScreen
        from tui.screens.documents_list import DocumentsScreen
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
            "account": AccountScreen,
        }
        lists: dict[str, Callable[[], Any]] = {
            "accounts": AccountsScreen,
            "documents": DocumentsScreen,
        }
        if kind in lists:
            self.open_screen(lists[kind]())
            return
        if kind == "schedule" and item_id is not None:
            self.open_screen(ScheduleScreen(key, item_id=item_id))
            return
        self.open_screen(screens[kind](key))

    def open_screen(self, screen: Any) -> None:
        """Push ``screen``, unless a screen about the same object is already on the stack: then
        go back to that one (the stack stays as deep as the distinct objects on it)."""
        from tui.screens.base import same_object

        stack = self.screen_stack
        for depth, existing in enumerate(reversed(stack)):
            if same_object(existing, screen):
                for _ in range(depth):
                    self.pop_screen()
                focus = getattr(screen, "focus_item_id", None)
                if focus is not None and hasattr(existing, "focus_item"):
                    existing.focus_item(focus)
                if hasattr(existing, "reload"):  # opened again: show it as it is now
                    existing.reload(quiet=True)
                return
        self.push_screen(screen)

    # ------------------------------------------------------------------ global actions

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_bill_runs(self) -> None:
        from tui.screens.bill_runs import BillRunsScreen

        self.open_screen(BillRunsScreen())

    def action_accounts(self) -> None:
        self.open_object("accounts", "")

    def action_documents(self) -> None:
        self.open_object("documents", "")

    def action_fault_panel(self) -> None:
        from tui.screens.faults import FaultPanelScreen

        if self.read_only:
            self.refuse("fault_panel", "faults", "read-only mode: Faults is disabled")
            return
        if actions.FAULT_INJECTION not in self.capabilities:
            self.refuse("fault_panel", "faults", "only the fake backend takes fault rules")
            return
        self.open_screen(FaultPanelScreen())

    def action_action_log(self) -> None:
        from tui.screens.action_log import ActionLogScreen

        self.open_screen(ActionLogScreen())

    @work(group="clock", exit_on_error=False)
    async def load_sim_date(self) -> None:
        backend = self.backend
        if not isinstance(backend, SimulatedClock):
            return
        try:
            self.sim_date = await backend.today()
        except Exception as exc:
            self.report_error("the simulated date", exc)
