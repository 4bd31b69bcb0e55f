"""Help (``?``): every key of the screen underneath and the global keys, as actually bound.

Built from the screen's live bindings, so keymap changes and read-only mode show as they are.
It scrolls (arrows, pgup / pgdn) and wraps the descriptions to the width it has (80x24 too).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from tui import actions
from tui.keys import display


def _key_text(app: Any, key: str, binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    return str(app.get_key_display(binding))


def _remapped(app: Any, spec: actions.ActionSpec) -> str:
    """The key(s) of ``spec`` after the profile's keymap."""
    keymap = getattr(getattr(app, "profile", None), "keymap", {}) or {}
    return str(keymap.get(spec.id, spec.key))


def help_rows(app: Any, screen: Screen[Any]) -> list[tuple[str, str, str, str, str]]:
    """(key, label, id, where, what it does) for the bindings active on ``screen``."""
    rows: list[tuple[str, str, str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        spec = actions.by_id(binding.id) if binding.id in actions.REMAPPABLE_IDS else None
        if spec is None:
            continue
        where = "global" if active.node is app else "screen"
        label = binding.description if spec.methods else spec.label
        mark = (spec.id, key)
        if mark in seen:
            continue
        seen.add(mark)
        rows.append((_key_text(app, key, binding), label, spec.id, where, spec.help))
    scope = getattr(screen, "SCOPE", "")
    for spec in actions.ACTIONS:
        if not spec.bindable and scope in spec.scopes:
            rows.append((spec.key, spec.label, spec.id, "table", spec.help))
    for spec in actions.ACTIONS:
        modal = next((m for m in actions.MODAL_SCOPES if m in spec.scopes), None)
        if modal is not None:
            keys = " ".join(display(k) for k in _remapped(app, spec).split(","))
            rows.append((keys, spec.label, spec.id, modal, spec.help))
    rows.append(("tab", "Focus", "—", "table", "move between tables"))
    rows.append(("↑ ↓ pgup pgdn", "Move", "—", "table", "move the cursor"))
    rows.append(("ctrl+home/end", "Top / bottom", "—", "table", "first / last row; pages in more"))
    order = {"screen": 0, "table": 1, "global": 2, "dialog": 3, "help": 4}
    rows.sort(key=lambda r: order.get(r[3], 3))
    return rows


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 112;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #title { text-style: bold; padding: 0 1; }
    HelpScreen #note { color: $text-muted; padding: 0 1; width: 1fr; height: auto; }
    HelpScreen #keys-scroll { height: auto; max-height: 1fr; width: 1fr; }
    HelpScreen #keys { width: 1fr; height: auto; }
    """
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.HELP)  # type: ignore[assignment]

    def __init__(self, for_screen: Screen[Any]) -> None:
        super().__init__()
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        with Vertical():
            crumb = getattr(self.for_screen, "crumb", "this screen")
            yield Label(f"Keys on {crumb} · ↑ ↓ pgup pgdn scroll", id="title")
            with VerticalScroll(id="keys-scroll", can_focus=True):
                yield Static(id="keys")
            note = "Remap any key by id in config.toml [keymap] (billing-tui config path)."
            if getattr(self.app, "read_only", False):
                note += " READ-ONLY: every action that changes billing data is off."
            yield Static(note, id="note", markup=False)

    def on_mount(self) -> None:
        self.rows = help_rows(self.app, self.for_screen)
        narrow = self.app.size.width < 100
        table = Table(expand=True, box=None, padding=(0, 1), show_edge=False)
        table.add_column("Key", style="bold", max_width=13)
        table.add_column("Action", no_wrap=not narrow)
        table.add_column("Id (keymap)", style="dim", no_wrap=True)
        if not narrow:
            table.add_column("Where", style="dim", no_wrap=True)
        table.add_column("What it does", ratio=1)
        for key, label, action_id, where, what in self.rows:
            cells = [key, label, action_id] + ([where] if not narrow else []) + [what]
            table.add_row(*cells)
        self.query_one("#keys", Static).update(table)
        self.query_one("#keys-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
