"""``billing-tui serve``: what may be served, how each tab's console is started, exit statuses."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tui import cli, serve, serve_tab
from tui.cli import UsageError, resolve_profile

from .cli_helpers import write_config

ROOT = Path(__file__).resolve().parents[2]
REST_PROFILE = """
[profiles.prod]
backend = "rest"
base_url = "http://127.0.0.1:9"
client_id = "prod-client"
"""
FAKE_WITH_STATE = '[profiles.demo]\nbackend = "fake"\nstate_file = "{path}"\n'
SECRET = "s3cret-value-never-on-a-command-line"


def _profile(argv: list[str]) -> Any:
    args = serve.build_parser().parse_args(argv)
    args.profile = args.profile or "demo"
    return resolve_profile(args)


class _Captured:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[str, int], dict[str, Any]]] = []

    def __call__(self, command: str, sock: socket.socket, **options: Any) -> None:
        self.calls.append((command, sock.getsockname()[:2], options))
        sock.close()


@pytest.fixture
def captured_run(monkeypatch: pytest.MonkeyPatch) -> _Captured:
    from tui import serve_server

    captured = _Captured()
    monkeypatch.setattr(serve_server, "run", captured)
    return captured


# ------------------------------------------------------------------ what may be served


def test_the_default_is_the_fake_demo_tenant_on_loopback() -> None:
    args = serve.build_parser().parse_args([])
    assert args.host == "127.0.0.1" and args.port == serve.DEFAULT_PORT
    assert serve.tab_arguments(args) == ["--profile", "demo"]


def test_the_default_is_the_demo_even_when_config_defaults_to_a_rest_profile(
    tmp_path: Path, captured_run: _Captured, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path, 'default_profile = "prod"\n' + REST_PROFILE)
    assert serve.main(["--port", "0"]) == 0
    command = captured_run.calls[0][0]
    assert shlex.split(command)[-2:] == ["--profile", "demo"]
    assert "profile demo: the fake tenant (seed demo)" in capsys.readouterr().out


def test_a_rest_profile_needs_allow_rest(
    tmp_path: Path, captured_run: _Captured, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path, REST_PROFILE)
    assert serve.main(["--port", "0", "--profile", "prod"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("billing-tui serve: profile 'prod' is a REST profile")
    assert "--allow-rest" in err and "Traceback" not in err
    assert serve.main(["--port", "0", "--backend", "rest", "--base-url", "http://127.0.0.1:9"]) == 2
    assert captured_run.calls == []


def test_a_served_rest_profile_is_read_only_unless_allow_writes(tmp_path: Path) -> None:
    write_config(tmp_path, REST_PROFILE)
    profile = _profile(["--profile", "prod"])
    with pytest.raises(UsageError):
        serve.served_profile(profile, allow_rest=False, allow_writes=True)
    assert serve.served_profile(profile, allow_rest=True, allow_writes=False).read_only
    assert not serve.served_profile(profile, allow_rest=True, allow_writes=True).read_only
    read_only = _profile(["--profile", "prod", "--read-only"])
    assert serve.served_profile(read_only, allow_rest=True, allow_writes=True).read_only


def test_a_fake_profile_state_file_is_not_used(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    write_config(tmp_path, FAKE_WITH_STATE.format(path=state))
    profile = _profile([])
    assert profile.backend.state_file == state
    served = serve.served_profile(profile, allow_rest=False, allow_writes=False)
    assert served.backend.state_file is None
    assert served.backend.seed == profile.backend.seed and not served.read_only


def test_serving_with_a_state_file_says_it_is_not_used(
    tmp_path: Path, captured_run: _Captured, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    write_config(tmp_path, FAKE_WITH_STATE.format(path=state))
    assert serve.main(["--port", "0"]) == 0
    assert f"state_file ({state}) is not used" in capsys.readouterr().out
    assert not state.exists()


# ------------------------------------------------------------------ each tab's console


def _tab_profile(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> tuple[int, list[Any]]:
    profiles: list[Any] = []

    def run_console(profile: Any) -> int:
        profiles.append(profile)
        return 0

    monkeypatch.setattr(cli, "run_console", run_console)
    return serve_tab.main(argv), profiles


def test_the_tab_applies_the_same_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    write_config(tmp_path, FAKE_WITH_STATE.format(path=state) + REST_PROFILE)
    status, profiles = _tab_profile(monkeypatch, ["--profile", "demo"])
    assert status == 0 and profiles[0].backend.state_file is None
    # a config edited while serving cannot widen what a tab may do
    status, profiles = _tab_profile(monkeypatch, ["--profile", "prod"])
    assert status == 2 and profiles == []
    assert "--allow-rest" in capsys.readouterr().err
    status, profiles = _tab_profile(monkeypatch, ["--profile", "prod", "--allow-rest"])
    assert status == 0 and profiles[0].read_only
    status, profiles = _tab_profile(
        monkeypatch, ["--profile", "prod", "--allow-rest", "--allow-writes"]
    )
    assert status == 0 and not profiles[0].read_only


def test_the_tab_command_carries_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, captured_run: _Captured
) -> None:
    monkeypatch.setenv("ZUORA_CLIENT_SECRET", SECRET)
    argv = ["--backend", "rest", "--base-url", "http://127.0.0.1:9", "--client-id", "cid"]
    assert serve.main(["--port", "0", *argv, "--allow-rest", "--read-only"]) == 0
    command, _address, options = captured_run.calls[0]
    assert SECRET not in command and SECRET not in repr(options)
    words = shlex.split(command)
    assert words[:4] == ["exec", sys.executable, "-m", "tui.serve_tab"]
    flags = {word for word in words[4:] if word.startswith("--")}
    assert flags == {
        "--profile",
        "--backend",
        "--base-url",
        "--client-id",
        "--read-only",
        "--allow-rest",
    }
    # ...and the tab's own parser accepts exactly that command line
    args = serve_tab.build_parser().parse_args(words[4:])
    assert args.client_id == "cid" and args.allow_rest and not args.allow_writes


def test_no_secret_option_on_the_serve_command_line() -> None:
    options = {o for action in serve.build_parser()._actions for o in action.option_strings}
    assert options == {
        "-h",
        "--help",
        "--version",
        "--host",
        "--port",
        "--public-url",
        "--max-tabs",
        "--profile",
        "--read-only",
        "--backend",
        "--base-url",
        "--client-id",
        "--allow-rest",
        "--allow-writes",
    }


# ------------------------------------------------------------------ what it prints, how it fails


def test_main_binds_loopback_prints_the_url_and_serves(
    captured_run: _Captured, capsys: pytest.CaptureFixture[str]
) -> None:
    assert serve.main(["--port", "0"]) == 0
    out = capsys.readouterr().out
    _command, (host, port), options = captured_run.calls[0]
    assert out.splitlines()[0].startswith("billing-tui serve: the console in a browser at ")
    url = out.splitlines()[0].rsplit(" at ", 1)[1]
    assert url == f"http://127.0.0.1:{port}/"
    assert "bound to loopback only" in out
    assert options["loopback_only"] is True and options["max_tabs"] == serve.DEFAULT_MAX_TABS
    assert "FAKE" in options["title"]
    assert host == "127.0.0.1"


def test_the_banner_warns_when_exposed_or_writable(tmp_path: Path) -> None:
    demo = _profile([])
    exposed = serve.banner("http://h:1/", "0.0.0.0", demo, dropped_state=None, max_tabs=3)
    assert "WARNING: bound to 0.0.0.0" in exposed and "at most 3 tabs" in exposed
    write_config(tmp_path, REST_PROFILE)
    rest = serve.served_profile(_profile(["--profile", "prod"]), allow_rest=True, allow_writes=True)
    text = serve.banner("http://127.0.0.1:1/", "127.0.0.1", rest, dropped_state=None, max_tabs=1)
    assert "WARNING: writes allowed" in text and "REST http://127.0.0.1:9" in text
    read_only = serve.served_profile(
        _profile(["--profile", "prod"]), allow_rest=True, allow_writes=False
    )
    text = serve.banner("u", "127.0.0.1", read_only, dropped_state=None, max_tabs=1)
    assert "read-only" in text and "WARNING" not in text


def test_a_rest_profile_that_cannot_start_stops_before_serving(
    tmp_path: Path, captured_run: _Captured, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path, REST_PROFILE)  # and no ZUORA_CLIENT_SECRET in the environment
    assert serve.main(["--port", "0", "--profile", "prod", "--allow-rest"]) == 2
    err = capsys.readouterr().err
    assert "cannot start the REST backend" in err and "ZUORA_CLIENT_SECRET" in err
    assert captured_run.calls == []


def test_a_port_in_use_exits_2(captured_run: _Captured, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve.main(["--port", str(port)]) == 2
    assert f"cannot bind 127.0.0.1:{port}" in capsys.readouterr().err


def test_a_malformed_config_and_bad_numbers_exit_2(
    tmp_path: Path, captured_run: _Captured, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path, "[profiles.demo]\npoll_interval = -1\n")
    assert serve.main(["--port", "0"]) == 2
    assert "line 2" in capsys.readouterr().err
    assert serve.main(["--max-tabs", "0"]) == 2
    assert "--max-tabs" in capsys.readouterr().err
    assert serve.main(["--port", "70000"]) == 2
    assert "--port must be between 0 and 65535" in capsys.readouterr().err
    assert serve.main(["--port", "0", "--public-url", "demo.example.test"]) == 2
    assert "--public-url must start with http" in capsys.readouterr().err
    assert captured_run.calls == []


def test_without_the_serve_extra_it_says_which_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tui

    monkeypatch.delattr(tui, "serve_server", raising=False)
    monkeypatch.setitem(sys.modules, "tui.serve_server", None)  # import now fails
    assert serve.main(["--port", "0"]) == 2
    assert "needs the 'serve' extra" in capsys.readouterr().err


def test_the_console_path_never_imports_the_web_server() -> None:
    code = (
        "import sys, tui.cli, tui.app, tui.serve, tui.serve_tab\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'aiohttp', 'textual_serve'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
