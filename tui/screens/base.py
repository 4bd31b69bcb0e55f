"""What every object screen shares: header with crumbs, footer, read-only, refresh and back, and
how a screen hears of changes (:meth:`ConsoleScreen.billing_changed`).

A screen displays: it composes widgets, holds its state (reactive where the footer depends on
it) and exposes what operations read as their target (its schedule, document, cursor row). The
actions themselves are ``op('<id>')`` bindings run by :mod:`tui.operations`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from tui import actions
from tui.changes import affects
from tui.operations.base import Change
from tui.widgets.footer import ConsoleFooter
from tui.widgets.header import ConsoleHeader

if TYPE_CHECKING:
    from tui.app import BillingApp


class ConsoleScreen(Screen[None]):
    SCOPE: ClassVar[str] = ""
    #: kinds of object this screen lists all of (a new bill run shows on the bill runs list)
    SHOWS_KINDS: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, crumb: str) -> None:
        super().__init__()
        self.crumb = crumb
        #: False until the first load succeeded: a failed first load closes the screen.
        self.loaded_once = False
        #: the object shown was deleted while this screen was below the top: close on resume
        self.gone = False

    # -- what this screen shows, and changes to it
    def identity(self) -> frozenset[str]:
        """Ids and numbers of the object this screen is about (opening it again pops back)."""
        return frozenset()

    def object_refs(self) -> frozenset[str]:
        """Ids and numbers of every object this screen shows (a change to one reloads it)."""
        return self.identity()

    def related_refs(self) -> frozenset[str]:
        """What an operation started here names as related (for the change it posts)."""
        return self.object_refs()

    def billing_changed(self, change: Change) -> None:
        """A change completed somewhere: reload if it touches what this screen shows."""
        if change.deleted & self.identity():
            if self.app.screen is self and len(self.app.screen_stack) > 2:
                self.app.pop_screen()
            else:
                self.gone = True
            return
        if affects(change, self.object_refs(), self.SHOWS_KINDS):
            self.reload(quiet=True)

    def on_screen_resume(self) -> None:
        if self.gone and len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    @property
    def billing_app(self) -> BillingApp:
        return cast("BillingApp", self.app)

    def crumbs(self) -> list[str]:
        """The stack's crumbs, root first, this screen last."""
        stack = list(self.app.screen_stack)
        below = stack[: stack.index(self)] if self in stack else stack
        parents = [s.crumb for s in below if isinstance(s, ConsoleScreen)]
        return [*parents, self.crumb]

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
        method = actions.action_method(action, parameters)
        if not self.billing_app.action_allowed(method):
            return False
        return self.action_state(method)

    def action_op(self, op_id: str) -> None:
        """Every operator action: the one runner, with this screen's state as its target."""
        self.billing_app.runner.start(op_id, self)

    def action_state(self, action: str) -> bool | None:
        """Override to hide (False) or grey out (None) an action in the current state."""
        return True

    def refusal(self, action_id: str) -> str | None:
        """Why ``action_id`` may not run here now (``None`` when it may): for an operation, the
        runner's verdict on this screen's state (of the method the footer shows)."""
        spec = actions.by_id(action_id)
        if not spec.operation:
            return None
        methods = [m for m, _ in spec.methods] or [spec.id]
        shown = [m for m in methods if self.action_state(m) is not False] or methods
        return self.billing_app.runner.verdict(shown[0], self)

    # -- shared actions
    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        self.billing_app.action_log.record("refresh", self.crumb, "ok", "reload requested")
        self.billing_app.watcher.check_now()
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


def same_object(screen: Any, other: Any) -> bool:
    """Whether two screens are about the same object (same class, overlapping identity)."""
    if type(screen) is not type(other):
        return False
    if isinstance(screen, ConsoleScreen) and isinstance(other, ConsoleScreen):
        mine, theirs = screen.identity(), other.identity()
        return bool(mine & theirs) if mine or theirs else True
    return False
