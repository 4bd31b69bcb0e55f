"""Which wire calls an operator action made: the ``Zuora-Track-Id`` of each, for the action log.

The console wraps one action in :func:`collect_track_ids`; any backend that makes wire calls
inside it (the REST backend) reports each logical call's track id with :func:`report_track_id`.
A context variable carries the collector, so concurrent actions in separate tasks never see each
other's ids, and a backend without wire calls (the in-process fake) reports nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["collect_recoveries", "collect_track_ids", "report_recovery", "report_track_id"]

_COLLECTOR: ContextVar[list[str] | None] = ContextVar("btui_track_ids", default=None)
_RECOVERIES: ContextVar[list[str] | None] = ContextVar("btui_recoveries", default=None)


@contextmanager
def collect_track_ids() -> Iterator[list[str]]:
    """Collect the track ids of the wire calls made inside the ``with`` block, in order."""
    ids: list[str] = []
    token = _COLLECTOR.set(ids)
    try:
        yield ids
    finally:
        _COLLECTOR.reset(token)


def report_track_id(track_id: str) -> None:
    """Called once per logical wire call (retries share its id); a no-op outside a collector."""
    ids = _COLLECTOR.get()
    if ids is not None and track_id not in ids:
        ids.append(track_id)


@contextmanager
def collect_recoveries() -> Iterator[list[str]]:
    """Collect what the backend reconciled inside the ``with`` block: one sentence per call whose
    reply was lost and whose outcome was then read back from the object (``"INV00000001 is
    Posted"``). An empty list means every reply arrived."""
    notes: list[str] = []
    token = _RECOVERIES.set(notes)
    try:
        yield notes
    finally:
        _RECOVERIES.reset(token)


def report_recovery(note: str) -> None:
    """Called by a backend that retried a state-changing call after a lost reply, found the retry
    refused, and read the object to confirm the change had been applied; a no-op outside a
    collector."""
    notes = _RECOVERIES.get()
    if notes is not None:
        notes.append(note)
