"""Every operator action that acts on billing data (or on the fake), declared once.

:data:`OPERATIONS` maps an operation id (the ``op('<id>')`` a key binding runs) to its
:class:`~tui.operations.base.Operation`; :class:`~tui.operations.runner.OperationRunner` runs
any of them. Adding an action: one registry entry in :mod:`tui.actions` with ``operation=True``
and one declaration here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.operations.base import Operation

__all__ = ["OPERATIONS", "by_id"]

#: built on first use (see :func:`__getattr__`)
OPERATIONS: dict[str, Operation[Any]]


def _declared() -> dict[str, Operation[Any]]:
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

    return {
        op.id: op
        for op in (
            *schedule.OPERATIONS,
            *schedule_editing.OPERATIONS,
            *documents.OPERATIONS,
            *bill_runs.OPERATIONS,
            *new_bill_run.OPERATIONS,
            *bill_run_invoices.OPERATIONS,
            *app_ops.OPERATIONS,
            *accounts.OPERATIONS,
        )
    }


def __getattr__(name: str) -> Any:
    """``OPERATIONS`` is built the first time it is read, not when the package is imported: the
    start-up path imports ``tui.operations.base`` (``Change``), and every declaration module
    with it (the schedule editor's too) cost about 33 ms of CPU before the first paint."""
    if name == "OPERATIONS":
        operations = globals()["OPERATIONS"] = _declared()
        return operations
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def by_id(op_id: str) -> Operation[Any]:
    operations: dict[str, Operation[Any]] = __getattr__("OPERATIONS")
    return operations[op_id]
