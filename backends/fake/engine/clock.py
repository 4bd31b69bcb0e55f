"""The simulated clock: forward-only, and the only source of dates and timestamps in the engine.

Time of day is simulated too: the clock starts each day at 09:00:00 and every write ticks it by one
second, so ``createdDate``/``updatedDate`` are ordered and reproducible.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

__all__ = ["Clock"]

_START_OF_DAY = time(9, 0, 0)


class Clock:
    def __init__(self, today: date, now: datetime | None = None) -> None:
        self._now = now if now is not None else datetime.combine(today, _START_OF_DAY)

    @property
    def today(self) -> date:
        return self._now.date()

    @property
    def now(self) -> datetime:
        return self._now

    def tick(self) -> datetime:
        """Move one simulated second forward and return the new instant (used for every write)."""
        self._now += timedelta(seconds=1)
        return self._now

    def move_to(self, day: date) -> None:
        """Jump to the start of a later day. The caller checks that ``day`` is not in the past."""
        if day > self.today:
            self._now = datetime.combine(day, _START_OF_DAY)
