"""Cold start measured in a real terminal: tmux, as an operator sees it (figure 1, tmux).

The parent starts a detached tmux session running the program and polls ``capture-pane`` until
the first order number is on screen; the time from spawning tmux to that moment is one sample.
The bare baseline (``python bench/terminal.py bare``) is a Textual app that paints a 50-row
DataTable; runs alternate with the console's so that a drift of the machine hits both alike.
Each program runs with fresh config and state directories and the byte-compiled modules.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (120, 36)


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row", zebra_stripes=True)

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Order", "Date", "Account", "Status")
            table.add_rows(
                (f"O-{n:08d}", "2026-03-02", f"A{n % 12:08d}", "Completed") for n in range(50)
            )

    Bare().run()


def available() -> bool:
    return shutil.which("tmux") is not None


def one_start(command: list[str], marker: str, *, limit: float = 30.0) -> float:
    """Seconds from spawning ``command`` in a fresh tmux pane until ``marker`` is on screen."""
    session = f"bench-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="bench-tmux-") as tmp:
        env = {
            **os.environ,
            "XDG_CONFIG_HOME": f"{tmp}/config",
            "XDG_STATE_HOME": f"{tmp}/state",
            "XDG_CACHE_HOME": f"{tmp}/cache",
            "TERM": "xterm-256color",
        }
        env.pop("NO_COLOR", None)
        env.pop("TMUX", None)
        shell = " ".join(f"'{part}'" for part in command)
        started = time.monotonic()
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", session, "-x", str(SIZE[0]), "-y", str(SIZE[1]),
             f"cd '{ROOT}' && exec {shell}"],
            env=env, check=True,
        )  # fmt: skip
        try:
            while True:
                screen = subprocess.run(
                    ["tmux", "capture-pane", "-p", "-t", session],
                    capture_output=True, text=True, check=False,
                ).stdout  # fmt: skip
                if marker in screen:
                    return time.monotonic() - started
                if time.monotonic() - started > limit:
                    raise TimeoutError(f"{command}: {marker!r} never appeared:\n{screen}")
                time.sleep(0.002)
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def interleaved_starts(runs: int) -> dict[str, list[float]]:
    """``runs`` alternating starts of the bare app and of the console on the demo tenant."""
    python = sys.executable
    kinds = {
        "baseline": ([python, str(ROOT / "bench" / "terminal.py"), "bare"], "O-00000000"),
        "console": ([python, "-m", "tui"], "O-00000001"),
    }
    samples: dict[str, list[float]] = {k: [] for k in kinds}
    for _ in range(runs):
        for kind, (command, marker) in kinds.items():
            samples[kind].append(one_start(command, marker))
    return samples


if __name__ == "__main__":
    if sys.argv[1:] == ["bare"]:
        bare()
    else:
        got = interleaved_starts(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
        print({k: [round(s, 3) for s in v] for k, v in got.items()})
