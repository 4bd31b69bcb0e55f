"""What every object screen shares: header with crumbs, footer, read-only, refresh and back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from tui import actions
from tui.widgets.footer import ConsoleFooter
from tui.widgets.header import ConsoleHeader

if TYPE_CHECKING:
    from tui.app import BillingApp


class ConsoleScreen(Screen[None]):
    SCOPE: ClassVar[str] = ""

    def __init__(self, crumb: str) -> None:
        super().__init__()
        self.crumb = crumb
        #: False until the first load succeeded: a failed first load closes the screen.
        self.loaded_once = False

    @property
    def billing_app(self) -> BillingApp:
        return cast("BillingApp", self.app)

    def crumbs(self) -> str:
        parents = [
            s.crumb for s in self.app.screen_stack if isinstance(s, ConsoleScreen) and s is not self
        ]
        return " › ".join(  # noqa: RUF001
            [*parents, self.crumb]
        )

    def set_crumb(self, crumb: str) -> None:
        """Rename this screen in the header (e.g. an id replaced by its number once loaded)."""
        if crumb != self.crumb:
            self.crumb = crumb
            self.query_one(ConsoleHeader).set_crumbs(self.crumbs())

    def compose_header(self) -> ComposeResult:
        yield ConsoleHeader(self.crumbs())

    def compose_footer(self) -> ComposeResult:
        yield ConsoleFooter(compact=self.app.size.width < 110)

    def on_resize(self) -> None:
        for footer in self.query(Footer):
            footer.compact = self.app.size.width < 110

    # -- bindings: read-only and the registry decide what the footer shows
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.billing_app.action_allowed(action):
            return False
        return self.action_state(action)

    def action_state(self, action: str) -> bool | None:
        """Override to hide (False) or grey out (None) an action in the current state."""
        return True

    def refusal(self, action_id: str) -> str | None:
        """Why ``action_id`` may not run here now (``None`` when it may). Used by the palette."""
        return None

    # -- shared actions
    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        self.billing_app.action_log.record("refresh", self.crumb, "ok", "reload requested")
        self.reload()

    def reload(self, quiet: bool = False) -> None:
        """Fetch this screen's data again; cursor and filter stay."""

    def load_running(self) -> bool:
        """True while this screen's ``load`` worker has not finished. A poll then skips its turn:
        cancelling the running load (exclusive) would, on a backend slower than the poll
        interval, mean no load ever finishes."""
        return any(
            w.node is self and w.group == "load" and not w.is_finished for w in self.app.workers
        )

    def first_load_failed(self, what: str, exc: BaseException) -> None:
        """Report a load error; if the screen never showed data, go back to where we were."""
        self.billing_app.report_error(what, exc)
        if not self.loaded_once and self.app.screen is self and len(self.app.screen_stack) > 2:
            self.app.pop_screen()


def scoped_bindings(scope: str) -> list[Binding]:
    return actions.bindings_for(scope)
