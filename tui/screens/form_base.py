"""What the console's form screens share (the schedule form, the new-bill-run form): the
registry decides their keys, and their footer keeps help, the action log and quit."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import ActiveBinding
from textual.screen import Screen

from tui import actions
from tui.keys import DEFAULT_KEYS, KeyNames
from tui.widgets.footer import ESSENTIAL

__all__ = ["FormScreen"]


class FormScreen(Screen[dict[str, Any] | None]):
    #: the registry scope of the form's own keys
    SCOPE: ClassVar[str]
    #: where the greyed help / log / quit keys work, for their tooltip
    ESSENTIAL_FROM: ClassVar[str] = "a field that takes no text"
    #: the question ``esc`` asks once something was typed
    DISCARD_TITLE: ClassVar[str] = "Discard your changes?"
    #: set by the form when the operator changes something (esc then asks before leaving)
    dirty: bool = False

    @property
    def keys(self) -> KeyNames:
        return getattr(self.app, "keys", None) or DEFAULT_KEYS

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only (and the registry) decide, as on every console screen."""
        allowed = getattr(self.app, "action_allowed", None)
        return allowed is None or bool(allowed(actions.action_method(action, parameters)))

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The screen's bindings, and help / log / quit even while a text field has focus.

        A field takes printable keys as text (``q`` types a q, it never quits), so Textual
        leaves those global keys out of the bindings while a field has focus. The footer
        still shows them, greyed out: they work from the form's other widgets, and the help
        lists them as everywhere else."""
        bindings = super().active_bindings
        app_bindings = self.app._bindings.copy()
        if self.app._keymap:
            app_bindings.apply_keymap(self.app._keymap)
        for key, found in app_bindings.key_to_bindings.items():
            for binding in found:
                if binding.id in ESSENTIAL and key not in bindings:
                    bindings[key] = ActiveBinding(
                        self.app,
                        binding,
                        False,
                        f"{binding.tooltip or binding.description}: from {self.ESSENTIAL_FROM} "
                        "(a text field takes the key as text)",
                    )
        # the form's own keys first, in the registry's order (a field's own binding of the
        # same key, such as the Input's ctrl+d, would otherwise put it first)
        order = {spec.id: n for n, spec in enumerate(actions.specs_for(self.SCOPE))}
        return dict(
            sorted(
                bindings.items(),
                key=lambda kv: order.get(kv[1].binding.id or "", len(order)),
            )
        )

    def action_form_leave(self) -> None:
        """``esc``: leave at once when nothing was typed, else ask before discarding."""
        if not self.dirty:
            self.dismiss(None)
            return
        from tui.operations.base import Confirmation
        from tui.widgets.confirm import ConfirmDialog

        dialog = ConfirmDialog.for_operation(
            Confirmation(
                self.DISCARD_TITLE,
                "What you typed in this form is lost; nothing has been sent.",
                "Discard",
            ),
            (),
            "",
            self.keys,
        )

        def answered(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.dismiss(None)

        self.app.push_screen(dialog, answered)
