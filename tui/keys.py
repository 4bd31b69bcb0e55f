"""Key names as the operator's keymap binds them: the one source for every label and hint.

``KeyNames(keymap)`` answers ``keys["generate"] == "G"`` when ``[keymap] generate = "G"``; the
registry's default key otherwise. Every text that names a key (table hints such as
``Generate (g)``, status lines, refusal reasons, dialog buttons, the palette) asks it, so a
remapped key is named as bound everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping

from tui import actions

__all__ = ["DEFAULT_KEYS", "KeyNames", "display"]

_DISPLAY = {
    "question_mark": "?",
    "slash": "/",
    "escape": "esc",
    "space": "space",
    "enter": "enter",
    "ctrl+p": "ctrl+p",
    "pageup": "pgup",
    "pagedown": "pgdn",
}


def display(key: str) -> str:
    """One Textual key name as an operator reads it (``question_mark`` → ``?``)."""
    return _DISPLAY.get(key.strip(), key.strip())


class KeyNames:
    def __init__(self, keymap: Mapping[str, str] | None = None) -> None:
        self.keymap = dict(keymap or {})

    def all(self, action_id: str) -> list[str]:
        """Every key bound to ``action_id``, displayed (``["n", "esc"]`` for confirm_no)."""
        keys = self.keymap.get(action_id) or actions.by_id(action_id).key
        return [display(k) for k in keys.split(",") if k.strip()]

    def __getitem__(self, action_id: str) -> str:
        """The first key bound to ``action_id``, displayed."""
        return self.all(action_id)[0]

    def label(self, action_id: str, label: str | None = None) -> str:
        """``Generate (G)``: the registry label (or ``label``) with its bound key."""
        return f"{label or actions.by_id(action_id).label} ({self[action_id]})"


DEFAULT_KEYS = KeyNames()
