"""The README's Keys table, made from the registry (``python -m tui.keys_table`` prints it).

A test compares it with the README, so the README, the help and the footer name the same keys.
"""

from __future__ import annotations

from tui import actions
from tui.keys import display

__all__ = ["keys_table"]

_WHERE = {
    actions.ORDERS: "Orders",
    actions.ORDER: "Order",
    actions.SCHEDULE: "Schedule",
    actions.INVOICE: "Invoice",
    actions.CREDIT_MEMO: "Credit memo",
    actions.BILL_RUN: "Bill run",
    actions.BILL_RUNS: "Bill runs",
    actions.FAULTS: "Faults",
    actions.ACTION_LOG: "Action log",
    actions.ACCOUNTS: "Accounts",
    actions.ACCOUNT: "Account",
    actions.DOCUMENTS: "Documents",
    actions.STARTUP: "Start-up failed",
    actions.SCHEDULE_FORM: "Schedule form",
    actions.SCHEDULE_CHARGES: "Charges",
    actions.BILL_RUN_FORM: "Bill run form",
    actions.DIALOG: "dialogs",
    actions.HELP: "help",
    actions.APP: "everywhere",
}


def _where(spec: actions.ActionSpec) -> str:
    if set(actions.OBJECT_SCREENS) <= set(spec.scopes):
        return "every screen"
    if set(spec.scopes) >= set(actions.OBJECT_SCREENS) - {actions.ORDERS}:
        return "every screen but Orders"
    return ", ".join(_WHERE[s] for s in spec.scopes)


def keys_table() -> str:
    lines = ["| key | id (for `[keymap]`) | what it does | where |", "|---|---|---|---|"]
    for spec in actions.ACTIONS:
        keys = spec.key_display or " / ".join(display(k) for k in spec.key.split(","))
        key_text = " / ".join(f"`{k.strip()}`" for k in keys.split(" / "))
        lines.append(f"| {key_text} | `{spec.id}` | {spec.help} | {_where(spec)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(keys_table())
