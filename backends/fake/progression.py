"""Realtime progression: a background task that moves each bill run one stage per ``stage_seconds``.

The engine never looks at wall time; this driver does, in the adapter. It starts lazily (the first
backend call inside a running event loop), sleeps while no bill run is active, and is cancelled by
``aclose()``. Each run's stages (Pending -> Processing -> Completed) each last ``stage_seconds``,
counted from when the driver first saw the run. Manual progression needs no driver at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable

from backends.fake.engine import Engine

__all__ = ["RealtimeDriver"]


class RealtimeDriver:
    def __init__(
        self,
        engine_of: Callable[[], Engine],
        lock: threading.Lock,
        stage_seconds: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine_of = engine_of
        self._lock = lock
        self.stage_seconds = max(0.0, stage_seconds)
        self._monotonic = monotonic
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._stage_started: dict[str, float] = {}

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def ensure_started(self) -> None:
        """Start the task in the running loop if it is not already running there."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._task is not None and not self._task.done() and self._task.get_loop() is loop:
            return
        self._wake = asyncio.Event()
        self._task = loop.create_task(self._run(), name="fake-backend-realtime")

    def poke(self) -> None:
        """New work may have been queued: look again now."""
        if self._wake is not None:
            self._wake.set()

    async def aclose(self) -> None:
        task, self._task = self._task, None
        if task is None or task.done():
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def _tick(self) -> float | None:
        """Step every run whose stage is over; return seconds until the next one (None: idle)."""
        with self._lock:
            engine = self._engine_of()
            active = engine.active_bill_runs()
            now = self._monotonic()
            for run_id in list(self._stage_started):
                if run_id not in active:
                    del self._stage_started[run_id]
            wait: float | None = None
            for run_id in active:
                started = self._stage_started.setdefault(run_id, now)
                left = started + self.stage_seconds - now
                if left <= 0:
                    engine.step_bill_run(run_id)
                    self._stage_started[run_id] = now
                    left = self.stage_seconds
                    if run_id not in engine.active_bill_runs():
                        self._stage_started.pop(run_id, None)
                        continue
                wait = left if wait is None else min(wait, left)
            return wait

    async def _run(self) -> None:
        wake = self._wake
        assert wake is not None
        while True:
            wake.clear()
            wait = self._tick()
            if wait is None:
                await wake.wait()
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=max(wait, 0.0))
