"""The confirm dialog: modal, names the object, amount and environment; focus starts on Cancel."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui import actions


class ConfirmDialog(ModalScreen[bool]):
    """Answers ``True`` only on ``y`` or the confirm button; ``n``, ``escape`` and Cancel say no."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > #dialog {
        width: 64;
        max-width: 95%;
        height: auto;
        border: thick $error 80%;
        background: $surface;
        padding: 1 2;
    }
    ConfirmDialog #title { text-style: bold; width: 1fr; margin-bottom: 1; }
    ConfirmDialog #question { width: 1fr; margin-bottom: 1; }
    ConfirmDialog #environment { color: $text-warning; width: 1fr; margin-bottom: 1; }
    ConfirmDialog #buttons { height: auto; align-horizontal: right; }
    ConfirmDialog Button { margin-left: 2; }
    """

    #: ``confirm_yes`` (y) and ``confirm_no`` (n, escape) from the registry: remappable
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.DIALOG)  # type: ignore[assignment]

    def __init__(self, title: str, body: str, environment: str, confirm_label: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.environment = environment
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, id="title")
            yield Static(self.body, id="question")
            yield Label(self.environment, id="environment")
            with Horizontal(id="buttons"):
                yield Button("Cancel (n)", id="cancel", variant="primary")
                yield Button(f"{self.confirm_label} (y)", id="confirm", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
