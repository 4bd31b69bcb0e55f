"""The engine's one source of randomness: a seeded, counter-based generator.

Every id, request id and number the engine hands out comes from here. Each value is
``sha256(seed, stream, counter)``, so the whole generator state is the seed plus a few counters:
it exports as a handful of integers and the same seed with the same calls gives the same values.
Request ids have their own stream so that a refused call (which still gets a request id) does not
shift the ids of objects created afterwards.
"""

from __future__ import annotations

import hashlib

__all__ = ["Ids"]

#: Zuora's default number formats (prefix, digits); tenant-configurable in Zuora.
NUMBER_FORMATS: dict[str, tuple[str, int]] = {
    "account": ("A", 8),
    "order": ("O-", 8),
    "subscription": ("A-S", 8),
    "charge": ("C-", 8),
    "schedule": ("IS-", 8),
    "bill_run": ("BR-", 8),
    "invoice": ("INV", 8),
    "credit_memo": ("CM", 8),
}


class Ids:
    """Seeded ids (32 lowercase hex), request ids (UUID-shaped) and sequential numbers."""

    def __init__(self, seed: str, counters: dict[str, int] | None = None) -> None:
        self.seed = seed
        self.counters: dict[str, int] = dict(counters or {})

    def _next(self, stream: str) -> int:
        n = self.counters.get(stream, 0) + 1
        self.counters[stream] = n
        return n

    def _hex(self, stream: str) -> str:
        n = self._next(stream)
        return hashlib.sha256(f"{self.seed}\x00{stream}\x00{n}".encode()).hexdigest()[:32]

    def new_id(self) -> str:
        """A new object id: 32 lowercase hex characters, like Zuora's."""
        return self._hex("id")

    def request_id(self) -> str:
        """A request id in Zuora's UUID shape, from its own stream."""
        h = self._hex("request")
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

    def number(self, kind: str) -> str:
        """The next number of a kind: ``O-00000001``, ``IS-00000001``, ``INV00000001``..."""
        prefix, digits = NUMBER_FORMATS[kind]
        return f"{prefix}{self._next('number:' + kind):0{digits}d}"

    def export(self) -> dict[str, object]:
        return {"seed": self.seed, "counters": dict(sorted(self.counters.items()))}

    @classmethod
    def restore(cls, data: dict[str, object]) -> Ids:
        counters = data["counters"]
        if not isinstance(counters, dict):
            raise TypeError("counters must be an object")
        return cls(str(data["seed"]), {str(k): int(v) for k, v in counters.items()})
