"""Every operator action that acts on billing data (or on the fake), declared once.

:data:`OPERATIONS` maps an operation id (the ``op('<id>')`` a key binding runs) to its
:class:`~tui.operations.base.Operation`; :class:`~tui.operations.runner.OperationRunner` runs
any of them. Adding an action: one registry entry in :mod:`tui.actions` with ``operation=True``
and one declaration here.
"""

from __future__ import annotations

from typing import Any

from tui.operations import (
    accounts,
    app_ops,
    bill_run_invoices,
    bill_runs,
    documents,
    new_bill_run,
    schedule,
    schedule_editing,
)
from tui.operations.base import Operation

__all__ = ["OPERATIONS", "by_id"]

OPERATIONS: dict[str, Operation[Any]] = {
    op.id: op
    for op in (
        *schedule.OPERATIONS,
        *schedule_editing.OPERATIONS,
        *documents.OPERATIONS,
        *bill_runs.OPERATIONS,
        *new_bill_run.OPERATIONS,
        *bill_run_invoices.OPERATIONS,  # bulk posting at scale
        *app_ops.OPERATIONS,
        *accounts.OPERATIONS,
    )
}


def by_id(op_id: str) -> Operation[Any]:
    return OPERATIONS[op_id]
