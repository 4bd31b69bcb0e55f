"""Domain models shared by every backend and by the console.

Python attribute names are snake_case; the JSON aliases are exactly Zuora's camelCase field names,
so one model parses a real Zuora response and serialises the fake server's. Money is ``Decimal``
and dates are ``datetime.date`` end to end; use :mod:`backends.jsoncodec` to read and write JSON
so that numbers stay exact (pydantic's own JSON mode would write Decimals as strings).

A few fields are marked *derived*: Zuora's UI shows them but the v1 resource does not carry them
(for example an item's invoice number). Backends fill them where that is cheap (the fake always,
the REST backend from an Object Query expansion) and they are ``None`` otherwise.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = [
    "ALL_BATCHES",
    "ALL_BILL_CYCLE_DAYS",
    "Account",
    "BackendInfo",
    "BillRun",
    "BillRunAccount",
    "BillRunDocuments",
    "BillRunFilter",
    "BillRunFilterType",
    "BillRunProgress",
    "BillRunSchedule",
    "BillRunStatus",
    "BillingDocument",
    "ChargeType",
    "ClockAdvance",
    "Contact",
    "CreateBillRunRequest",
    "CreateInvoiceScheduleRequest",
    "CreditMemo",
    "DocumentStatus",
    "DocumentType",
    "ExecutedItem",
    "FaultEffect",
    "FaultRuleSpec",
    "GenerateBillingDocumentsRequest",
    "GeneratedDocuments",
    "Invoice",
    "InvoiceItem",
    "InvoiceSchedule",
    "InvoiceScheduleStatus",
    "Order",
    "OrderAction",
    "OrderActionType",
    "OrderStatus",
    "OrderSubscription",
    "Page",
    "PostResult",
    "RatePlan",
    "RatePlanCharge",
    "RepeatType",
    "ScheduleItem",
    "ScheduleItemInput",
    "ScheduleItemStatus",
    "SpecificSubscription",
    "Subscription",
    "SubscriptionStatus",
    "Timestamp",
    "TriggerDate",
    "UpdateInvoiceScheduleRequest",
    "Weekday",
    "ZuoraModel",
]


def _tenant_wall_time(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


#: A timestamp in the tenant's time zone. v1 sends ``2022-11-08 17:26:09`` (no zone), Object
#: Query ``2025-04-07T02:33:50-07:00``: both are the tenant's wall time, so the offset is
#: dropped and timestamps from either family compare.
Timestamp = Annotated[datetime, AfterValidator(_tenant_wall_time)]


class ZuoraModel(BaseModel):
    """Base for every model: camelCase aliases, snake_case attributes, unknown fields ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        frozen=False,
        use_enum_values=False,
        # validators are built on first use, not at import: start-up pays only for the models
        # the first screen reads
        defer_build=True,
    )

    def to_wire(self) -> dict[str, object]:
        """The model as Zuora would send it: camelCase keys, Decimals and dates kept as objects.

        Pass the result to :func:`backends.jsoncodec.dumps` for text.
        """
        return self.model_dump(by_alias=True, mode="python", exclude_none=False)


# --------------------------------------------------------------------------- enums


class InvoiceScheduleStatus(StrEnum):
    PENDING = "Pending"
    PARTIALLY_PROCESSED = "PartiallyProcessed"
    PAUSED = "Paused"
    FULLY_PROCESSED = "FullyProcessed"


class ScheduleItemStatus(StrEnum):
    PENDING = "Pending"
    EXECUTING = "Executing"
    PROCESSED = "Processed"


class BillRunStatus(StrEnum):
    PENDING = "Pending"
    PROCESSING = "Processing"
    COMPLETED = "Completed"
    ERROR = "Error"
    CANCELED = "Canceled"
    POSTED = "Posted"
    POST_IN_PROGRESS = "PostInProgress"
    CANCEL_IN_PROGRESS = "CancelInProgress"
    REMOVE_IN_PROGRESS = "RemoveInProgress"
    PAUSED = "Paused"


class DocumentStatus(StrEnum):
    """Status of an invoice or a credit memo."""

    DRAFT = "Draft"
    POSTED = "Posted"
    CANCELED = "Canceled"
    ERROR = "Error"


class OrderStatus(StrEnum):
    DRAFT = "Draft"
    PENDING = "Pending"
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"  # Zuora spells the order status with two Ls
    SCHEDULED = "Scheduled"
    EXECUTING = "Executing"
    FAILED = "Failed"


class OrderActionType(StrEnum):
    CREATE_SUBSCRIPTION = "CreateSubscription"
    ADD_PRODUCT = "AddProduct"
    REMOVE_PRODUCT = "RemoveProduct"
    UPDATE_PRODUCT = "UpdateProduct"
    CANCEL_SUBSCRIPTION = "CancelSubscription"
    RENEW_SUBSCRIPTION = "RenewSubscription"
    TERMS_AND_CONDITIONS = "TermsAndConditions"
    OWNER_TRANSFER = "OwnerTransfer"


class SubscriptionStatus(StrEnum):
    DRAFT = "Draft"
    PENDING_ACTIVATION = "Pending Activation"
    PENDING_ACCEPTANCE = "Pending Acceptance"
    ACTIVE = "Active"
    CANCELLED = "Cancelled"
    EXPIRED = "Expired"
    SUSPENDED = "Suspended"


class ChargeType(StrEnum):
    ONE_TIME = "OneTime"
    RECURRING = "Recurring"
    USAGE = "Usage"


class RepeatType(StrEnum):
    """How a scheduled bill run repeats (``schedule.repeatType``)."""

    NONE = "None"
    DAILY = "Daily"
    WEEKLY = "Weekly"
    MONTHLY = "Monthly"


class Weekday(StrEnum):
    MON = "Mon"
    TUE = "Tue"
    WED = "Wed"
    THU = "Thu"
    FRI = "Fri"
    SAT = "Sat"
    SUN = "Sun"


class DocumentType(StrEnum):
    INVOICE = "Invoice"
    CREDIT_MEMO = "CreditMemo"


class BillRunFilterType(StrEnum):
    ACCOUNT = "Account"
    SUBSCRIPTION = "Subscription"
    INVOICE_SCHEDULE = "InvoiceSchedule"
    BILL_RUN_ERRORS = "BillRunErrors"
    FILTER_CONDITION = "FilterCondition"


# --------------------------------------------------------------------------- paging

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list. ``next_cursor`` is opaque: hand it back to get the next page."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    items: list[T]
    next_cursor: str | None = None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


# --------------------------------------------------------------------------- accounts


class Contact(ZuoraModel):
    """A contact of an account (Object Query ``expand[]=billto``): only what the console shows."""

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    work_email: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class Account(ZuoraModel):
    id: str
    account_number: str
    name: str
    currency: str
    status: str = "Active"
    bill_cycle_day: int = 1
    balance: Decimal = Decimal("0")
    #: ``Batch1`` ... ``Batch50``: the group a batch bill run selects the account by
    batch: str | None = None
    #: e.g. ``Net 30``
    payment_term: str | None = None
    bill_to_id: str | None = None
    #: the bill-to contact (Object Query ``billTo``; filled where the backend read it)
    bill_to: Contact | None = None


# --------------------------------------------------------------------------- subscriptions


class RatePlanCharge(ZuoraModel):
    """A subscription's charge. Only ``number`` is required: Zuora's spec marks no field of a
    subscription's charge as required, and the console needs the number (to detach or attach
    it) and ``invoice_schedule_id`` (whose schedule bills it; absent: none). The fake engine
    always fills the rest."""

    id: str | None = None
    number: str  # charge number, C-00000001
    name: str | None = None
    type: ChargeType | None = None
    billing_period: str | None = "Month"
    price: Decimal = Decimal("0")
    quantity: Decimal = Decimal("1")
    effective_start_date: date | None = None
    effective_end_date: date | None = None
    invoice_schedule_id: str | None = None

    @property
    def start(self) -> date:
        """``effective_start_date``, which every charge the fake engine makes carries."""
        if self.effective_start_date is None:
            raise ValueError(f"charge {self.number} has no effective start date")
        return self.effective_start_date


class RatePlan(ZuoraModel):
    id: str | None = None
    product_name: str | None = None
    rate_plan_name: str | None = None
    last_change_type: str | None = None  # "Add", "Remove", "Update" as in Zuora
    rate_plan_charges: list[RatePlanCharge] = Field(default_factory=list)


class Subscription(ZuoraModel):
    """A subscription with its rate plans and charges (``get_subscription``). Zuora's spec
    requires no field of it; the contract needs ``subscription_number`` (and each charge's
    number). The fake engine always fills the dates and the account."""

    id: str
    subscription_number: str
    account_id: str | None = None
    account_number: str | None = None
    status: SubscriptionStatus | None = SubscriptionStatus.ACTIVE
    term_type: str | None = "TERMED"
    contract_effective_date: date | None = None
    term_start_date: date | None = None
    term_end_date: date | None = None
    cancelled_date: date | None = None
    invoice_schedule_id: str | None = None
    rate_plans: list[RatePlan] = Field(default_factory=list)


# --------------------------------------------------------------------------- orders


class TriggerDate(ZuoraModel):
    name: str = "ContractEffective"
    trigger_date: date


class OrderAction(ZuoraModel):
    id: str
    type: OrderActionType
    sequence: int = 0
    trigger_dates: list[TriggerDate] = Field(default_factory=list)
    #: For RemoveProduct: the rate plan removed. For CancelSubscription: the effective date.
    rate_plan_id: str | None = None
    cancellation_effective_date: date | None = None


class OrderSubscription(ZuoraModel):
    subscription_number: str
    base_version: int | None = None
    new_version: int | None = 1
    sequence: int = 0
    subscription_owner_account_number: str | None = None
    order_actions: list[OrderAction] = Field(default_factory=list)


class Order(ZuoraModel):
    id: str
    order_number: str
    order_date: date
    existing_account_number: str
    status: OrderStatus = OrderStatus.COMPLETED
    category: str = "NewSales"
    description: str | None = None
    currency: str | None = None
    #: The last invoice schedule created for this order, as Zuora reports it.
    invoice_schedule_id: str | None = None
    subscriptions: list[OrderSubscription] = Field(default_factory=list)
    created_date: Timestamp | None = None
    updated_date: Timestamp | None = None
    # derived: filled by backends where cheap (see module docstring)
    account_id: str | None = None
    account_name: str | None = None
    invoice_schedule_number: str | None = None


# --------------------------------------------------------------------------- invoice schedules


class SpecificSubscription(ZuoraModel):
    order_key: str
    subscription_key: str
    charge_numbers: list[str] = Field(default_factory=list)


class ScheduleItem(ZuoraModel):
    id: str
    name: str | None = None
    amount: Decimal
    percentage: Decimal | None = None
    actual_amount: Decimal
    run_date: date | None = None
    target_date_for_additional_subscriptions: date | None = None
    status: ScheduleItemStatus = ScheduleItemStatus.PENDING
    invoice_id: str | None = None
    credit_memo_id: str | None = None
    # derived
    invoice_number: str | None = None
    invoice_status: DocumentStatus | None = None
    credit_memo_number: str | None = None
    credit_memo_status: DocumentStatus | None = None
    bill_run_id: str | None = None


class InvoiceSchedule(ZuoraModel):
    id: str
    number: str
    account_id: str
    status: InvoiceScheduleStatus
    currency: str
    total_amount: Decimal
    actual_amount: Decimal
    billed_amount: Decimal
    unbilled_amount: Decimal
    next_run_date: date | None = None
    notes: str | None = None
    orders: list[str] = Field(default_factory=list)
    specific_subscriptions: list[SpecificSubscription] = Field(default_factory=list)
    additional_subscriptions_to_bill: list[str] = Field(default_factory=list)
    invoice_separately: bool = False
    schedule_items: list[ScheduleItem] = Field(default_factory=list)
    created_date: Timestamp | None = None
    updated_date: Timestamp | None = None

    def item(self, item_id: str) -> ScheduleItem | None:
        return next((i for i in self.schedule_items if i.id == item_id), None)

    @property
    def earliest_pending_item(self) -> ScheduleItem | None:
        return next(
            (i for i in self.schedule_items if i.status is ScheduleItemStatus.PENDING), None
        )


class ScheduleItemInput(ZuoraModel):
    """An item in a create or update request: ``amount`` xor ``percentage``; ``id`` keeps one."""

    id: str | None = None
    name: str | None = None
    amount: Decimal | None = None
    percentage: Decimal | None = None
    run_date: date | None = None
    target_date_for_additional_subscriptions: date | None = None


class CreateInvoiceScheduleRequest(ZuoraModel):
    account_key: str
    orders: list[str]
    schedule_items: list[ScheduleItemInput] = Field(default_factory=list)
    specific_subscriptions: list[SpecificSubscription] = Field(default_factory=list)
    additional_subscriptions_to_bill: list[str] = Field(default_factory=list)
    invoice_separately: bool = False
    notes: str | None = None


class UpdateInvoiceScheduleRequest(ZuoraModel):
    """Replace-style update: a list given replaces the stored one; ``None`` leaves it alone."""

    orders: list[str] | None = None
    schedule_items: list[ScheduleItemInput] | None = None
    specific_subscriptions: list[SpecificSubscription] | None = None
    additional_subscriptions_to_bill: list[str] | None = None
    invoice_separately: bool | None = None
    next_run_date: date | None = None
    notes: str | None = None


# --------------------------------------------------------------------------- bill runs


class BillRunFilter(ZuoraModel):
    filter_type: BillRunFilterType
    account_id: str | None = None
    subscription_id: str | None = None
    invoice_schedule_id: str | None = None
    invoice_schedule_item_id: str | None = None


class BillRunSchedule(ZuoraModel):
    """``schedule`` of a scheduled bill run, as ``POST /v1/bill-runs`` takes it.

    ``runTime`` is the hour (0-23, tenant time zone); ``weeklyOnDay`` for Weekly runs;
    ``monthlyOnEndOfMonth`` true runs a Monthly run on the last day of the month, otherwise on
    ``repeatFrom``'s day of the month.
    """

    repeat_type: RepeatType
    repeat_from: date
    repeat_to: date | None = None
    run_time: int = Field(ge=0, le=23)
    weekly_on_day: list[Weekday] | None = None
    monthly_on_end_of_month: bool | None = None


class BillRun(ZuoraModel):
    id: str
    bill_run_number: str
    name: str | None = None
    status: BillRunStatus
    target_date: date | None = None
    invoice_date: date | None = None
    auto_post: bool = False
    auto_email: bool = False
    auto_renewal: bool = False
    no_email_for_zero_amount_invoice: bool = False
    bill_cycle_day: str | None = None
    batches: list[str] | None = None
    charge_type_to_exclude: list[ChargeType] = Field(default_factory=list)
    bill_run_filters: list[BillRunFilter] = Field(default_factory=list)
    schedule: BillRunSchedule | None = None
    #: when a scheduled run executes next (tenant wall time)
    scheduled_execution_time: Timestamp | None = None
    #: scheduled runs: target and invoice date as days after the run date
    target_date_offset: int | None = None
    invoice_date_offset: int | None = None
    created_by_id: str | None = None
    created_date: Timestamp | None = None
    updated_by_id: str | None = None
    updated_date: Timestamp | None = None
    # Object Query extras (absent from the v1 object)
    number_of_accounts: int | None = None
    number_of_invoices: int | None = None
    number_of_credit_memos: int | None = None

    @property
    def is_scheduled(self) -> bool:
        return self.schedule is not None

    @property
    def is_finished(self) -> bool:
        return self.status in {
            BillRunStatus.COMPLETED,
            BillRunStatus.ERROR,
            BillRunStatus.CANCELED,
            BillRunStatus.POSTED,
        }


#: Every batch (``batches: ["AllBatches"]``) and every bill cycle day (``billCycleDay``).
ALL_BATCHES = "AllBatches"
ALL_BILL_CYCLE_DAYS = "AllBillCycleDays"


class CreateBillRunRequest(ZuoraModel):
    """``POST /v1/bill-runs``. Who: ``bill_run_filters`` (one Account filter per account, or
    Subscription filters) xor ``batches`` (``Batch1``...``Batch50`` or ``AllBatches``) with an
    optional ``bill_cycle_day`` (``1``-``31`` or ``AllBillCycleDays``); neither = all accounts.
    When: ad hoc (``target_date`` required) or ``schedule`` (then the dates may be given as
    ``target_date_offset``/``invoice_date_offset`` days after each run's date)."""

    name: str | None = None
    target_date: date | None = None
    invoice_date: date | None = None
    bill_run_filters: list[BillRunFilter] = Field(default_factory=list)
    batches: list[str] | None = None
    bill_cycle_day: str | None = None
    charge_type_to_exclude: list[ChargeType] = Field(default_factory=list)
    auto_post: bool = False
    auto_email: bool = False
    auto_renewal: bool = False
    no_email_for_zero_amount_invoice: bool = False
    schedule: BillRunSchedule | None = None
    target_date_offset: int | None = None
    invoice_date_offset: int | None = None


class GenerateBillingDocumentsRequest(ZuoraModel):
    """``POST /v1/accounts/{key}/billing-documents/generate``: bill one account now, whatever
    its invoice schedules' state (Zuora's way to bill a paused schedule)."""

    effective_date: date | None = None
    target_date: date
    auto_post: bool = False
    subscription_ids: list[str] | None = None
    charge_type_to_exclude: list[ChargeType] = Field(default_factory=list)


class GeneratedDocuments(ZuoraModel):
    """What generate by account produced: the ids Zuora answers with (numbers derived)."""

    invoice_ids: list[str] = Field(default_factory=list)
    credit_memo_ids: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- documents


class Invoice(ZuoraModel):
    id: str
    invoice_number: str
    account_id: str
    account_number: str | None = None
    status: DocumentStatus
    currency: str
    amount: Decimal
    amount_without_tax: Decimal
    tax_amount: Decimal = Decimal("0")
    balance: Decimal
    payment_amount: Decimal = Decimal("0")
    credit_memo_amount: Decimal = Decimal("0")
    invoice_date: date
    due_date: date | None = None
    target_date: date | None = None
    posted_date: date | None = None
    posted_by: str | None = None
    bill_run_id: str | None = None
    source: str | None = "BillRun"
    source_id: str | None = None
    source_type: str | None = "Subscription"
    reversed: bool = False
    comments: str | None = None
    created_date: Timestamp | None = None
    updated_date: Timestamp | None = None


class InvoiceItem(ZuoraModel):
    id: str
    charge_name: str
    charge_amount: Decimal
    tax_amount: Decimal = Decimal("0")
    service_start_date: date | None = None
    service_end_date: date | None = None
    subscription_number: str | None = None
    charge_number: str | None = None
    invoice_schedule_id: str | None = None
    invoice_schedule_item_id: str | None = None


class CreditMemo(ZuoraModel):
    id: str
    number: str
    account_id: str
    account_number: str | None = None
    status: DocumentStatus
    currency: str
    amount: Decimal
    tax_amount: Decimal = Decimal("0")
    applied_amount: Decimal = Decimal("0")
    unapplied_amount: Decimal
    refund_amount: Decimal = Decimal("0")
    credit_memo_date: date
    target_date: date | None = None
    referred_invoice_id: str | None = None
    reason_code: str | None = None
    source: str | None = "BillRun"
    source_id: str | None = None
    source_type: str | None = "Subscription"
    bill_run_id: str | None = None
    posted_on: Timestamp | None = None
    reversed: bool = False
    created_date: Timestamp | None = None
    updated_date: Timestamp | None = None

    @property
    def balance(self) -> Decimal:
        return self.unapplied_amount


class PostResult(ZuoraModel):
    """The outcome for one invoice of a bulk post: posted, or refused with Zuora's code/message.

    ``key`` is the key as the caller gave it; ``invoice_id``/``invoice_number`` are filled when the
    backend could tell which invoice the key names (``None`` for a key that names none).
    """

    key: str
    invoice_id: str | None = None
    invoice_number: str | None = None
    success: bool
    code: int | None = None
    message: str | None = None


class BillingDocument(ZuoraModel):
    """One row of the tenant-wide documents list: an invoice or a credit memo."""

    document_type: DocumentType
    id: str
    number: str
    account_id: str
    account_number: str | None = None
    status: DocumentStatus
    document_date: date
    currency: str
    amount: Decimal
    balance: Decimal
    bill_run_id: str | None = None
    source_id: str | None = None


class BillRunAccount(ZuoraModel):
    """An account a bill run billed, with what it produced for it."""

    account_id: str
    account_number: str | None = None
    account_name: str | None = None
    number_of_invoices: int = 0
    number_of_credit_memos: int = 0
    invoice_total: Decimal = Decimal("0")
    credit_memo_total: Decimal = Decimal("0")


class BillRunProgress(ZuoraModel):
    """How far a bill run got: accounts processed of those selected, documents so far."""

    bill_run_id: str
    status: BillRunStatus
    number_of_accounts: int
    accounts_processed: int
    number_of_invoices: int
    number_of_credit_memos: int
    invoice_total: Decimal
    credit_memo_total: Decimal
    accounts: list[BillRunAccount] = Field(default_factory=list)


class BillRunDocuments(ZuoraModel):
    """The invoices and credit memos a bill run produced (cancelled ones included)."""

    invoices: list[Invoice] = Field(default_factory=list)
    credit_memos: list[CreditMemo] = Field(default_factory=list)


# --------------------------------------------------------------------------- simulated clock


class ExecutedItem(ZuoraModel):
    """One schedule item the simulated Zuora Scheduler picked up during a clock advance."""

    schedule_number: str
    schedule_item_id: str
    run_date: date
    bill_run_id: str
    bill_run_number: str


class ClockAdvance(ZuoraModel):
    """What happened when the fake's clock moved forward."""

    from_date: date
    to_date: date
    executed: list[ExecutedItem] = Field(default_factory=list)
    #: scheduled bill runs that started on the way (each its own bill run)
    started_bill_runs: list[BillRun] = Field(default_factory=list)


class BackendInfo(ZuoraModel):
    """What the console's header shows about the backend it talks to."""

    kind: str  # "FAKE" or "REST"
    host: str | None = None


# --------------------------------------------------------------------------- fault injection


class FaultEffect(StrEnum):
    """What a fault rule does to a matching call (Zuora-shaped failures)."""

    LATENCY = "latency"  # answer late, otherwise normally
    RATE_LIMIT = "rate_limit"  # 429, category 70, Retry-After
    LOCK = "lock"  # 409, category 50 lock contention
    TEMPORARY = "temporary"  # 500, category 61
    UNAVAILABLE = "unavailable"  # 503
    TIMEOUT = "timeout"  # 504 gateway timeout
    DROP = "drop"  # the connection drops without an answer


class FaultRuleSpec(ZuoraModel):
    """A fault rule of the fake, in-process or behind the fake server.

    ``operation`` is Zuora's OpenAPI operationId (``POST_ExecuteInvoiceSchedule``) and matches on
    both front doors; ``method`` and ``path`` (a glob) match HTTP requests only. ``phase`` says
    whether the fault hits before the engine runs (nothing happened) or after (the work was done
    and the answer is lost).
    """

    id: int = 0
    effect: FaultEffect
    operation: str | None = None
    method: str = "*"
    path: str = "*"
    times: int | None = None
    probability: Decimal = Decimal("1")
    latency_ms: int = 0
    retry_after: int = 1
    phase: str = "before"
    fired: int = 0
