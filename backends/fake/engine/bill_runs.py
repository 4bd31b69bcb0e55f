"""Bill runs: execute a schedule, create an ad hoc run, advance runs stage by stage, post, cancel.

A run is created ``Pending`` and does its work only when it completes (``Pending -> Processing ->
Completed``); the engine moves a run one stage per :func:`step` and never on a read. Choices where
Zuora is silent (reference §5, §6, §12):

* the run of an executed item is dated (target and invoice date) at the item's run date, or today
  for an item with a blank run date and for a credit run;
* execute with no item runs the earliest Pending item; on a FullyProcessed schedule it is the
  credit run, whose memo (if a credit is due) is recorded on the schedule's last item;
* an ad hoc run (``create_bill_run``) by ``InvoiceSchedule`` is exactly an execute; every other
  run (by account, subscription, batch, bill cycle day or for everyone, ad hoc or scheduled)
  selects its accounts and items in :mod:`billing`, whose docstring gives those rules (a Paused
  schedule is billed only by a run whose target date is past its next run date, and by generate
  by account); one invoice per item;
* a scheduled run waits (``Pending``, not stepped) until the clock reaches it; cancelling a
  waiting run cancels that occurrence (and, with ``cancelOnce``, schedules the next);
* two unfinished runs may not touch the same account (Zuora warns they conflict): the second is
  refused with a category-50 conflict;
* post is synchronous (``Completed -> Posted``, every Draft document posted); cancel is allowed on
  Pending (its items go back to Pending) and on Completed runs with no Posted document (their Draft
  documents are cancelled and items go back to Pending);
* delete takes only Canceled or Error runs and removes them with their documents (§6.2);
* lists are newest first, by descending bill run number.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from backends import jsoncodec
from backends.fake.engine import documents, schedules, views
from backends.fake.engine.core import Core
from backends.fake.engine.ids import NUMBER_FORMATS
from backends.fake.engine.refusals import ACCOUNT, BILL_RUN, GENERIC, SCHEDULE
from backends.fake.engine.store import BillRunJob, IdempotencyEntry
from backends.models import (
    BillRun,
    BillRunDocuments,
    BillRunFilter,
    BillRunFilterType,
    BillRunStatus,
    ChargeType,
    CreateBillRunRequest,
    DocumentStatus,
    Invoice,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    Page,
    ScheduleItem,
    ScheduleItemStatus,
)

ZERO = Decimal("0.00")

__all__ = [
    "active",
    "busy_run",
    "cancel",
    "create",
    "delete",
    "documents_of",
    "execute",
    "finish",
    "list_runs",
    "post",
    "remember",
    "replay",
    "resolve",
    "run_pending",
    "step",
]

MAX_PENDING_RUNS = 500


def resolve(core: Core, bill_run_id: str) -> BillRun:
    bill_run = core.store.bill_run(bill_run_id)
    if bill_run is None:
        raise core.refuse.not_found(BILL_RUN, f"No bill run with id {bill_run_id}")
    return bill_run


def active(core: Core) -> list[str]:
    """Ids of the Pending and Processing runs, oldest first."""
    return list(core.store.active_bill_runs)


def busy_run(core: Core, account_id: str) -> BillRun | None:
    st = core.store
    for run_id in st.active_bill_runs:
        if account_id in st.jobs[run_id].account_ids:
            return st.bill_runs[run_id]
    return None


def refuse_if_busy(core: Core, account_ids: list[str]) -> None:
    st = core.store
    for account_id in account_ids:
        run = busy_run(core, account_id)
        if run is not None:
            number = st.accounts[account_id].account_number
            raise core.refuse.conflict(
                ACCOUNT,
                f"{number} already has bill run {run.bill_run_number} {run.status}: wait for it "
                "to finish, two bill runs on one account at the same time conflict",
            )
    if len(st.active_bill_runs) >= MAX_PENDING_RUNS:
        raise core.refuse.rule(
            BILL_RUN, f"{MAX_PENDING_RUNS} bill runs are already waiting: try again later"
        )


# --------------------------------------------------------------------------- idempotency


def replay(core: Core, operation: str, key: str | None, request: object) -> str | None:
    """The id stored for an idempotency key, or None; a different request is refused (50)."""
    if key is None:
        return None
    entry = core.store.idempotency.get(key)
    if entry is None:
        return None
    if entry.operation != operation or entry.fingerprint != jsoncodec.dumps(request):
        raise core.refuse.conflict(
            GENERIC,
            f"Idempotency key {key!r} was already used for a different request: use a new key",
        )
    return entry.object_id


def remember(
    core: Core, operation: str, key: str | None, request: object, kind: str, object_id: str
) -> None:
    if key is not None:
        core.store.idempotency[key] = IdempotencyEntry(
            operation=operation,
            fingerprint=jsoncodec.dumps(request),
            kind=kind,
            object_id=object_id,
        )


# --------------------------------------------------------------------------- creating runs


def new_run(
    core: Core,
    *,
    name: str | None,
    target_date: date | None,
    invoice_date: date | None,
    filters: list[BillRunFilter],
    exclude: list[ChargeType],
    targets: list[tuple[InvoiceSchedule, ScheduleItem | None]],
    account_ids: list[str],
    auto_post: bool = False,
    auto_email: bool = False,
    auto_renewal: bool = False,
    no_email_for_zero: bool = False,
    waiting: bool = False,
) -> BillRun:
    """A new Pending run; ``waiting``: a scheduled run that starts when the clock reaches it."""
    st = core.store
    now = core.clock.tick()
    bill_run = BillRun(
        id=core.ids.new_id(),
        bill_run_number=core.ids.number("bill_run"),
        name=name,
        status=BillRunStatus.PENDING,
        target_date=target_date,
        invoice_date=invoice_date,
        auto_post=auto_post,
        auto_email=auto_email,
        auto_renewal=auto_renewal,
        no_email_for_zero_amount_invoice=no_email_for_zero,
        charge_type_to_exclude=list(exclude),
        bill_run_filters=list(filters),
        created_by_id=core.user_id,
        created_date=now,
        updated_by_id=core.user_id,
        updated_date=now,
    )
    job = BillRunJob(
        targets=[(s.id, i.id if i is not None else None) for s, i in targets],
        account_ids=list(account_ids),
        waiting=waiting,
    )
    st.add_bill_run(bill_run, job)
    mark_executing(core, bill_run, targets)
    return bill_run


def mark_executing(
    core: Core, bill_run: BillRun, targets: list[tuple[InvoiceSchedule, ScheduleItem | None]]
) -> None:
    """The run's items turn Executing and their schedules reprice."""
    st = core.store
    now = core.clock.now
    touched: dict[str, InvoiceSchedule] = {}
    for schedule, item in targets:
        if item is not None:
            item.status = ScheduleItemStatus.EXECUTING
            item.bill_run_id = bill_run.id
            st.schedule_extra[schedule.id].next_run_override = None
        schedule.updated_date = now
        touched[schedule.id] = schedule
    for schedule in touched.values():
        schedules.reprice(core, schedule)


def _execute_target(
    core: Core, schedule: InvoiceSchedule, item_id: str | None
) -> ScheduleItem | None:
    """Check execute's rules; return the item to run (None: the credit run)."""
    if core.store.schedule_extra[schedule.id].paused:
        raise core.refuse.rule(
            SCHEDULE, f"{schedule.number} is Paused: resume it before generating invoices"
        )
    underlying = schedules.underlying_status(schedule)
    earliest = schedules.first_pending(schedule)
    if item_id is not None:
        item = schedule.item(item_id)
        if item is None:
            raise core.refuse.not_found(
                SCHEDULE, f"No schedule item {item_id} in {schedule.number}"
            )
        if underlying is InvoiceScheduleStatus.FULLY_PROCESSED:
            raise core.refuse.rule(
                SCHEDULE,
                f"{schedule.number} is FullyProcessed: every item is billed; execute it "
                "without an item to create its credit bill run",
            )
        if item.status is not ScheduleItemStatus.PENDING:
            raise core.refuse.rule(
                SCHEDULE,
                f"{schedules.item_label(schedule, item)} is {item.status}: only a Pending item "
                "can be generated",
            )
        if earliest is not None and item is not earliest:
            raise core.refuse.rule(
                SCHEDULE,
                f"{schedules.item_label(schedule, item)} is not the earliest Pending item: "
                f"generate {schedules.item_label(schedule, earliest)} "
                f"(run date {earliest.run_date or 'blank'}) first",
            )
        return item
    if earliest is not None:
        return earliest
    executing = next(
        (i for i in schedule.schedule_items if i.status is ScheduleItemStatus.EXECUTING), None
    )
    if executing is not None:
        raise core.refuse.rule(
            SCHEDULE,
            f"{schedules.item_label(schedule, executing)} is still Executing: refresh until it "
            "is Processed",
        )
    return None


def execute(
    core: Core,
    key: str,
    item_id: str | None = None,
    *,
    idempotency_key: str | None = None,
    name: str | None = None,
) -> BillRun:
    fingerprint = {"schedule": key, "item": item_id}
    replayed = replay(core, "execute", idempotency_key, fingerprint)
    if replayed is not None:
        return resolve(core, replayed)
    schedule = schedules.resolve(core, key)
    item = _execute_target(core, schedule, item_id)
    refuse_if_busy(core, [schedule.account_id])
    run_date = (item.run_date if item is not None else None) or core.clock.today
    bill_run = new_run(
        core,
        name=name,
        target_date=run_date,
        invoice_date=run_date,
        filters=[
            BillRunFilter(
                filter_type=BillRunFilterType.INVOICE_SCHEDULE,
                account_id=schedule.account_id,
                invoice_schedule_id=schedule.id,
                # As the seed's sample: null when the request named no item (the schedule
                # shows which item runs: it is Executing with this bill run).
                invoice_schedule_item_id=item_id,
            )
        ],
        exclude=[ChargeType.USAGE],
        targets=[(schedule, item)],
        account_ids=[schedule.account_id],
    )
    remember(core, "execute", idempotency_key, fingerprint, "bill_run", bill_run.id)
    return bill_run


def billable_deferred(deferred: dict[str, Decimal], exclude: list[ChargeType]) -> bool:
    return any(v > 0 and ChargeType(k) not in exclude for k, v in deferred.items())


def create(
    core: Core, request: CreateBillRunRequest, *, idempotency_key: str | None = None
) -> BillRun:
    fingerprint = request.to_wire()
    replayed = replay(core, "create_bill_run", idempotency_key, fingerprint)
    if replayed is not None:
        return resolve(core, replayed)
    if len(set(request.charge_type_to_exclude)) > 2:
        raise core.refuse.invalid(BILL_RUN, "Exclude at most two charge types")
    filters = request.bill_run_filters
    schedule_filters = [f for f in filters if f.filter_type is BillRunFilterType.INVOICE_SCHEDULE]
    if schedule_filters:
        if len(filters) != 1:
            raise core.refuse.invalid(
                BILL_RUN, "A bill run for an invoice schedule takes exactly one filter"
            )
        flt = schedule_filters[0]
        if not flt.invoice_schedule_id:
            raise core.refuse.missing(BILL_RUN, "Give the invoiceScheduleId of the filter")
        if request.target_date is None:
            raise core.refuse.missing(BILL_RUN, "Give the targetDate of an ad hoc bill run")
        schedule = schedules.resolve(core, flt.invoice_schedule_id)
        item = _execute_target(core, schedule, flt.invoice_schedule_item_id)
        refuse_if_busy(core, [schedule.account_id])
        bill_run = new_run(
            core,
            name=request.name,
            target_date=request.target_date,
            invoice_date=request.invoice_date or core.clock.today,
            filters=[flt.model_copy(update={"account_id": schedule.account_id})],
            exclude=request.charge_type_to_exclude,
            targets=[(schedule, item)],
            account_ids=[schedule.account_id],
            auto_post=request.auto_post,
            auto_email=request.auto_email,
            auto_renewal=request.auto_renewal,
            no_email_for_zero=request.no_email_for_zero_amount_invoice,
        )
        remember(core, "create_bill_run", idempotency_key, fingerprint, "bill_run", bill_run.id)
        return bill_run

    from backends.fake.engine import billing  # selection lives there; it builds on this module

    bill_run = billing.create(core, request)
    remember(core, "create_bill_run", idempotency_key, fingerprint, "bill_run", bill_run.id)
    return bill_run


# --------------------------------------------------------------------------- progression


def _complete(core: Core, bill_run: BillRun, only_account: str | None = None) -> None:
    """Bill the run's targets and complete it; ``only_account``: bill that account's
    targets only and stay Processing (a run of several accounts, one account per step)."""
    st = core.store
    job = st.jobs[bill_run.id]
    exclude = list(bill_run.charge_type_to_exclude)
    invoices = memos = 0
    touched: dict[str, InvoiceSchedule] = {}
    for schedule_id, item_id in job.targets:
        schedule = st.schedules.get(schedule_id)
        if schedule is None:
            continue
        if only_account is not None and schedule.account_id != only_account:
            continue
        touched[schedule.id] = schedule
        if item_id is not None:
            item = schedule.item(item_id)
            if item is None or item.status is not ScheduleItemStatus.EXECUTING:
                continue
            due_now = item.actual_amount
            amount = schedules.billable_share(core, schedule.id, due_now, exclude)
            if amount > 0:
                item.invoice_id = documents.new_invoice(core, bill_run, schedule, item, amount).id
                invoices += 1
            st.item_billed[item.id] = amount
            item.status = ScheduleItemStatus.PROCESSED
            if schedules.first_pending(schedule) is None:
                # No later item to carry the excluded charges: the schedule keeps them due.
                deferred = st.schedule_extra[schedule.id].deferred
                held = schedules.split_by_type(core, schedule.id, due_now - amount, exclude)
                for kind, value in held.items():
                    deferred[kind] = deferred.get(kind, ZERO) + value
        elif st.schedule_extra[schedule.id].deferred:
            deferred = st.schedule_extra[schedule.id].deferred
            kinds = [k for k in sorted(deferred) if ChargeType(k) not in exclude]
            amount = sum((deferred[k] for k in kinds), ZERO)
            if amount > 0:
                last = schedule.schedule_items[-1]
                last.invoice_id = documents.new_invoice(core, bill_run, schedule, last, amount).id
                last.bill_run_id = bill_run.id
                st.item_billed[last.id] = st.item_billed.get(last.id, ZERO) + amount
                invoices += 1
            for kind in kinds:
                del deferred[kind]
        else:
            due = schedules.credit_due(core, schedule)
            if due > 0:
                last = schedule.schedule_items[-1]
                memo = documents.new_credit_memo(core, bill_run, schedule, last, due)
                last.credit_memo_id = memo.id
                last.bill_run_id = bill_run.id
                st.schedule_extra[schedule.id].credit_memo_ids.append(memo.id)
                memos += 1
        schedules.reprice(core, schedule)
    now = core.clock.tick()
    for schedule in touched.values():
        schedule.updated_date = now
    if only_account is not None:
        job.processed += 1
        bill_run.updated_date = now
        return
    # the documents of every step: earlier steps billed some accounts already
    docs = st.bill_run_documents.get(bill_run.id, [])
    invoices = sum(1 for d in docs if d in st.invoices)
    memos = sum(1 for d in docs if d in st.credit_memos)
    job.processed = len(job.account_ids)
    bill_run.status = BillRunStatus.COMPLETED
    bill_run.number_of_accounts = len(job.account_ids)
    bill_run.number_of_invoices = invoices
    bill_run.number_of_credit_memos = memos
    bill_run.updated_date = now
    st.active_bill_runs.pop(bill_run.id, None)
    if bill_run.auto_post:
        documents.post_draft_documents(core, bill_run)
        bill_run.status = BillRunStatus.POSTED


def step(core: Core, bill_run_id: str) -> bool:
    """Move one run one stage (Pending -> Processing -> Completed; a run of several accounts
    stays Processing for one step per account but the last); False if it had finished."""
    bill_run = core.store.bill_runs[bill_run_id]
    if bill_run.status is BillRunStatus.PENDING:
        bill_run.status = BillRunStatus.PROCESSING
        bill_run.updated_date = core.clock.tick()
        return True
    if bill_run.status is BillRunStatus.PROCESSING:
        job = core.store.jobs[bill_run_id]
        if job.processed < len(job.account_ids) - 1:
            # a run of several accounts bills one account per step; the last step completes it
            _complete(core, bill_run, job.account_ids[job.processed])
        else:
            _complete(core, bill_run)
        return True
    return False


def finish(core: Core, bill_run_id: str) -> None:
    while step(core, bill_run_id):
        pass


def run_pending(core: Core) -> int:
    """Finish every queued run, oldest first; returns how many there were."""
    ids = active(core)
    for run_id in ids:
        finish(core, run_id)
    return len(ids)


# --------------------------------------------------------------------------- post and cancel


def post(core: Core, bill_run_id: str, invoice_date: date | None = None) -> BillRun:
    st = core.store
    bill_run = resolve(core, bill_run_id)
    if bill_run.status is not BillRunStatus.COMPLETED:
        raise core.refuse.rule(
            BILL_RUN,
            f"{bill_run.bill_run_number} is {bill_run.status}: only a Completed bill run can "
            "be posted",
        )
    if invoice_date is not None:
        for doc_id in st.bill_run_documents.get(bill_run.id, []):
            invoice = st.invoices.get(doc_id)
            if invoice is not None and invoice.status is DocumentStatus.DRAFT:
                invoice.invoice_date = invoice_date
                invoice.due_date = invoice_date + timedelta(days=documents.PAYMENT_TERM_DAYS)
    documents.post_draft_documents(core, bill_run)
    bill_run.status = BillRunStatus.POSTED
    bill_run.updated_date = core.clock.tick()
    return bill_run


def cancel(core: Core, bill_run_id: str, *, cancel_once: bool = True) -> BillRun:
    st = core.store
    bill_run = resolve(core, bill_run_id)
    if bill_run.id in st.waiting_runs:
        from backends.fake.engine import billing

        billing.cancel_waiting(core, bill_run, cancel_once=cancel_once)
        return bill_run
    if bill_run.status not in {BillRunStatus.PENDING, BillRunStatus.COMPLETED}:
        raise core.refuse.rule(
            BILL_RUN,
            f"{bill_run.bill_run_number} is {bill_run.status}: only a Pending or Completed "
            "bill run can be cancelled",
        )
    doc_ids = st.bill_run_documents.get(bill_run.id, [])
    for doc_id in doc_ids:
        invoice = st.invoices.get(doc_id)
        memo = st.credit_memos.get(doc_id)
        number = None
        if invoice is not None and invoice.status is DocumentStatus.POSTED:
            number = invoice.invoice_number
        elif memo is not None and memo.status is DocumentStatus.POSTED:
            number = memo.number
        if number is not None:
            raise core.refuse.rule(
                BILL_RUN,
                f"{number} of {bill_run.bill_run_number} is Posted: a bill run with posted "
                "documents cannot be cancelled",
            )
    if bill_run.status is BillRunStatus.PENDING:
        for schedule_id, item_id in st.jobs[bill_run.id].targets:
            schedule = st.schedules.get(schedule_id)
            item = schedule.item(item_id) if schedule and item_id else None
            if schedule is not None and item is not None:
                item.status = ScheduleItemStatus.PENDING
                item.bill_run_id = None
                schedules.reprice(core, schedule)
        st.active_bill_runs.pop(bill_run.id, None)
    else:
        for doc_id in list(doc_ids):
            if doc_id in st.invoices and st.invoices[doc_id].status is DocumentStatus.DRAFT:
                documents.cancel_invoice(core, doc_id)
            elif (
                doc_id in st.credit_memos and st.credit_memos[doc_id].status is DocumentStatus.DRAFT
            ):
                documents.cancel_credit_memo(core, doc_id)
        # items that were processed with nothing to bill go back to Pending as well
        for schedule_id, item_id in st.jobs[bill_run.id].targets:
            schedule = st.schedules.get(schedule_id)
            item = schedule.item(item_id) if schedule and item_id else None
            if (
                schedule is not None
                and item is not None
                and item.status is ScheduleItemStatus.PROCESSED
                and item.invoice_id is None
                and item.bill_run_id == bill_run.id
            ):
                item.status = ScheduleItemStatus.PENDING
                item.bill_run_id = None
                st.item_billed.pop(item.id, None)
                schedules.reprice(core, schedule)
    bill_run.status = BillRunStatus.CANCELED
    bill_run.updated_date = core.clock.tick()
    return bill_run


# --------------------------------------------------------------------------- list, documents, delete


def _run_at(core: Core, position: int) -> BillRun | None:
    prefix, width = NUMBER_FORMATS["bill_run"]
    run_id = core.store.bill_run_by_number.get(f"{prefix}{position:0{width}d}")
    return core.store.bill_runs.get(run_id) if run_id is not None else None


def list_runs(
    core: Core,
    status: BillRunStatus | None,
    account_id: str | None,
    page_size: int,
    cursor: str | None,
) -> Page[BillRun]:
    """Newest first, i.e. by descending number (numbers are handed out in creation order).

    The cursor holds the number to continue from, so runs created while paging do not shift
    the pages; an unfiltered page costs O(page size) lookups by number.
    """
    st = core.store
    views._check_page_size(core, page_size)
    top = core.ids.counters.get("number:bill_run", 0)
    position = top if cursor is None else min(top, views._decode(core, "bill_runs", cursor))
    account = None
    if account_id is not None:
        account = st.account(account_id)
        if account is None:
            return Page[BillRun](items=[])
    found: list[BillRun] = []
    following: int | None = None
    while position > 0:
        run = _run_at(core, position)
        position -= 1
        if run is None:
            continue
        if status is not None and run.status is not status:
            continue
        if account is not None and account.id not in st.jobs[run.id].account_ids:
            continue
        if len(found) == page_size:
            following = position + 1  # one more than a page: a next page exists
            break
        found.append(views.bill_run_view(run))
    next_cursor = views._encode("bill_runs", following) if following is not None else None
    return Page[BillRun](items=found, next_cursor=next_cursor)


def documents_of(core: Core, bill_run_id: str) -> BillRunDocuments:
    """Copies of every invoice and credit memo the run produced, cancelled ones included."""
    st = core.store
    bill_run = resolve(core, bill_run_id)
    result = BillRunDocuments()
    for doc_id in st.bill_run_documents.get(bill_run.id, []):
        if doc_id in st.invoices:
            result.invoices.append(st.invoices[doc_id].model_copy(deep=True))
        elif doc_id in st.credit_memos:
            result.credit_memos.append(st.credit_memos[doc_id].model_copy(deep=True))
    return result


def delete(core: Core, bill_run_id: str) -> None:
    """Only Canceled or Error runs (§6.2); the run and its documents are removed.

    Its Draft documents go with it (their items go back to Pending, as a cancel would); its
    cancelled ones are removed too. A Posted document (impossible on a Canceled run, which
    cancel refuses while one is Posted) would stop the delete.
    """
    st = core.store
    bill_run = resolve(core, bill_run_id)
    number = bill_run.bill_run_number
    if bill_run.status not in {BillRunStatus.CANCELED, BillRunStatus.ERROR}:
        raise core.refuse.rule(
            BILL_RUN,
            f"{number} is {bill_run.status}: only a Canceled or Error bill run can be deleted",
        )
    doc_ids = list(st.bill_run_documents.get(bill_run.id, []))
    for doc_id in doc_ids:
        doc = st.invoices.get(doc_id) or st.credit_memos.get(doc_id)
        if doc is not None and doc.status is DocumentStatus.POSTED:
            label = doc.invoice_number if isinstance(doc, Invoice) else doc.number
            raise core.refuse.rule(
                BILL_RUN,
                f"{label} of {number} is Posted: a bill run with posted documents cannot be "
                "deleted",
            )
    touched: set[str] = {sid for sid, _ in st.jobs[bill_run.id].targets}
    for doc_id in doc_ids:
        link = st.document_item.get(doc_id)
        if link is not None:
            touched.add(link[0])
        invoice = st.invoices.get(doc_id)
        memo = st.credit_memos.get(doc_id)
        if invoice is not None:
            if invoice.status is DocumentStatus.DRAFT:
                documents.reset_item(core, doc_id)
            st.remove_invoice(invoice)
        elif memo is not None:
            if memo.status is DocumentStatus.DRAFT:
                documents.reset_item(core, doc_id)
            if link is not None and link[0] in st.schedule_extra:
                ids = st.schedule_extra[link[0]].credit_memo_ids
                if doc_id in ids:
                    ids.remove(doc_id)
            st.remove_credit_memo(memo)
    # items that still name the run (a credit run names the schedule's last item) name the run
    # of their invoice instead, or none
    for schedule_id in touched:
        schedule = st.schedules.get(schedule_id)
        if schedule is None:
            continue
        for item in schedule.schedule_items:
            if item.bill_run_id == bill_run.id:
                invoice = st.invoices.get(item.invoice_id) if item.invoice_id else None
                item.bill_run_id = invoice.bill_run_id if invoice is not None else None
        schedules.reprice(core, schedule)
    st.remove_bill_run(bill_run)
    core.clock.tick()
