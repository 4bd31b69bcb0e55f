"""Operations on a bill run: post, cancel, delete (from the bill runs list or the run's screen),
and post one of its documents (the one under the cursor of the run's screen).

``prepare`` reads the run and its documents fresh: the dialog names the document count and
total, and a Posted document (which stops a cancel or a delete) is seen before asking. Cancelling
a scheduled run that is waiting cancels that occurrence: Zuora (``cancelOnce``, its default)
and the fake then schedule the next one as a bill run of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from backends.base import Backend
from backends.models import BillRun, BillRunDocuments, BillRunStatus, DocumentStatus, Invoice
from tui.format import day, money
from tui.keys import KeyNames
from tui.operations import documents
from tui.operations.base import Change, Confirmation, Context, Notice, Operation, Refused
from tui.operations.rules import bill_run_refusal


def totals(amounts: list[tuple[Decimal, str]]) -> str:
    """``2,000.00 USD`` (or ``1.00 USD + 2.00 EUR``) for (amount, currency) pairs."""
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    for amount, currency in amounts:
        by_currency[currency] += amount
    if not by_currency:
        return money(Decimal(0))
    return " + ".join(money(v, c) for c, v in sorted(by_currency.items()))


def documents_summary(docs: BillRunDocuments) -> str:
    """``2 documents: 1 invoice (2,000.00 USD), 1 credit memo (200.00 USD) · 1 Draft``
    (canceled documents left out; credit memos only named when there are some)."""
    invoices = [i for i in docs.invoices if i.status is not DocumentStatus.CANCELED]
    memos = [m for m in docs.credit_memos if m.status is not DocumentStatus.CANCELED]
    drafts = sum(i.status is DocumentStatus.DRAFT for i in invoices) + sum(
        m.status is DocumentStatus.DRAFT for m in memos
    )
    count = len(invoices) + len(memos)
    parts = [f"{len(invoices)} invoice{'' if len(invoices) == 1 else 's'}"]
    if invoices:
        parts[0] += f" ({totals([(i.amount, i.currency) for i in invoices])})"
    if memos:
        memo_total = totals([(m.amount, m.currency) for m in memos])
        parts.append(f"{len(memos)} credit memo{'' if len(memos) == 1 else 's'} ({memo_total})")
    return f"{count} document{'' if count == 1 else 's'}: {', '.join(parts)} · {drafts} Draft"


def bill_run_refs(run: BillRun, docs: BillRunDocuments | None = None) -> frozenset[str]:
    refs = {run.id, run.bill_run_number}
    if docs is not None:
        for inv in docs.invoices:
            refs |= {inv.id, inv.invoice_number}
        for memo in docs.credit_memos:
            refs |= {memo.id, memo.number}
    for flt in run.bill_run_filters:
        refs |= {x for x in (flt.invoice_schedule_id, flt.invoice_schedule_item_id) if x}
    return frozenset(refs)


@dataclass(frozen=True)
class BillRunTarget:
    run: BillRun
    docs: BillRunDocuments | None = None

    @property
    def obj(self) -> str:
        return self.run.bill_run_number

    def posted(self) -> list[str]:
        if self.docs is None:
            return []
        numbers = [
            i.invoice_number for i in self.docs.invoices if i.status is DocumentStatus.POSTED
        ]
        numbers += [m.number for m in self.docs.credit_memos if m.status is DocumentStatus.POSTED]
        return numbers


def bill_run_target(screen: Any, keys: KeyNames) -> BillRunTarget:
    """The run the screen shows, or the one under the cursor of the bill runs list."""
    current = getattr(screen, "current_run", None)
    run = current() if current is not None else getattr(screen, "bill_run", None)
    if run is None:
        raise Refused("put the cursor on a bill run first", getattr(screen, "crumb", None))
    return BillRunTarget(run)


async def prepare_bill_run(backend: Backend, target: BillRunTarget) -> BillRunTarget:
    run = await backend.get_bill_run(target.run.id)
    docs = await backend.list_bill_run_documents(run.id)
    return replace(target, run=run, docs=docs)


_CONSEQUENCE = {
    "post_bill_run": "Every Draft document of the run is posted and the run becomes Posted.",
    "cancel_bill_run": (
        "The run becomes Canceled; its Draft documents are canceled and their schedule items go "
        "back to Pending."
    ),
    "delete_bill_run": "The run is deleted for good, with its Draft and canceled documents.",
}
_VERB = {"post_bill_run": "Post", "cancel_bill_run": "Cancel", "delete_bill_run": "Delete"}
_DONE = {"post_bill_run": "posted", "cancel_bill_run": "canceled", "delete_bill_run": "deleted"}


_CANCEL_SCHEDULED = (
    "This scheduled run is canceled before it runs; the next run of its schedule is scheduled "
    "as a bill run of its own (cancel that one to stop the series)."
)


def _confirm(action_id: str) -> Any:
    def confirm(target: BillRunTarget, ctx: Context[BillRunTarget]) -> Confirmation:
        run = target.run
        summary = documents_summary(target.docs) if target.docs is not None else ""
        consequence = _CONSEQUENCE[action_id]
        when = run.scheduled_execution_time
        produced = target.docs is not None and (target.docs.invoices or target.docs.credit_memos)
        waiting = run.is_scheduled and run.status is BillRunStatus.PENDING and not produced
        if action_id == "cancel_bill_run" and waiting:
            consequence = _CANCEL_SCHEDULED
            summary = f"Scheduled to run {when:%Y-%m-%d %H:%M}" if when is not None else summary
        return Confirmation(
            f"{_VERB[action_id]} bill run {run.bill_run_number}?",
            f"{run.bill_run_number} · {run.status.value} · target {day(run.target_date)}"
            + (f" · {run.name}" if run.name else "")
            + f"\n{summary}\n{consequence}",
            f"{_VERB[action_id]} run",
        )

    return confirm


def _call(action_id: str) -> Any:
    async def call(ctx: Context[BillRunTarget]) -> BillRun:
        backend, run = ctx.backend, ctx.target.run
        if action_id == "post_bill_run":
            return await backend.post_bill_run(run.id)
        if action_id == "cancel_bill_run":
            return await backend.cancel_bill_run(run.id)
        await backend.delete_bill_run(run.id)
        return run

    return call


def _notice(action_id: str) -> Any:
    def success(ctx: Context[BillRunTarget], result: BillRun) -> Notice:
        state = "" if action_id == "delete_bill_run" else f" ({result.status.value})"
        return Notice(
            f"Bill run {ctx.target.obj} {_DONE[action_id]}{state}",
            title=_DONE[action_id].title(),
        )

    return success


def _changes(action_id: str) -> Any:
    def changes(ctx: Context[BillRunTarget], result: BillRun) -> Change:
        refs = bill_run_refs(ctx.target.run, ctx.target.docs)
        kinds = {"bill_run"}
        if action_id != "post_bill_run":
            kinds.add("schedule")  # items of the run's Draft documents go back to Pending
        deleted = frozenset({ctx.target.run.id}) if action_id == "delete_bill_run" else frozenset()
        return Change(action_id, refs, frozenset(kinds), deleted)

    return changes


def _operation(action_id: str) -> Operation[BillRunTarget]:
    return Operation(
        id=action_id,
        action_id=action_id,
        target=bill_run_target,
        prepare=prepare_bill_run,
        rule=lambda t, keys: bill_run_refusal(action_id, t.run, t.posted()),
        confirm=_confirm(action_id),
        call=_call(action_id),
        success=_notice(action_id),
        changes=_changes(action_id),
    )


POST_BILL_RUN = _operation("post_bill_run")
CANCEL_BILL_RUN = _operation("cancel_bill_run")
DELETE_BILL_RUN = _operation("delete_bill_run")


def run_document_target(screen: Any, keys: KeyNames) -> documents.DocumentTarget:
    """The document under the cursor of the bill run screen (``current_document()``)."""
    current = getattr(screen, "current_document", None)
    doc = current() if current is not None else None
    if doc is None:
        raise Refused("put the cursor on a document first", getattr(screen, "crumb", None))
    kind: documents.Kind = "invoice" if isinstance(doc, Invoice) else "credit_memo"
    related = frozenset(getattr(screen, "related_refs", lambda: frozenset())())
    number = documents.document_number(doc)
    return documents.DocumentTarget(kind, doc.id, number, doc.status, None, related)


#: post one document of the run: the document post, aimed at the run screen's cursor
POST_DOCUMENT: Operation[documents.DocumentTarget] = replace(
    documents.POST, id="post_document", action_id="post_document", target=run_document_target
)

OPERATIONS = (POST_BILL_RUN, CANCEL_BILL_RUN, DELETE_BILL_RUN, POST_DOCUMENT)

__all__ = [
    "OPERATIONS",
    "BillRunTarget",
    "bill_run_refs",
    "documents_summary",
    "run_document_target",
    "totals",
]
