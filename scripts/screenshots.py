"""Write SVG screenshots of the console's screens and dialogs into ``screenshots/``, at 120x36 and
(``-80x24``) at 80x24.

Drives the real app headlessly on the demo tenant (manual progression, fixed clock, theme
textual-dark), so the pictures in the README cannot drift from the code. Run: ``make screenshots``.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backends.base import Settleable  # noqa: E402
from backends.factory import make_backend  # noqa: E402
from backends.profile import BackendProfile  # noqa: E402
from tui.app import BillingApp  # noqa: E402
from tui.config import ConsoleProfile  # noqa: E402

OUT = ROOT / "screenshots"
SIZE = (120, 36)
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

Step = Callable[[Any, Any], Awaitable[None]]


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def keys(*names: str) -> Step:
    async def step(pilot: Any, backend: Any) -> None:
        for name in names:
            await pilot.press(name)
            await settle(pilot)

    return step


def goto(kind: str, key: str) -> Step:
    async def step(pilot: Any, backend: Any) -> None:
        pilot.app.open_object(kind, key)
        await settle(pilot)

    return step


async def finish(pilot: Any, backend: Any) -> None:
    assert isinstance(backend, Settleable)
    await backend.settle()
    await pilot.press("r")
    await settle(pilot)


SHOTS: dict[str, tuple[Step, ...]] = {
    "orders": (),
    "order": (keys("enter"),),
    "schedule": (keys("enter", "enter"),),
    "generate-confirm": (keys("enter", "enter", "g"),),
    "schedule-executing": (keys("enter", "enter", "g", "y"),),
    "schedule-processed": (keys("enter", "enter", "g", "y"), finish),
    "credit-memo-created": (goto("schedule", "IS-00000004"), keys("b", "y"), finish),
    "invoice": (goto("schedule", "IS-00000002"), keys("enter")),
    "help": (goto("schedule", "IS-00000002"), keys("question_mark")),
    "read-only": (goto("schedule", "IS-00000002"),),
    "bill-runs": (keys("B"),),
    "bulk-post-confirm": (goto("schedule", "IS-00000004"), keys("space", "space", "M")),
    "reverse-date": (goto("schedule", "IS-00000004"), keys("v")),
    "schedule-form": (goto("order", "O-00000009"), keys("n")),
    "charges": (goto("schedule", "IS-00000004"), keys("c")),
    "bill-run-form": (keys("B", "n"),),
    "bill-run": (keys("B", "enter"),),
    "accounts": (keys("A"),),
    "account": (goto("account", "A00000003"),),
    "documents": (keys("I"),),
    "outcome-after-leaving": (
        keys("enter", "enter", "g", "y", "escape", "escape"),
        finish,
    ),
}
#: also shot at 80x24
NARROW = (
    "orders",
    "schedule",
    "generate-confirm",
    "help",
    "reverse-date",
    "invoice",
    "schedule-form",
    "bill-run-form",
    "bill-run",
    "account",
    "documents",
)


async def shoot(name: str, steps: tuple[Step, ...], size: tuple[int, int] = SIZE) -> Path:
    backend = make_backend(BackendProfile(name="demo", progression="manual"))
    profile = ConsoleProfile(
        name="demo",
        backend=BackendProfile(name="demo", progression="manual"),
        read_only=name == "read-only",
    )
    app = BillingApp(
        backend=backend,
        profile=profile,
        clock=lambda: NOW,
        timer=lambda: 0.0,
        action_log_path=None,
    )
    app.animation_level = "none"
    suffix = "" if size == SIZE else f"-{size[0]}x{size[1]}"
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        for step in steps:
            await step(pilot, backend)
        path = app.save_screenshot(f"{name}{suffix}.svg", path=str(OUT))
    return Path(path)


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, steps in SHOTS.items():
        path = await shoot(name, steps)
        print(path.relative_to(ROOT))
        if name in NARROW:
            print((await shoot(name, steps, (80, 24))).relative_to(ROOT))


if __name__ == "__main__":
    asyncio.run(main())
