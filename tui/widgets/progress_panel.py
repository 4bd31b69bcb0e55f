"""Long work in progress (a bulk post of thousands of invoices): a bar on whatever screen is up.

:class:`LongWork` is the app's record of the operations that report progress
(``ctx.progress(done, total, refused)``): each has a label, its counts and whether the operator
asked it to stop. While any is running, the screen on top (whichever it is: the operator may
leave the screen the work started from) carries a :class:`ProgressPanel` above its footer: one line per work with a Textual ``ProgressBar`` and "done / refused / remaining", and
the stop key as bound. The panel is mounted when work starts and on every screen shown while it
runs, and removed from every screen when the last work ends, so a screen pays for it only while
there is something to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, ProgressBar

if TYPE_CHECKING:
    from tui.app import BillingApp

__all__ = ["LongWork", "ProgressPanel", "Work"]


@dataclass
class Work:
    """One operation's long work, as the panel shows it."""

    key: str
    label: str
    obj: str
    done: int = 0
    total: int = 0
    refused: int = 0
    stopping: bool = False

    @property
    def remaining(self) -> int:
        return max(self.total - self.done, 0)

    def counts(self) -> str:
        """``1,250 of 10,000 done · 3 refused · 8,750 remaining``."""
        text = f"{self.done:,} of {self.total:,} done · {self.refused:,} refused"
        # (stopping is said by the panel's hint line)
        return text + f" · {self.remaining:,} remaining"


class WorkLine(Vertical):
    """One work: its label and counts, then the bar."""

    DEFAULT_CSS = """
    WorkLine { height: 2; }
    WorkLine > .work-text { height: 1; width: 1fr; }
    WorkLine > ProgressBar { width: 1fr; height: 1; }
    WorkLine > ProgressBar > Bar { width: 1fr; }
    """

    def __init__(self, work: Work) -> None:
        super().__init__(classes="work-line")
        self.work_key = work.key
        self._work = work

    def compose(self) -> ComposeResult:
        yield Label(self._text(self._work), classes="work-text", markup=False)
        yield ProgressBar(total=max(self._work.total, 1), show_eta=False, show_percentage=True)

    def on_mount(self) -> None:
        self.show(self._work)

    @staticmethod
    def _text(work: Work) -> Text:
        return Text.assemble((f"{work.label}: {work.obj}", "bold"), "  ", work.counts())

    def show(self, work: Work) -> None:
        self._work = work
        self.query_one(ProgressBar).update(total=max(work.total, 1), progress=work.done)
        self.query_one(".work-text", Label).update(self._text(work))


class ProgressPanel(Vertical):
    """The dock: a line per long work and the stop key."""

    DEFAULT_CSS = """
    ProgressPanel {
        height: auto;
        max-height: 8;
        padding: 0 1;
        background: $boost;
        border-top: solid $primary;
    }
    ProgressPanel > .hint { color: $text-muted; height: 1; }
    """

    def compose(self) -> ComposeResult:
        app: Any = self.app
        for work in app.long_work.shown():
            yield WorkLine(work)
        yield Label(app.long_work.hint(), classes="hint")

    def show(self, works: list[Work]) -> None:
        """Update the lines in place; recompose only when the set of works changed."""
        lines = list(self.query(WorkLine))
        if [line.work_key for line in lines] != [w.key for w in works]:
            self.refresh(recompose=True)
            return
        for line, work in zip(lines, works, strict=True):
            line.show(work)
        app: Any = self.app
        self.query_one(".hint", Label).update(app.long_work.hint())


class LongWork:
    """The app's long work, and the panel that shows it on the screen on top."""

    def __init__(self, app: BillingApp) -> None:
        self.app = app
        self.works: dict[str, Work] = {}

    # ------------------------------------------------------------------ what runs

    def begin(self, key: str, label: str, obj: str) -> Work:
        work = Work(key, label, obj)
        self.works[key] = work
        return work

    def update(self, key: str, done: int, total: int, refused: int) -> None:
        work = self.works.get(key)
        if work is None:
            return
        first = work.total == 0 and total > 0
        work.done, work.total, work.refused = done, total, refused
        if first:
            self.app.refresh_bindings()  # the stop key applies now
        self._show()

    def end(self, key: str) -> None:
        if self.works.pop(key, None) is None:
            return
        self.app.refresh_bindings()
        self._show()

    def shown(self) -> list[Work]:
        """The works with something to show (they have reported a total)."""
        return [w for w in self.works.values() if w.total > 0]

    def running(self) -> bool:
        return any(not w.stopping for w in self.shown())

    def stop(self) -> list[Work]:
        """The operator's stop key: every running work stops after the batch in flight."""
        stopped = [w for w in self.shown() if not w.stopping]
        for work in stopped:
            work.stopping = True
        if stopped:
            self.app.refresh_bindings()
            self._show()
        return stopped

    def stop_requested(self, key: str) -> bool:
        work = self.works.get(key)
        return work is not None and work.stopping

    def hint(self) -> str:
        key = self.app.keys["stop_work"]
        if self.running():
            return f"{key} stops after the batch in flight · the action log gets every outcome"
        return "stopping: the batches in flight finish, no other starts"

    # ------------------------------------------------------------------ the panel

    def follow(self, screen: Screen[Any]) -> None:
        """A screen came to the top: it shows the panel while there is work."""
        if self.shown() and not isinstance(screen, ModalScreen):
            self._mount_on(screen)

    def _show(self) -> None:
        works = self.shown()
        if not works:
            for screen in self.app.screen_stack:
                for panel in screen.query(ProgressPanel):
                    panel.remove()
            return
        screen = self.app.screen
        if not isinstance(screen, ModalScreen):
            self._mount_on(screen)
        for stacked in self.app.screen_stack:
            for panel in stacked.query(ProgressPanel):
                if panel.is_mounted:
                    panel.show(works)

    def _mount_on(self, screen: Screen[Any]) -> None:
        # in the screen's flow after its body (which takes 1fr): the body gives up the rows,
        # and the docked footer stays below it (two widgets docked at one edge would overlap)
        if not screen.query(ProgressPanel):
            screen.mount(ProgressPanel())
