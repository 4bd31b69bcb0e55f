"""What one operator action is made of, and what the runner hands each part.

An :class:`Operation` is a declaration: the runner (:mod:`tui.operations.runner`) executes it.
Parts, in the order the runner uses them:

``target(screen, keys)``
    what the action acts on, read from the screen's state (not only the cursor); raises
    :class:`Refused` when there is nothing to act on here.
``prepare(backend, target)``
    optional: read the object fresh before asking (a document, a bill run and its documents).
``rule(target, keys)``
    the console's courtesy copy of the backend's rule: a reason to refuse, or ``None``. It is
    checked on the screen's facts and again on the fresh ones; the backend stays the arbiter.
``inputs(target, ctx)``
    the values the action needs (:class:`Field`: a date, text, a decimal or a choice, with its
    default and allowed range); shown in the confirmation dialog.
``confirm(target, ctx)``
    the :class:`Confirmation` (title, body, button); ``None`` runs without asking.
``call(ctx)``
    the backend call(s). Long work reports ``ctx.progress(done, total, refused)`` as it goes
    (the progress panel shows it) and asks ``ctx.cancelled()`` between steps: once the operator
    stops it, the call finishes the step in flight and returns what it did.
``success(ctx, result)``
    the :class:`Notice` shown and logged.
``changes(ctx, result)``
    the :class:`Change` posted to the app, so every screen showing those objects reloads.
``watch(ctx, result)``
    long work the app keeps watching after the call returns (a bill run), or ``None``.
``local(screen, target)``
    instead of a backend call, a change of the screen's own state (marking rows).
``after(ctx, result)``
    after a success, a change of the starting screen's own state (its marks are spent).
``form(target, ctx)``
    a screen to fill before the confirmation (the schedule editor); reopened with what was
    typed after a "no" or a refusal by the backend.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from backends.base import Backend
    from tui.keys import KeyNames

__all__ = [
    "ALL_KINDS",
    "Change",
    "Confirmation",
    "Context",
    "Field",
    "Notice",
    "Operation",
    "Refused",
    "Watch",
]

T = TypeVar("T")

#: ``Change.kinds`` value meaning "anything may have changed" (the simulated clock moved)
ALL_KINDS = "*"


class Refused(Exception):
    """There is nothing for the action to act on here; ``obj`` names where it was tried."""

    def __init__(self, reason: str, obj: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.obj = obj


@dataclass(frozen=True)
class Confirmation:
    title: str
    body: str
    button: str


@dataclass(frozen=True)
class Field:
    """One input of an operation: its name in ``ctx.values``, what the operator sees, the
    default, and the allowed range (inclusive; ``None`` means open)."""

    name: str
    label: str
    kind: Literal["date", "text", "decimal", "choice"] = "text"
    default: Any = None
    minimum: Any = None
    maximum: Any = None
    choices: tuple[str, ...] = ()
    help: str = ""
    required: bool = True

    def range_text(self) -> str:
        low, high = self.minimum, self.maximum
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if low is not None and high is not None:
            return f"from {_show(low)} to {_show(high)}"
        if low is not None:
            return f"on or after {_show(low)}" if self.kind == "date" else f"at least {low}"
        if high is not None:
            return f"on or before {_show(high)}" if self.kind == "date" else f"at most {high}"
        return ""

    def parse(self, text: str) -> Any:
        """The typed value of ``text``; raises ``ValueError`` with a sentence for the operator."""
        raw = text.strip()
        if not raw:
            if self.default is not None:
                return self.default
            if self.required:
                raise ValueError(f"{self.label}: required")
            return None
        value: Any
        if self.kind == "date":
            try:
                value = date.fromisoformat(raw)
            except ValueError:
                raise ValueError(f"{self.label}: {raw!r} is not a date (YYYY-MM-DD)") from None
        elif self.kind == "decimal":
            try:
                value = Decimal(raw.replace(",", ""))
            except InvalidOperation:
                raise ValueError(f"{self.label}: {raw!r} is not a number") from None
        elif self.kind == "choice":
            if raw not in self.choices:
                raise ValueError(f"{self.label}: choose {self.range_text()}")
            value = raw
        else:
            value = raw
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"{self.label}: {_show(value)} is too early; {self.range_text()}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"{self.label}: {_show(value)} is too late; {self.range_text()}")
        return value


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


@dataclass(frozen=True)
class Notice:
    """What a finished action tells the operator (and the action log)."""

    text: str
    title: str = ""
    severity: Literal["information", "warning", "error"] = "information"
    #: extra action-log entries: (object, outcome, result), e.g. one per invoice of a bulk post
    entries: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Change:
    """Which objects an action changed: ids and numbers in ``refs``, whole kinds in ``kinds``
    ("bill_run": a bill run appeared or changed; ``ALL_KINDS``: anything), ``deleted`` for
    objects that no longer exist (a screen showing one closes)."""

    kind: str
    refs: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    deleted: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Watch:
    """A bill run the app keeps watching after the action: its outcome is announced wherever
    the operator is. ``kind``: ``"invoice"`` (generate), ``"credit"`` (a credit bill run) or
    ``"run"`` (a new bill run of any accounts: announced by its counts and totals)."""

    bill_run_id: str
    bill_run_number: str
    action_id: str
    obj: str
    kind: Literal["invoice", "credit", "run"]
    refs: frozenset[str] = frozenset()
    #: credit memos the schedule had before (a credit run names only new ones)
    known_memos: frozenset[str] = frozenset()


def no_progress(done: int, total: int, refused: int = 0) -> None:
    """The default ``Context.progress``: nobody is watching."""


def never_cancelled() -> bool:
    return False


@dataclass
class Context(Generic[T]):
    """What ``call``, ``success``, ``changes`` and ``watch`` get."""

    backend: Backend
    target: T
    keys: KeyNames
    today: date | None = None
    environment: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    #: ``progress(done, total, refused)``: long work reports after every step
    progress: Callable[[int, int, int], None] = no_progress
    #: true once the operator stopped the long work (the cancel key): stop between steps
    cancelled: Callable[[], bool] = never_cancelled
    screen: Any = None


def target_obj(target: Any) -> str:
    """The default ``Operation.obj``: the target's own ``obj`` (what the log and guard name)."""
    return str(target.obj)


@dataclass(frozen=True)
class Operation(Generic[T]):
    """One operator action, declared once (see the module docstring for each part)."""

    id: str
    #: the registry entry (``tui.actions``) whose key, label and read-only flags apply
    action_id: str
    target: Callable[[Any, KeyNames], T]
    obj: Callable[[T], str] = target_obj
    rule: Callable[[T, KeyNames], str | None] = lambda target, keys: None
    prepare: Callable[[Backend, T], Awaitable[T]] | None = None
    inputs: Callable[[T, Context[T]], Sequence[Field]] | None = None
    confirm: Callable[[T, Context[T]], Confirmation] | None = None
    call: Callable[[Context[T]], Awaitable[Any]] | None = None
    success: Callable[[Context[T], Any], Notice] | None = None
    changes: Callable[[Context[T], Any], Change] | None = None
    watch: Callable[[Context[T], Any], Watch | None] | None = None
    local: Callable[[Any, T], None] | None = None
    #: after a success, on the screen the action started from (clear its marks)
    after: Callable[[Context[T], Any], None] | None = None
    #: a form the operator fills before the confirmation: a screen dismissed with the values
    #: (they land in ``ctx.values``) or ``None`` to cancel. A "no" at the confirmation, or a
    #: refusal by the backend (``ctx.values["error"]``), opens it again with what was typed.
    form: Callable[[T, Context[T]], Any] | None = None
    #: the double-press guard key (default: the action and its object)
    guard: Callable[[T], str] | None = None
    #: what the footer and palette show as this operation's label (default: the registry's)
    label: str | None = None

    def guard_key(self, target: T) -> str:
        return f"{self.action_id}:{self.guard(target) if self.guard else self.obj(target)}"
