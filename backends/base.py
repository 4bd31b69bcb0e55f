"""The contract: the one async interface every screen, test and benchmark talks to.

Every method raises only :class:`backends.errors.BackendError` subclasses. Keys accept an id or a
number, as Zuora's do (``IS-00000001`` or the 32-hex id), except bill runs, which Zuora addresses
by id only. Backends are async context managers; ``aclose()`` releases what they hold.

Two optional capabilities sit beside the contract and are discovered with ``isinstance``:
:class:`SimulatedClock` (the fake's test clock) and :class:`Settleable` (run queued work now).
"""

from __future__ import annotations

from datetime import date
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from backends.models import (
    Account,
    BackendInfo,
    BillRun,
    ClockAdvance,
    CreateBillRunRequest,
    CreateInvoiceScheduleRequest,
    CreditMemo,
    Invoice,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    Order,
    Page,
    SpecificSubscription,
    UpdateInvoiceScheduleRequest,
)

__all__ = ["Backend", "Settleable", "SimulatedClock"]


@runtime_checkable
class Backend(Protocol):
    """What a billing system must offer the console."""

    def describe(self) -> BackendInfo:
        """Kind and host, for the console's header. Never does I/O."""
        ...

    # orders and accounts
    async def list_orders(
        self, *, search: str | None = None, page_size: int = 50, cursor: str | None = None
    ) -> Page[Order]:
        """Orders newest first. ``search`` matches an order number, or an account number or name."""
        ...

    async def get_order(self, order_number: str) -> Order: ...

    async def get_account(self, key: str) -> Account: ...

    # invoice schedules
    async def list_invoice_schedules(
        self,
        *,
        order_number: str | None = None,
        account_id: str | None = None,
        status: InvoiceScheduleStatus | None = None,
        page_size: int = 50,
        cursor: str | None = None,
    ) -> Page[InvoiceSchedule]: ...

    async def get_invoice_schedule(self, key: str) -> InvoiceSchedule: ...

    async def create_invoice_schedule(
        self, request: CreateInvoiceScheduleRequest, *, idempotency_key: str | None = None
    ) -> InvoiceSchedule: ...

    async def update_invoice_schedule(
        self, key: str, request: UpdateInvoiceScheduleRequest
    ) -> InvoiceSchedule: ...

    async def delete_invoice_schedule(self, key: str) -> None: ...

    async def execute_invoice_schedule(
        self,
        key: str,
        schedule_item_id: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> BillRun:
        """Run one item (or, on a FullyProcessed schedule with no item, the credit bill run).

        Returns the bill run at once, in ``Pending``; documents appear asynchronously.
        """
        ...

    async def pause_invoice_schedule(self, key: str) -> InvoiceSchedule: ...

    async def resume_invoice_schedule(self, key: str) -> InvoiceSchedule: ...

    async def detach_charges(
        self, key: str, specific_subscriptions: list[SpecificSubscription]
    ) -> InvoiceSchedule: ...

    async def attach_charges(
        self, key: str, specific_subscriptions: list[SpecificSubscription]
    ) -> InvoiceSchedule: ...

    # bill runs
    async def create_bill_run(
        self, request: CreateBillRunRequest, *, idempotency_key: str | None = None
    ) -> BillRun: ...

    async def get_bill_run(self, bill_run_id: str) -> BillRun: ...

    async def post_bill_run(
        self, bill_run_id: str, invoice_date: date | None = None
    ) -> BillRun: ...

    async def cancel_bill_run(self, bill_run_id: str) -> BillRun: ...

    # documents
    async def get_invoice(self, key: str) -> Invoice: ...

    async def post_invoice(self, key: str) -> Invoice: ...

    async def get_credit_memo(self, key: str) -> CreditMemo: ...

    async def post_credit_memo(self, key: str) -> CreditMemo: ...

    # lifecycle
    async def aclose(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


@runtime_checkable
class SimulatedClock(Protocol):
    """A backend whose clock can be read and moved forward (the fake's test clock)."""

    async def today(self) -> date: ...

    async def advance(self, *, to: date) -> ClockAdvance:
        """Move forward to ``to``, running the Zuora Scheduler for every day that passes."""
        ...

    async def advance_to_next_run_date(self) -> ClockAdvance:
        """Move to the earliest run date of a Pending item of any schedule that is not Paused."""
        ...


@runtime_checkable
class Settleable(Protocol):
    """A backend with queued asynchronous work (bill runs) that can be finished on demand."""

    async def settle(self) -> None: ...
