"""What an operator can do: one registry, read by the footer, the help, the palette and read-only.

Each :class:`ActionSpec` has a stable ``id`` (the name used in the config's ``[keymap]``), a
default key, a label, the screens it belongs to and a ``dangerous`` flag. Dangerous actions change
billing data; read-only mode removes them from the footer, the help and the palette, and refuses
them if they are invoked any other way.

An entry with ``operation=True`` is run by :mod:`tui.operations` (its binding is
``op('<operation id>')``, the operation ids being ``methods`` or the entry's id); the rest are
navigation a screen answers itself (open, back, search, help).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.binding import Binding

__all__ = [
    "ACTIONS",
    "REMAPPABLE_IDS",
    "ActionSpec",
    "action_method",
    "binding_action",
    "bindings_for",
    "by_id",
    "by_method",
]

# Screen scopes
ORDERS = "orders"
ORDER = "order"
SCHEDULE = "schedule"
INVOICE = "invoice"
CREDIT_MEMO = "credit_memo"
BILL_RUN = "bill_run"
BILL_RUNS = "bill_runs"
FAULTS = "faults"
ACTION_LOG = "action_log"
ACCOUNTS = "accounts"
ACCOUNT = "account"
DOCUMENTS = "documents"
APP = "app"
OBJECT_SCREENS = (
    ORDERS,
    ORDER,
    SCHEDULE,
    INVOICE,
    CREDIT_MEMO,
    BILL_RUN,
    BILL_RUNS,
    FAULTS,
    ACTION_LOG,
    ACCOUNTS,
    ACCOUNT,
    DOCUMENTS,
)
#: the screen shown when the first load fails (retry, quit, help)
STARTUP = "startup"
#: the invoice schedule form (new / edit) and the charges screen (detach / attach)
SCHEDULE_FORM = "schedule_form"
SCHEDULE_CHARGES = "schedule_charges"
#: the new-bill-run form (its save and leave are the schedule form's entries)
BILL_RUN_FORM = "bill_run_form"
#: Form screens: their own keys, with the global ones beside them (not object screens: they
#: have no refresh, and open / back mean something else there).
FORM_SCOPES = (SCHEDULE_FORM, SCHEDULE_CHARGES, BILL_RUN_FORM)
#: Modal scopes: their keys are remappable too, and only clash among themselves.
DIALOG = "dialog"
HELP = "help"
MODAL_SCOPES = (DIALOG, HELP)

#: Capabilities an action may need from the backend (besides ``fake_only``'s simulated clock).
FAULT_INJECTION = "fault_injection"


@dataclass(frozen=True)
class ActionSpec:
    id: str
    key: str
    label: str
    help: str
    scopes: tuple[str, ...]
    dangerous: bool = False
    fake_only: bool = False
    #: hidden in read-only mode although it changes no billing data (marks, the fake's faults)
    read_only_hidden: bool = False
    #: a backend capability the action needs (hidden when the backend lacks it)
    capability: str | None = None
    #: Textual action method names (``action_<name>``) and their footer labels; an id with two
    #: methods (pause / resume) shows the one that applies.
    methods: tuple[tuple[str, str], ...] = ()
    #: False for keys owned by a widget (enter on a table): listed in help, not remappable.
    bindable: bool = True
    show: bool = True
    #: the scopes whose footer shows it (``None``: every scope where ``show``); elsewhere it is
    #: still bound, listed in help and offered by the palette
    footer: tuple[str, ...] | None = None
    priority: bool = False
    key_display: str | None = None
    #: run by the operation runner (``tui.operations``): its binding is ``op('<id>')``
    operation: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def method_names(self) -> tuple[str, ...]:
        return tuple(m for m, _ in self.methods) or (self.id,)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "open", "enter", "Open", "open the row under the cursor", OBJECT_SCREENS, bindable=False
    ),
    ActionSpec(
        "back",
        "escape",
        "Back",
        "back, with cursor and search kept",
        (
            ORDER,
            SCHEDULE,
            INVOICE,
            CREDIT_MEMO,
            BILL_RUN,
            BILL_RUNS,
            FAULTS,
            ACTION_LOG,
            ACCOUNTS,
            ACCOUNT,
            DOCUMENTS,
        ),
        show=False,
    ),
    ActionSpec("refresh", "r", "Refresh", "reload; cursor and search kept", OBJECT_SCREENS),
    ActionSpec(
        "search",
        "slash",
        "Search",
        "orders, accounts: search on the backend; documents: the account and date filters; "
        "action log: filter by any text",
        (ORDERS, ACTION_LOG, ACCOUNTS, DOCUMENTS),
        key_display="/",
    ),
    ActionSpec("sort", "s", "Sort", "cycle the sort column of the loaded rows", (ORDERS,)),
    ActionSpec(
        "generate",
        "g",
        "Generate",
        "invoice the earliest Pending item now",
        (SCHEDULE,),
        dangerous=True,
        operation=True,
    ),
    ActionSpec(
        "post",
        "p",
        "Post",
        "post the Draft invoice / credit memo",
        (SCHEDULE, INVOICE, CREDIT_MEMO),
        dangerous=True,
        operation=True,
    ),
    ActionSpec(
        "pause_resume",
        "z",
        "Pause / Resume",
        "pause the schedule, or resume it",
        (SCHEDULE,),
        dangerous=True,
        methods=(("pause", "Pause"), ("resume", "Resume")),
        operation=True,
    ),
    ActionSpec(
        "create_bill_run",
        "b",
        "Create bill run",
        "credit changes to a FullyProcessed one",
        (SCHEDULE,),
        dangerous=True,
        operation=True,
    ),
    ActionSpec(
        "new_schedule",
        "n",
        "New schedule",
        "create an invoice schedule for this order (a form)",
        (ORDER,),
        dangerous=True,
        show=False,
        operation=True,
    ),
    ActionSpec(
        "edit_schedule",
        "e",
        "Edit schedule",
        "edit items, orders and notes (a form; the changes are shown before saving)",
        (SCHEDULE,),
        dangerous=True,
        show=False,
        operation=True,
    ),
    ActionSpec(
        "delete_schedule",
        "D",
        "Delete schedule",
        "delete a Pending schedule",
        (SCHEDULE,),
        dangerous=True,
        show=False,
        operation=True,
    ),
    ActionSpec(
        "charges",
        "c",
        "Charges",
        "detach charges, or attach back ones detached from this schedule",
        (SCHEDULE,),
        dangerous=True,
        show=False,
        operation=True,
    ),
    # ---- the schedule form and the charges screen (their own keys; the screens open from
    # ---- new_schedule / edit_schedule / charges above). Priority: they work while a field of
    # ---- the form has focus. Saving / applying sends nothing itself (the operation confirms
    # ---- first), but is what leads to a change, so read-only removes it with the operations.
    ActionSpec(
        "form_save",
        "ctrl+s",
        "Save",
        "check the form against Zuora's rules, then confirm and save (the changes shown first)",
        (SCHEDULE_FORM, BILL_RUN_FORM),
        dangerous=True,
        priority=True,
    ),
    ActionSpec(
        "form_add_item",
        "ctrl+n",
        "Add",
        "add an item after the cursor",
        (SCHEDULE_FORM,),
        priority=True,
    ),
    ActionSpec(
        "form_remove_item",
        "ctrl+d",
        "Remove",
        "remove the item under the cursor (Pending items only)",
        (SCHEDULE_FORM,),
        priority=True,
    ),
    ActionSpec(
        "form_split",
        "ctrl+l",
        "Split",
        "lay the items out from the Split fields: N equal items, monthly or quarterly dates",
        (SCHEDULE_FORM,),
        priority=True,
    ),
    ActionSpec(
        "form_leave",
        "escape",
        "Back",
        "leave the form (asks first when something was typed)",
        (SCHEDULE_FORM, BILL_RUN_FORM),
        priority=True,
    ),
    ActionSpec(
        "charges_mark",
        "space",
        "Mark",
        "mark / unmark the charge: an attached one to detach, a detached one to attach",
        (SCHEDULE_CHARGES,),
        read_only_hidden=True,
        priority=True,
    ),
    ActionSpec(
        "charges_apply",
        "ctrl+s",
        "Apply",
        "detach / attach the marked charges (the list is confirmed first)",
        (SCHEDULE_CHARGES,),
        dangerous=True,
        priority=True,
    ),
    ActionSpec(
        "charges_leave",
        "escape",
        "Back",
        "leave the charges screen; nothing is sent",
        (SCHEDULE_CHARGES,),
        priority=True,
    ),
    # ---- end of the schedule form and charges block
    ActionSpec(
        "open_credit_memo",
        "m",
        "Credit memo",
        "open the row's credit memo",
        (SCHEDULE,),
        show=False,
    ),
    ActionSpec(
        "open_bill_run",
        "o",
        "Bill run",
        "open the bill run behind it",
        (SCHEDULE, INVOICE, CREDIT_MEMO),
        show=False,
    ),
    ActionSpec(
        "open_account",
        "a",
        "Account",
        "open the account the document belongs to",
        (INVOICE, CREDIT_MEMO),
        show=False,
    ),
    ActionSpec(
        "advance_clock",
        "t",
        "Advance clock",
        "fake: jump to the next run date",
        (APP,),
        dangerous=True,
        fake_only=True,
        operation=True,
    ),
    ActionSpec(
        "unpost",
        "u",
        "Unpost",
        "take a Posted invoice / credit memo back to Draft",
        (SCHEDULE, INVOICE, CREDIT_MEMO),
        dangerous=True,
        footer=(INVOICE, CREDIT_MEMO),
        operation=True,
    ),
    ActionSpec(
        "cancel_invoice",
        "x",
        "Cancel invoice",
        "cancel a Draft invoice; its item can run again",
        (SCHEDULE, INVOICE),
        dangerous=True,
        footer=(INVOICE, CREDIT_MEMO),
        operation=True,
    ),
    ActionSpec(
        "reverse",
        "v",
        "Reverse",
        "offset a Posted invoice by a credit memo",
        (SCHEDULE, INVOICE),
        dangerous=True,
        footer=(INVOICE, CREDIT_MEMO),
        operation=True,
    ),
    ActionSpec(
        "mark",
        "space",
        "Mark",
        "mark / unmark this row's invoice for a bulk post",
        (SCHEDULE, BILL_RUN, DOCUMENTS, ACCOUNT),
        read_only_hidden=True,
        footer=(BILL_RUN, DOCUMENTS),
        key_display="space",
        operation=True,
    ),
    ActionSpec(
        "post_marked",
        "M",
        "Post marked",
        "bulk-post the marked invoices",
        (SCHEDULE, BILL_RUN, DOCUMENTS, ACCOUNT),
        dangerous=True,
        operation=True,
    ),
    ActionSpec(
        "open_schedule",
        "s",
        "Schedule item",
        "open the schedule item that produced this line",
        (INVOICE,),
    ),
    ActionSpec(
        "filter_status",
        "f",
        "Status filter",
        "cycle the status filter (asks the backend)",
        (BILL_RUNS, DOCUMENTS),
    ),
    ActionSpec(
        "filter_type",
        "k",
        "Type filter",
        "documents: invoices, credit memos or both (asks the backend)",
        (DOCUMENTS,),
    ),
    ActionSpec(
        "generate_documents",
        "G",
        "Generate documents",
        "bill this account now up to a target date, paused schedules included",
        (ACCOUNT,),
        dangerous=True,
        operation=True,
    ),
    ActionSpec(
        "post_bill_run",
        "p",
        "Post run",
        "post every document of a Completed bill run",
        (BILL_RUNS, BILL_RUN),
        dangerous=True,
        operation=True,
    ),
    ActionSpec(
        "cancel_bill_run",
        "x",
        "Cancel run",
        "cancel a Pending or Completed bill run",
        (BILL_RUNS, BILL_RUN),
        dangerous=True,
        operation=True,
    ),
    ActionSpec(
        "delete_bill_run",
        "d",
        "Delete run",
        "delete a Canceled or Error bill run",
        (BILL_RUNS, BILL_RUN),
        dangerous=True,
        operation=True,
    ),
    ActionSpec(
        "fault_add",
        "a",
        "Add rule",
        "add a fault rule from a preset",
        (FAULTS,),
        read_only_hidden=True,
        capability=FAULT_INJECTION,
        operation=True,
    ),
    ActionSpec(
        "fault_delete",
        "d",
        "Delete rule",
        "delete the fault rule under the cursor",
        (FAULTS,),
        read_only_hidden=True,
        capability=FAULT_INJECTION,
        operation=True,
    ),
    ActionSpec(
        "fault_clear",
        "c",
        "Clear rules",
        "delete every fault rule",
        (FAULTS,),
        read_only_hidden=True,
        capability=FAULT_INJECTION,
        operation=True,
    ),
    # ---- bulk posting at scale: a bill run's Draft invoices in bulk-post batches, and the
    # ---- stop key of any long work (tui/operations/bulk.py, tui/widgets/progress_panel.py)
    ActionSpec(
        "post_run_invoices",
        "E",
        "Post invoices",
        "post the run's Draft invoices in batches, each posted or refused on its own (progress)",
        (BILL_RUN,),
        dangerous=True,
        operation=True,
    ),
    ActionSpec(
        "stop_work",
        "ctrl+x",
        "Stop",
        "stop a bulk post after the batch in flight (while one runs)",
        (APP,),
        priority=True,
    ),
    # ---- end of bulk posting
    ActionSpec(
        "bill_runs",
        "B",
        "Bill runs",
        "every bill run, newest first",
        (APP,),
        show=False,
    ),
    ActionSpec(
        "accounts",
        "A",
        "Accounts",
        "every account; / searches by number or name",
        (APP,),
        show=False,
    ),
    ActionSpec(
        "documents",
        "I",
        "Documents",
        "the tenant's invoices and credit memos, newest first",
        (APP,),
        show=False,
    ),
    ActionSpec(
        "fault_panel",
        "F",
        "Faults",
        "fake: the fault rules that make calls fail",
        (APP,),
        show=False,
        read_only_hidden=True,
        capability=FAULT_INJECTION,
    ),
    ActionSpec(
        "retry",
        "r",
        "Retry",
        "start-up failed: try the first load again",
        (STARTUP,),
    ),
    ActionSpec("help", "question_mark", "Help", "this list", (APP,), key_display="?"),
    ActionSpec("action_log", "l", "Log", "this session's actions and results", (APP,)),
    ActionSpec(
        "command_palette",
        "ctrl+p",
        "Palette",
        "jump by number; run actions",
        (APP,),
        show=False,
        priority=True,
    ),
    ActionSpec("quit", "q", "Quit", "leave the console", (APP,)),
    ActionSpec(
        "confirm_yes",
        "y",
        "Yes",
        "confirm dialogs: do it",
        (DIALOG,),
        methods=(("answer(True)", "Yes"),),
    ),
    ActionSpec(
        "confirm_no",
        "n,escape",
        "No",
        "confirm dialogs: don't",
        (DIALOG,),
        methods=(("answer(False)", "No"),),
    ),
    ActionSpec(
        "help_close",
        "escape,q,question_mark",
        "Close",
        "close the help",
        (HELP,),
        methods=(("close", "Close"),),
    ),
)

# ---------------------------------------------------------------- bill runs: new, post one
# (kept in their own block: the new-bill-run form and the bill run screen's post of one
# document; an account screen offers new_bill_run by adding its scope here)
BILL_RUN_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "new_bill_run",
        "n",
        "New bill run",
        "bill an account, batches, a bill cycle day or everyone, now or on a schedule (a form)",
        (BILL_RUNS, ACCOUNT),
        dangerous=True,
        operation=True,
    ),
    ActionSpec(
        "post_document",
        "P",
        "Post one",
        "post the Draft invoice / credit memo under the cursor",
        (BILL_RUN,),
        dangerous=True,
        operation=True,
    ),
)
# placed before the bill runs' own keys, so the footer (registry order) shows them first
_AT = next(n for n, spec in enumerate(ACTIONS) if spec.id == "filter_status")
ACTIONS = ACTIONS[:_AT] + BILL_RUN_ACTIONS + ACTIONS[_AT:]

_BY_ID = {spec.id: spec for spec in ACTIONS}
_BY_METHOD = {method: spec for spec in ACTIONS for method in spec.method_names}
REMAPPABLE_IDS = frozenset(spec.id for spec in ACTIONS if spec.bindable)


def by_id(action_id: str) -> ActionSpec:
    return _BY_ID[action_id]


def by_method(method: str) -> ActionSpec | None:
    """The spec behind a Textual action name (``screen.generate``, ``generate`` or an
    operation's ``op('generate')``)."""
    name = method.rsplit(".", 1)[-1]
    if name.startswith("op(") and name.endswith(")"):
        name = name[3:-1].strip("'\"")
    return _BY_METHOD.get(name)


def action_method(action: str, parameters: tuple[object, ...]) -> str:
    """The method (operation id) a Textual action names: ``("op", ("generate",))`` → generate."""
    if action == "op" and parameters:
        return str(parameters[0])
    return action


def binding_action(spec: ActionSpec, method: str) -> str:
    """The Textual action string that runs ``method`` of ``spec``."""
    return f"op({method!r})" if spec.operation else method


def specs_for(scope: str) -> Iterable[ActionSpec]:
    return (spec for spec in ACTIONS if scope in spec.scopes)


def bindings_for(scope: str) -> list[Binding]:
    """Textual bindings for a scope, each carrying its registry id (so the keymap can remap it)."""
    from textual.binding import Binding

    bindings: list[Binding] = []
    for spec in specs_for(scope):
        if not spec.bindable:
            continue
        methods = spec.methods or ((spec.id, spec.label),)
        for method, label in methods:
            bindings.append(
                Binding(
                    spec.key,
                    binding_action(spec, method),
                    label,
                    show=spec.show and (spec.footer is None or scope in spec.footer),
                    priority=spec.priority,
                    key_display=spec.key_display,
                    tooltip=spec.help,
                    id=spec.id,
                )
            )
    return bindings


RESERVED_KEYS = frozenset(
    {
        "enter",
        "tab",
        "shift+tab",
        "up",
        "down",
        "left",
        "right",
        "pageup",
        "pagedown",
        "home",
        "end",
        "ctrl+home",
        "ctrl+end",
        "ctrl+c",
    }
)


def keymap_problem(keymap: dict[str, str]) -> tuple[str, str] | None:
    """(action id, why) if the keymap would shadow a table key or put two actions on one key
    of the same screen (Textual would silently drop one of them); ``None`` when it is fine."""
    from textual.keys import _normalize_key_list

    def keys_of(spec: ActionSpec) -> list[str]:
        return _normalize_key_list(keymap.get(spec.id, spec.key)).split(",")

    for action_id, keys in keymap.items():
        for key in _normalize_key_list(keys).split(","):
            if key in RESERVED_KEYS:
                return action_id, f"{key!r} is reserved for moving in tables"
    global_specs = [s for s in ACTIONS if APP in s.scopes and s.bindable]
    for scope in (*OBJECT_SCREENS, STARTUP, *FORM_SCOPES, *MODAL_SCOPES):
        owners: dict[str, str] = {}
        # a modal's own bindings win over the global ones, so modals only clash among themselves
        extra = global_specs if scope not in MODAL_SCOPES else []
        for spec in [s for s in ACTIONS if scope in s.scopes and s.bindable] + extra:
            for key in keys_of(spec):
                other = owners.get(key)
                if other is not None and other != spec.id:
                    culprit = spec.id if spec.id in keymap else other
                    return culprit, (
                        f"{key!r} is used by both {other!r} and {spec.id!r} on the {scope} screen"
                    )
                owners[key] = spec.id
    return None
