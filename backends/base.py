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
    BillingDocument,
    BillRun,
    BillRunDocuments,
    BillRunProgress,
    BillRunStatus,
    ClockAdvance,
    CreateBillRunRequest,
    CreateInvoiceScheduleRequest,
    CreditMemo,
    DocumentStatus,
    DocumentType,
    FaultRuleSpec,
    GenerateBillingDocumentsRequest,
    GeneratedDocuments,
    Invoice,
    InvoiceItem,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    Order,
    Page,
    PostResult,
    SpecificSubscription,
    Subscription,
    UpdateInvoiceScheduleRequest,
)

__all__ = ["Backend", "FaultInjection", "Settleable", "SimulatedClock"]


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
        """Orders in the backend's list order (the fake: ascending order number; Zuora: its
        own). ``search`` matches an order number, or an account number or name."""
        ...

    async def get_order(self, order_number: str) -> Order: ...

    async def get_account(self, key: str) -> Account: ...

    async def get_subscription(self, key: str) -> Subscription:
        """A subscription (by number or id) with its rate plans and charges: each charge's
        number and ``invoice_schedule_id``, the schedule that bills it now (``None``: none, e.g.
        detached). Only the number is sure to be there; Zuora's spec requires no other field."""
        ...

    async def list_accounts(
        self, *, search: str | None = None, page_size: int = 50, cursor: str | None = None
    ) -> Page[Account]:
        """Accounts by ascending account number. ``search``: the start of an account number
        (``A0000001``) or of the account's name, ignoring case on the fake; Zuora's Object
        Query compares name starts as written."""
        ...

    async def generate_billing_documents(
        self, account_key: str, request: GenerateBillingDocumentsRequest
    ) -> GeneratedDocuments:
        """Bill one account now, up to ``target_date`` (synchronous, no bill run): Zuora's way
        to bill an account whose invoice schedule is paused."""
        ...

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

    async def list_bill_runs(
        self,
        *,
        status: BillRunStatus | None = None,
        account_id: str | None = None,
        page_size: int = 50,
        cursor: str | None = None,
    ) -> Page[BillRun]:
        """Bill runs newest first; ``account_id`` keeps the runs that billed that account."""
        ...

    async def list_bill_run_documents(self, bill_run_id: str) -> BillRunDocuments:
        """The invoices and credit memos a bill run produced, cancelled ones included."""
        ...

    async def delete_bill_run(self, bill_run_id: str) -> None:
        """Only a Canceled or Error bill run; its draft documents go with it."""
        ...

    async def get_bill_run_progress(self, bill_run_id: str) -> BillRunProgress:
        """Accounts processed of those selected, the invoices and credit memos so far with their
        totals, and the accounts billed (each with its own counts and totals)."""
        ...

    # documents across the tenant
    async def list_documents(
        self,
        *,
        document_type: DocumentType | None = None,
        status: DocumentStatus | None = None,
        account_id: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        page_size: int = 50,
        cursor: str | None = None,
    ) -> Page[BillingDocument]:
        """Invoices and credit memos, newest document date first (invoices before credit memos
        on one date, then by number). ``date_from``/``date_to`` are inclusive."""
        ...

    # documents
    async def get_invoice(self, key: str) -> Invoice: ...

    async def get_invoice_items(self, key: str) -> list[InvoiceItem]:
        """The invoice's lines, each naming the schedule and schedule item that produced it."""
        ...

    async def post_invoice(self, key: str) -> Invoice: ...

    async def post_invoices(self, keys: list[str]) -> list[PostResult]:
        """Post up to 50 invoices: one result per key, in order; a refusal never hides the
        others (Zuora's bulk post). A key naming an invoice already named earlier in the list
        gets that earlier result."""
        ...

    async def unpost_invoice(self, key: str) -> Invoice:
        """Posted → Draft; a Posted bill run of the invoice goes back to Completed. Refused for a
        document that is not Posted, has something applied, or was generated before charges
        were detached from its schedule."""
        ...

    async def cancel_invoice(self, key: str) -> Invoice:
        """Draft → Canceled; the schedule item that produced it goes back to Pending."""
        ...

    async def reverse_invoice(self, key: str, *, memo_date: date | None = None) -> CreditMemo:
        """Offset a Posted invoice with nothing paid by a Posted credit memo of the same amount
        (``memo_date``: the memo's date, default today). Returns that memo; the invoice is
        ``reversed`` and its schedule item goes back to Pending."""
        ...

    async def get_credit_memo(self, key: str) -> CreditMemo: ...

    async def post_credit_memo(self, key: str) -> CreditMemo: ...

    async def unpost_credit_memo(self, key: str) -> CreditMemo:
        """Posted → Draft (refused when it is applied to an invoice)."""
        ...

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


@runtime_checkable
class FaultInjection(Protocol):
    """A backend whose failures can be arranged on demand (the fake's fault rules)."""

    async def list_fault_rules(self) -> list[FaultRuleSpec]: ...

    async def add_fault_rule(self, rule: FaultRuleSpec) -> FaultRuleSpec:
        """Store ``rule`` and return it with its id."""
        ...

    async def remove_fault_rule(self, rule_id: int) -> None: ...

    async def clear_fault_rules(self) -> None: ...
