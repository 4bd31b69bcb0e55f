"""The new-bill-run form: who, when, the dates, what to leave out; keyboard-first.

It shows and edits a :class:`~tui.bill_run_form.state.BillRunFormState` and sends nothing.
Save (``form_save``, ``ctrl+s`` unless remapped) validates; a sound form dismisses with the state and the plan, and the operation
(:mod:`tui.operations.new_bill_run`) confirms in the operator's words and creates the run. A "no"
at the confirmation, or a refusal by the backend, opens the form again as it was typed.

One account is typed by number or found by name: typing in the account field searches the
backend (``list_accounts(search=...)``, in a worker) and lists the matches; ``down`` goes to
the list and ``enter`` picks one.

Its keys are the registry's (``tui.actions``, scope ``bill_run_form``: the schedule form's
``form_save`` and ``form_leave``), so the keymap, help and read-only follow them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from backends.models import Account, ChargeType
from tui import actions
from tui.bill_run_form.describe import CHARGE_LABELS, advance_line, describe
from tui.bill_run_form.state import WHEN, WHO, BillRunFormState
from tui.bill_run_form.validate import CHARGE_ORDER, Problem, validate
from tui.schedule_editor.dates import DateInputError, parse_run_date
from tui.screens.form_base import FormScreen
from tui.widgets.footer import ConsoleFooter

__all__ = ["BillRunFormScreen"]

#: text inputs, by the state field they edit (the widget id is the field name)
_TEXT_FIELDS = (
    "account",
    "accounts",
    "batches",
    "bill_cycle_day",
    "run_time",
    "repeat_from",
    "repeat_to",
    "weekdays",
    "month_day",
    "invoice_date",
    "target_date",
    "invoice_offset",
    "target_offset",
    "name",
)
_FLAGS = {
    "auto_post": "auto_post",
    "auto_email": "auto_email",
    "no_email_zero": "no_email_for_zero",
}
#: the smallest search the account field sends (one letter matches too much)
MIN_SEARCH = 2
MATCHES = 6


def _exclude_id(charge: ChargeType) -> str:
    return f"exclude-{charge.value}"


class ChoiceRow(RadioSet):
    """A row of choices: ``left`` / ``right`` choose at once (no space needed)."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("left", "choose(-1)", "Previous", show=False),
        Binding("right", "choose(1)", "Next", show=False),
    ]

    def on_mount(self) -> None:
        self.call_after_refresh(self._select_pressed)

    def _select_pressed(self) -> None:
        """The cursor starts on the chosen button (Textual starts it on the first)."""
        pressed = self.pressed_index
        if pressed >= 0:
            self._selected = pressed

    def action_choose(self, step: int) -> None:
        if step < 0:
            self.action_previous_button()
        else:
            self.action_next_button()
        self.action_toggle_button()
        chosen = self._selected
        screen = self.screen
        if chosen is not None and isinstance(screen, BillRunFormScreen):
            # at once, not on the Changed message: a key typed right after (tab, then text)
            # must find the fields of the new choice, not those it hides
            screen.choose(self.id or "", self._nodes[chosen].id or "")


class BillRunFormScreen(FormScreen):
    SCOPE: ClassVar[str] = actions.BILL_RUN_FORM
    ESSENTIAL_FROM: ClassVar[str] = "a choice or a tick box"
    DISCARD_TITLE: ClassVar[str] = "Discard this bill run?"
    DEFAULT_CSS = """
    BillRunFormScreen { layout: vertical; }
    BillRunFormScreen #form-title { text-style: bold; padding: 0 1; background: $boost; width: 1fr; }
    BillRunFormScreen .form-row { height: 1; padding: 0 1; }
    BillRunFormScreen .form-row > Label { width: 10; color: $text-muted; }
    BillRunFormScreen .form-row > Label.inline { width: auto; margin: 0 1; }
    BillRunFormScreen Input, BillRunFormScreen Input:focus {
        border: none; height: 1; padding: 0 1; background: $surface; width: 14;
    }
    BillRunFormScreen Input:focus { background: $accent 30%; }
    BillRunFormScreen Input.-in-error { background: $error 30%; }
    BillRunFormScreen #account, BillRunFormScreen #accounts, BillRunFormScreen #name { width: 1fr; }
    BillRunFormScreen #batches { width: 1fr; max-width: 40; }
    BillRunFormScreen #run_time, BillRunFormScreen #month_day { width: 9; }
    BillRunFormScreen #invoice_offset, BillRunFormScreen #target_offset { width: 7; }
    BillRunFormScreen RadioSet, BillRunFormScreen RadioSet:focus {
        layout: horizontal; border: none; height: 1; padding: 0; width: auto;
        background: transparent;
    }
    BillRunFormScreen RadioSet > RadioButton { width: auto; margin-right: 1; }
    BillRunFormScreen RadioButton, BillRunFormScreen Checkbox, BillRunFormScreen Checkbox:focus {
        border: none; height: 1; padding: 0; margin-right: 1; width: auto;
        background: transparent;
    }
    BillRunFormScreen RadioSet:focus > RadioButton.-selected > .toggle--label,
    BillRunFormScreen Checkbox:focus > .toggle--label { background: $accent 30%; }
    BillRunFormScreen Checkbox.-in-error > .toggle--label { background: $error 30%; }
    BillRunFormScreen #matches { height: auto; max-height: 6; margin: 0 1 0 11; }
    BillRunFormScreen .note { height: auto; padding: 0 1 0 11; color: $text-muted; }
    BillRunFormScreen #summary { height: auto; padding: 0 1; background: $boost; }
    BillRunFormScreen #errors { height: auto; max-height: 7; padding: 0 1; color: $text-error; }
    """

    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.BILL_RUN_FORM)  # type: ignore[assignment]

    def __init__(self, state: BillRunFormState, *, today: date, error: str | None = None) -> None:
        super().__init__()
        self.state = state
        self.today = today
        self.backend_error = error
        self.problems: tuple[Problem, ...] = ()
        #: False until the operator changes something (esc then leaves without asking)
        self.dirty = error is not None
        #: the accounts the last name search found (the list under the account field)
        self.matches: list[Account] = []
        #: set while the form fills its own widgets (their Changed events are not typing)
        self._filling = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        s = self.state
        yield Static("New bill run", id="form-title", markup=False)
        with Horizontal(classes="form-row"):
            yield Label("Who")
            with ChoiceRow(id="who"):
                for who, label in WHO:
                    yield RadioButton(label, s.who == who, id=f"who-{who}")
        with Horizontal(classes="form-row", id="row-account"):
            yield Label("Account")
            yield Input(s.account, id="account", placeholder="A00000001, or a name to search")
        yield OptionList(id="matches")
        with Horizontal(classes="form-row", id="row-accounts"):
            yield Label("Accounts")
            yield Input(s.accounts, id="accounts", placeholder="A00000001, A00000002")
        with Horizontal(classes="form-row", id="row-batches"):
            yield Label("Batches")
            yield Input(s.batches, id="batches", placeholder="Batch1, Batch2 or all")
        with Horizontal(classes="form-row", id="row-cycle-day"):
            yield Label("Cycle day")
            yield Input(s.bill_cycle_day, id="bill_cycle_day", placeholder="1-31, all")
        yield Static("", id="who-note", classes="note", markup=False)
        with Horizontal(classes="form-row"):
            yield Label("When")
            with ChoiceRow(id="when"):
                for when, text in WHEN:
                    yield RadioButton(text, s.when == when, id=f"when-{when}")
        with Horizontal(classes="form-row", id="row-schedule"):
            yield Label("Runs at")
            yield Input(s.run_time, id="run_time", placeholder="02:00")
            yield Label("from", classes="inline")
            yield Input(s.repeat_from, id="repeat_from", placeholder="2026-03-03")
            yield Label("to", classes="inline")
            yield Input(s.repeat_to, id="repeat_to", placeholder="open")
            yield Label("on", classes="inline", id="on-label")
            yield Input(s.weekdays, id="weekdays", placeholder="Mon, Thu")
            yield Input(s.month_day, id="month_day", placeholder="15 / eom")
        with Horizontal(classes="form-row", id="row-dates"):
            yield Label("Dates")
            yield Label("invoice", classes="inline")
            yield Input(s.invoice_date, id="invoice_date", placeholder="today")
            yield Label("target", classes="inline")
            yield Input(s.target_date, id="target_date", placeholder="2026-04-30, eom+1")
        with Horizontal(classes="form-row", id="row-offsets"):
            yield Label("Offsets")
            yield Label("invoice +", classes="inline")
            yield Input(s.invoice_offset, id="invoice_offset", placeholder="0")
            yield Label("days · target +", classes="inline")
            yield Input(s.target_offset, id="target_offset", placeholder="0")
            yield Label("days after each run date", classes="inline")
        yield Static("", id="advance", classes="note", markup=False)
        with Horizontal(classes="form-row"):
            yield Label("Exclude")
            for charge in CHARGE_ORDER:
                yield Checkbox(CHARGE_LABELS[charge], charge in s.exclude, id=_exclude_id(charge))
        with Horizontal(classes="form-row"):
            yield Label("Options")
            yield Checkbox("Auto-post", s.auto_post, id="auto_post")
            yield Checkbox("Auto-email", s.auto_email, id="auto_email")
            yield Checkbox("No email if zero", s.no_email_for_zero, id="no_email_zero")
        with Horizontal(classes="form-row"):
            yield Label("Name")
            yield Input(s.name, id="name", placeholder="optional")
        yield Static("", id="summary", markup=False)
        yield Static("", id="errors", markup=False)
        yield ConsoleFooter(compact=self.app.size.width < 110)

    def on_mount(self) -> None:
        for widget in self.query(Input):
            widget.cursor_blink = False
        self.query_one("#matches", OptionList).display = False
        self._arrange()
        self._show_summary()
        if self.backend_error:
            self._show_errors((), refused=self.backend_error)
        self.query_one("#who", RadioSet).focus()

    def _arrange(self) -> None:
        """Show the fields the chosen who and when need (hidden ones take no tab stop)."""
        s = self.state
        shown = {
            "#row-account": s.who == "account",
            "#row-accounts": s.who == "accounts",
            "#row-batches": s.who == "batches",
            "#row-cycle-day": s.who in ("batches", "bill_cycle_day"),
            "#row-schedule": s.scheduled,
            "#on-label": s.when in ("weekly", "monthly"),
            "#weekdays": s.when == "weekly",
            "#month_day": s.when == "monthly",
            "#row-dates": not s.scheduled,
            "#row-offsets": s.scheduled,
        }
        for selector, visible in shown.items():
            self.query_one(selector).display = visible
        if s.who != "account":
            self._show_matches([])
        cycle = self.query_one("#bill_cycle_day", Input)
        cycle.placeholder = "blank: any day" if s.who == "batches" else "1-31, all"
        self._show_who_note()

    def _show_who_note(self) -> None:
        s = self.state
        note = ""
        if s.who == "account":
            info = s.account_info
            if info is not None and info.account_number == s.account.strip().upper():
                note = (
                    f"{info.account_number} {info.name} · {info.currency} · "
                    f"{info.batch or 'no batch'} · bill cycle day {info.bill_cycle_day}"
                )
            else:
                note = "Type the account number, or the start of its name: ↓ picks from the list"
        elif s.who == "batches":
            note = "Zuora's batches are Batch1 ... Batch50; a cycle day narrows them"
        elif s.who == "bill_cycle_day":
            note = "Every account billed on that day of the month, whatever its batch"
        elif s.who == "all":
            note = "Every account of the tenant"
        self.query_one("#who-note", Static).update(note)

    # ------------------------------------------------------------------ typing

    @on(RadioSet.Changed)
    def _chosen(self, event: RadioSet.Changed) -> None:
        self.choose(event.radio_set.id or "", event.pressed.id or "")

    def choose(self, row: str, button: str) -> None:
        """``who`` or ``when`` takes the value of ``button`` (``who-account``)."""
        value = button.removeprefix(f"{row}-")
        if row not in ("who", "when") or not value or getattr(self.state, row) == value:
            return
        setattr(self.state, row, value)
        self._touched()
        self._arrange()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        ident = event.input.id or ""
        if ident not in _TEXT_FIELDS or self._filling:
            return
        if getattr(self.state, ident) == event.value:
            return
        setattr(self.state, ident, event.value)
        event.input.remove_class("-in-error")
        self._touched()
        if ident == "account":
            self._show_who_note()
            self._search(event.value)

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        ident = event.checkbox.id or ""
        if ident.startswith("exclude-"):
            charge = ChargeType(ident.removeprefix("exclude-"))
            chosen = set(self.state.exclude)
            if event.value:
                chosen.add(charge)
            else:
                chosen.discard(charge)
            if chosen == self.state.exclude:
                return
            self.state.exclude = chosen
            for box in self.query(Checkbox):
                box.remove_class("-in-error")
        elif ident in _FLAGS:
            if getattr(self.state, _FLAGS[ident]) == event.value:
                return
            setattr(self.state, _FLAGS[ident], event.value)
        else:
            return
        self._touched()

    def _touched(self) -> None:
        self.dirty = True
        self._show_summary()

    def _parsed(self, text: str) -> date | None:
        try:
            return parse_run_date(text, self.today)
        except DateInputError:
            return None

    def _show_summary(self) -> None:
        s = self.state
        if s.scheduled:
            line = advance_line(
                None,
                None,
                scheduled=True,
                invoice_offset=_int(s.invoice_offset),
                target_offset=_int(s.target_offset),
            )
        else:
            line = advance_line(
                self._parsed(s.invoice_date) or self.today, self._parsed(s.target_date)
            )
        self.query_one("#advance", Static).update(line)
        result = validate(s, self.today)
        summary = self.query_one("#summary", Static)
        if result.plan is not None:
            name = s.account_info.name if s.account_info is not None else None
            first = (
                f" · first run {result.plan.first_run.isoformat()}" if result.plan.first_run else ""
            )
            summary.update(f"Bills {describe(result.plan, name)}{first}")
        else:
            save = self.keys["form_save"]
            summary.update(f"Not ready: {len(result.problems)} problem(s); {save} lists them")

    # ------------------------------------------------------------------ account search

    @work(group="bill-run-form-search", exclusive=True, exit_on_error=False)
    async def _search(self, text: str) -> None:
        needle = text.strip()
        backend = getattr(self.app, "backend", None)
        if backend is None or len(needle) < MIN_SEARCH or self.state.who != "account":
            self._show_matches([])
            return
        try:
            page = await backend.list_accounts(search=needle, page_size=MATCHES)
        except Exception as exc:  # the search is a help: a typed number still works
            self.query_one("#who-note", Static).update(f"Search failed: {exc}")
            self._show_matches([])
            return
        if self.state.account.strip() != needle:
            return  # typed on meanwhile: a newer search follows
        exact = next((a for a in page.items if a.account_number.upper() == needle.upper()), None)
        if exact is not None:
            self.state.account_info = exact
            self._show_matches([])
            self._show_who_note()
            self._show_summary()
            return
        self._show_matches(page.items)

    def _show_matches(self, accounts: list[Account]) -> None:
        self.matches = list(accounts)
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        for account in accounts:
            matches.add_option(
                Option(
                    f"{account.account_number}  {account.name} · {account.currency} · "
                    f"{account.batch or 'no batch'} · day {account.bill_cycle_day}",
                    id=account.account_number,
                )
            )
        matches.display = bool(accounts)
        typed = self.state.account.strip()
        info = self.state.account_info
        known = info is not None and info.account_number == typed.upper()
        if not accounts and self.state.who == "account" and len(typed) >= MIN_SEARCH and not known:
            self.query_one("#who-note", Static).update(
                f"No account starts with {typed!r} (a number is sent as typed)"
            )

    @on(Input.Submitted, "#account")
    def _account_enter(self) -> None:
        if len(self.matches) == 1:
            self._pick(self.matches[0])
        elif self.matches:
            self._to_matches()

    @on(OptionList.OptionSelected, "#matches")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        account = next((a for a in self.matches if a.account_number == event.option.id), None)
        if account is not None:
            self._pick(account)

    def _pick(self, account: Account) -> None:
        self.state.account = account.account_number
        self.state.account_info = account
        widget = self.query_one("#account", Input)
        self._filling = True
        widget.value = account.account_number
        self._filling = False
        widget.remove_class("-in-error")
        self._show_matches([])
        self._show_who_note()
        self._touched()
        self.query_one("#when", RadioSet).focus()

    def on_key(self, event: Any) -> None:
        """``down`` in the account field goes to the matches."""
        if event.key == "down" and self.matches and self.focused is self.query_one("#account"):
            self._to_matches()
            event.stop()

    def _to_matches(self) -> None:
        matches = self.query_one("#matches", OptionList)
        matches.highlighted = 0
        matches.focus()

    # ------------------------------------------------------------------ keys

    def tab_order(self) -> list[Widget]:
        """The fields the current choices show, in the order the form lays them out."""
        return [w for w in self.query("*") if w.can_focus and not w.disabled and _shown(w)]

    def focus_next(self, selector: Any = "*") -> Widget | None:
        """Tab in layout order. Textual orders its focus chain by where widgets were last
        laid out, so a field shown by a choice just made (not laid out yet) would come first:
        a tab typed right after the choice, and the text after it, would land elsewhere."""
        return self._step_focus(1)

    def focus_previous(self, selector: Any = "*") -> Widget | None:
        return self._step_focus(-1)

    def _step_focus(self, step: int) -> Widget | None:
        order = self.tab_order()
        if not order:
            return None
        here = self.focused
        index = order.index(here) if here in order else (-1 if step > 0 else 0)
        target = order[(index + step) % len(order)]
        self.set_focus(target)  # now: Widget.focus() defers, and tabs may come in a burst
        return target

    def action_form_save(self) -> None:
        result = validate(self.state, self.today)
        if not result.ok:
            self._show_errors(result.problems)
            self._focus(result.problems[0])
            return
        self.dismiss({"state": self.state, "plan": result.plan})

    # ------------------------------------------------------------------ problems

    def _widget_for(self, problem: Problem) -> Widget | None:
        if problem.field == "exclude":
            return self.query_one(f"#{_exclude_id(CHARGE_ORDER[0])}", Checkbox)
        if problem.field in _TEXT_FIELDS:
            return self.query_one(f"#{problem.field}", Input)
        return None

    def _show_errors(self, problems: tuple[Problem, ...], refused: str | None = None) -> None:
        self.problems = problems
        for widget in [*self.query(Input), *self.query(Checkbox)]:
            widget.remove_class("-in-error")
        lines = []
        if refused:
            lines.append(f"Refused by the backend: {refused}")
        for problem in problems:
            lines.append(f"• {problem.message} [{problem.rule}]")
            if problem.field == "exclude":
                for box in self.query(Checkbox):
                    if (box.id or "").startswith("exclude-"):
                        box.add_class("-in-error")
                continue
            target = self._widget_for(problem)
            if target is not None:
                target.add_class("-in-error")
        self.query_one("#errors", Static).update("\n".join(lines))
        if lines:
            self.app.bell()

    def _focus(self, problem: Problem) -> None:
        widget = self._widget_for(problem)
        if widget is not None:
            widget.focus()


def _shown(widget: Widget) -> bool:
    """Displayed, and so are all its containers."""
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


def _int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None
