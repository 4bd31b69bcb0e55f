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

__all__ = ["collect_track_ids", "report_track_id"]

_COLLECTOR: ContextVar[list[str] | None] = ContextVar("btui_track_ids", default=None)


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
