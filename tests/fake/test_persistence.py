"""Atomic save and load of a tenant; clear errors for missing, corrupt and newer files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backends import jsoncodec
from backends.fake import persistence
from backends.fake.engine import StateError
from backends.fake.engine.state import STATE_VERSION
from backends.fake.tenants import demo


def test_save_then_load_gives_the_same_state(tmp_path: Path) -> None:
    engine = demo()
    engine.execute_invoice_schedule("IS-00000001")
    path = tmp_path / "nested" / "state.json"
    persistence.save(engine, path)
    loaded = persistence.load(path)
    assert jsoncodec.dumps(loaded.export_state()) == jsoncodec.dumps(engine.export_state())
    assert os.listdir(path.parent) == ["state.json"]  # no temporary file left behind


def test_save_replaces_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.json"
    persistence.save(demo(), path)
    before = path.read_text()

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    engine = demo()
    engine.pause_invoice_schedule("IS-00000001")
    with pytest.raises(OSError, match="disk full"):
        persistence.save(engine, path)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["state.json"]


def test_load_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="No saved fake state"):
        persistence.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": ')
    with pytest.raises(StateError, match="not valid JSON"):
        persistence.load(bad)
    newer = tmp_path / "newer.json"
    data = demo().export_state()
    data["version"] = STATE_VERSION + 1
    newer.write_text(jsoncodec.dumps(data))
    with pytest.raises(StateError, match=r"newer\.json: .*newer billing-tui"):
        persistence.load(newer)
