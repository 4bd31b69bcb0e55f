"""Write ``screenshots/browser.png``: ``billing-tui serve`` as headless Chromium shows it.

The same path as the browser test (``tests/serve_browser.py``): start ``billing-tui serve`` on a
free loopback port, open it in Debian's Chromium through Playwright, wait until the terminal
shows the demo tenant's orders, and photograph the page. Needs Debian's ``chromium`` and the
dev extra. Run: ``make browser-screenshot``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from serve_browser import chromium, find_chromium, new_tab, served_console  # noqa: E402

OUT = ROOT / "screenshots" / "browser.png"
VIEWPORT = (1200, 680)


def main() -> int:
    executable = find_chromium()
    if executable is None:
        print("no Chromium here (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ)  # an empty config: the built-in demo profile, default theme
        env["XDG_CONFIG_HOME"] = str(Path(home) / "config")
        env["XDG_STATE_HOME"] = str(Path(home) / "state")
        env.pop("NO_COLOR", None)
        env.pop("TEXTUAL_THEME", None)
        with served_console(env=env) as served, chromium(executable) as browser:
            tab = new_tab(browser, served.url, width=VIEWPORT[0], height=VIEWPORT[1])
            tab.wait_for_text("O-00000001", "orders loaded")
            tab.focus()  # as a click on the page does: the footer shows every key
            tab.wait_for_text("q Quit")
            if tab.refused:
                print(f"the page asked for other hosts: {tab.refused}", file=sys.stderr)
                return 1
            OUT.parent.mkdir(exist_ok=True)
            tab.page.screenshot(path=str(OUT))
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
