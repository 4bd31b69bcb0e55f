"""Config file and command line: profiles, overrides, and errors that name file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import build_parser, main, resolve_profile
from tui.config import ConfigError, config_path, load_config, parse_config, state_dir


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_dirs_follow_xdg(tmp_path: Path) -> None:
    assert config_path() == tmp_path / "config" / "billing-tui" / "config.toml"
    assert state_dir() == tmp_path / "state" / "billing-tui"


def test_no_file_gives_the_demo_profile() -> None:
    profile = load_config().profile(None)
    assert profile.name == "demo"
    assert profile.backend.backend == "fake"
    assert profile.backend.progression == "realtime"
    assert not profile.read_only


def test_profiles_keymap_and_overrides() -> None:
    write_config(
        """
default_profile = "sandbox"
[keymap]
generate = "G"
[profiles.sandbox]
backend = "rest"
base_url = "https://rest.apisandbox.zuora.com"
client_id = "abc"
read_only = true
theme = "gruvbox"
poll_interval = 5
keymap = { post = "P" }
"""
    )
    config = load_config()
    sandbox = config.profile(None)
    assert sandbox.name == "sandbox" and sandbox.read_only and sandbox.theme == "gruvbox"
    assert sandbox.poll_interval == 5.0
    assert dict(sandbox.keymap) == {"generate": "G", "post": "P"}
    assert sandbox.backend.base_url == "https://rest.apisandbox.zuora.com"
    args = build_parser().parse_args(["--backend", "fake", "--profile", "sandbox"])
    assert resolve_profile(args).backend.backend == "fake"
    args = build_parser().parse_args(["--profile", "demo", "--read-only"])
    assert resolve_profile(args).read_only


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    [
        (
            '[profiles.demo]\nbackend = "fake"\npoll_interval = "fast"\n',
            3,
            "profiles.demo.poll_interval",
            "seconds",
        ),
        ('[profiles.demo]\nbackend = "soap"\n', 2, "profiles.demo.backend", "'fake' or 'rest'"),
        ('[profiles.demo]\nbakend = "fake"\n', 2, "profiles.demo.bakend", "unknown setting"),
        ('[keymap]\ngenerat = "G"\n', 2, "keymap.generat", "unknown action id"),
        ('\n\n[profiles.x]\ntheme = "nope"\n', 4, "profiles.x.theme", "unknown theme"),
        (
            '[profiles.x]\nkeymap = { pots = "P" }\n',
            2,
            "profiles.x.keymap.pots",
            "unknown action id",
        ),
        ('colour = "red"\n', 1, "colour", "unknown setting"),
        ("[profiles.demo]\nread_only = yes\n", 2, "read_only", "not valid TOML"),
        ('[keymap]\nrefresh = "R"\ngenerate = "p"\n', 3, "keymap.generate", "used by both"),
        ('[keymap]\nrefresh = "enter"\n', 2, "keymap.refresh", "reserved for moving in tables"),
        ('[profiles.x]\nkeymap = { help = "r" }\n', 2, "profiles.x.keymap.help", "used by both"),
    ],
)
def test_malformed_config_names_file_line_and_key(
    text: str, line: int, key: str, words: str
) -> None:
    path = write_config(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    err = caught.value
    assert (err.path, err.line, err.key) == (path, line, key)
    assert words in str(err)
    assert str(err).startswith(f"{path}, line {line}, key '{key}'")


def test_global_keymap_applies_to_the_built_in_demo_profile() -> None:
    write_config('[keymap]\ngenerate = "G"\nrefresh = "ctrl+r"\n')
    assert dict(load_config().profile(None).keymap) == {"generate": "G", "refresh": "ctrl+r"}


def test_unknown_profile_is_an_error() -> None:
    with pytest.raises(ConfigError, match="no profile named 'prod'"):
        parse_config("").profile("prod")


def test_config_path_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(config_path())
    assert main(["config", "example"]) == 0
    example = capsys.readouterr().out
    parse_config(example)  # the example we print is itself valid


def test_malformed_config_exits_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    write_config("[profiles.demo]\npoll_interval = -1\n")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "poll_interval" in err and "Traceback" not in err


def test_unknown_profile_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--profile", "prod"]) == 2
    assert "no profile named 'prod'" in capsys.readouterr().err


def test_rest_backend_that_cannot_start_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--backend", "rest", "--base-url", "https://rest.zuora.com"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("billing-tui: ") and "REST" in err and "Traceback" not in err


def test_rest_backend_import_failure_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "backends.rest.backend", None)  # import now fails
    assert main(["--backend", "rest"]) == 2
    err = capsys.readouterr().err
    assert "not available" in err and "Traceback" not in err


def test_no_secret_option_on_the_command_line() -> None:
    options = {a for action in build_parser()._actions for a in action.option_strings}
    assert options == {
        "-h",
        "--help",
        "--version",
        "--profile",
        "--read-only",
        "--backend",
        "--base-url",
        "--client-id",  # an id, not a secret: the secret only from the environment or a file
    }


def test_command_line_overrides_the_profile() -> None:
    from tui.cli import resolve_profile

    args = build_parser().parse_args(
        ["--backend", "rest", "--base-url", "http://127.0.0.1:8080", "--client-id", "fake-demo"]
    )
    profile = resolve_profile(args)
    assert profile.backend.backend == "rest"
    assert profile.backend.base_url == "http://127.0.0.1:8080"
    assert profile.backend.client_id == "fake-demo"
