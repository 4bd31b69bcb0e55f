"""Every object the engine holds, the indexes over them, and the engine's private bookkeeping.

Objects are stored as the contract's pydantic models (so export is ``to_wire`` and a read is a
deep copy). What Zuora keeps but does not show on the v1 resources (the status a schedule had
before its pause, detachments, which bill run bills which item, ...) lives in small dataclasses
beside them. Indexes make every lookup by key and every page of a list O(page), not O(all).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from backends.models import (
    Account,
    BillRun,
    BillRunStatus,
    CreateBillRunRequest,
    CreditMemo,
    Invoice,
    InvoiceSchedule,
    Order,
    RatePlanCharge,
    Subscription,
)

__all__ = ["BillRunJob", "Detachment", "IdempotencyEntry", "ScheduleExtra", "Store"]


@dataclass
class Detachment:
    """Charges detached from a schedule, and what the schedule looked like at that moment."""

    charge_numbers: list[str]
    values: dict[str, Decimal]
    processed_count: int
    credit_count: int


@dataclass
class ScheduleExtra:
    """What the engine remembers about a schedule beyond its v1 fields."""

    paused: bool = False
    #: an explicit ``nextRunDate`` set by an update; cleared when the next item executes
    next_run_override: date | None = None
    #: when a credit became due on this schedule (shown as its ``nextRunDate``)
    credit_date: date | None = None
    detachments: list[Detachment] = field(default_factory=list)
    credit_memo_ids: list[str] = field(default_factory=list)
    #: billed amounts that a bill run's ``chargeTypeToExclude`` held back after the last item
    #: was processed: unbilled, and invoiced by the schedule's next run without an item
    deferred: dict[str, Decimal] = field(default_factory=dict)  # charge type -> amount
    #: when charges were last detached (kept after they are attached again): invoices generated
    #: up to then can no longer be unposted
    last_detached_at: datetime | None = None


@dataclass
class BillRunJob:
    """The work a bill run does when it completes: ``(schedule id, item id or None=credit)``."""

    targets: list[tuple[str, str | None]]
    account_ids: list[str]
    #: a scheduled run waiting for its time (selects its accounts when it starts)
    waiting: bool = False
    #: accounts billed so far (``account_ids`` in order, one per step while Processing)
    processed: int = 0


@dataclass
class IdempotencyEntry:
    operation: str
    fingerprint: str
    kind: str  # "bill_run" or "schedule"
    object_id: str


class Store:
    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.account_by_number: dict[str, str] = {}
        self.account_names: dict[str, str] = {}  # account number -> name (search, order views)
        self.subscriptions: dict[str, Subscription] = {}
        self.subscription_by_number: dict[str, str] = {}
        self.charges: dict[str, RatePlanCharge] = {}  # by charge number (shared objects)
        self.charge_subscription: dict[str, str] = {}  # charge number -> subscription id
        self.charge_order: dict[str, str] = {}  # charge number -> order number that created it
        self.orders: dict[str, Order] = {}
        self.order_by_number: dict[str, str] = {}
        self.order_ids: list[str] = []  # ascending order number
        self.order_numbers: list[str] = []  # parallel to order_ids: bisect for number search
        self.order_positions: dict[str, list[int]] = {}  # account number -> its order_ids indexes
        self.subscription_version: dict[str, int] = {}  # latest version written by an order
        self.schedules: dict[str, InvoiceSchedule] = {}
        self.schedule_by_number: dict[str, str] = {}
        self.schedule_numbers: dict[str, str] = {}  # schedule id -> number (order views)
        self.schedule_ids: list[str] = []  # ascending schedule number
        self.schedules_by_order: dict[str, list[str]] = {}  # order number -> schedule ids
        self.schedules_by_account: dict[str, list[str]] = {}  # account id -> schedule ids
        self.schedule_charges: dict[str, list[str]] = {}  # schedule id -> attached charges
        self.schedule_extra: dict[str, ScheduleExtra] = {}
        self.item_schedule: dict[str, str] = {}  # item id -> schedule id
        self.item_billed: dict[str, Decimal] = {}  # processed item id -> invoiced amount
        self.bill_runs: dict[str, BillRun] = {}
        self.bill_run_by_number: dict[str, str] = {}
        self.jobs: dict[str, BillRunJob] = {}  # bill run id -> its work (kept after completion)
        self.active_bill_runs: dict[str, None] = {}  # Pending/Processing runs, oldest first
        self.waiting_runs: dict[str, None] = {}  # scheduled runs waiting for their time
        self.waiting_requests: dict[str, CreateBillRunRequest] = {}  # what each one will run
        self.bill_run_documents: dict[str, list[str]] = {}  # bill run id -> invoice/memo ids
        self.invoices: dict[str, Invoice] = {}
        self.invoice_by_number: dict[str, str] = {}
        self.credit_memos: dict[str, CreditMemo] = {}
        self.credit_memo_by_number: dict[str, str] = {}
        self.document_item: dict[str, tuple[str, str]] = {}  # doc id -> (schedule id, item id)
        self.idempotency: dict[str, IdempotencyEntry] = {}
        # when the Zuora Scheduler executes each schedule's next item, and a heap over it
        # (entries go stale when a date changes; they are dropped when they reach the top)
        self.due: dict[str, date] = {}
        self._due_heap: list[tuple[date, str, str]] = []

    # ----------------------------------------------------------------- lookups by id or number

    def account(self, key: str) -> Account | None:
        return self.accounts.get(self.account_by_number.get(key, key))

    def subscription(self, key: str) -> Subscription | None:
        return self.subscriptions.get(self.subscription_by_number.get(key, key))

    def order(self, key: str) -> Order | None:
        return self.orders.get(self.order_by_number.get(key, key))

    def schedule(self, key: str) -> InvoiceSchedule | None:
        return self.schedules.get(self.schedule_by_number.get(key, key))

    def bill_run(self, bill_run_id: str) -> BillRun | None:
        return self.bill_runs.get(bill_run_id)

    def invoice(self, key: str) -> Invoice | None:
        return self.invoices.get(self.invoice_by_number.get(key, key))

    def credit_memo(self, key: str) -> CreditMemo | None:
        return self.credit_memos.get(self.credit_memo_by_number.get(key, key))

    # ----------------------------------------------------------------- adding objects

    def add_account(self, account: Account) -> None:
        self.accounts[account.id] = account
        self.account_by_number[account.account_number] = account.id
        self.account_names[account.account_number] = account.name

    def add_subscription(self, subscription: Subscription, order_number: str | None) -> None:
        self.subscriptions[subscription.id] = subscription
        self.subscription_by_number[subscription.subscription_number] = subscription.id
        for plan in subscription.rate_plans:
            for charge in plan.rate_plan_charges:
                self.index_charge(subscription, charge, order_number)

    def index_charge(
        self, subscription: Subscription, charge: RatePlanCharge, order_number: str | None
    ) -> None:
        self.charges[charge.number] = charge
        self.charge_subscription[charge.number] = subscription.id
        if order_number is not None:
            self.charge_order[charge.number] = order_number

    def add_order(self, order: Order) -> None:
        self.orders[order.id] = order
        self.order_by_number[order.order_number] = order.id
        self.order_ids.append(order.id)
        for order_sub in order.subscriptions:
            number = order_sub.subscription_number
            version = order_sub.new_version or 1
            self.subscription_version[number] = max(
                self.subscription_version.get(number, 1), version
            )
        self.order_numbers.append(order.order_number)
        self.order_positions.setdefault(order.existing_account_number, []).append(
            len(self.order_ids) - 1
        )

    def add_schedule(self, schedule: InvoiceSchedule, extra: ScheduleExtra) -> None:
        self.schedules[schedule.id] = schedule
        self.schedule_by_number[schedule.number] = schedule.id
        self.schedule_numbers[schedule.id] = schedule.number
        self.schedule_ids.append(schedule.id)
        self.schedule_extra[schedule.id] = extra
        self.schedules_by_account.setdefault(schedule.account_id, []).append(schedule.id)
        for order_number in schedule.orders:
            self.schedules_by_order.setdefault(order_number, []).append(schedule.id)
        for item in schedule.schedule_items:
            self.item_schedule[item.id] = schedule.id

    def set_due(self, schedule: InvoiceSchedule, when: date | None) -> None:
        if self.due.get(schedule.id) == when:
            return
        if when is None:
            self.due.pop(schedule.id, None)
            return
        self.due[schedule.id] = when
        heapq.heappush(self._due_heap, (when, schedule.number, schedule.id))

    def earliest_due(self) -> date | None:
        heap = self._due_heap
        while heap:
            when, _, sid = heap[0]
            if self.due.get(sid) == when:
                return when
            heapq.heappop(heap)
        return None

    def take_due(self, day: date) -> list[str]:
        """Schedule ids due on or before ``day``, by date then number; their entries are removed
        (``set_due`` adds a fresh one when the schedule's date changes)."""
        taken: list[str] = []
        heap = self._due_heap
        while heap and heap[0][0] <= day:
            when, _, sid = heapq.heappop(heap)
            if self.due.get(sid) == when:
                del self.due[sid]  # a duplicate entry of the same date now finds nothing
                taken.append(sid)
        return taken

    def remove_schedule(self, schedule: InvoiceSchedule) -> None:
        self.due.pop(schedule.id, None)
        del self.schedules[schedule.id]
        del self.schedule_by_number[schedule.number]
        self.schedule_numbers.pop(schedule.id, None)
        self.schedule_ids.remove(schedule.id)
        del self.schedule_extra[schedule.id]
        self.schedule_charges.pop(schedule.id, None)
        self.schedules_by_account[schedule.account_id].remove(schedule.id)
        for order_number in schedule.orders:
            self.schedules_by_order[order_number].remove(schedule.id)
        for item in schedule.schedule_items:
            self.item_schedule.pop(item.id, None)

    def set_schedule_orders(self, schedule: InvoiceSchedule, orders: list[str]) -> None:
        for order_number in schedule.orders:
            self.schedules_by_order[order_number].remove(schedule.id)
        schedule.orders = list(orders)
        for order_number in orders:
            ids = self.schedules_by_order.setdefault(order_number, [])
            ids.append(schedule.id)
            ids.sort(key=lambda sid: self.schedules[sid].number)

    def add_bill_run(self, bill_run: BillRun, job: BillRunJob) -> None:
        self.bill_runs[bill_run.id] = bill_run
        self.bill_run_by_number[bill_run.bill_run_number] = bill_run.id
        self.jobs[bill_run.id] = job
        if job.waiting and bill_run.status is BillRunStatus.PENDING:
            self.waiting_runs[bill_run.id] = None
        elif not bill_run.is_finished:
            self.active_bill_runs[bill_run.id] = None
        self.bill_run_documents.setdefault(bill_run.id, [])

    def add_invoice(self, invoice: Invoice, schedule_id: str, item_id: str) -> None:
        self.invoices[invoice.id] = invoice
        self.invoice_by_number[invoice.invoice_number] = invoice.id
        self.document_item[invoice.id] = (schedule_id, item_id)
        if invoice.bill_run_id:
            self.bill_run_documents.setdefault(invoice.bill_run_id, []).append(invoice.id)

    def add_credit_memo(self, memo: CreditMemo, schedule_id: str, item_id: str) -> None:
        self.credit_memos[memo.id] = memo
        self.credit_memo_by_number[memo.number] = memo.id
        self.document_item[memo.id] = (schedule_id, item_id)
        if memo.bill_run_id:
            self.bill_run_documents.setdefault(memo.bill_run_id, []).append(memo.id)

    # ----------------------------------------------------------------- removing objects

    def remove_invoice(self, invoice: Invoice) -> None:
        del self.invoices[invoice.id]
        self.invoice_by_number.pop(invoice.invoice_number, None)
        self.document_item.pop(invoice.id, None)

    def remove_credit_memo(self, memo: CreditMemo) -> None:
        del self.credit_memos[memo.id]
        self.credit_memo_by_number.pop(memo.number, None)
        self.document_item.pop(memo.id, None)

    def remove_bill_run(self, bill_run: BillRun) -> None:
        """The run and its bookkeeping; its documents must have been removed first."""
        del self.bill_runs[bill_run.id]
        self.bill_run_by_number.pop(bill_run.bill_run_number, None)
        self.jobs.pop(bill_run.id, None)
        self.active_bill_runs.pop(bill_run.id, None)
        self.waiting_runs.pop(bill_run.id, None)
        self.waiting_requests.pop(bill_run.id, None)
        self.bill_run_documents.pop(bill_run.id, None)
