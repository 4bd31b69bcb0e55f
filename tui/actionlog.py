"""The action log: every action of the session, kept in memory and appended as JSON lines.

The file is ``<platformdirs user state dir>/billing-tui/actions.jsonl``; one object a line:
``{"time", "profile", "environment", "action", "object", "result", "outcome", "duration_ms"}``.
A log that cannot be written never stops the console: the entry stays in memory and the first
failure is reported once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

__all__ = ["ActionLog", "LogEntry"]


@dataclass(frozen=True)
class LogEntry:
    time: str
    profile: str
    environment: str
    action: str
    object: str
    outcome: str  # ok | refused | error | cancelled
    result: str
    duration_ms: int
    #: Zuora-Track-Id of each wire call the action made (REST only), to quote to Zuora support
    track_ids: tuple[str, ...] = ()


class ActionLog:
    def __init__(
        self,
        path: Path | None,
        *,
        profile: str,
        environment: str,
        clock: Callable[[], datetime],
        on_write_error: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self.profile = profile
        self.environment = environment
        self.clock = clock
        self.entries: list[LogEntry] = []
        self._on_write_error = on_write_error
        self._write_failed = False
        self.listeners: list[Callable[[LogEntry], None]] = []

    def record(
        self,
        action: str,
        obj: str,
        outcome: str,
        result: str,
        duration_s: float = 0.0,
        track_ids: Sequence[str] = (),
    ) -> LogEntry:
        entry = LogEntry(
            time=self.clock().isoformat(timespec="seconds"),
            profile=self.profile,
            environment=self.environment,
            action=action,
            object=obj,
            outcome=outcome,
            result=result,
            duration_ms=round(duration_s * 1000),
            track_ids=tuple(track_ids),
        )
        self.entries.append(entry)
        self._append(entry)
        for listener in list(self.listeners):
            listener(entry)
        return entry

    def _append(self, entry: LogEntry) -> None:
        if self.path is None or self._write_failed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
        except OSError as exc:
            self._write_failed = True
            if self._on_write_error is not None:
                self._on_write_error(f"action log not written to {self.path}: {exc}")
