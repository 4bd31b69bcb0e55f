"""Suite-wide settings: the hypothesis profiles.

``fast`` (the default, what ``make test`` runs) keeps every property test to a bounded,
derandomized number of examples, so a run is quick and repeatable; ``deep`` (``make test-deep``,
or ``HYPOTHESIS_PROFILE=deep``) explores many more examples with fresh randomness each run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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
