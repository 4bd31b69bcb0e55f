"""``Engine``: the one object that owns a fake tenant. Pure and synchronous.

Every public method is one operation: it checks the rules first and raises a
:class:`backends.errors.BackendError` without changing anything, or it applies the whole change.
Reads return deep copies (with derived fields filled), so a caller can never mutate the engine's
objects. The engine reads time only from its simulated clock and randomness only from its seeded
id generator; it does no I/O and keeps no global state.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from backends.fake.engine import (
    bill_runs,
    billing,
    documents,
    orders,
    scheduler,
    schedules,
    state,
    views,
)
from backends.fake.engine.clock import Clock
from backends.fake.engine.core import Core
from backends.fake.engine.ids import Ids
from backends.fake.engine.orders import ChargeSpec, SubscriptionSpec
from backends.fake.engine.refusals import ACCOUNT, ORDER, SUBSCRIPTION
from backends.fake.engine.store import Store
from backends.models import (
    Account,
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

__all__ = ["ChargeSpec", "Engine", "SubscriptionSpec"]

DEFAULT_TODAY = date(2026, 3, 2)


class Engine:
    def __init__(self, *, seed: str = "demo", today: date = DEFAULT_TODAY) -> None:
        self._core = Core.new(Store(), Clock(today), Ids(seed))

    @classmethod
    def _from_core(cls, core: Core) -> Engine:
        engine = cls.__new__(cls)
        engine._core = core
        return engine

    # ----------------------------------------------------------------- clock

    @property
    def today(self) -> date:
        return self._core.clock.today

    @property
    def now(self) -> datetime:
        return self._core.clock.now

    def advance(self, to: date) -> ClockAdvance:
        return scheduler.advance(self._core, to)

    def advance_to_next_run_date(self) -> ClockAdvance:
        return scheduler.advance_to_next_run_date(self._core)

    # ----------------------------------------------------------------- progression

    def active_bill_runs(self) -> list[str]:
        """Ids of the bill runs still Pending or Processing, oldest first."""
        return bill_runs.active(self._core)

    def step_bill_run(self, bill_run_id: str) -> bool:
        """Move one bill run one stage; False if it had already finished."""
        return bill_runs.step(self._core, bill_run_id)

    def step(self) -> int:
        """Move every unfinished bill run one stage; returns how many moved."""
        moved = 0
        for run_id in bill_runs.active(self._core):
            moved += bill_runs.step(self._core, run_id)
        return moved

    def finish_bill_run(self, bill_run_id: str) -> None:
        bill_runs.finish(self._core, bill_run_id)

    def run_pending(self) -> int:
        """Finish every queued bill run now; returns how many there were."""
        return bill_runs.run_pending(self._core)

    # ----------------------------------------------------------------- accounts and orders

    def create_account(
        self,
        name: str,
        currency: str = "USD",
        *,
        bill_cycle_day: int = 1,
        batch: str | None = None,
        bill_to: tuple[str, str] | None = None,
    ) -> Account:
        """``batch``: ``Batch1``...``Batch50`` (Zuora's default for a new account is Batch1);
        ``bill_to``: the bill-to contact's first and last name."""
        account = orders.create_account(self._core, name, currency, bill_cycle_day=bill_cycle_day)
        billing.set_account_details(self._core, account, batch=batch, bill_to=bill_to)
        return account.model_copy(deep=True)

    def list_accounts_page(
        self, *, search: str | None = None, page_size: int = 50, cursor: str | None = None
    ) -> Page[Account]:
        return billing.list_accounts(self._core, search, page_size, cursor)

    def generate_billing_documents(
        self, account_key: str, request: GenerateBillingDocumentsRequest
    ) -> GeneratedDocuments:
        return billing.generate(self._core, account_key, request)

    def create_subscriptions(
        self,
        account_key: str,
        specs: list[SubscriptionSpec],
        *,
        order_date: date | None = None,
        description: str | None = None,
    ) -> Order:
        order = orders.create_subscriptions(
            self._core, account_key, specs, order_date=order_date, description=description
        )
        return views.order_view(self._core, order)

    def cancel_subscription(
        self,
        subscription_key: str,
        effective_date: date,
        *,
        order_date: date | None = None,
        description: str | None = None,
    ) -> Order:
        order = orders.cancel_subscription(
            self._core,
            subscription_key,
            effective_date,
            order_date=order_date,
            description=description,
        )
        return views.order_view(self._core, order)

    def remove_product(
        self,
        subscription_key: str,
        rate_plan_id: str,
        effective_date: date,
        *,
        order_date: date | None = None,
        description: str | None = None,
    ) -> Order:
        order = orders.remove_product(
            self._core,
            subscription_key,
            rate_plan_id,
            effective_date,
            order_date=order_date,
            description=description,
        )
        return views.order_view(self._core, order)

    def list_orders(
        self, *, search: str | None = None, page_size: int = 50, cursor: str | None = None
    ) -> Page[Order]:
        return views.list_orders(self._core, search, page_size, cursor)

    def get_order(self, order_number: str) -> Order:
        order = self._core.store.order(order_number)
        if order is None:
            raise self._core.refuse.not_found(
                ORDER, f"No order {order_number}: check the order number"
            )
        return views.order_view(self._core, order)

    def list_accounts(self) -> list[Account]:
        """Every account, in account-number order."""
        return [a.model_copy(deep=True) for a in self._core.store.accounts.values()]

    def get_account(self, key: str) -> Account:
        account = self._core.store.account(key)
        if account is None:
            raise self._core.refuse.not_found(
                ACCOUNT, f"No account {key}: check the account number"
            )
        return account.model_copy(deep=True)

    def get_subscription(self, key: str) -> Subscription:
        subscription = self._core.store.subscription(key)
        if subscription is None:
            raise self._core.refuse.not_found(
                SUBSCRIPTION, f"No subscription {key}: check the number"
            )
        return subscription.model_copy(deep=True)

    # ----------------------------------------------------------------- invoice schedules

    def list_invoice_schedules(
        self,
        *,
        order_number: str | None = None,
        account_id: str | None = None,
        status: InvoiceScheduleStatus | None = None,
        page_size: int = 50,
        cursor: str | None = None,
    ) -> Page[InvoiceSchedule]:
        return views.list_schedules(self._core, order_number, account_id, status, page_size, cursor)

    def get_invoice_schedule(self, key: str) -> InvoiceSchedule:
        return views.schedule_view(self._core, schedules.resolve(self._core, key))

    def create_invoice_schedule(
        self, request: CreateInvoiceScheduleRequest, *, idempotency_key: str | None = None
    ) -> InvoiceSchedule:
        core = self._core
        fingerprint = request.to_wire()
        replayed = bill_runs.replay(core, "create_invoice_schedule", idempotency_key, fingerprint)
        if replayed is not None:
            return self.get_invoice_schedule(replayed)
        schedule = schedules.create(core, request)
        bill_runs.remember(
            core, "create_invoice_schedule", idempotency_key, fingerprint, "schedule", schedule.id
        )
        return views.schedule_view(core, schedule)

    def update_invoice_schedule(
        self, key: str, request: UpdateInvoiceScheduleRequest
    ) -> InvoiceSchedule:
        return views.schedule_view(self._core, schedules.update(self._core, key, request))

    def delete_invoice_schedule(self, key: str) -> None:
        schedules.delete(self._core, key)

    def execute_invoice_schedule(
        self, key: str, schedule_item_id: str | None = None, *, idempotency_key: str | None = None
    ) -> BillRun:
        run = bill_runs.execute(self._core, key, schedule_item_id, idempotency_key=idempotency_key)
        return views.bill_run_view(run)

    def pause_invoice_schedule(self, key: str) -> InvoiceSchedule:
        return views.schedule_view(self._core, schedules.pause(self._core, key))

    def resume_invoice_schedule(self, key: str) -> InvoiceSchedule:
        return views.schedule_view(self._core, schedules.resume(self._core, key))

    def detach_charges(
        self, key: str, specific_subscriptions: list[SpecificSubscription]
    ) -> InvoiceSchedule:
        return views.schedule_view(
            self._core, schedules.detach(self._core, key, specific_subscriptions)
        )

    def attach_charges(
        self, key: str, specific_subscriptions: list[SpecificSubscription]
    ) -> InvoiceSchedule:
        return views.schedule_view(
            self._core, schedules.attach(self._core, key, specific_subscriptions)
        )

    # ----------------------------------------------------------------- bill runs

    def create_bill_run(
        self, request: CreateBillRunRequest, *, idempotency_key: str | None = None
    ) -> BillRun:
        return views.bill_run_view(
            bill_runs.create(self._core, request, idempotency_key=idempotency_key)
        )

    def get_bill_run(self, bill_run_id: str) -> BillRun:
        return views.bill_run_view(bill_runs.resolve(self._core, bill_run_id))

    def post_bill_run(self, bill_run_id: str, invoice_date: date | None = None) -> BillRun:
        return views.bill_run_view(bill_runs.post(self._core, bill_run_id, invoice_date))

    def cancel_bill_run(self, bill_run_id: str, *, cancel_once: bool = True) -> BillRun:
        """A waiting scheduled run: ``cancel_once`` cancels this occurrence and schedules the
        next (Zuora's default); ``False`` stops the series."""
        return views.bill_run_view(
            bill_runs.cancel(self._core, bill_run_id, cancel_once=cancel_once)
        )

    def list_all_documents(self) -> tuple[list[Invoice], list[CreditMemo]]:
        """Copies of every invoice and credit memo (the fake server's Object Query lists)."""
        st = self._core.store
        return (
            [i.model_copy(deep=True) for i in st.invoices.values()],
            [m.model_copy(deep=True) for m in st.credit_memos.values()],
        )

    def find_invoices(
        self, *, keys: list[str] | None = None, bill_run_number: str | None = None
    ) -> list[Invoice]:
        """Copies of the invoices that ``keys`` name (ids or numbers; unknown ones skipped) or
        that the bill run numbered ``bill_run_number`` produced: a superset of what an Object
        Query filter on ``id``/``invoiceNumber`` or ``sourceId`` keeps, so the fake server
        copies those instead of every invoice of the tenant (it still applies the filters)."""
        st = self._core.store
        found: dict[str, Invoice] = {}
        if keys is not None:
            for key in keys:
                invoice = st.invoice(key)
                if invoice is not None:
                    found[invoice.id] = invoice
        if bill_run_number is not None:
            run_id = st.bill_run_by_number.get(bill_run_number)
            for doc_id in st.bill_run_documents.get(run_id or "", []):
                invoice = st.invoices.get(doc_id)
                if invoice is not None and invoice.source_id == bill_run_number:
                    found[invoice.id] = invoice
        return [i.model_copy(deep=True) for i in found.values()]

    def get_bill_run_progress(self, bill_run_id: str) -> BillRunProgress:
        return billing.progress(self._core, bill_run_id)

    def list_documents(
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
        return billing.list_documents(
            self._core,
            document_type=document_type,
            status=status,
            account_id=account_id,
            date_from=date_from,
            date_to=date_to,
            page_size=page_size,
            cursor=cursor,
        )

    def list_bill_runs(
        self,
        *,
        status: BillRunStatus | None = None,
        account_id: str | None = None,
        page_size: int = 50,
        cursor: str | None = None,
    ) -> Page[BillRun]:
        return bill_runs.list_runs(self._core, status, account_id, page_size, cursor)

    def list_bill_run_documents(self, bill_run_id: str) -> BillRunDocuments:
        return bill_runs.documents_of(self._core, bill_run_id)

    def delete_bill_run(self, bill_run_id: str) -> None:
        bill_runs.delete(self._core, bill_run_id)

    # ----------------------------------------------------------------- documents

    def get_invoice(self, key: str) -> Invoice:
        return documents.resolve_invoice(self._core, key).model_copy(deep=True)

    def get_invoice_items(self, key: str) -> list[InvoiceItem]:
        return documents.invoice_items(self._core, key)

    def post_invoice(self, key: str) -> Invoice:
        return documents.post_invoice(self._core, key).model_copy(deep=True)

    def post_invoices(self, keys: list[str]) -> list[PostResult]:
        return documents.post_invoices(self._core, list(keys))

    def reverse_invoice(self, key: str, *, memo_date: date | None = None) -> CreditMemo:
        return documents.reverse_invoice(self._core, key, memo_date).model_copy(deep=True)

    def unpost_invoice(self, key: str) -> Invoice:
        return documents.unpost_invoice(self._core, key).model_copy(deep=True)

    def cancel_invoice(self, key: str) -> Invoice:
        return documents.cancel_invoice(self._core, key).model_copy(deep=True)

    def get_credit_memo(self, key: str) -> CreditMemo:
        return documents.resolve_credit_memo(self._core, key).model_copy(deep=True)

    def post_credit_memo(self, key: str) -> CreditMemo:
        return documents.post_credit_memo(self._core, key).model_copy(deep=True)

    def unpost_credit_memo(self, key: str) -> CreditMemo:
        return documents.unpost_credit_memo(self._core, key).model_copy(deep=True)

    def cancel_credit_memo(self, key: str) -> CreditMemo:
        return documents.cancel_credit_memo(self._core, key).model_copy(deep=True)

    # ----------------------------------------------------------------- state

    def export_state(self) -> dict[str, Any]:
        """Everything, as JSON-ready data; write it with :func:`backends.jsoncodec.dumps`."""
        return state.export_state(self._core)

    @classmethod
    def import_state(cls, data: object) -> Engine:
        """An engine rebuilt from :meth:`export_state` output; raises ``StateError`` if unreadable."""
        return cls._from_core(state.import_state(data))
