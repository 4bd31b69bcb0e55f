"""Suite-wide settings: the hypothesis profiles, and Textual's test waits made short and steady.

``fast`` (the default, what ``make test`` runs) keeps every property test to a bounded,
derandomized number of examples, so a run is quick and repeatable; ``deep`` (``make test-deep``,
or ``HYPOTHESIS_PROFILE=deep``) explores many more examples with fresh randomness each run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from textual import _wait
from textual.widgets import Input

settings.register_profile(
    "fast",
    max_examples=30,
    stateful_step_count=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=600,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


# Pilot waits for "idle" after every key and pause: it sleeps in steps of 1/50 s until a step
# passes with almost no CPU used by the process, so every key and every settle() sleeps at least
# 20 ms even when the app has long finished. Measured on tests/tui/test_tui_navigation.py and
# test_tui_actions.py (36 tests, 477 waits): 32 s of 64 s wall were spent in these waits. Steps of
# 5 ms (idle: under 0.25 ms of CPU in a step) keep the same rule at a finer grain: 17 s.
# The settle() helpers still wait for every worker explicitly; only the sleep granule changes.
_wait.SLEEP_GRANULARITY = 1 / 200
_wait.SLEEP_IDLE = _wait.SLEEP_GRANULARITY / 20


def _steady_cursor(self: Input) -> None:
    """Input's cursor blinks every 0.5 s: a snapshot taken half a second after the last key (a
    loaded machine) showed a focused field without its cursor and failed. In tests the cursor
    stays as focus leaves it: shown in the focused field, hidden elsewhere."""


Input._toggle_cursor = _steady_cursor  # type: ignore[method-assign]
