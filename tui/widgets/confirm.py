"""The one dialog an operation asks with: its confirmation and its inputs, modal.

It names the object, the amount and the environment. Focus starts on Cancel; the dialog answers
(a dict of the inputs' values, ``{}`` without inputs) only on the confirm key or button. Inputs (a
date, text, a number) show their default and allowed range; ``tab`` reaches them and ``enter``
in one confirms once every value parses. A lone choice (a list) is a picker: ``enter`` chooses.
``escape`` and Cancel answer ``None``. Key names on the buttons follow the keymap.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import QueryType
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui import actions
from tui.keys import DEFAULT_KEYS, KeyNames
from tui.operations.base import Confirmation, Field


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


class ConfirmDialog(ModalScreen[dict[str, Any] | None]):
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > #dialog {
        width: 68;
        max-width: 95%;
        height: auto;
        max-height: 95%;
        border: thick $error 80%;
        background: $surface;
        padding: 0 1;
    }
    ConfirmDialog #title { text-style: bold; width: 1fr; margin-bottom: 1; }
    ConfirmDialog #scroll { height: auto; max-height: 16; }
    ConfirmDialog #question { width: 1fr; margin-bottom: 1; }
    ConfirmDialog .field-label { width: 1fr; }
    ConfirmDialog .field-help { width: 1fr; color: $text-muted; }
    ConfirmDialog #error { width: 1fr; color: $text-error; height: auto; display: none; }
    ConfirmDialog #environment { color: $text-warning; width: 1fr; }
    ConfirmDialog #buttons { height: auto; align-horizontal: right; }
    ConfirmDialog Button { margin-left: 2; }
    ConfirmDialog OptionList { height: auto; max-height: 10; }
    """

    #: ``confirm_yes`` (y) and ``confirm_no`` (n, escape) from the registry: remappable
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.DIALOG)  # type: ignore[assignment]

    def __init__(
        self,
        title: str,
        body: str,
        environment: str,
        confirm_label: str,
        fields: Sequence[Field] = (),
        keys: KeyNames = DEFAULT_KEYS,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.environment = environment
        self.confirm_label = confirm_label
        self.fields = tuple(fields)
        self.keys = keys

    @classmethod
    def for_operation(
        cls,
        confirmation: Confirmation | None,
        fields: Sequence[Field],
        environment: str,
        keys: KeyNames,
    ) -> ConfirmDialog:
        if confirmation is None:
            title = fields[0].label if fields else "Confirm"
            return cls(title, "", environment, "OK", fields, keys)
        return cls(
            confirmation.title, confirmation.body, environment, confirmation.button, fields, keys
        )

    @property
    def picker_only(self) -> bool:
        """A single choice and nothing to confirm: choosing is the answer."""
        return not self.body and len(self.fields) == 1 and self.fields[0].kind == "choice"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, id="title")
            with VerticalScroll(id="scroll"):
                if self.body:
                    yield Static(self.body, id="question", markup=False)
                for f in self.fields:
                    yield from self._compose_field(f)
                yield Static("", id="error")
            yield Label(self.environment, id="environment")
            if self.picker_only:
                yield Static(
                    f"enter chooses · {self.keys.all('confirm_no')[-1]} cancels",
                    classes="field-help",
                )
                return
            with Horizontal(id="buttons"):
                yield Button(f"Cancel ({self.keys['confirm_no']})", id="cancel", variant="primary")
                yield Button(
                    f"{self.confirm_label} ({self.keys['confirm_yes']})",
                    id="confirm",
                    variant="error",
                )

    def _compose_field(self, f: Field) -> ComposeResult:
        if f.kind == "choice":
            if self.body:  # a lone picker has its label as the dialog's title
                yield Label(f.label, classes="field-label")
            options = OptionList(*(Option(c, id=c) for c in f.choices), id=f"field-{f.name}")
            yield options
            return
        hint = "; ".join(
            x for x in (f.range_text(), f"default {_shown(f.default)}" if f.default else "") if x
        )
        yield Label(f"{f.label}" + (f" ({hint})" if hint else ""), classes="field-label")
        yield Input(
            value=_shown(f.default),
            placeholder="YYYY-MM-DD" if f.kind == "date" else "",
            id=f"field-{f.name}",
        )
        if f.help:
            yield Static(f.help, classes="field-help")

    #: rows the dialog needs besides its scrolling part: border, title, environment, buttons
    CHROME_ROWS = 9

    def on_mount(self) -> None:
        self._fit_height()
        for f in self.fields:
            widget = self.query_one(f"#field-{f.name}")
            if isinstance(widget, OptionList) and widget.option_count:
                widget.highlighted = f.choices.index(f.default) if f.default in f.choices else 0
        if self.picker_only:
            self.query_one(f"#field-{self.fields[0].name}").focus()
        else:  # safety first: the defaults stand unless the operator tabs into a field
            self.query_one("#cancel", Button).focus()

    def on_resize(self) -> None:
        self._fit_height()

    def _tab_chain(self) -> list[Widget]:
        """Cancel, then the fields in order, then the action's button: the first ``tab`` from
        the focused Cancel reaches the first field (not the other button or the scroll area)."""
        fields: list[Widget] = [self.query_one(f"#field-{f.name}") for f in self.fields]
        return [self.query_one("#cancel", Button), *fields, self.query_one("#confirm", Button)]

    def focus_next(self, selector: str | type[QueryType] = "*") -> Widget | None:
        return self._tab_to(1) or super().focus_next(selector)

    def focus_previous(self, selector: str | type[QueryType] = "*") -> Widget | None:
        return self._tab_to(-1) or super().focus_previous(selector)

    def _tab_to(self, step: int) -> Widget | None:
        if not self.fields or self.picker_only:
            return None
        chain = self._tab_chain()
        if self.focused not in chain:
            return None
        target = chain[(chain.index(self.focused) + step) % len(chain)]
        target.focus()
        return target

    def _fit_height(self) -> None:
        """A long body with many inputs scrolls; the buttons always keep their rows (at 80x24
        a fixed scroll height left them one squashed line)."""
        room = int(self.app.size.height * 0.95) - self.CHROME_ROWS
        self.query_one("#scroll").styles.max_height = max(4, min(16, room))

    def values(self) -> dict[str, Any] | None:
        """The parsed values, or ``None`` (and the reason shown) if one does not parse."""
        values: dict[str, Any] = {}
        for f in self.fields:
            widget = self.query_one(f"#field-{f.name}")
            try:
                if isinstance(widget, OptionList):
                    index = widget.highlighted
                    values[f.name] = f.choices[index] if index is not None else f.parse("")
                else:
                    assert isinstance(widget, Input)
                    values[f.name] = f.parse(widget.value)
            except ValueError as exc:
                error = self.query_one("#error", Static)
                error.update(str(exc))
                error.display = True
                widget.focus()
                return None
        return values

    def _submit(self) -> None:
        values = self.values()
        if values is not None:
            self.dismiss(values)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._submit()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self._submit()
        else:
            self.dismiss(None)

    def action_answer(self, value: bool) -> None:
        if value:
            self._submit()
        else:
            self.dismiss(None)
