"""Concurrent sub-requests of one backend call, as one unit: a failure cancels the siblings.

``asyncio.gather`` leaves the other awaitables running when one raises, so a failed call could
keep requesting (and retrying 429s) after its caller already has the error. :func:`all_of` runs
them in an ``asyncio.TaskGroup``: when one fails, the others are cancelled and have finished
before the error reaches the caller, which sees the first failure itself (not an
``ExceptionGroup``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["all_of"]

T = TypeVar("T")


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The failure that broke the group: the first one that is not a sibling's cancellation."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        current = pending.pop(0)
        if isinstance(current, BaseExceptionGroup):
            pending[:0] = list(current.exceptions)
        else:
            leaves.append(current)
    for leaf in leaves:
        if not isinstance(leaf, asyncio.CancelledError):
            return leaf
    return leaves[0]


async def all_of(*calls: Coroutine[Any, Any, T]) -> list[T]:
    """The results of ``calls`` run concurrently, in order; the first failure cancels the rest."""
    if not calls:
        return []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(call) for call in calls]
    except BaseExceptionGroup as failed:
        raise _first(failed) from None
    return [task.result() for task in tasks]
