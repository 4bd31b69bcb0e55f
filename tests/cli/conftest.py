"""Every command-line test runs with its own config and state dirs and no secret in the env."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("ZUORA_CLIENT_SECRET", raising=False)
    monkeypatch.delenv("ZUORA_CLIENT_ID", raising=False)
