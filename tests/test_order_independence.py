"""The suite passes in any order: modules that share process-wide state (the per-worker fake
server and its tenants, idempotency records, state files) run here in two different shuffled
orders in fresh interpreters, and both runs must pass. ``make test`` itself runs every test in
pytest-randomly's order, with the seed printed, so any run of the whole suite checks it too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_STATE_MODULES = (
    "tests/server/test_idempotency.py",
    "tests/server/test_control.py",
    "tests/fake/test_persistence.py",
)


@pytest.mark.parametrize("seed", [20261201, 4242])
def test_modules_sharing_state_pass_in_a_shuffled_order(seed: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *SHARED_STATE_MODULES,
            "-n",
            "0",
            "-p",
            "randomly",
            f"--randomly-seed={seed}",
            "-v",  # against the configured -q: the summary line
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed is not None and int(passed.group(1)) >= 20, done.stdout[-3000:]
    assert f"Using --randomly-seed={seed}" in done.stdout
