"""Idempotent POSTs, as Zuora documents them (``Idempotency-Key``, at most 255 characters).

The first response to a key (status and body, success or failure) is stored for 24 hours of the
tenant's *simulated* time and replayed for a repeat of the same request. A repeat while the first
is still being handled gets 409; the same key with a different method, path or body gets 422.

Zuora documents two behaviours for a replay (the idempotency guide: replay the stored response;
the error-handling guide: a 409 carrying the original result). We choose the first and mark the
replay with the response header ``Idempotent-Replayed: true``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

__all__ = ["MAX_KEY_LENGTH", "Claim", "IdempotencyStore", "StoredResponse"]

MAX_KEY_LENGTH = 255
TTL = timedelta(hours=24)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: str
    stored_at: datetime


class Claim(Enum):
    """What to do with a request that carries a key."""

    NEW = "new"  # handle it, then call ``complete``
    REPLAY = "replay"  # send the stored response
    IN_FLIGHT = "in_flight"  # 409
    MISMATCH = "mismatch"  # 422


@dataclass
class _Entry:
    fingerprint: str
    response: StoredResponse | None


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()} {path} {digest}"


class IdempotencyStore:
    """Per-tenant store. Not thread-safe on its own: the server calls it from one event loop."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def claim(self, key: str, fp: str, now: datetime) -> tuple[Claim, StoredResponse | None]:
        self._expire(now)
        entry = self._entries.get(key)
        if entry is None:
            self._entries[key] = _Entry(fingerprint=fp, response=None)
            return Claim.NEW, None
        if entry.fingerprint != fp:
            return Claim.MISMATCH, None
        if entry.response is None:
            return Claim.IN_FLIGHT, None
        return Claim.REPLAY, entry.response

    def complete(self, key: str, status: int, body: str, now: datetime) -> None:
        entry = self._entries.get(key)
        if entry is not None:
            entry.response = StoredResponse(status=status, body=body, stored_at=now)

    def abandon(self, key: str) -> None:
        """Forget a key whose request never produced a response (the connection dropped first)."""
        entry = self._entries.get(key)
        if entry is not None and entry.response is None:
            del self._entries[key]

    def clear(self) -> None:
        self._entries.clear()

    def export(self) -> list[dict[str, object]]:
        """Completed entries, for the state file (a request still in flight is not saved)."""
        return [
            {
                "key": key,
                "fingerprint": e.fingerprint,
                "status": e.response.status,
                "body": e.response.body,
                "storedAt": e.response.stored_at,
            }
            for key, e in self._entries.items()
            if e.response is not None
        ]

    def import_(self, entries: list[object]) -> None:
        self._entries.clear()
        for raw in entries:
            if not isinstance(raw, dict):
                raise ValueError("an idempotency entry must be an object")
            stored_at = raw["storedAt"]
            when = (
                stored_at
                if isinstance(stored_at, datetime)
                else datetime.fromisoformat(str(stored_at))
            )
            self._entries[str(raw["key"])] = _Entry(
                fingerprint=str(raw["fingerprint"]),
                response=StoredResponse(
                    status=int(raw["status"]), body=str(raw["body"]), stored_at=when
                ),
            )

    def __len__(self) -> int:
        return len(self._entries)

    def _expire(self, now: datetime) -> None:
        stale = [
            k
            for k, e in self._entries.items()
            if e.response is not None and now - e.response.stored_at >= TTL
        ]
        for key in stale:
            del self._entries[key]
