"""Child process of ``bench/run.py``: cold start to the first painted page (figures 1, 2, baseline).

``python bench/startup.py KIND T0 OUT`` where ``T0`` is the parent's ``time.monotonic()`` just
before it started this process (so interpreter start-up and every import count) and ``OUT`` the
file to write one JSON result to. ``KIND`` is ``baseline`` (a bare Textual app with one static
DataTable of 50 rows), or a fake seed for the console: ``demo`` or ``generated:100000``.

"Painted" is the first screen refresh after the rows are in the table: the callback of
``call_after_refresh`` registered when the baseline filled its table, or when the console's
orders table posted ``PagedTable.Loaded`` for its first page. Only the standard library is
imported before the measured work starts.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

SIZE = (120, 40)


def _report(out: str, t0: float, marks: dict[str, float]) -> None:
    done = time.monotonic()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "seconds": done - t0,
        # CPU seconds of this process to the same moment: the figure a loaded machine moves least
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "marks": {k: v - t0 for k, v in marks.items()},
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    with open(out, "w") as fh:
        json.dump(result, fh)


def baseline(t0: float, out: str) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    marks = {"imported": time.monotonic()}

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row", zebra_stripes=True)

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Order", "Date", "Account", "Status")
            table.add_rows(
                (f"O-{n:08d}", "2026-03-02", f"A{n % 12:08d}", "Completed") for n in range(50)
            )
            self.call_after_refresh(self.painted)

        def painted(self) -> None:
            _report(out, t0, marks)
            self.exit()

    Bare().run(headless=True, size=SIZE)


def console(seed: str, t0: float, out: str) -> None:
    # what ``billing-tui`` does (tui/cli.py): profile -> make_backend -> BillingApp.run()
    from backends.factory import make_backend
    from backends.profile import BackendProfile
    from tui.app import BillingApp
    from tui.config import ConsoleProfile
    from tui.widgets.paged_table import PagedTable

    marks = {"imported": time.monotonic()}
    profile = ConsoleProfile(name="bench", backend=BackendProfile(name="bench", seed=seed))
    backend = make_backend(profile.backend)
    marks["backend"] = time.monotonic()

    class Timed(BillingApp):
        # a subclass resolves a relative CSS_PATH next to its own module: point at the app's
        CSS_PATH = str(
            Path(sys.modules[BillingApp.__module__].__file__ or "").with_name("app.tcss")
        )
        painted_once = False

        def on_paged_table_loaded(self, event: PagedTable.Loaded) -> None:
            if not self.painted_once and event.count:
                self.painted_once = True
                marks["first_page"] = time.monotonic()
                self.call_after_refresh(self.painted)

        def painted(self) -> None:
            _report(out, t0, marks)
            self.exit()

    Timed(backend=backend, profile=profile, own_backend=True).run(headless=True, size=SIZE)


def main() -> None:
    kind, t0, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    if kind == "baseline":
        baseline(t0, out)
    else:
        console(kind, t0, out)


if __name__ == "__main__":
    main()
