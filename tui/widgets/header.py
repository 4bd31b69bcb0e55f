"""The header every screen shows: where you are, which backend, which profile, READ-ONLY, sim date."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

if TYPE_CHECKING:
    from tui.app import BillingApp


class ConsoleHeader(Horizontal):
    DEFAULT_CSS = """
    ConsoleHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    ConsoleHeader > Label { height: 1; padding: 0 1; }
    ConsoleHeader > #crumbs { width: 1fr; text-style: bold; }
    ConsoleHeader > #backend { background: $primary-muted; color: $text-primary; }
    ConsoleHeader > #backend.-rest { background: $warning-muted; color: $text-warning; }
    ConsoleHeader > #profile { color: $text-muted; }
    ConsoleHeader > #readonly { background: $error; color: $text; text-style: bold; display: none; }
    ConsoleHeader > #readonly.-on { display: block; }
    ConsoleHeader > #simdate { color: $text-accent; }
    ConsoleHeader > #busy { color: $text-warning; }
    """

    def __init__(self, crumbs: str = "") -> None:
        super().__init__()
        self._crumbs = crumbs

    @property
    def billing_app(self) -> BillingApp:
        return cast("BillingApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.billing_app
        info = app.backend_info
        backend = info.kind if not info.host else f"{info.kind} {info.host}"
        yield Label(self._crumbs, id="crumbs")
        yield Label("", id="busy")
        yield Label(backend, id="backend", classes="-rest" if info.kind != "FAKE" else "")
        yield Label(f"profile {app.profile.name}", id="profile")
        yield Label("READ-ONLY", id="readonly", classes="-on" if app.read_only else "")
        yield Label("", id="simdate")

    def on_mount(self) -> None:
        self.watch(self.app, "sim_date", self._show_sim_date)
        self.watch(self.app, "busy_count", self._show_busy)

    def set_crumbs(self, crumbs: str) -> None:
        self._crumbs = crumbs
        self.query_one("#crumbs", Label).update(crumbs)

    def _show_sim_date(self, value: date | None) -> None:
        label = self.query_one("#simdate", Label)
        label.update(f"sim {value.isoformat()}" if value else "")
        label.display = value is not None

    def _show_busy(self, count: int) -> None:
        label = self.query_one("#busy", Label)
        label.update(f"working ({count})" if count else "")
        label.display = bool(count)
