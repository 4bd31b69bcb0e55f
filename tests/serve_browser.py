"""``billing-tui serve`` in a real browser: start the server, open it in headless Chromium.

Used by ``tests/test_serve_browser.py`` and ``scripts/browser_screenshot.py``, so the README's
picture comes from the very path the test walks.

The page draws the terminal on a canvas (xterm.js), so there is no text in the DOM to wait on.
What the page shows is xterm's screen buffer; :class:`BrowserConsole` reads it by having the
page keep a reference to its terminal (one statement added to textual-serve's ``textual.js`` as
the browser loads it; the server's copy is untouched). Every request that leaves the served
host is refused and recorded, so a test also proves the page needs nothing off the machine.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]

# Debian's Chromium, started as this machine needs it offline (and as root, without a sandbox).
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS = 60.0

_TERMINAL_MARKER = "const t=new w(e,{ping:r});"
_TERMINAL_HOOK = (
    _TERMINAL_MARKER + "(window.__billingTuiTerminals=window.__billingTuiTerminals||[])"
    ".push(t.terminal);"
)
_SCREEN_JS = """() => {
    const terminals = window.__billingTuiTerminals || [];
    if (!terminals.length) return null;
    const term = terminals[0], buffer = term.buffer.active, lines = [];
    for (let y = 0; y < term.rows; y++) {
        const line = buffer.getLine(buffer.viewportY + y);
        lines.push(line ? line.translateToString(true) : "");
    }
    return lines.join("\\n");
}"""


def find_chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


class ServedConsole:
    """A running ``billing-tui serve --port 0`` in its own process group."""

    def __init__(self, process: subprocess.Popen[str], url: str, output: list[str]) -> None:
        self.process = process
        self.url = url
        self.output = output

    def stop(self) -> None:
        """Kill the server and every console it started (one process group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@contextmanager
def served_console(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> Iterator[ServedConsole]:
    """Start ``python -m tui serve --port 0 ARGS`` and yield it once it prints its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--port", "0", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own group: teardown kills every console it spawned
    )
    output: list[str] = []
    found = threading.Event()
    url: list[str] = []

    def drain() -> None:  # always read the server's output, so it can never block on a pipe
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if not url and " at http://" in line:
                url.append(line.rsplit(" at ", 1)[1].strip())
                found.set()
        found.set()

    threading.Thread(target=drain, daemon=True).start()
    served = ServedConsole(process, "", output)
    try:
        found.wait(STARTUP_SECONDS)
        if not url:
            raise RuntimeError("billing-tui serve printed no URL:\n" + "".join(output))
        served.url = url[0]
        yield served
    finally:
        served.stop()


class BrowserConsole:
    """One browser tab on a served console."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url
        self.refused: list[str] = []
        self.hooked = False
        served_host = urlsplit(url).netloc
        page.route("**/*", lambda route: self._route(route, served_host))

    def _route(self, route: Any, served_host: str) -> None:
        request = route.request
        if urlsplit(request.url).netloc != served_host:
            self.refused.append(request.url)
            route.abort()
            return
        if request.url.endswith("/static/js/textual.js"):
            response = route.fetch()
            body = response.text()
            self.hooked = _TERMINAL_MARKER in body
            route.fulfill(response=response, body=body.replace(_TERMINAL_MARKER, _TERMINAL_HOOK))
            return
        route.continue_()

    def open(self, timeout_ms: float = STARTUP_SECONDS * 1000) -> None:
        self.page.goto(self.url)
        if not self.hooked:
            raise RuntimeError(
                "textual-serve's textual.js no longer creates its terminal as "
                f"{_TERMINAL_MARKER!r}: update tests/serve_browser.py"
            )
        self.page.wait_for_selector("body.-first-byte", timeout=timeout_ms)

    def screen(self) -> str:
        return str(self.page.evaluate(_SCREEN_JS) or "")

    def wait_for_text(self, *texts: str, timeout_ms: float = STARTUP_SECONDS * 1000) -> str:
        """Wait until every one of ``texts`` is on the terminal's screen; return the screen."""
        self.page.wait_for_function(
            f"(texts) => {{ const s = ({_SCREEN_JS})(); "
            "return s !== null && texts.every((t) => s.includes(t)); }",
            arg=list(texts),
            timeout=timeout_ms,
            polling=100,
        )
        return self.screen()

    def focus(self) -> None:
        """Focus the terminal, as a click on it does (an unfocused page blurs the console,
        which then shows only the focused screen's keys in its footer)."""
        self.page.focus("textarea.xterm-helper-textarea")

    def press(self, key: str) -> None:
        """Type a key into the terminal, as a person with the page focused would."""
        self.focus()
        self.page.keyboard.press(key)


@contextmanager
def chromium(executable: str) -> Iterator[Any]:
    """Headless Debian Chromium, driven by Playwright (which downloads no browser of its own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def new_tab(browser: Any, url: str, *, width: int = 1280, height: int = 800) -> BrowserConsole:
    """A new browser tab (its own context: no shared storage) on the served console, opened."""
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    tab = BrowserConsole(page, url)
    tab.open()
    return tab


def wait_until(predicate: Any, timeout: float = STARTUP_SECONDS) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` passes (for process state)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())
