"""Schedules and form states for the editor's tests (no backend)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from backends.models import (
    DocumentStatus,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    ScheduleItem,
    ScheduleItemStatus,
)

TODAY = date(2026, 3, 2)


def item(
    n: int,
    amount: str,
    run: date | None,
    status: ScheduleItemStatus = ScheduleItemStatus.PENDING,
    percentage: str | None = None,
) -> ScheduleItem:
    processed = status is ScheduleItemStatus.PROCESSED
    return ScheduleItem(
        id=f"item{n}",
        name=f"Installment {n}/3",
        amount=Decimal(amount),
        percentage=Decimal(percentage) if percentage else None,
        actual_amount=Decimal(amount),
        run_date=run,
        status=status,
        invoice_id=f"inv{n}" if processed else None,
        invoice_number=f"INV0000000{n}" if processed else None,
        invoice_status=DocumentStatus.POSTED if processed else None,
    )


def schedule(
    status: InvoiceScheduleStatus = InvoiceScheduleStatus.PENDING,
    processed: int = 0,
    currency: str = "USD",
) -> InvoiceSchedule:
    items = [
        item(
            n,
            "1000.00",
            date(2026, n + 2, 1),
            ScheduleItemStatus.PROCESSED if n <= processed else ScheduleItemStatus.PENDING,
        )
        for n in (1, 2, 3)
    ]
    billed = Decimal(1000 * processed)
    return InvoiceSchedule(
        id="sched1",
        number="IS-00000001",
        account_id="acc1",
        status=status,
        currency=currency,
        total_amount=Decimal("3000.00"),
        actual_amount=Decimal("3000.00"),
        billed_amount=billed,
        unbilled_amount=Decimal("3000.00") - billed,
        orders=["O-00000001"],
        notes="Setup fee",
        schedule_items=items,
    )
