"""Child process of ``bench/run.py``: the drill-down baseline (figure 3's reference).

``python bench/push_baseline.py SAMPLES T0 OUT``: a bare Textual app with a 50-row DataTable;
``enter`` pushes a screen with one summary ``Static`` and one 10-row ``DataTable``, ``escape``
pops it. Each push is timed exactly as ``bench/console.py drill`` times the console's: from the
moment the key event is posted until the first refresh after the pushed screen is mounted and
filled. Same size, same driver (``run_test``), same Textual, so the ratio of the two is what the
console adds on top of what Textual itself costs.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

SIZE = (120, 40)


async def main_async(count: int) -> dict[str, Any]:
    from textual import events
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header, Static

    class Detail(Screen[None]):
        BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

        def __init__(self, n: int) -> None:
            super().__init__()
            self.n = n
            self.filled = False

        def compose(self) -> ComposeResult:
            yield Header()
            yield Static(
                f"Order O-{self.n:08d}\nAccount A{self.n % 12:08d}  Status Completed\n"
                "Created 2026-03-02  Subscriptions 2  Total 3,000.00 USD",
                id="summary",
            )
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Schedule", "Status", "Total", "Billed", "Unbilled", "Next run")
            table.add_rows(
                (f"IS-{self.n:05d}{i}", "Pending", "1,000.00", "0.00", "1,000.00", "2026-04-01")
                for i in range(10)
            )
            self.filled = True

    class Bare(App[None]):
        BINDINGS = [Binding("q", "quit", "Quit")]

        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable(cursor_type="row", zebra_stripes=True, id="orders")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Order", "Date", "Account", "Status")
            table.add_rows(
                (f"O-{n:08d}", "2026-03-02", f"A{n % 12:08d}", "Completed") for n in range(50)
            )
            table.focus()

        def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
            self.push_screen(Detail(event.cursor_row))

    app = Bare()
    samples: list[float] = []
    cpu: list[float] = []  # CPU milliseconds of this process per push
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for n in range(count):
            app.query_one("#orders", DataTable).move_cursor(row=n % 50, animate=False)
            await pilot.pause()
            painted = asyncio.get_running_loop().create_future()
            started = time.perf_counter()
            cpu_started = time.process_time()
            app.post_message(events.Key("enter", None))
            deadline = started + 10.0
            while not (isinstance(app.screen, Detail) and app.screen.filled):
                if time.perf_counter() > deadline:  # polled exactly as bench/console.py polls
                    raise TimeoutError("the pushed screen never filled")
                await asyncio.sleep(0.0005)
            app.call_after_refresh(
                lambda painted=painted: painted.done() or painted.set_result(time.perf_counter())
            )
            samples.append((await painted - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
    ordered = sorted(samples)
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
        "samples_ms": [round(s, 2) for s in samples],
        "cpu_samples_ms": [round(s, 2) for s in cpu],
    }


def main() -> None:
    count, _t0, out = sys.argv[1:4]
    result = asyncio.run(main_async(int(count)))
    result["seconds"] = 0.0
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
