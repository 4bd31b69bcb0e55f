"""Start-up stays lean: the CLI does not import Textual for `config path`, the app does not
import the fake engine or httpx until a backend is built."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_cli_and_config_do_not_import_textual() -> None:
    modules = _modules_after("import tui.cli, tui.config, tui.__main__")
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}


def test_app_does_not_import_backends_or_http() -> None:
    modules = _modules_after("import tui.app")
    assert not {m for m in modules if m.startswith(("backends.fake", "backends.rest", "httpx"))}


def test_config_path_command_runs_in_a_fresh_process(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "config", "path"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"XDG_CONFIG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    ).stdout
    assert out.strip() == str(tmp_path / "billing-tui" / "config.toml")
