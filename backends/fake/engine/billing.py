"""Who a bill run bills, scheduled bill runs, generate by account, and the account and document
lists with a bill run's progress.

Choices where Zuora is silent (written down here, where the code makes them):

* **Selection.** ``billRunFilters`` (one ``Account`` filter per account, or ``Subscription``
  filters) and ``batches`` are mutually exclusive; ``billCycleDay`` only narrows ``batches``.
  ``batches: ["AllBatches"]`` takes every account whatever its batch; ``Batch1``...``Batch50``
  take the accounts of those batches; ``billCycleDay`` ``1``-``31`` keeps the accounts with that
  bill cycle day (``AllBillCycleDays``: any). No filter and no batch: every account. Accounts
  are taken in account-number order, each once, however many filters name it.
* **What is due.** The fake bills only invoice schedules (it models no charges outside them):
  per selected account, per schedule in number order, the Pending items whose run date is on or
  before the target date (an item with a blank run date, and every item after it, waits). A
  schedule that is not Paused is billed that way. A **Paused** schedule is billed only when the
  run's target date is *after* its next run date: Zuora's documented way to bill a paused
  schedule; otherwise it is skipped (and the scheduler and execute never bill it).
* **Excluded charge types** are honoured as :mod:`bill_runs` does for every run: an item's share
  of the excluded charges is not invoiced and stays due for a later run.
* **Busy accounts.** A run that would bill an account another unfinished run is billing is
  refused (category 50). A run holds the accounts its Account filters name, and the accounts
  with something due among those a batch, bill cycle day or all-accounts run selects.
* **Scheduled runs.** ``POST /v1/bill-runs`` with ``schedule`` answers with a *waiting* bill run:
  ``Pending``, with ``scheduledExecutionTime`` at its first occurrence (the first matching day
  on or after ``repeatFrom`` and today, at ``runTime`` o'clock). The fake's clock moves a day at
  a time: when it reaches that day, the run selects its accounts and bills like an ad hoc run
  with target date = the day + ``targetDateOffset`` (default 0) and invoice date = the day +
  ``invoiceDateOffset`` (default 0), and a new waiting bill run (its own number) is created for
  the next occurrence, until ``repeatTo``. ``Daily`` runs every day; ``Weekly`` on the
  ``weeklyOnDay`` days (default: ``repeatFrom``'s weekday); ``Monthly`` on ``repeatFrom``'s day
  (clamped to the month's length) or, with ``monthlyOnEndOfMonth``, on the last day; ``None``
  once, on ``repeatFrom``. Cancelling a waiting run with ``cancelOnce`` (Zuora's default)
  cancels that occurrence and schedules the next; without it the series stops.
* **Generate by account** bills like an ad hoc run for that one account (paused schedules
  included, since that is what it is for) and finishes at once. Zuora creates no bill run for
  it; the fake records a Completed one named ``Generate billing documents: A…`` so that its
  documents say where they came from.
* **Progress.** A run of several accounts bills one account per stage while Processing (the
  last one completes it): accounts processed counts them; the counts and totals are those of
  the documents produced so far.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from backends.fake.engine import bill_runs, schedules, views
from backends.fake.engine.core import Core
from backends.fake.engine.refusals import ACCOUNT, BILL_RUN, SUBSCRIPTION
from backends.models import (
    ALL_BATCHES,
    ALL_BILL_CYCLE_DAYS,
    Account,
    BillingDocument,
    BillRun,
    BillRunAccount,
    BillRunFilter,
    BillRunFilterType,
    BillRunProgress,
    BillRunSchedule,
    BillRunStatus,
    ChargeType,
    Contact,
    CreateBillRunRequest,
    DocumentStatus,
    DocumentType,
    GenerateBillingDocumentsRequest,
    GeneratedDocuments,
    InvoiceSchedule,
    Page,
    RepeatType,
    ScheduleItem,
    ScheduleItemStatus,
    Weekday,
)

__all__ = [
    "cancel_waiting",
    "create",
    "fire_due",
    "generate",
    "list_accounts",
    "list_documents",
    "next_scheduled_day",
    "occurrence_on_or_after",
    "progress",
    "select_targets",
]

ZERO = Decimal("0.00")
_BATCH = re.compile(r"Batch([1-9]|[1-4][0-9]|50)")
_WEEKDAYS = list(Weekday)
GENERATE_RUN_NAME = "Generate billing documents: {number}"

Targets = list[tuple[InvoiceSchedule, ScheduleItem | None]]


# --------------------------------------------------------------------------- selection


def _check_who(core: Core, request: CreateBillRunRequest) -> None:
    if request.batches is not None:
        if request.bill_run_filters:
            raise core.refuse.invalid(BILL_RUN, "Give either billRunFilters or batches, not both")
        if not request.batches:
            raise core.refuse.missing(BILL_RUN, "Name at least one batch, or AllBatches")
        for batch in request.batches:
            if batch != ALL_BATCHES and not _BATCH.fullmatch(batch):
                raise core.refuse.invalid(
                    BILL_RUN, f"{batch!r} is not a batch: use Batch1 ... Batch50 or AllBatches"
                )
    if request.bill_cycle_day is not None:
        if request.batches is None:
            raise core.refuse.invalid(BILL_RUN, "billCycleDay is given only together with batches")
        day = request.bill_cycle_day
        if day != ALL_BILL_CYCLE_DAYS and not (day.isdigit() and 1 <= int(day) <= 31):
            raise core.refuse.invalid(
                BILL_RUN, f"{day!r} is not a bill cycle day: use 1 ... 31 or AllBillCycleDays"
            )
    if len(set(request.charge_type_to_exclude)) >= len(ChargeType):
        raise core.refuse.invalid(BILL_RUN, "Exclude at most two charge types")


def _selected_accounts(core: Core, request: CreateBillRunRequest) -> list[Account] | None:
    """The accounts a run by batch, bill cycle day or for everyone takes; None for filters."""
    st = core.store
    if request.bill_run_filters:
        return None
    accounts = sorted(st.accounts.values(), key=lambda a: a.account_number)
    if request.batches is not None and ALL_BATCHES not in request.batches:
        wanted = set(request.batches)
        accounts = [a for a in accounts if a.batch in wanted]
    day = request.bill_cycle_day
    if day is not None and day != ALL_BILL_CYCLE_DAYS:
        accounts = [a for a in accounts if a.bill_cycle_day == int(day)]
    return accounts


def _filter_schedules(core: Core, request: CreateBillRunRequest) -> list[InvoiceSchedule]:
    st = core.store
    found: list[InvoiceSchedule] = []
    for flt in request.bill_run_filters:
        if flt.filter_type is BillRunFilterType.ACCOUNT:
            if not flt.account_id:
                raise core.refuse.missing(BILL_RUN, "Give the accountId of the Account filter")
            account = st.account(flt.account_id)
            if account is None:
                raise core.refuse.not_found(ACCOUNT, f"No account {flt.account_id}")
            found.extend(st.schedules[sid] for sid in st.schedules_by_account.get(account.id, []))
        elif flt.filter_type is BillRunFilterType.SUBSCRIPTION:
            if not flt.subscription_id:
                raise core.refuse.missing(
                    BILL_RUN, "Give the subscriptionId of the Subscription filter"
                )
            subscription = st.subscription(flt.subscription_id)
            if subscription is None:
                raise core.refuse.not_found(SUBSCRIPTION, f"No subscription {flt.subscription_id}")
            for plan in subscription.rate_plans:
                for charge in plan.rate_plan_charges:
                    sid = charge.invoice_schedule_id
                    if sid in st.schedules:
                        found.append(st.schedules[sid])
        else:
            raise core.refuse.invalid(
                BILL_RUN, f"The fake does not run bill runs filtered by {flt.filter_type}"
            )
    return found


def due_items(
    core: Core, schedule: InvoiceSchedule, target_date: date, *, paused_too: bool = False
) -> list[ScheduleItem]:
    """The Pending items of ``schedule`` a run with ``target_date`` bills (see the module
    docstring); ``paused_too`` bills a Paused schedule whatever its next run date."""
    extra = core.store.schedule_extra[schedule.id]
    if extra.paused and not paused_too:
        first = schedules.first_pending(schedule)
        next_run = (extra.next_run_override or first.run_date) if first is not None else None
        if next_run is None or not target_date > next_run:
            return []
    items: list[ScheduleItem] = []
    for item in schedule.schedule_items:
        if item.status is not ScheduleItemStatus.PENDING:
            continue
        if item.run_date is None or item.run_date > target_date:
            break
        items.append(item)
    return items


def select_targets(
    core: Core,
    request: CreateBillRunRequest,
    target_date: date,
    *,
    paused_too: bool = False,
) -> tuple[Targets, list[str]]:
    """``(schedule, item)`` pairs to bill and the accounts they belong to, in account order."""
    st = core.store
    accounts = _selected_accounts(core, request)
    if accounts is None:
        candidates = _filter_schedules(core, request)
    else:
        candidates = [
            st.schedules[sid] for a in accounts for sid in st.schedules_by_account.get(a.id, [])
        ]
    exclude = set(request.charge_type_to_exclude)
    ordered = sorted(
        {s.id: s for s in candidates}.values(),
        key=lambda s: (st.accounts[s.account_id].account_number, s.number),
    )
    targets: Targets = []
    # accounts named by an Account filter are held by the run even with nothing due
    account_ids: list[str] = [
        st.accounts[st.account_by_number.get(f.account_id, f.account_id)].id
        for f in request.bill_run_filters
        if f.filter_type is BillRunFilterType.ACCOUNT and f.account_id and st.account(f.account_id)
    ]
    account_ids = list(dict.fromkeys(account_ids))
    for schedule in ordered:
        due: list[ScheduleItem | None] = list(
            due_items(core, schedule, target_date, paused_too=paused_too)
        )
        extra = st.schedule_extra[schedule.id]
        if (
            not due
            and (paused_too or not extra.paused)
            and schedules.first_pending(schedule) is None
            and bill_runs.billable_deferred(extra.deferred, list(exclude))
        ):
            due = [None]  # the charges an earlier run excluded (see bill_runs)
        targets.extend((schedule, item) for item in due)
        if due and schedule.account_id not in account_ids:
            account_ids.append(schedule.account_id)
    return targets, account_ids


def _run_now(
    core: Core,
    request: CreateBillRunRequest,
    target_date: date,
    invoice_date: date,
    *,
    name: str | None,
    paused_too: bool = False,
    schedule: BillRunSchedule | None = None,
) -> BillRun:
    targets, account_ids = select_targets(core, request, target_date, paused_too=paused_too)
    bill_runs.refuse_if_busy(core, account_ids)
    run = bill_runs.new_run(
        core,
        name=name,
        target_date=target_date,
        invoice_date=invoice_date,
        filters=request.bill_run_filters,
        exclude=request.charge_type_to_exclude,
        targets=targets,
        account_ids=account_ids,
        auto_post=request.auto_post,
        auto_email=request.auto_email,
        auto_renewal=request.auto_renewal,
        no_email_for_zero=request.no_email_for_zero_amount_invoice,
    )
    run.batches = list(request.batches) if request.batches is not None else None
    run.bill_cycle_day = request.bill_cycle_day
    run.schedule = schedule.model_copy() if schedule is not None else None
    run.target_date_offset = request.target_date_offset if schedule is not None else None
    run.invoice_date_offset = request.invoice_date_offset if schedule is not None else None
    return run


def create(core: Core, request: CreateBillRunRequest) -> BillRun:
    """An ad hoc run by account, subscription, batch, bill cycle day or for everyone, or a
    waiting scheduled run (the module docstring)."""
    _check_who(core, request)
    if request.schedule is not None:
        return _create_scheduled(core, request)
    if request.target_date is None:
        raise core.refuse.missing(BILL_RUN, "Give the targetDate of an ad hoc bill run")
    if request.target_date_offset is not None or request.invoice_date_offset is not None:
        raise core.refuse.invalid(
            BILL_RUN, "targetDateOffset and invoiceDateOffset are for scheduled bill runs only"
        )
    return _run_now(
        core,
        request,
        request.target_date,
        request.invoice_date or core.clock.today,
        name=request.name,
    )


# --------------------------------------------------------------------------- scheduled runs


def _month_day(schedule: BillRunSchedule, year: int, month: int) -> int:
    last = calendar.monthrange(year, month)[1]
    return last if schedule.monthly_on_end_of_month else min(schedule.repeat_from.day, last)


def _matches(schedule: BillRunSchedule, day: date) -> bool:
    if day < schedule.repeat_from or (schedule.repeat_to is not None and day > schedule.repeat_to):
        return False
    kind = schedule.repeat_type
    if kind is RepeatType.NONE:
        return day == schedule.repeat_from
    if kind is RepeatType.DAILY:
        return True
    if kind is RepeatType.WEEKLY:
        days = schedule.weekly_on_day or [_WEEKDAYS[schedule.repeat_from.weekday()]]
        return _WEEKDAYS[day.weekday()] in days
    return day.day == _month_day(schedule, day.year, day.month)


def occurrence_on_or_after(schedule: BillRunSchedule, start: date) -> date | None:
    """The first day on or after ``start`` the schedule runs on, None when it has ended."""
    day = max(start, schedule.repeat_from)
    if schedule.repeat_type is RepeatType.NONE:
        return day if day == schedule.repeat_from else None
    for _ in range(400):  # a year and more covers every pattern
        if schedule.repeat_to is not None and day > schedule.repeat_to:
            return None
        if _matches(schedule, day):
            return day
        day += timedelta(days=1)
    return None


def _at(day: date, schedule: BillRunSchedule) -> datetime:
    return datetime.combine(day, time(schedule.run_time))


def _check_schedule(core: Core, request: CreateBillRunRequest) -> BillRunSchedule:
    schedule = request.schedule
    assert schedule is not None
    if request.target_date is not None and request.target_date_offset is not None:
        raise core.refuse.invalid(BILL_RUN, "Give targetDate or targetDateOffset, not both")
    if request.invoice_date is not None and request.invoice_date_offset is not None:
        raise core.refuse.invalid(BILL_RUN, "Give invoiceDate or invoiceDateOffset, not both")
    if schedule.repeat_to is not None and schedule.repeat_to < schedule.repeat_from:
        raise core.refuse.invalid(BILL_RUN, "repeatTo is before repeatFrom")
    if schedule.weekly_on_day and schedule.repeat_type is not RepeatType.WEEKLY:
        raise core.refuse.invalid(BILL_RUN, "weeklyOnDay is for Weekly bill runs only")
    if schedule.monthly_on_end_of_month and schedule.repeat_type is not RepeatType.MONTHLY:
        raise core.refuse.invalid(BILL_RUN, "monthlyOnEndOfMonth is for Monthly bill runs only")
    return schedule


def _waiting(
    core: Core, request: CreateBillRunRequest, schedule: BillRunSchedule, day: date
) -> BillRun:
    run = bill_runs.new_run(
        core,
        name=request.name,
        target_date=request.target_date,
        invoice_date=request.invoice_date,
        filters=request.bill_run_filters,
        exclude=request.charge_type_to_exclude,
        targets=[],
        account_ids=[],
        auto_post=request.auto_post,
        auto_email=request.auto_email,
        auto_renewal=request.auto_renewal,
        no_email_for_zero=request.no_email_for_zero_amount_invoice,
        waiting=True,
    )
    run.batches = list(request.batches) if request.batches is not None else None
    run.bill_cycle_day = request.bill_cycle_day
    run.schedule = schedule.model_copy()
    run.scheduled_execution_time = _at(day, schedule)
    run.target_date_offset = request.target_date_offset
    run.invoice_date_offset = request.invoice_date_offset
    core.store.waiting_requests[run.id] = request.model_copy(deep=True)
    return run


def _create_scheduled(core: Core, request: CreateBillRunRequest) -> BillRun:
    schedule = _check_schedule(core, request)
    first = occurrence_on_or_after(schedule, core.clock.today)
    if first is None:
        raise core.refuse.invalid(
            BILL_RUN, f"The schedule has no run on or after {core.clock.today}: check its dates"
        )
    return _waiting(core, request, schedule, first)


def next_scheduled_day(core: Core) -> date | None:
    """The earliest day a waiting scheduled run executes on."""
    st = core.store
    days = [
        st.bill_runs[rid].scheduled_execution_time
        for rid in st.waiting_runs
        if st.bill_runs[rid].scheduled_execution_time is not None
    ]
    return min(d.date() for d in days if d is not None) if days else None


def fire_due(core: Core, day: date) -> list[BillRun]:
    """Start every waiting run due on or before ``day``; each schedules its next occurrence.

    A run whose accounts are busy with another unfinished run waits for the next pass."""
    st = core.store
    started: list[BillRun] = []
    for run_id in list(st.waiting_runs):
        run = st.bill_runs[run_id]
        when = run.scheduled_execution_time
        if when is None or when.date() > day or run.schedule is None:
            continue
        request = st.waiting_requests[run_id]
        run_day = when.date()
        target = request.target_date or run_day + timedelta(days=request.target_date_offset or 0)
        invoice = request.invoice_date or run_day + timedelta(days=request.invoice_date_offset or 0)
        targets, account_ids = select_targets(core, request, target)
        if any(bill_runs.busy_run(core, a) is not None for a in account_ids):
            continue
        del st.waiting_runs[run_id]
        st.active_bill_runs[run_id] = None
        st.jobs[run_id].targets = [(s.id, i.id if i else None) for s, i in targets]
        st.jobs[run_id].account_ids = account_ids
        st.jobs[run_id].waiting = False
        bill_runs.mark_executing(core, run, targets)
        run.target_date = target
        run.invoice_date = invoice
        run.updated_date = core.clock.tick()
        started.append(run)
        following = occurrence_on_or_after(run.schedule, run_day + timedelta(days=1))
        if following is not None:
            _waiting(core, request, run.schedule, following)
        st.waiting_requests.pop(run_id, None)
    return started


def cancel_waiting(core: Core, run: BillRun, *, cancel_once: bool = True) -> BillRun | None:
    """Cancel a waiting scheduled run; with ``cancel_once`` the next occurrence is scheduled
    and returned (Zuora's ``nextRun``)."""
    st = core.store
    request = st.waiting_requests.pop(run.id, None)
    st.waiting_runs.pop(run.id, None)
    st.jobs[run.id].waiting = False
    run.status = BillRunStatus.CANCELED
    run.updated_date = core.clock.tick()
    if not cancel_once or request is None or run.schedule is None:
        return None
    when = run.scheduled_execution_time
    start = (when.date() if when is not None else core.clock.today) + timedelta(days=1)
    following = occurrence_on_or_after(run.schedule, max(start, core.clock.today))
    if following is None:
        return None
    return _waiting(core, request, run.schedule, following)


# --------------------------------------------------------------------------- generate by account


def generate(
    core: Core, account_key: str, request: GenerateBillingDocumentsRequest
) -> GeneratedDocuments:
    st = core.store
    account = st.account(account_key)
    if account is None:
        raise core.refuse.not_found(ACCOUNT, f"No account {account_key}: check the number")
    if len(set(request.charge_type_to_exclude)) >= len(ChargeType):
        raise core.refuse.invalid(BILL_RUN, "Exclude at most two charge types")
    as_run = CreateBillRunRequest(
        target_date=request.target_date,
        invoice_date=request.effective_date or core.clock.today,
        bill_run_filters=[
            BillRunFilter(filter_type=BillRunFilterType.ACCOUNT, account_id=account.id)
        ],
        charge_type_to_exclude=request.charge_type_to_exclude,
        auto_post=request.auto_post,
    )
    run = _run_now(
        core,
        as_run,
        request.target_date,
        as_run.invoice_date or core.clock.today,
        name=GENERATE_RUN_NAME.format(number=account.account_number),
        paused_too=True,
    )
    bill_runs.finish(core, run.id)
    result = GeneratedDocuments()
    for doc_id in st.bill_run_documents.get(run.id, []):
        if doc_id in st.invoices:
            result.invoice_ids.append(doc_id)
        elif doc_id in st.credit_memos:
            result.credit_memo_ids.append(doc_id)
    return result


# --------------------------------------------------------------------------- lists


#: The fake's one payment term (documents are due 30 days after their date).
PAYMENT_TERM = "Net 30"


def set_account_details(
    core: Core, account: Account, *, batch: str | None, bill_to: tuple[str, str] | None
) -> None:
    """Batch (default ``Batch1``, Zuora's default), payment term and bill-to contact."""
    chosen = batch or "Batch1"
    if not _BATCH.fullmatch(chosen):
        raise core.refuse.invalid(ACCOUNT, f"{chosen!r} is not a batch: use Batch1 ... Batch50")
    account.batch = chosen
    account.payment_term = PAYMENT_TERM
    if bill_to is not None:
        # an id derived from the account's, so that adding contacts does not move the seeded
        # ids of everything created after (the demo tenant's ids stay as they were)
        contact_id = hashlib.sha256(f"bill-to\x00{account.id}".encode()).hexdigest()[:32]
        account.bill_to = Contact(id=contact_id, first_name=bill_to[0], last_name=bill_to[1])
        account.bill_to_id = account.bill_to.id


def _account_matches(account: Account, needle: str) -> bool:
    return account.account_number.lower().startswith(needle) or account.name.lower().startswith(
        needle
    )


def list_accounts(
    core: Core, search: str | None, page_size: int, cursor: str | None
) -> Page[Account]:
    """By ascending account number; the cursor holds a position in that order."""
    views._check_page_size(core, page_size)
    position = views._decode(core, "accounts", cursor)
    ordered = sorted(core.store.accounts.values(), key=lambda a: a.account_number)
    needle = (search or "").strip().lower()
    found: list[Account] = []
    index = position
    more = False
    while index < len(ordered):
        account = ordered[index]
        if not needle or _account_matches(account, needle):
            if len(found) == page_size:
                more = True
                break
            found.append(account.model_copy(deep=True))
        index += 1
    return Page[Account](
        items=found, next_cursor=views._encode("accounts", index) if more else None
    )


def _rows(
    core: Core,
    document_type: DocumentType | None,
    status: DocumentStatus | None,
    account_id: str | None,
    date_from: date | None,
    date_to: date | None,
) -> list[BillingDocument]:
    st = core.store
    account = st.account(account_id) if account_id else None
    if account_id and account is None:
        return []
    rows: list[BillingDocument] = []

    def keep(doc_account: str, doc_status: DocumentStatus, day: date) -> bool:
        return (
            (account is None or doc_account == account.id)
            and (status is None or doc_status is status)
            and (date_from is None or day >= date_from)
            and (date_to is None or day <= date_to)
        )

    if document_type in (None, DocumentType.INVOICE):
        for inv in st.invoices.values():
            if keep(inv.account_id, inv.status, inv.invoice_date):
                rows.append(
                    BillingDocument(
                        document_type=DocumentType.INVOICE,
                        id=inv.id,
                        number=inv.invoice_number,
                        account_id=inv.account_id,
                        account_number=inv.account_number,
                        status=inv.status,
                        document_date=inv.invoice_date,
                        currency=inv.currency,
                        amount=inv.amount,
                        balance=inv.balance,
                        bill_run_id=inv.bill_run_id,
                        source_id=inv.source_id,
                    )
                )
    if document_type in (None, DocumentType.CREDIT_MEMO):
        for memo in st.credit_memos.values():
            if keep(memo.account_id, memo.status, memo.credit_memo_date):
                rows.append(
                    BillingDocument(
                        document_type=DocumentType.CREDIT_MEMO,
                        id=memo.id,
                        number=memo.number,
                        account_id=memo.account_id,
                        account_number=memo.account_number,
                        status=memo.status,
                        document_date=memo.credit_memo_date,
                        currency=memo.currency,
                        amount=memo.amount,
                        balance=memo.unapplied_amount,
                        bill_run_id=memo.bill_run_id,
                        source_id=memo.source_id,
                    )
                )
    return rows


def document_order(doc: BillingDocument) -> tuple[int, int, str]:
    """Newest date first; invoices before credit memos on one date; then by number."""
    return (
        -doc.document_date.toordinal(),
        0 if doc.document_type is DocumentType.INVOICE else 1,
        doc.number,
    )


def list_documents(
    core: Core,
    *,
    document_type: DocumentType | None,
    status: DocumentStatus | None,
    account_id: str | None,
    date_from: date | None,
    date_to: date | None,
    page_size: int,
    cursor: str | None,
) -> Page[BillingDocument]:
    """Scans the tenant's documents per page (O(documents)); the cursor holds a position."""
    views._check_page_size(core, page_size)
    position = views._decode(core, "documents", cursor)
    rows = sorted(
        _rows(core, document_type, status, account_id, date_from, date_to), key=document_order
    )
    page = rows[position : position + page_size]
    following = position + page_size
    more = following < len(rows)
    return Page[BillingDocument](
        items=page, next_cursor=views._encode("documents", following) if more else None
    )


# --------------------------------------------------------------------------- progress


def progress(core: Core, bill_run_id: str) -> BillRunProgress:
    st = core.store
    run = bill_runs.resolve(core, bill_run_id)
    job = st.jobs[run.id]
    per: dict[str, BillRunAccount] = {}
    for account_id in job.account_ids:
        account = st.accounts.get(account_id)
        per[account_id] = BillRunAccount(
            account_id=account_id,
            account_number=account.account_number if account else None,
            account_name=account.name if account else None,
        )
    invoices = memos = 0
    invoice_total = memo_total = ZERO
    for doc_id in st.bill_run_documents.get(run.id, []):
        invoice = st.invoices.get(doc_id)
        memo = st.credit_memos.get(doc_id)
        doc_account = invoice.account_id if invoice else memo.account_id if memo else None
        if doc_account is None:
            continue
        row = per.setdefault(doc_account, BillRunAccount(account_id=doc_account))
        if invoice is not None and invoice.status is not DocumentStatus.CANCELED:
            invoices += 1
            invoice_total += invoice.amount
            row.number_of_invoices += 1
            row.invoice_total += invoice.amount
        elif memo is not None and memo.status is not DocumentStatus.CANCELED:
            memos += 1
            memo_total += memo.amount
            row.number_of_credit_memos += 1
            row.credit_memo_total += memo.amount
    done = run.status not in {BillRunStatus.PENDING, BillRunStatus.PROCESSING}
    return BillRunProgress(
        bill_run_id=run.id,
        status=run.status,
        number_of_accounts=len(per),
        accounts_processed=len(per) if done and run.id not in st.waiting_runs else job.processed,
        number_of_invoices=invoices,
        number_of_credit_memos=memos,
        invoice_total=invoice_total,
        credit_memo_total=memo_total,
        accounts=sorted(per.values(), key=lambda a: a.account_number or a.account_id),
    )
