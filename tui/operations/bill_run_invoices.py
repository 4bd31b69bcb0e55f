"""Post a bill run's Draft invoices one by one, in bulk-post batches, each with its outcome.

Zuora offers both ("After a bill run is created, you will have the options of posting invoices
individually, or posting all invoices for the bill run", seed *Overview of bill runs*): the
console keeps both. ``post_bill_run`` (``p``) is the run-level ``POST /v1/bill-runs/{id}/post``:
one request, Zuora posts everything, and the run says Posted or it does not; nothing per
document. This one (``E``; ``P`` is ``post_document``, the one under the cursor) posts the
run's Draft invoices individually through Zuora's bulk post (50 a request, a few requests at
once: :mod:`tui.operations.bulk`), so the operator sees a progress bar, can stop after the
batch in flight, and the action log gets every invoice's
outcome (posted, refused with Zuora's code, or not attempted). Credit memos are left to ``p``:
Zuora's bulk post takes invoices only.

The target reads what the bill run screen shows (``bill_run`` and its ``docs``); ``prepare``
reads the run's documents fresh, so the count and total in the dialog are the backend's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from backends.base import Backend
from backends.models import BillRun, BillRunStatus, DocumentStatus, Invoice
from tui.format import day
from tui.keys import KeyNames
from tui.operations import bulk
from tui.operations.base import Change, Confirmation, Context, Notice, Operation, Refused
from tui.operations.bill_runs import bill_run_refs, totals
from tui.operations.bulk import BATCH_SIZE, BATCHES_IN_FLIGHT, BulkReport, post_in_batches

__all__ = ["OPERATIONS", "POST_RUN_INVOICES", "RunInvoicesTarget"]


@dataclass(frozen=True)
class RunInvoicesTarget:
    run: BillRun
    #: the run's Draft invoices (as the screen showed them, then as read fresh)
    drafts: tuple[Invoice, ...]
    #: every document id and number of the run (what the change names)
    refs: frozenset[str] = frozenset()

    @property
    def obj(self) -> str:
        return self.run.bill_run_number


def _drafts(docs: Any) -> tuple[Invoice, ...]:
    return tuple(d for d in docs if isinstance(d, Invoice) and d.status is DocumentStatus.DRAFT)


def run_invoices_target(screen: Any, keys: KeyNames) -> RunInvoicesTarget:
    run = getattr(screen, "bill_run", None)
    if run is None:
        raise Refused("still loading", getattr(screen, "crumb", None))
    docs = tuple(getattr(screen, "docs", ()))
    return RunInvoicesTarget(run, _drafts(docs), bill_run_refs(run))


async def prepare(backend: Backend, target: RunInvoicesTarget) -> RunInvoicesTarget:
    run = await backend.get_bill_run(target.run.id)
    docs = await backend.list_bill_run_documents(run.id)
    return replace(target, run=run, drafts=_drafts(docs.invoices), refs=bill_run_refs(run, docs))


def rule(target: RunInvoicesTarget, keys: KeyNames) -> str | None:
    run = target.run
    number = run.bill_run_number
    if run.status in (BillRunStatus.PENDING, BillRunStatus.PROCESSING):
        return f"{number} is still {run.status.value}: its invoices are not all there yet"
    if run.status not in (BillRunStatus.COMPLETED, BillRunStatus.POSTED):
        return f"{number} is {run.status.value}: it has no invoice to post"
    if not target.drafts:
        return f"{number} has no Draft invoice to post"
    return None


def confirm(target: RunInvoicesTarget, ctx: Context[RunInvoicesTarget]) -> Confirmation:
    run, drafts = target.run, target.drafts
    n = len(drafts)
    total = totals([(i.amount, i.currency) for i in drafts])
    batches = -(-n // BATCH_SIZE)
    return Confirmation(
        f"Post the {n:,} Draft invoice{'' if n == 1 else 's'} of bill run {run.bill_run_number}?",
        f"{run.bill_run_number} · {run.status.value} · target {day(run.target_date)}"
        + (f" · {run.name}" if run.name else "")
        + f"\n{n:,} Draft invoice{'' if n == 1 else 's'}, {total} in all, in {batches:,} bulk "
        f"post{'' if batches == 1 else 's'} of up to {BATCH_SIZE}, {BATCHES_IN_FLIGHT} at a time."
        f"\nEach invoice is posted or refused on its own; {ctx.keys['stop_work']} stops after "
        f"the batch in flight. ({ctx.keys['post_bill_run']} posts the whole run in one request "
        "instead.)",
        "Post invoices",
    )


async def call(ctx: Context[RunInvoicesTarget]) -> BulkReport:
    drafts = ctx.target.drafts
    return await post_in_batches(
        ctx.backend,
        [i.id for i in drafts],
        numbers={i.id: i.invoice_number for i in drafts},
        progress=ctx.progress,
        cancelled=ctx.cancelled,
    )


def success(ctx: Context[RunInvoicesTarget], report: BulkReport) -> Notice:
    return Notice(
        f"{ctx.target.obj}: {bulk.summary(report)}",
        title="Post invoices",
        severity=bulk.severity(report),
        entries=bulk.entries(report),
    )


def changes(ctx: Context[RunInvoicesTarget], report: BulkReport) -> Change:
    # the run turns Posted once its every document is; schedules show their invoices' status
    refs = set(ctx.target.refs) | {o.number for o in report.outcomes}
    refs |= {o.key for o in report.outcomes}
    return Change("post_run_invoices", frozenset(refs), frozenset({"bill_run"}))


def _after(ctx: Context[RunInvoicesTarget], report: BulkReport) -> None:
    clear = getattr(ctx.screen, "clear_marks", None)
    if clear is not None and getattr(ctx.screen, "marked", None):
        clear()  # marked invoices of the run were posted (or refused) with the rest


POST_RUN_INVOICES: Operation[RunInvoicesTarget] = Operation(
    id="post_run_invoices",
    action_id="post_run_invoices",
    target=run_invoices_target,
    prepare=prepare,
    rule=rule,
    confirm=confirm,
    call=call,
    success=success,
    changes=changes,
    after=_after,
)

OPERATIONS = (POST_RUN_INVOICES,)
