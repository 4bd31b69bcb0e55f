"""``billing-tui serve`` in headless Chromium: the page shows the console and takes keys.

Needs Debian's ``chromium`` and the ``playwright`` package (dev extra); the test installs nothing.
Where either is missing it is skipped with the reason, except under CI (``CI=true``), where
``.ci/run`` installs Chromium and a missing one is a failure, so CI always runs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .serve_browser import chromium, find_chromium, new_tab, served_console, wait_until


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _require(ok: bool, reason: str) -> None:
    if ok:
        return
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: .ci/run must install it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = find_chromium()
    _require(executable is not None, "no Chromium here (Debian: apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _require(False, "playwright is not installed (pip install -e '.[dev]')")
    assert executable is not None
    with chromium(executable) as running:
        yield running


def _environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    env.pop("NO_COLOR", None)
    return env


def _console_pids(server_pid: int) -> set[int]:
    """Processes of the server's group that are tab consoles."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        pgid = int(stat.rsplit(")", 1)[1].split()[2])
        if pgid == server_pid and b"tui.serve_tab" in cmdline:
            pids.add(int(entry.name))
    return pids


def test_the_browser_shows_the_orders_and_enter_opens_the_order(
    browser: Any, tmp_path: Path
) -> None:
    with served_console(env=_environment(tmp_path)) as served:
        assert served.url.startswith("http://127.0.0.1:")
        tab = new_tab(browser, served.url)
        orders = tab.wait_for_text("O-00000001", "FAKE")
        assert "Orders" in orders.splitlines()[0]
        tab.focus()
        tab.wait_for_text("r Refresh", "q Quit")  # the focused console's footer

        tab.press("Enter")
        order = tab.wait_for_text("Orders \u203a O-00000001", "Invoice schedules", "IS-00000001")
        assert "Basic information" in order
        assert tab.refused == []  # the page asked nothing of any other host
        server_pid = served.process.pid
        assert len(_console_pids(server_pid)) == 1
    assert wait_until(lambda: not _console_pids(server_pid)), "a tab's console outlived teardown"


def test_each_tab_has_its_own_console_and_its_own_tenant(browser: Any, tmp_path: Path) -> None:
    state_file = tmp_path / "shared-state.json"
    config = tmp_path / "config" / "billing-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[profiles.demo]\nbackend = "fake"\nstate_file = "{state_file}"\n')
    with served_console(env=_environment(tmp_path)) as served:
        first = new_tab(browser, served.url)
        first.wait_for_text("O-00000001")
        first.press("Enter")
        first.wait_for_text("Invoice schedules")
        first.press("Enter")
        first.wait_for_text("Schedule Items", "Installment 1/3")
        first.press("z")
        first.wait_for_text("Paused", "z Resume")

        second = new_tab(browser, served.url)
        second.wait_for_text("O-00000001")
        second.press("Enter")
        assert "IS-00000001  Pending" in second.wait_for_text("IS-00000001  Pending")
        assert len(_console_pids(served.process.pid)) == 2

        first.press("q")  # quitting a console saves a fake's state_file, if it had one
        first.page.wait_for_selector("body.-closed")
        assert wait_until(lambda: len(_console_pids(served.process.pid)) == 1)
        second.page.close()  # closing a tab stops its console
        assert wait_until(lambda: not _console_pids(served.process.pid))
        assert "is not used" in "".join(served.output)
    assert not state_file.exists()


def test_a_missing_browser_skips_here_but_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        _require(False, "no Chromium here")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"CI=true: \.ci/run must install it"):
        _require(False, "no Chromium here")
    _require(True, "present")  # nothing raised
