"""Child process of ``bench/run.py``: key press to painted screen in the real console (3, 4).

``python bench/console.py drill SEED SAMPLES T0 OUT`` (figure 3) and
``python bench/console.py list SEED ROWS T0 OUT`` (figure 4) and ``python bench/console.py forms
SEED SAMPLES T0 OUT`` (figure 9: the two forms' opening time). The console runs headless under
``App.run_test(size=(120, 40))`` on the fake backend with manual progression (no deliberate
latency). A step is timed from the moment its key event is posted to the app until the first
screen refresh after the step's effect is visible (screen pushed and loaded, cursor moved, page
appended): ``call_after_refresh`` registered once the condition holds. Keys are posted directly
(``App.post_message(events.Key)``), not through ``Pilot.press``, whose own wait for idle costs
about 40 ms a key.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZE = (120, 40)
#: BENCH_PROFILE=FILE: cProfile only the timed steps (key posted to paint) into FILE
PROFILE = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None


def _quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(pick(0.95), 2),
        "p99_ms": round(pick(0.99), 2),
        "max_ms": round(max(values), 2),
        "mean_ms": round(statistics.fmean(values), 2),
    }


async def main_async(mode: str, seed: str, count: int) -> dict[str, Any]:
    from textual import events

    from backends.fake.backend import FakeBackend
    from backends.profile import BackendProfile
    from tui.app import BillingApp
    from tui.config import ConsoleProfile
    from tui.screens.order import OrderScreen
    from tui.screens.orders import OrdersScreen
    from tui.screens.schedule import ScheduleScreen

    profile = ConsoleProfile(
        name="bench", backend=BackendProfile(name="bench", seed=seed, progression="manual")
    )
    backend = FakeBackend.from_profile(profile.backend)

    class Bench(BillingApp):
        CSS_PATH = str(
            Path(sys.modules[BillingApp.__module__].__file__ or "").with_name("app.tcss")
        )

    app = Bench(backend=backend, profile=profile, action_log_path=None, own_backend=True)

    #: CPU milliseconds of this process per step (steadier than wall time on a loaded machine)
    cpu_ms: list[float] = []

    async def step(key: str, done: Callable[[], bool], limit: float = 10.0) -> float:
        """Post ``key``; milliseconds until the first refresh after ``done()`` holds."""
        painted = asyncio.get_running_loop().create_future()
        if PROFILE is not None:
            PROFILE.enable()
        started = time.perf_counter()
        cpu_started = time.process_time()
        app.post_message(events.Key(key, None))
        deadline = started + limit
        while not done():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{key}: the screen never got there")
            await asyncio.sleep(0.0005)
        app.call_after_refresh(lambda: painted.done() or painted.set_result(time.perf_counter()))
        elapsed = (await painted - started) * 1000
        cpu_ms.append((time.process_time() - cpu_started) * 1000)
        if PROFILE is not None:
            PROFILE.disable()
        return elapsed

    async def settle(pilot: Any) -> None:
        await app.workers.wait_for_complete()
        await pilot.pause()

    result: dict[str, Any] = {"seed": seed}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        orders = app.screen
        assert isinstance(orders, OrdersScreen)
        table = orders.table
        if mode == "forms":
            result.update(await _open_forms(app, pilot, step, settle, count, cpu_ms))
        elif mode == "drill":
            to_order: list[float] = []
            to_schedule: list[float] = []
            order_cpu: list[float] = []
            schedule_cpu: list[float] = []
            row = 0
            while len(to_order) < count:
                table.move_cursor(row=row % max(1, len(table.items)), animate=False)
                row += 1
                await settle(pilot)
                to_order.append(
                    await step(
                        "enter",
                        lambda: isinstance(app.screen, OrderScreen) and app.screen.loaded_once,
                    )
                )
                order_cpu.append(cpu_ms[-1])
                order_screen = app.screen
                assert isinstance(order_screen, OrderScreen)
                await settle(pilot)
                if order_screen.schedules:
                    to_schedule.append(
                        await step(
                            "enter",
                            lambda: (
                                isinstance(app.screen, ScheduleScreen) and app.screen.loaded_once
                            ),
                        )
                    )
                    schedule_cpu.append(cpu_ms[-1])
                    await settle(pilot)
                    await pilot.press("escape")
                    await settle(pilot)
                await pilot.press("escape")
                await settle(pilot)
                assert app.screen is orders
            result["order"] = {
                **_quantiles(to_order),
                "samples_ms": [round(x, 2) for x in to_order],
                "cpu_samples_ms": [round(x, 2) for x in order_cpu],
            }
            result["schedule"] = {
                **_quantiles(to_schedule),
                "samples_ms": [round(x, 2) for x in to_schedule],
                "cpu_samples_ms": [round(x, 2) for x in schedule_cpu],
            }
        else:
            # jump to the end (ctrl+end, DataTable's "Bottom"): the last loaded row, and the
            # next page appended behind it (cursor paging has no "last page" to jump to)
            loaded = len(table.items)
            end_ms = await step(
                "ctrl+end",
                lambda: (
                    table.cursor_row == loaded - 1
                    and len(table.items) > loaded
                    and not table.fetching
                ),
            )
            result["end"] = {"ms": round(end_ms, 2), "rows_after": len(table.items)}
            await settle(pilot)
            # search by number: "/" opens the search box; type; enter runs it
            await pilot.press("slash")
            search = orders.query_one("#search")
            search.value = "99999"  # type: ignore[attr-defined]
            before = table.items[0] if table.items else None
            search_ms = await step(
                "enter",
                lambda: (
                    orders.search == "99999"
                    and bool(table.items)
                    and table.items[0] is not before
                    and not table.fetching
                ),
            )
            result["search"] = {
                "ms": round(search_ms, 2),
                "first": table.items[0].order_number if table.items else None,
                "found": len(table.items),
            }
            await settle(pilot)
            clear_ms = await step(
                "escape",
                lambda: (
                    orders.search is None
                    and len(table.items) >= table.page_size
                    and not table.fetching
                ),
            )
            result["clear"] = {"ms": round(clear_ms, 2)}
            await settle(pilot)
            table.move_cursor(row=0, animate=False)
            await settle(pilot)
            keys: list[float] = []
            paged: list[float] = []  # keys that fetched and appended a page
            plain: list[float] = []  # keys that only moved the cursor
            pages = 0
            for n in range(count):
                target = n + 1
                had = len(table.items)
                keys.append(
                    await step(
                        "down",
                        lambda target=target: table.cursor_row == target and not table.fetching,  # type: ignore[misc]
                    )
                )
                if len(table.items) > had:
                    pages += 1
                    paged.append(keys[-1])
                else:
                    plain.append(keys[-1])
            result["scroll"] = {
                "rows": count,
                "pages_fetched": pages,
                "rows_loaded": len(table.items),
                **_quantiles(keys),
                "with_page": _quantiles(paged) if paged else None,
                "cursor_only": _quantiles(plain) if plain else None,
                "slowest_ms": sorted(round(k, 1) for k in keys)[-10:],
            }
    result["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if os.environ.get("BENCH_OBJECTS"):
        import gc
        from collections import Counter

        counts = Counter(type(o).__module__ + "." + type(o).__name__ for o in gc.get_objects())
        result["gc_objects"] = sum(counts.values())
        timings = []
        for _ in range(3):
            t = time.perf_counter()
            freed = gc.collect()
            timings.append((round((time.perf_counter() - t) * 1000, 1), freed))
        result["gc_full_ms_freed"] = timings
        result["gc_top"] = counts.most_common(25)
    return result


async def _open_forms(
    app: Any, pilot: Any, step: Any, settle: Any, count: int, cpu_ms: list[float]
) -> dict[str, Any]:
    """Figure 9: ``n`` on the Order screen to the schedule form painted, and ``n`` on the Bill
    runs screen to the new-bill-run form painted; ``esc`` leaves each (nothing typed)."""
    from tui.screens.bill_run_form import BillRunFormScreen
    from tui.screens.schedule_form import ScheduleFormScreen

    result: dict[str, Any] = {}
    for name, opener, form in (
        ("schedule_form", lambda: app.open_object("order", "O-00000009"), ScheduleFormScreen),
        ("bill_run_form", app.action_bill_runs, BillRunFormScreen),
    ):
        opener()
        await settle(pilot)
        under = app.screen
        samples: list[float] = []
        cpu: list[float] = []
        for _ in range(count):
            samples.append(
                await step(
                    "n", lambda form=form: isinstance(app.screen, form) and app.screen.is_mounted
                )
            )
            cpu.append(cpu_ms[-1])
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is under, f"{name}: esc did not leave the form"
        result[name] = {
            **_quantiles(samples),
            "samples_ms": [round(x, 2) for x in samples],
            "cpu_samples_ms": [round(x, 2) for x in cpu],
        }
        await pilot.press("escape")
        await settle(pilot)
    return result


def main() -> None:
    mode, seed, count, _t0, out = sys.argv[1:6]
    result = asyncio.run(main_async(mode, seed, int(count)))
    if PROFILE is not None:
        PROFILE.dump_stats(os.environ["BENCH_PROFILE"])
    result["seconds"] = 0.0
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
