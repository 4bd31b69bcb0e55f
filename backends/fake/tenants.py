"""Seed tenants. ``demo()`` is the tenant of ``make demo``, the tests, the snapshots and the README.

The demo is built by driving the engine's own operations (create orders and schedules, execute,
finish bill runs, post, pause, cancel a subscription), so every state it shows is reachable by the
rules. Its clock stands at 2026-03-02. The first eight orders are the scenarios of issue 2, in
order; then come 32 ordinary orders over several accounts in USD and EUR, with schedules in every
status, amounts with cents, and some orders without a schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from backends.fake.engine import ChargeSpec, Engine, SubscriptionSpec
from backends.fake.engine.pricing import add_months, charge_value, split_evenly
from backends.models import (
    ChargeType,
    CreateInvoiceScheduleRequest,
    InvoiceSchedule,
    ScheduleItemInput,
)

__all__ = ["DEMO_SEED", "DEMO_TODAY", "demo", "empty"]

DEMO_TODAY = date(2026, 3, 2)
DEMO_SEED = "demo"

D = Decimal

_ACCOUNTS: list[tuple[str, str]] = [
    ("Acme Corporation", "USD"),  # A00000001  scenario 1
    ("Globex Industries", "USD"),  # A00000002  scenario 2
    ("Initech GmbH", "EUR"),  # A00000003  scenario 3
    ("Umbrella Health", "USD"),  # A00000004  scenario 4
    ("Wayne Enterprises", "USD"),  # A00000005  scenario 5
    ("Soylent Foods", "USD"),  # A00000006  scenario 6
    ("Stark Logistics", "USD"),  # A00000007  scenario 7 (its bill run is still Processing)
    ("Tyrell Systems", "EUR"),  # A00000008
    ("Cyberdyne Robotik", "EUR"),  # A00000009
    ("Hooli Cloud", "USD"),  # A00000010
    ("Vandelay Imports", "USD"),  # A00000011
    ("Nakatomi Trading", "EUR"),  # A00000012
]

#: Batches: A00000001-4 in Batch1, A00000005-8 in Batch2, A00000009-12 in Batch3. Bill cycle
#: days: most accounts bill on the 1st; A00000002, A00000006 and A00000010 on the 15th.
_BILL_CYCLE_DAYS = [1, 15, 1, 1, 1, 15, 1, 1, 1, 15, 1, 1]
_BILL_TO: list[tuple[str, str]] = [
    ("Wile", "Coyote"),
    ("Hank", "Scorpio"),
    ("Bill", "Lumbergh"),
    ("Alice", "Marcus"),
    ("Lucius", "Fox"),
    ("Sol", "Roth"),
    ("Pepper", "Potts"),
    ("Eldon", "Tyrell"),
    ("Miles", "Dyson"),
    ("Gavin", "Belson"),
    ("Art", "Vandelay"),
    ("Joseph", "Takagi"),
]


def empty(seed: str = DEMO_SEED, today: date = DEMO_TODAY) -> Engine:
    """A tenant with nothing in it."""
    return Engine(seed=seed, today=today)


_ItemSpec = tuple[Decimal | None, Decimal | None, date | None]  # amount, percentage, run date


class _Builder:
    def __init__(self, engine: Engine) -> None:
        self.e = engine
        self.accounts = [
            engine.create_account(
                name,
                cur,
                bill_cycle_day=_BILL_CYCLE_DAYS[n],
                batch=f"Batch{n // 4 + 1}",
                bill_to=_BILL_TO[n],
            ).account_number
            for n, (name, cur) in enumerate(_ACCOUNTS)
        ]

    def order(
        self,
        account: int,
        product: str,
        charges: Sequence[ChargeSpec],
        start: date,
        *,
        months: int = 12,
        extra_plans: tuple[tuple[str, tuple[ChargeSpec, ...]], ...] = (),
        description: str | None = None,
    ) -> str:
        order = self.e.create_subscriptions(
            self.accounts[account - 1],
            [
                SubscriptionSpec(
                    product_name=product,
                    charges=tuple(charges),
                    term_start=start,
                    term_months=months,
                    extra_plans=extra_plans,
                )
            ],
            order_date=min(start, self.e.today),
            description=description,
        )
        return order.order_number

    def schedule(
        self,
        account: int,
        order_number: str,
        items: Sequence[_ItemSpec],
        notes: str | None = None,
    ) -> InvoiceSchedule:
        return self.e.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key=self.accounts[account - 1],
                orders=[order_number],
                notes=notes,
                schedule_items=[
                    ScheduleItemInput(
                        name=f"Installment {i}/{len(items)}",
                        amount=amount,
                        percentage=pct,
                        run_date=run,
                    )
                    for i, (amount, pct, run) in enumerate(items, start=1)
                ],
            )
        )

    def bill(self, number: str, *, post: bool) -> None:
        """Generate the earliest pending item and finish its bill run (optionally post)."""
        run = self.e.execute_invoice_schedule(number, self._earliest(number))
        self.e.finish_bill_run(run.id)
        if post:
            self.e.post_bill_run(run.id)

    def _earliest(self, number: str) -> str:
        item = self.e.get_invoice_schedule(number).earliest_pending_item
        assert item is not None, f"{number} has no pending item"
        return item.id


def _monthly(name: str, price: str) -> ChargeSpec:
    return ChargeSpec(name=name, price=D(price), type=ChargeType.RECURRING)


def _one_time(name: str, price: str) -> ChargeSpec:
    return ChargeSpec(name=name, price=D(price), type=ChargeType.ONE_TIME)


def _scenarios(b: _Builder) -> None:
    e = b.e
    # 1. Pending: three items of 1,000.00 USD; the first is due today.
    o1 = b.order(
        1, "Implementation Services", [_one_time("Implementation fee", "3000.00")], DEMO_TODAY
    )
    b.schedule(
        1,
        o1,
        [
            (D("1000.00"), None, date(2026, 3, 2)),
            (D("1000.00"), None, date(2026, 4, 1)),
            (D("1000.00"), None, date(2026, 5, 1)),
        ],
        notes="Implementation milestones",
    )

    # 2. PartiallyProcessed: item 1 processed, its invoice still Draft.
    o2 = b.order(
        2, "Platform Annual", [_monthly("Platform subscription", "500.00")], date(2026, 2, 1)
    )
    s2 = b.schedule(
        2,
        o2,
        [
            (D("2000.00"), None, date(2026, 2, 1)),
            (D("2000.00"), None, date(2026, 6, 1)),
            (D("2000.00"), None, date(2026, 10, 1)),
        ],
        notes="Billed in three instalments",
    )
    b.bill(s2.number, post=False)

    # 3. Paused after partial processing.
    o3 = b.order(3, "Analytics Suite", [_monthly("Analytics seats", "750.00")], date(2026, 1, 15))
    s3 = b.schedule(
        3,
        o3,
        [
            (D("3000.00"), None, date(2026, 1, 15)),
            (D("3000.00"), None, date(2026, 5, 15)),
            (D("3000.00"), None, date(2026, 9, 15)),
        ],
        notes="Paused at the customer's request",
    )
    b.bill(s3.number, post=True)
    e.pause_invoice_schedule(s3.number)

    # 4. FullyProcessed, both invoices posted; 100.00/month for 12 months, cancelled after ten
    #    months by the next order (O-00000005): a credit of 200.00 is due.
    o4 = b.order(4, "Premium Support", [_monthly("Support plan", "100.00")], date(2025, 4, 1))
    s4 = b.schedule(
        4,
        o4,
        [(D("600.00"), None, date(2025, 4, 1)), (D("600.00"), None, date(2025, 10, 1))],
        notes="Support contract 2025-26",
    )
    b.bill(s4.number, post=True)
    b.bill(s4.number, post=True)
    sub4 = e.get_order(o4).subscriptions[0].subscription_number
    e.cancel_subscription(
        sub4,
        date(2026, 2, 1),
        order_date=date(2026, 2, 1),
        description="Customer cancelled after ten months",
    )

    # 5. FullyProcessed with no change: a credit bill run yields no document.
    o6 = b.order(5, "Data Platform", [_monthly("Data platform", "250.00")], date(2025, 3, 1))
    s5 = b.schedule(
        5, o6, [(D("1500.00"), None, date(2025, 3, 1)), (D("1500.00"), None, date(2025, 9, 1))]
    )
    b.bill(s5.number, post=True)
    b.bill(s5.number, post=True)

    # 6. Items by percentage, the last with a blank run date.
    o7 = b.order(
        6, "Enterprise License", [_one_time("Perpetual license", "8400.00")], date(2026, 4, 1)
    )
    b.schedule(
        6,
        o7,
        [
            (None, D("25"), date(2026, 4, 1)),
            (None, D("25"), date(2026, 7, 1)),
            (None, D("50"), None),
        ],
        notes="Last instalment on go-live (no date yet)",
    )

    # 7. An item Executing: its bill run has started Processing and has not finished.
    o8 = b.order(7, "Fleet Tracking", [_monthly("Tracked vehicles", "420.00")], date(2026, 3, 1))
    s7 = b.schedule(
        7,
        o8,
        [
            (D("1680.00"), None, date(2026, 3, 1)),
            (D("1680.00"), None, date(2026, 7, 1)),
            (D("1680.00"), None, date(2026, 11, 1)),
        ],
    )
    run = e.execute_invoice_schedule(s7.number, b._earliest(s7.number))
    e.step_bill_run(run.id)


_PRODUCTS = [
    "Cloud Storage",
    "Managed Backup",
    "API Gateway",
    "Observability",
    "Payments Hub",
    "Identity Plus",
    "Edge CDN",
    "Message Queue",
]
# accounts of the ordinary orders (never 7, whose bill run is still running)
_EXTRA_ACCOUNTS = [8, 9, 10, 11, 12, 1, 2, 5]


def _extras(b: _Builder) -> None:
    e = b.e
    for k in range(32):
        account = _EXTRA_ACCOUNTS[k % len(_EXTRA_ACCOUNTS)]
        kind = k % 8
        product = _PRODUCTS[k % len(_PRODUCTS)]
        price = D(f"{79 + 37 * k}.{(k * 17 + 5) % 100:02d}")
        charges = [_monthly(f"{product} subscription", str(price))]
        if k % 3 == 0:
            charges.append(_one_time(f"{product} onboarding", f"{150 + 25 * k}.50"))
        extra_plans: tuple[tuple[str, tuple[ChargeSpec, ...]], ...] = ()
        if kind == 4 and k % 16 == 4:
            extra_plans = (("Premium add-on", (_monthly("Premium add-on", "45.90"),)),)

        if kind in (2, 3, 6):
            start = date(2025, 11, 1)
            runs = [start, add_months(start, 6), add_months(start, 10)]
        elif kind == 4:
            start = date(2025, 1, 1)
            runs = [start, add_months(start, 6)]
        else:
            start = add_months(date(2026, 4, 1), k % 3)
            runs = [start, add_months(start, 4), add_months(start, 8)]

        order = b.order(account, product, charges, start, extra_plans=extra_plans)
        if kind == 0:
            continue
        total = _order_total(e, order)
        items: list[_ItemSpec]
        if kind == 7:
            items = [
                (None, D("40"), date(2026, 6, 1)),
                (None, D("60"), None),
            ]
        else:
            items = [
                (amount, None, run)
                for amount, run in zip(split_evenly(total, len(runs)), runs, strict=True)
            ]
        schedule = b.schedule(account, order, items, notes=f"{product} billing plan")
        if kind in (2, 3, 6):
            b.bill(schedule.number, post=kind != 3)
        if kind == 4:
            b.bill(schedule.number, post=True)
            b.bill(schedule.number, post=True)
            if extra_plans:
                sub = e.get_order(order).subscriptions[0].subscription_number
                plan = e.get_subscription(sub).rate_plans[1]
                assert plan.id is not None
                e.remove_product(sub, plan.id, date(2025, 12, 1), order_date=date(2025, 12, 1))
        if kind in (5, 6):
            e.pause_invoice_schedule(schedule.number)


def _order_total(e: Engine, order_number: str) -> Decimal:
    """What an order's one-time and recurring charges are worth (a schedule's total)."""
    total = Decimal("0")
    for order_sub in e.get_order(order_number).subscriptions:
        subscription = e.get_subscription(order_sub.subscription_number)
        for plan in subscription.rate_plans:
            for charge in plan.rate_plan_charges:
                total += charge_value(charge)
    return total


def demo() -> Engine:
    """The demo tenant (see the module docstring), freshly built, clock at 2026-03-02."""
    engine = Engine(seed=DEMO_SEED, today=DEMO_TODAY)
    builder = _Builder(engine)
    _scenarios(builder)
    _extras(builder)
    return engine
