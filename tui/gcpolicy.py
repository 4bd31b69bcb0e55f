"""Garbage collection that does not pause a key press: the console's one GC policy.

CPython's full (generation 2) collection traverses every tracked object. In the console that is
Textual's render caches plus whatever the backend returned, a few hundred thousand objects: a
full pass took 90-350 ms on the benchmark machine, and it fell at random, in the middle of a key
press (bench/console.py saw them as the slowest 2% of keys while scrolling 1,000 orders).

``install(app)`` (called once the first screen is up): moves everything alive at start-up out of
the collector's sight (``gc.freeze()``: modules, classes, the stylesheet), makes automatic full
collections rare, and runs the full collection itself when the operator has not pressed a key
for a while. Young generations are still collected automatically, as before.
"""

from __future__ import annotations

import gc
import time
from typing import Any

__all__ = ["install"]

#: automatic full collections only after this many generation-1 passes (default 10)
FULL_THRESHOLD = 1000
#: collect when no key arrived for this long (seconds), checked this often
IDLE_AFTER = 1.0
CHECK_EVERY = 2.0


class _IdleCollector:
    def __init__(self) -> None:
        self.last_key = time.monotonic()
        self.dirty = False

    def key(self) -> None:
        self.last_key = time.monotonic()
        self.dirty = True

    def tick(self) -> None:
        if self.dirty and time.monotonic() - self.last_key >= IDLE_AFTER:
            self.dirty = False
            gc.collect()


def install(app: Any) -> _IdleCollector:
    """Apply the policy to a running ``App`` (any input event counts as activity)."""
    from textual import events

    gc.freeze()
    first, second, _ = gc.get_threshold()
    gc.set_threshold(first, second, FULL_THRESHOLD)
    collector = _IdleCollector()
    on_event = app.on_event

    async def watched(event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            collector.key()
        await on_event(event)

    app.on_event = watched
    app.set_interval(CHECK_EVERY, collector.tick, name="idle-gc")
    return collector
