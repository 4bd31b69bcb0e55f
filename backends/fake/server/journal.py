"""The request journal: what reached the fake server and what it answered, for assertions."""

from __future__ import annotations

import fnmatch
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from pydantic.alias_generators import to_camel

__all__ = ["Journal", "JournalEntry"]


@dataclass(frozen=True)
class JournalEntry:
    seq: int
    tenant: str
    method: str
    path: str
    query: str
    status: int
    operation: str | None
    request_id: str
    track_id: str | None
    idempotency_key: str | None
    replayed: bool
    fault: str | None
    sim_time: str

    def to_json(self) -> dict[str, Any]:
        """camelCase, like everything else the server writes."""
        return {to_camel(k): v for k, v in asdict(self).items()}


class Journal:
    """A bounded, append-only log; old entries fall off the front."""

    def __init__(self, limit: int = 10_000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=limit)
        self._seq = 0

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def append(self, entry: JournalEntry) -> None:
        self._entries.append(entry)

    def entries(
        self, *, tenant: str | None = None, method: str | None = None, path: str | None = None
    ) -> list[JournalEntry]:
        """Entries oldest first; ``path`` may be a glob (``/v1/invoice-schedules/*``)."""
        return [
            e
            for e in self._entries
            if (tenant is None or e.tenant == tenant)
            and (method is None or e.method == method.upper())
            and (path is None or fnmatch.fnmatchcase(e.path, path))
        ]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
