"""The header every screen shows: where you are, which backend, which profile, READ-ONLY, sim date."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label

if TYPE_CHECKING:
    from tui.app import BillingApp


SEPARATOR = " › "  # noqa: RUF001
BACKWARDS = " ‹ "  # noqa: RUF001


def fit_crumbs(parts: list[str], width: int) -> str:
    """Root first while it fits; else the current screen first, then its parents nearest
    first (joined by a backwards angle quote), cut with an ellipsis."""
    full = SEPARATOR.join(parts)
    if len(full) <= width or not parts:
        return full
    text = BACKWARDS.join(reversed(parts))
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


class Crumbs(Widget):
    """Where the operator is: the screen stack's crumbs, fitted to the width it has."""

    DEFAULT_CSS = "Crumbs { height: 1; width: 1fr; padding: 0 1; text-style: bold; }"

    def __init__(self, parts: list[str], id: str | None = None) -> None:
        super().__init__(id=id)
        self.parts = parts

    @property
    def plain(self) -> str:
        return fit_crumbs(self.parts, max(self.content_region.width, 1) if self.size.width else 999)

    def render(self) -> str:
        return self.plain

    def update(self, parts: list[str]) -> None:
        self.parts = parts
        self.refresh()


class ConsoleHeader(Horizontal):
    DEFAULT_CSS = """
    ConsoleHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    ConsoleHeader > Label { height: 1; padding: 0 1; }
    ConsoleHeader > #backend { background: $primary-muted; color: $text-primary; }
    ConsoleHeader > #backend.-rest { background: $warning-muted; color: $text-warning; }
    ConsoleHeader > #profile { color: $text-muted; }
    ConsoleHeader > #readonly { background: $error; color: $text; text-style: bold; display: none; }
    ConsoleHeader > #readonly.-on { display: block; }
    ConsoleHeader > #simdate { color: $text-accent; }
    ConsoleHeader > #busy { color: $text-warning; }
    """

    def __init__(self, crumbs: list[str] | None = None) -> None:
        super().__init__()
        self._crumbs = list(crumbs or [])

    @property
    def billing_app(self) -> BillingApp:
        return cast("BillingApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.billing_app
        info = app.backend_info
        backend = info.kind if not info.host else f"{info.kind} {info.host}"
        yield Crumbs(self._crumbs, id="crumbs")
        yield Label("", id="busy")
        yield Label(backend, id="backend", classes="-rest" if info.kind != "FAKE" else "")
        yield Label(f"profile {app.profile.name}", id="profile")
        yield Label("READ-ONLY", id="readonly", classes="-on" if app.read_only else "")
        yield Label("", id="simdate")

    def on_mount(self) -> None:
        self.watch(self.app, "sim_date", self._show_sim_date)
        self.watch(self.app, "busy_count", self._show_busy)
        self.watch(self.app, "progress", self._show_progress)

    def set_crumbs(self, crumbs: list[str]) -> None:
        self._crumbs = list(crumbs)
        self.query_one("#crumbs", Crumbs).update(self._crumbs)

    def _show_sim_date(self, value: date | None) -> None:
        label = self.query_one("#simdate", Label)
        label.update(f"sim {value.isoformat()}" if value else "")
        label.display = value is not None

    def _show_busy(self, count: int) -> None:
        label = self.query_one("#busy", Label)
        progress = self.billing_app.progress
        label.update(progress or (f"working ({count})" if count else ""))
        label.display = bool(count or progress)

    def _show_progress(self, progress: str) -> None:
        self._show_busy(self.billing_app.busy_count)
