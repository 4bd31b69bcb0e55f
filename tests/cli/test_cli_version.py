"""``--version`` on the console and on every subcommand, from the installed package's metadata."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from backends import server_cli
from tui import cli

ROOT = Path(__file__).resolve().parents[2]
VERSION = version("billing-tui")
COMMANDS = [
    ([], "billing-tui"),
    (["config"], "billing-tui config"),
    (["serve"], "billing-tui serve"),
]


@pytest.mark.parametrize(("argv", "prog"), COMMANDS)
def test_version_prints_the_package_version_and_exits_0(
    argv: list[str], prog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main([*argv, "--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"{prog} {VERSION}\n"


def test_fake_server_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        server_cli.main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"billing-tui fake-server {VERSION}\n"


def test_fake_server_version_works_without_the_server_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import backends.fake.server as package

    monkeypatch.delattr(package, "cli", raising=False)
    monkeypatch.setitem(sys.modules, "backends.fake.server.cli", None)  # import now fails
    assert server_cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"billing-tui fake-server {VERSION}\n"
    assert server_cli.main(["--port", "0"]) == 2
    assert "'server' extra" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["config", "--version"], ["fake-server", "--version"], ["serve", "--version"]],
)
def test_version_through_the_entry_point(argv: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui", *argv], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(f" {VERSION}")
    assert done.stdout.startswith("billing-tui")


def test_an_uninstalled_package_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    from tui.version import package_version

    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    assert package_version() == "unknown (the package is not installed)"


def test_building_the_parsers_does_not_look_the_version_up() -> None:
    code = (
        "import sys, tui.cli, tui.serve\n"
        "tui.cli.build_parser(); tui.cli.build_config_parser(); tui.serve.build_parser()\n"
        "print('importlib.metadata' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
