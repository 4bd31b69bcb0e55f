"""Child process of ``bench/run.py``: engine throughput, execute and settle N schedule items (5).

``python bench/engine.py N [SEED] T0 OUT``. Without a seed: a tenant of N / 50 orders, each with
one schedule of 50 items (the maximum), built through the engine's own operations; with
``generated:M``: the first N pending items of that generated tenant's schedules. Then, through
the ``Engine`` facade, each item is executed (``execute_invoice_schedule``) and its bill run
settled (``run_pending``) at once, one after the other, as the Scheduler and the console do:
the figure is items per second over that loop (tenant building excluded).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path


def plain_tenant(items: int) -> tuple[object, list[str]]:
    from backends.fake.engine import ChargeSpec, Engine, SubscriptionSpec
    from backends.fake.engine.pricing import add_months
    from backends.models import ChargeType, CreateInvoiceScheduleRequest, ScheduleItemInput

    start = date(2026, 1, 1)
    engine = Engine(seed="bench", today=start)
    accounts = [engine.create_account(f"Bench {n}", "USD").account_number for n in range(20)]
    targets: list[str] = []
    for k in range(max(1, items // 50)):
        account = accounts[k % len(accounts)]
        order = engine.create_subscriptions(
            account,
            [
                SubscriptionSpec(
                    product_name="Bench",
                    charges=(
                        ChargeSpec(name="Fee", price=Decimal("5000.00"), type=ChargeType.ONE_TIME),
                    ),
                    term_start=start,
                )
            ],
        )
        schedule = engine.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key=account,
                orders=[order.order_number],
                schedule_items=[
                    ScheduleItemInput(amount=Decimal("100.00"), run_date=add_months(start, n // 4))
                    for n in range(50)
                ],
            )
        )
        targets.extend([schedule.number] * 50)
    return engine, targets[:items]


def generated_tenant(items: int, seed: str) -> tuple[object, list[str]]:
    from backends.fake.generated import generated
    from backends.models import InvoiceScheduleStatus

    engine = generated(int(seed.split(":", 1)[1]))
    targets: list[str] = []
    cursor = None
    while len(targets) < items:
        page = engine.list_invoice_schedules(
            status=InvoiceScheduleStatus.PENDING, page_size=1000, cursor=cursor
        )
        for schedule in page.items:
            pending = [i for i in schedule.schedule_items if i.status == "Pending"]
            targets.extend([schedule.number] * len(pending))
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    return engine, targets[:items]


def main() -> None:
    args = sys.argv[1:]
    out = args.pop()
    args.pop()  # T0: start-up does not count here
    items = int(args[0])
    seed = args[1] if len(args) > 1 else None
    built = time.perf_counter()
    engine, targets = generated_tenant(items, seed) if seed else plain_tenant(items)
    build_s = time.perf_counter() - built
    execute = engine.execute_invoice_schedule  # type: ignore[attr-defined]
    settle = engine.run_pending  # type: ignore[attr-defined]
    started = time.perf_counter()
    for number in targets:
        execute(number)
        settle()
    seconds = time.perf_counter() - started
    Path(out).write_text(
        json.dumps(
            {
                "items": len(targets),
                "seconds": seconds,
                "items_per_s": len(targets) / seconds,
                "build_s": build_s,
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
