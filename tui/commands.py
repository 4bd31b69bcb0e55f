"""The command palette (ctrl+p): jump to any object by number, or run any action valid here.

Only what the registry allows on the current screen appears: read-only mode hides dangerous
actions, and an operation the runner would refuse here (``OperationRunner.verdict``: e.g.
generate on a schedule with nothing Pending) is left out. Keys are named as bound.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui import actions

if TYPE_CHECKING:
    from tui.app import BillingApp

__all__ = ["BillingCommands", "parse_object_number", "valid_actions"]

_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("order", "order", re.compile(r"^O-\d+$", re.I)),
    ("schedule", "invoice schedule", re.compile(r"^IS-\d+$", re.I)),
    ("bill_run", "bill run", re.compile(r"^BR-\d+$", re.I)),
    ("invoice", "invoice", re.compile(r"^INV-?\d+$", re.I)),
    ("credit_memo", "credit memo", re.compile(r"^CM-?\d+$", re.I)),
    ("bill_run", "bill run", re.compile(r"^[0-9a-f]{32}$", re.I)),
    ("account", "account", re.compile(r"^A\d{3,}$", re.I)),
)


def parse_object_number(text: str) -> tuple[str, str, str] | None:
    """``("schedule", "invoice schedule", "IS-00000001")`` for ``is-00000001``; else ``None``."""
    value = text.strip()
    for kind, label, pattern in _PATTERNS:
        if pattern.match(value):
            return kind, label, value if len(value) == 32 else value.upper()
    return None


def valid_actions(app: BillingApp, screen: Any) -> list[tuple[actions.ActionSpec, str, str, Any]]:
    """(spec, Textual action, label, owner) for every action that may run on ``screen`` now."""
    scope = getattr(screen, "SCOPE", None)
    found = []
    for spec in actions.ACTIONS:
        if not spec.bindable or spec.id in {"command_palette", "back"}:
            continue
        in_app = actions.APP in spec.scopes
        if not in_app and scope not in spec.scopes:
            continue
        methods = spec.methods or ((spec.id, spec.label),)
        for method, label in methods:
            if not app.action_allowed(method):
                continue
            owner = app if in_app else screen
            if not in_app and screen.check_action(method, ()) is False:
                continue
            if spec.operation:
                if app.runner.verdict(method, screen) is not None:
                    continue
            else:
                refusal = getattr(screen, "refusal", None)
                if not in_app and refusal is not None and refusal(spec.id) is not None:
                    continue
            found.append((spec, actions.binding_action(spec, method), label, owner))
    return found


class BillingCommands(Provider):
    @property
    def billing_app(self) -> BillingApp:
        return self.app  # type: ignore[return-value]

    def _runner(self, target: Any, method: str) -> Any:
        def run() -> None:
            self.app.call_later(target.run_action, method)

        return run

    def _opener(self, kind: str, number: str) -> Any:
        def run() -> None:
            self.billing_app.open_object(kind, number)

        return run

    async def search(self, query: str) -> Hits:
        target = parse_object_number(query)
        if target is not None:
            kind, label, number = target
            yield Hit(
                1.0, f"Open {label} {number}", self._opener(kind, number), help="jump by number"
            )
        matcher = self.matcher(query)
        keys = self.billing_app.keys
        for spec, method, label, owner in valid_actions(self.billing_app, self.screen):
            text = keys.label(spec.id, label)
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    self._runner(owner, method),
                    text=text,
                    help=spec.help,
                )

    async def discover(self) -> Hits:
        keys = self.billing_app.keys
        for spec, method, label, owner in valid_actions(self.billing_app, self.screen):
            yield DiscoveryHit(
                keys.label(spec.id, label), self._runner(owner, method), help=spec.help
            )
