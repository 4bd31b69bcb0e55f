"""``FakeBackend``: the engine behind the async :class:`backends.base.Backend` contract.

A thin adapter: each method takes a lock, makes one engine call, and returns what the engine
returned (the engine already hands out copies, never its own objects). The lock is a
``threading.Lock`` held only around synchronous engine calls, so the adapter is safe both for
asyncio tasks and for thread workers. It also implements the optional ``SimulatedClock`` and
``Settleable`` capabilities, and runs the realtime progression driver when asked to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Literal, ParamSpec, Self, TypeVar

from backends.errors import BackendError, NotFoundError, ServerError, ValidationError
from backends.fake import persistence, tenants
from backends.fake.engine import Engine
from backends.fake.fault_injection import FaultInjector
from backends.fake.progression import RealtimeDriver
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
from backends.profile import BackendProfile

__all__ = ["FakeBackend"]

P = ParamSpec("P")
T = TypeVar("T")

Progression = Literal["manual", "realtime"]
SEEDS = ("demo", "empty", "generated:N", "bulk:N")


class FakeBackend:
    """The fake Zuora tenant. ``engine`` is public so tests can look inside and set things up."""

    def __init__(
        self,
        engine: Engine,
        *,
        progression: Progression = "manual",
        stage_seconds: float = 1.0,
        state_file: Path | None = None,
    ) -> None:
        self.engine = engine
        self.progression: Progression = progression
        self.state_file = state_file
        self._lock = threading.Lock()
        self._driver: RealtimeDriver | None = None
        if progression == "realtime":
            self._driver = RealtimeDriver(lambda: self.engine, self._lock, stage_seconds)
        self._closed = False
        self._faults = FaultInjector()

    # ----------------------------------------------------------------- construction

    @classmethod
    def demo(cls, *, progression: Progression = "manual", stage_seconds: float = 1.0) -> Self:
        """The demo tenant (clock at 2026-03-02): see :mod:`backends.fake.tenants`."""
        return cls(tenants.demo(), progression=progression, stage_seconds=stage_seconds)

    @classmethod
    def generated(
        cls,
        orders: int = 100_000,
        seed: str = "generated",
        *,
        progression: Progression = "manual",
        stage_seconds: float = 1.0,
    ) -> Self:
        """A generated tenant of ``orders`` orders (clock at 2026-03-02), opened in
        milliseconds whatever its size: see :mod:`backends.fake.generated`."""
        from backends.fake.generated import generated

        return cls(generated(orders, seed), progression=progression, stage_seconds=stage_seconds)

    @classmethod
    def from_profile(cls, profile: BackendProfile) -> Self:
        """Seed ``demo``, ``empty``, ``generated:N`` (N generated orders) or ``bulk:N`` (a bill
        run of N Draft invoices); a ``state_file``
        that exists is loaded instead of the seed, and the state is saved back to it on
        ``aclose()``."""
        state_file = profile.state_file
        if state_file is not None and state_file.exists():
            engine = persistence.load(state_file)
        elif profile.seed == "demo":
            engine = tenants.demo()
        elif profile.seed == "empty":
            engine = tenants.empty()
        elif profile.seed.startswith("generated:") and profile.seed[10:].replace("_", "").isdigit():
            from backends.fake.generated import generated

            # "generated:100000" or "generated:100_000": that many generated orders
            engine = generated(max(1, int(profile.seed[10:])))
        elif profile.seed.startswith("bulk:"):
            from backends.fake.bulk import bulk, bulk_size

            try:
                size = bulk_size(profile.seed)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
            if size is None:
                raise ValidationError(
                    f"Unknown fake seed {profile.seed!r}: choose one of {', '.join(SEEDS)}"
                )
            # "bulk:10000": one Completed bill run of 10,000 Draft invoices
            engine = bulk(size)
        else:
            raise ValidationError(
                f"Unknown fake seed {profile.seed!r}: choose one of {', '.join(SEEDS)}"
            )
        return cls(
            engine,
            progression=profile.progression,
            stage_seconds=profile.stage_seconds,
            state_file=state_file,
        )

    def describe(self) -> BackendInfo:
        return BackendInfo(kind="FAKE", host=None)

    # ----------------------------------------------------------------- plumbing

    def _run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        if self._driver is not None:
            self._driver.ensure_started()
        try:
            with self._lock:
                result = fn(*args, **kwargs)
        except BackendError:
            raise
        except Exception as exc:  # a bug in the fake must still reach the console as one error
            raise ServerError(f"The fake engine failed: {exc!r}", code=50000060) from exc
        if self._driver is not None:
            self._driver.poke()
        return result

    async def _call(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """One engine call under the lock, through the fault rules when there are any."""
        if not self._faults.book.rules:
            return self._run(fn, *args, **kwargs)

        async def engine_call() -> T:
            return self._run(fn, *args, **kwargs)

        return await self._faults.run(fn.__name__, engine_call)

    # ----------------------------------------------------------------- orders and accounts

    async def list_orders(
        self, *, search: str | None = None, page_size: int = 50, cursor: str | None = None
    ) -> Page[Order]:
        return await self._call(
            self.engine.list_orders, search=search, page_size=page_size, cursor=cursor
        )

    async def get_order(self, order_number: str) -> Order:
        return await self._call(self.engine.get_order, order_number)

    async def get_account(self, key: str) -> Account:
        return await self._call(self.engine.get_account, key)

    async def get_subscription(self, key: str) -> Subscription:
        return await self._call(self.engine.get_subscription, key)

    async def list_accounts(
        self, *, search: str | None = None, page_size: int = 50, cursor: str | None = None
    ) -> Page[Account]:
        return await self._call(
            self.engine.list_accounts_page, search=search, page_size=page_size, cursor=cursor
        )

    async def generate_billing_documents(
        self, account_key: str, request: GenerateBillingDocumentsRequest
    ) -> GeneratedDocuments:
        return await self._call(self.engine.generate_billing_documents, account_key, request)

    # ----------------------------------------------------------------- invoice schedules

    async def list_invoice_schedules(
        self,
        *,
        order_number: str | None = None,
        account_id: str | None = None,
        status: InvoiceScheduleStatus | None = None,
        page_size: int = 50,
        cursor: str | None = None,
    ) -> Page[InvoiceSchedule]:
        return await self._call(
            self.engine.list_invoice_schedules,
            order_number=order_number,
            account_id=account_id,
            status=status,
            page_size=page_size,
            cursor=cursor,
        )

    async def get_invoice_schedule(self, key: str) -> InvoiceSchedule:
        return await self._call(self.engine.get_invoice_schedule, key)

    async def create_invoice_schedule(
        self, request: CreateInvoiceScheduleRequest, *, idempotency_key: str | None = None
    ) -> InvoiceSchedule:
        return await self._call(
            self.engine.create_invoice_schedule, request, idempotency_key=idempotency_key
        )

    async def update_invoice_schedule(
        self, key: str, request: UpdateInvoiceScheduleRequest
    ) -> InvoiceSchedule:
        return await self._call(self.engine.update_invoice_schedule, key, request)

    async def delete_invoice_schedule(self, key: str) -> None:
        await self._call(self.engine.delete_invoice_schedule, key)

    async def execute_invoice_schedule(
        self,
        key: str,
        schedule_item_id: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> BillRun:
        return await self._call(
            self.engine.execute_invoice_schedule,
            key,
            schedule_item_id,
            idempotency_key=idempotency_key,
        )

    async def pause_invoice_schedule(self, key: str) -> InvoiceSchedule:
        return await self._call(self.engine.pause_invoice_schedule, key)

    async def resume_invoice_schedule(self, key: str) -> InvoiceSchedule:
        return await self._call(self.engine.resume_invoice_schedule, key)

    async def detach_charges(
        self, key: str, specific_subscriptions: list[SpecificSubscription]
    ) -> InvoiceSchedule:
        return await self._call(self.engine.detach_charges, key, specific_subscriptions)

    async def attach_charges(
        self, key: str, specific_subscriptions: list[SpecificSubscription]
    ) -> InvoiceSchedule:
        return await self._call(self.engine.attach_charges, key, specific_subscriptions)

    # ----------------------------------------------------------------- bill runs

    async def create_bill_run(
        self, request: CreateBillRunRequest, *, idempotency_key: str | None = None
    ) -> BillRun:
        return await self._call(
            self.engine.create_bill_run, request, idempotency_key=idempotency_key
        )

    async def get_bill_run(self, bill_run_id: str) -> BillRun:
        return await self._call(self.engine.get_bill_run, bill_run_id)

    async def post_bill_run(self, bill_run_id: str, invoice_date: date | None = None) -> BillRun:
        return await self._call(self.engine.post_bill_run, bill_run_id, invoice_date)

    async def cancel_bill_run(self, bill_run_id: str, *, cancel_once: bool = True) -> BillRun:
        """``cancel_once`` (Zuora's default) on a waiting scheduled run cancels this occurrence
        and schedules the next; ``False`` stops the series."""
        return await self._call(self.engine.cancel_bill_run, bill_run_id, cancel_once=cancel_once)

    async def list_bill_runs(
        self,
        *,
        status: BillRunStatus | None = None,
        account_id: str | None = None,
        page_size: int = 50,
        cursor: str | None = None,
    ) -> Page[BillRun]:
        return await self._call(
            self.engine.list_bill_runs,
            status=status,
            account_id=account_id,
            page_size=page_size,
            cursor=cursor,
        )

    async def list_bill_run_documents(self, bill_run_id: str) -> BillRunDocuments:
        return await self._call(self.engine.list_bill_run_documents, bill_run_id)

    async def delete_bill_run(self, bill_run_id: str) -> None:
        await self._call(self.engine.delete_bill_run, bill_run_id)

    async def get_bill_run_progress(self, bill_run_id: str) -> BillRunProgress:
        return await self._call(self.engine.get_bill_run_progress, bill_run_id)

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
        return await self._call(
            self.engine.list_documents,
            document_type=document_type,
            status=status,
            account_id=account_id,
            date_from=date_from,
            date_to=date_to,
            page_size=page_size,
            cursor=cursor,
        )

    # ----------------------------------------------------------------- documents

    async def get_invoice(self, key: str) -> Invoice:
        return await self._call(self.engine.get_invoice, key)

    async def get_invoice_items(self, key: str) -> list[InvoiceItem]:
        return await self._call(self.engine.get_invoice_items, key)

    async def post_invoice(self, key: str) -> Invoice:
        return await self._call(self.engine.post_invoice, key)

    async def post_invoices(self, keys: list[str]) -> list[PostResult]:
        return await self._call(self.engine.post_invoices, keys)

    async def unpost_invoice(self, key: str) -> Invoice:
        return await self._call(self.engine.unpost_invoice, key)

    async def cancel_invoice(self, key: str) -> Invoice:
        return await self._call(self.engine.cancel_invoice, key)

    async def reverse_invoice(self, key: str, *, memo_date: date | None = None) -> CreditMemo:
        return await self._call(self.engine.reverse_invoice, key, memo_date=memo_date)

    async def get_credit_memo(self, key: str) -> CreditMemo:
        return await self._call(self.engine.get_credit_memo, key)

    async def post_credit_memo(self, key: str) -> CreditMemo:
        return await self._call(self.engine.post_credit_memo, key)

    async def unpost_credit_memo(self, key: str) -> CreditMemo:
        return await self._call(self.engine.unpost_credit_memo, key)

    # ----------------------------------------------------------------- fault rules

    async def list_fault_rules(self) -> list[FaultRuleSpec]:
        return self._faults.rules()

    async def add_fault_rule(self, rule: FaultRuleSpec) -> FaultRuleSpec:
        """Every later call whose operation the rule matches fails as the rule says."""
        return self._faults.add(rule)

    async def remove_fault_rule(self, rule_id: int) -> None:
        if not self._faults.book.remove(rule_id):
            raise NotFoundError(f"There is no fault rule {rule_id}", code=50000040)

    async def clear_fault_rules(self) -> None:
        self._faults.book.clear()

    # ----------------------------------------------------------------- capabilities

    async def settle(self) -> None:
        """Finish every queued bill run now (both progression modes)."""
        await self._call(self.engine.run_pending)

    async def today(self) -> date:
        return await self._call(lambda: self.engine.today)

    async def advance(self, *, to: date) -> ClockAdvance:
        return await self._call(self.engine.advance, to)

    async def advance_to_next_run_date(self) -> ClockAdvance:
        return await self._call(self.engine.advance_to_next_run_date)

    # ----------------------------------------------------------------- lifecycle

    async def aclose(self) -> None:
        """Stop the realtime driver and, with a state file, save the tenant to it."""
        if self._closed:
            return
        self._closed = True
        if self._driver is not None:
            await self._driver.aclose()
        if self.state_file is not None:
            with self._lock:
                persistence.save(self.engine, self.state_file)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
