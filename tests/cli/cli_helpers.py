"""Helpers for the command-line tests."""

from __future__ import annotations

from pathlib import Path


def write_config(tmp_path: Path, text: str) -> Path:
    """Write ``config.toml`` where the isolated ``XDG_CONFIG_HOME`` (conftest) points."""
    path = tmp_path / "config" / "billing-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
