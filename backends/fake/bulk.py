"""The ``bulk:N`` tenant: one Completed bill run of N Draft invoices, for bulk posting at scale.

Built by driving the engine's own operations, as the demo is, so every state is one the rules
reach: :data:`ACCOUNTS` accounts (USD and EUR in turn, Batch1), each with N / ACCOUNTS orders
of a one-time charge and an invoice schedule of one item due on 2026-03-01; then one ad hoc
bill run for every batch (target date 2026-03-02, not auto-posted), finished at once. Every
schedule item becomes Processed with its own Draft invoice (``INV00000001`` ... in schedule
order), so the run is Completed with N Draft invoices and no credit memo.

Why a hundred accounts and not one each: a run of several accounts bills one account per
stage, and each stage walks the run's whole target list, so the build grows with accounts
times invoices; a hundred accounts keeps it in seconds (measured: about 4 s for 10,000 on this
two-core machine, most of it creating the orders and schedules) while still spreading the
invoices over many accounts and two currencies. N is capped at :data:`MAX_INVOICES`, the most
rows one REST listing reads (a bill run's documents list reads them all).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from backends.fake.engine import ChargeSpec, Engine, SubscriptionSpec
from backends.models import (
    ALL_BATCHES,
    ChargeType,
    CreateBillRunRequest,
    CreateInvoiceScheduleRequest,
    ScheduleItemInput,
)

__all__ = ["ACCOUNTS", "BULK_TODAY", "MAX_INVOICES", "bulk", "bulk_size"]

BULK_TODAY = date(2026, 3, 2)
ACCOUNTS = 100
MAX_INVOICES = 20_000
_RUN_DATE = date(2026, 3, 1)
_PRODUCTS = ("Cloud Storage", "Managed Backup", "API Gateway", "Observability", "Edge CDN")


def bulk_size(seed: str) -> int | None:
    """``bulk:10000`` (or ``bulk:10_000``) -> 10000; ``None`` for other seeds. Raises
    ``ValueError`` naming the bound for a count out of range."""
    prefix, _, count = seed.partition(":")
    digits = count.replace("_", "")
    if prefix != "bulk" or not digits.isdigit():
        return None
    size = int(digits)
    if not 1 <= size <= MAX_INVOICES:
        raise ValueError(f"bulk:N takes 1 to {MAX_INVOICES:,} invoices; {size:,} given")
    return size


def _amount(n: int) -> Decimal:
    """Amounts with cents, varied but deterministic: 100.00 to 1,062.50."""
    return Decimal(10_000 + (n * 7919) % 77 * 1250) / 100


def bulk(invoices: int = 10_000, today: date = BULK_TODAY) -> Engine:
    """The tenant (see the module docstring): one Completed bill run of ``invoices`` Drafts."""
    if not 1 <= invoices <= MAX_INVOICES:
        raise ValueError(f"bulk:N takes 1 to {MAX_INVOICES:,} invoices; {invoices:,} given")
    engine = Engine(seed=f"bulk:{invoices}", today=today)
    accounts = [
        engine.create_account(
            f"Bulk Customer {a + 1:03d}", "USD" if a % 2 == 0 else "EUR", batch="Batch1"
        ).account_number
        for a in range(min(ACCOUNTS, invoices))
    ]
    for n in range(invoices):
        account = accounts[n % len(accounts)]
        amount = _amount(n)
        product = _PRODUCTS[n % len(_PRODUCTS)]
        order = engine.create_subscriptions(
            account,
            [
                SubscriptionSpec(
                    product_name=product,
                    charges=(ChargeSpec(f"{product} setup", amount, ChargeType.ONE_TIME),),
                    term_start=_RUN_DATE,
                )
            ],
            order_date=_RUN_DATE,
        )
        engine.create_invoice_schedule(
            CreateInvoiceScheduleRequest(
                account_key=account,
                orders=[order.order_number],
                notes="Bulk posting tenant",
                schedule_items=[ScheduleItemInput(name="Setup", amount=amount, run_date=_RUN_DATE)],
            )
        )
    run = engine.create_bill_run(
        CreateBillRunRequest(
            name=f"Bulk run: {invoices:,} invoices",
            batches=[ALL_BATCHES],
            target_date=today,
            invoice_date=today,
        )
    )
    engine.finish_bill_run(run.id)
    return engine
