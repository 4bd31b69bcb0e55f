"""Fault rules: make chosen requests fail on demand, reproducibly.

A rule matches by method and path (a glob such as ``/v1/invoice-schedules/*/execute``) or by
operation name, fires ``times`` times (or forever) and/or with a seeded ``probability``, and has
one effect. ``phase`` says whether the fault hits before the request reaches the engine (nothing
happened) or after (the engine did the work and the answer is lost): the second is the case that
makes idempotency keys matter.
"""

from __future__ import annotations

import fnmatch
import random
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

__all__ = ["EFFECTS", "FaultBook", "FaultRule"]

Effect = Literal["latency", "rate_limit", "lock", "temporary", "unavailable", "timeout", "drop"]
EFFECTS: tuple[str, ...] = (
    "latency",
    "rate_limit",
    "lock",
    "temporary",
    "unavailable",
    "timeout",
    "drop",
)


@dataclass
class FaultRule:
    effect: Effect
    method: str = "*"
    path: str = "*"
    operation: str | None = None
    times: int | None = None  # None: no limit
    probability: float = 1.0
    latency_ms: int = 0
    retry_after: int = 1
    phase: Literal["before", "after"] = "before"
    id: int = 0
    fired: int = field(default=0)

    def __post_init__(self) -> None:
        self.probability = float(self.probability)
        self.latency_ms = int(self.latency_ms)
        self.retry_after = int(self.retry_after)
        if self.times is not None:
            self.times = int(self.times)
        if self.effect not in EFFECTS:
            raise ValueError(f"unknown fault effect {self.effect!r}; choose one of {EFFECTS}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if self.times is not None and self.times < 0:
            raise ValueError("times must be 0 or more")
        if self.phase not in ("before", "after"):
            raise ValueError("phase must be before or after")
        self.method = self.method.upper()

    def matches(self, method: str, path: str, operation: str | None) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        if self.method not in ("*", method.upper()):
            return False
        if self.operation is not None:
            return operation == self.operation
        return fnmatch.fnmatchcase(path, self.path)

    def to_json(self) -> dict[str, Any]:
        """camelCase, exact numbers (the control plane's JSON)."""
        data = asdict(self)
        data["probability"] = Decimal(repr(self.probability))
        data["latencyMs"] = data.pop("latency_ms")
        data["retryAfter"] = data.pop("retry_after")
        return data

    @classmethod
    def from_json(cls, data: Any) -> FaultRule:
        """A rule from the control plane's JSON (camelCase or snake_case keys)."""
        if not isinstance(data, dict):
            raise ValueError("a fault rule must be a JSON object")
        aliases = {"latencyMs": "latency_ms", "retryAfter": "retry_after"}
        known = {f for f in cls.__dataclass_fields__ if f not in ("id", "fired")}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            name = aliases.get(key, key)
            if name in ("id", "fired"):
                continue
            if name not in known:
                raise ValueError(f"unknown fault rule field {key!r}")
            kwargs[name] = value
        if "effect" not in kwargs:
            raise ValueError("a fault rule needs an effect")
        return cls(**kwargs)


class FaultBook:
    """The rules of one tenant, with the seeded RNG that decides probabilistic ones."""

    def __init__(self, seed: int = 0) -> None:
        self._rules: list[FaultRule] = []
        self._next_id = 1
        self._seed = seed
        self._rng = random.Random(seed)

    @property
    def rules(self) -> list[FaultRule]:
        return list(self._rules)

    def add(self, rule: FaultRule) -> FaultRule:
        rule.id = self._next_id
        self._next_id += 1
        self._rules.append(rule)
        return rule

    def remove(self, rule_id: int) -> bool:
        before = len(self._rules)
        self._rules = [r for r in self._rules if r.id != rule_id]
        return len(self._rules) != before

    def clear(self) -> None:
        self._rules.clear()
        self._rng = random.Random(self._seed)

    def reseed(self, seed: int) -> None:
        self._seed = seed
        self._rng = random.Random(seed)

    def pick(self, method: str, path: str, operation: str | None, phase: str) -> FaultRule | None:
        """The first rule that matches and fires for this request in this phase, if any."""
        for rule in self._rules:
            if rule.phase != phase or not rule.matches(method, path, operation):
                continue
            if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                continue
            rule.fired += 1
            return rule
        return None
