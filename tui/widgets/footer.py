"""``ConsoleFooter``: Textual's ``Footer`` that rebuilds only when what it shows has changed.

The stock footer recomposes (new ``FooterKey`` widgets, their styles computed again) on every
bindings signal: each focus change, screen push and ``refresh_bindings()``, several times per
screen. Profiled on the drill-down Orders → Order → Schedule (bench/console.py), that was the
largest single cost (about three quarters of the time from key press to paint). This footer
compares the keys, labels and enabled states first and recomposes only when one differs, and
creates its keys already in the footer's compact style.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["ESSENTIAL", "ConsoleFooter"]

#: the keys every footer keeps, whatever the width: help, the action log, quit
ESSENTIAL = frozenset({"help", "action_log", "quit"})


class ConsoleFooter(Footer):
    _shown: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        # A FooterKey starts compact and is then data-bound to the footer's ``compact``: on a
        # wide terminal every key flips its class once mounted, a style update per key (about
        # 10 ms a screen). Born with the footer's value, there is nothing to flip.
        widgets = list(super().compose())
        for widget in widgets:
            # (the command palette key is not bound: it stays as Textual makes it)
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
        yield from self._fit(widgets)

    def _fit(self, widgets: list[Any]) -> list[Any]:
        """What fits the width, help / log / quit always: the screen's keys in registry order
        while they fit, the rest stay in help (?) and the palette."""
        width = self.app.size.width

        def cost(widget: Any) -> int:
            if not isinstance(widget, FooterKey):
                return 0
            pad = 2 if self.compact else 4
            return len(widget.key_display) + len(widget.description) + pad

        essential = [
            w
            for w in widgets
            if isinstance(w, FooterKey)
            and (w.action.rsplit(".", 1)[-1] in ESSENTIAL or w.has_class("-command-palette"))
        ]
        budget = width - sum(cost(w) for w in essential)
        kept: list[Any] = []
        for widget in widgets:
            if widget in essential:
                continue
            if cost(widget) <= budget:
                kept.append(widget)
                budget -= cost(widget)
            else:
                budget = -1  # keep the order: once one does not fit, the later ones do not
        ordered = kept + [w for w in essential if not w.has_class("-command-palette")]
        ordered += [w for w in essential if w.has_class("-command-palette")]
        self.styles.grid_size_columns = max(len(ordered) - 1, 1)
        return ordered

    def _signature(self, screen: Screen[Any]) -> tuple[Any, ...]:
        """What ``compose`` reads: the shown bindings (and the palette's, shown on its own).
        Hidden ones (a focused table's cursor keys, a scroll view's) change with every focus
        move and would recompose the same keys again: three times on a pushed detail screen."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (key, b.action, b.description, b.key_display, b.group, enabled, tooltip)
            for key, (_, b, enabled, tooltip) in screen.active_bindings.items()
            if b.show or key == palette
        )

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if not screen.app.app_focus or not (self.is_attached and screen is self.screen):
            super().bindings_changed(screen)
            return
        signature = self._signature(screen)
        if signature != self._shown or not self._bindings_ready:
            self._shown = signature
            super().bindings_changed(screen)
