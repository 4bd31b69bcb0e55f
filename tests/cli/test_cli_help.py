"""``--help`` of every command lists each of its flags, the environment it reads, its exit codes."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pytest

from backends.fake.server import cli as fake_server_cli
from tui import cli, serve

CONSOLE_ENV = {"ZUORA_CLIENT_SECRET", "ZUORA_CLIENT_ID", "XDG_CONFIG_HOME", "XDG_STATE_HOME"}
COMMANDS: dict[str, tuple[Callable[[], argparse.ArgumentParser], set[str], set[str]]] = {
    # name: (parser, environment variables named, exit statuses listed)
    "billing-tui": (cli.build_parser, CONSOLE_ENV, {"0", "1", "2"}),
    "billing-tui config": (cli.build_config_parser, {"XDG_CONFIG_HOME"}, {"0", "2"}),
    "billing-tui serve": (serve.build_parser, CONSOLE_ENV, {"0", "2"}),
    "billing-tui fake-server": (fake_server_cli.build_parser, set(), {"0", "2", "130"}),
}


def _section(text: str, title: str) -> str:
    assert f"\n{title}:\n" in text, f"no {title!r} section"
    return text.split(f"\n{title}:\n", 1)[1].split("\n\n", 1)[0]


@pytest.mark.parametrize("name", COMMANDS)
def test_help_lists_every_flag_the_environment_and_the_exit_statuses(name: str) -> None:
    build, variables, statuses = COMMANDS[name]
    parser = build()
    text = parser.format_help()
    assert parser.prog == name
    for action in parser._actions:
        for option in action.option_strings:
            assert option in text, f"{name} --help does not list {option}"
        if not action.option_strings:  # a positional: every choice is named
            assert all(str(choice) in text for choice in action.choices or [action.dest])
    environment = _section(text, "environment")
    for variable in variables:
        assert variable in environment
    listed = {
        line.split()[0] for line in _section(text, "exit status").splitlines() if line[:3].strip()
    }
    assert statuses <= listed


def test_fake_server_help_names_its_secret_variable_option() -> None:
    text = fake_server_cli.build_parser().format_help()
    assert "--client-secret-env" in _section(text, "environment")


@pytest.mark.parametrize("argv", [["--help"], ["config", "--help"], ["serve", "--help"]])
def test_help_exits_0_through_the_dispatch(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(argv)
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: billing-tui") and "environment:" in out


def test_the_console_help_names_every_subcommand() -> None:
    text = cli.build_parser().format_help()
    for command in ("config path", "config example", "fake-server", "serve"):
        assert f"billing-tui {command}" in text


@pytest.mark.parametrize(
    "argv", [["--bogus"], ["config", "nope"], ["serve", "--bogus"], ["serve", "--port", "x"]]
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(argv)
    assert caught.value.code == 2
    assert "usage: billing-tui" in capsys.readouterr().err
