"""Operations on invoices and credit memos: post, unpost, cancel, reverse; mark and bulk post.

The target is the document the screen shows (the invoice or credit memo screen) or the one on
the schedule row under the cursor. ``prepare`` reads it fresh, so the rule and the dialog name
the document as the backend has it now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from backends.base import Backend
from backends.models import (
    BillingDocument,
    CreditMemo,
    DocumentStatus,
    DocumentType,
    Invoice,
    ScheduleItem,
)
from tui.format import day, money
from tui.keys import KeyNames
from tui.operations import bulk
from tui.operations.base import (
    Change,
    Confirmation,
    Context,
    Field,
    Notice,
    Operation,
    Refused,
)
from tui.operations.bulk import BulkReport, post_in_batches
from tui.operations.rules import (
    cancel_invoice_refusal,
    item_label,
    post_refusal,
    reverse_refusal,
    unpost_refusal,
)

Kind = Literal["invoice", "credit_memo"]
LABEL: dict[str, str] = {"invoice": "invoice", "credit_memo": "credit memo"}
Document = Invoice | CreditMemo


def document_number(doc: Document) -> str:
    return doc.invoice_number if isinstance(doc, Invoice) else doc.number


def document_refs(doc: Document) -> frozenset[str]:
    refs = {doc.id, document_number(doc)}
    if doc.bill_run_id:
        refs.add(doc.bill_run_id)
    if isinstance(doc, CreditMemo) and doc.referred_invoice_id:
        refs.add(doc.referred_invoice_id)
    return frozenset(refs)


@dataclass(frozen=True)
class DocumentTarget:
    """A document as the screen shows it (``status`` etc.), then as the backend has it
    (``doc``, after ``prepare``). ``related``: refs of what shows it (its schedule)."""

    kind: Kind
    key: str
    number: str
    status: DocumentStatus | None = None
    doc: Document | None = None
    related: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return LABEL[self.kind]

    @property
    def obj(self) -> str:
        return self.number


def _facts(t: DocumentTarget) -> tuple[str, DocumentStatus | None, bool, Decimal]:
    """(number, status, reversed, paid or credited) from the freshest facts known."""
    doc = t.doc
    if doc is None:
        return t.number, t.status, False, Decimal(0)
    if isinstance(doc, Invoice):
        return document_number(doc), doc.status, doc.reversed, doc.amount - doc.balance
    return document_number(doc), doc.status, doc.reversed, doc.applied_amount


def _row_documents(screen: Any) -> tuple[ScheduleItem, str, frozenset[str]]:
    schedule = getattr(screen, "schedule", None)
    item = screen.current_item() if schedule is not None else None
    if schedule is None or item is None:
        raise Refused("put the cursor on a schedule item first", getattr(screen, "crumb", None))
    related = frozenset({schedule.id, schedule.number, item.id})
    return item, f"{schedule.number} {item_label(schedule, item)}", related


def _invoice_of(item: ScheduleItem, related: frozenset[str]) -> DocumentTarget | None:
    ref = item.invoice_id or item.invoice_number
    if not ref:
        return None
    return DocumentTarget(
        "invoice", ref, item.invoice_number or ref, item.invoice_status, None, related
    )


def _memo_of(item: ScheduleItem, related: frozenset[str]) -> DocumentTarget | None:
    ref = item.credit_memo_id or item.credit_memo_number
    if not ref:
        return None
    number = item.credit_memo_number or ref
    return DocumentTarget("credit_memo", ref, number, item.credit_memo_status, None, related)


def _shown_document(screen: Any) -> DocumentTarget:
    doc = getattr(screen, "document", None)
    if doc is None:
        raise Refused("still loading", getattr(screen, "crumb", None))
    kind: Kind = "invoice" if isinstance(doc, Invoice) else "credit_memo"
    related = frozenset(getattr(screen, "related_refs", lambda: frozenset())())
    return DocumentTarget(kind, doc.id, document_number(doc), doc.status, doc, related)


def document_target(wanted: DocumentStatus | None, invoice_only: bool = False) -> Any:
    """A target resolver: the shown document, or on a schedule row the row's document in the
    ``wanted`` status (its invoice first), else the row's invoice (the rule then says why)."""

    def resolve(screen: Any, keys: KeyNames) -> DocumentTarget:
        if getattr(screen, "schedule", None) is None and hasattr(screen, "document"):
            target = _shown_document(screen)
            if invoice_only and target.kind != "invoice":
                raise Refused(
                    f"{target.number} is a credit memo: this acts on invoices", target.obj
                )
            return target
        item, where, related = _row_documents(screen)
        candidates = [_invoice_of(item, related)]
        if not invoice_only:
            candidates.append(_memo_of(item, related))
        found = [c for c in candidates if c is not None]
        for candidate in found:
            if wanted is None or candidate.status is wanted:
                return candidate
        if found:
            return found[0]
        what = "invoice" if invoice_only else "billing document"
        hint = f" ({keys['generate']} generates it)" if item.status.value == "Pending" else ""
        raise Refused(f"{where} has no {what} yet{hint}", where)

    return resolve


async def prepare_document(backend: Backend, target: DocumentTarget) -> DocumentTarget:
    if target.kind == "invoice":
        doc: Document = await backend.get_invoice(target.key)
    else:
        doc = await backend.get_credit_memo(target.key)
    return replace(target, doc=doc, number=document_number(doc), status=doc.status)


def _head(target: DocumentTarget) -> str:
    doc = target.doc
    assert doc is not None
    dated = day(doc.invoice_date if isinstance(doc, Invoice) else doc.credit_memo_date)
    return (
        f"{target.label.capitalize()} {target.number} for {money(doc.amount, doc.currency)}\n"
        f"Account {doc.account_number or doc.account_id} · dated {dated} · "
        f"status {doc.status.value}"
    )


def _amount(target: DocumentTarget) -> str:
    doc = target.doc
    return money(doc.amount, doc.currency) if doc is not None else ""


def _confirm(verb: str, button: str, consequence: Any) -> Any:
    def confirm(target: DocumentTarget, ctx: Context[DocumentTarget]) -> Confirmation:
        return Confirmation(
            f"{verb} {target.label} {target.number}?",
            f"{_head(target)}\n{consequence(target)}",
            button,
        )

    return confirm


def _done(done: str) -> Any:
    def success(ctx: Context[DocumentTarget], result: Document) -> Notice:
        t = ctx.target
        return Notice(
            f"{t.label.capitalize()} {t.number} {done} ({_amount(t)})", title=done.capitalize()
        )

    return success


def _changed(kind: str, schedule_may_change: bool) -> Any:
    def changes(ctx: Context[DocumentTarget], result: Document) -> Change:
        t = ctx.target
        refs = set(t.related) | {t.key, t.number} | document_refs(result)
        if t.doc is not None:
            refs |= document_refs(t.doc)
        # without its schedule known (a credit memo screen), any schedule may show it
        kinds = {"schedule"} if schedule_may_change and not t.related else set()
        kinds.add("document")  # the documents list shows every document, listed or not
        return Change(kind, frozenset(refs), frozenset(kinds))

    return changes


async def _post(ctx: Context[DocumentTarget]) -> Document:
    t = ctx.target
    if t.kind == "invoice":
        return await ctx.backend.post_invoice(t.key)
    return await ctx.backend.post_credit_memo(t.key)


async def _unpost(ctx: Context[DocumentTarget]) -> Document:
    t = ctx.target
    if t.kind == "invoice":
        return await ctx.backend.unpost_invoice(t.key)
    return await ctx.backend.unpost_credit_memo(t.key)


async def _cancel(ctx: Context[DocumentTarget]) -> Document:
    return await ctx.backend.cancel_invoice(ctx.target.key)


async def _reverse(ctx: Context[DocumentTarget]) -> CreditMemo:
    return await ctx.backend.reverse_invoice(ctx.target.key, memo_date=ctx.values.get("memo_date"))


def _post_rule(t: DocumentTarget, keys: KeyNames) -> str | None:
    number, status, _, _ = _facts(t)
    return post_refusal(t.label, number, status)


def _unpost_rule(t: DocumentTarget, keys: KeyNames) -> str | None:
    number, status, reversed_, paid = _facts(t)
    return unpost_refusal(t.label, number, status, reversed_, unpaid=not paid)


def _cancel_rule(t: DocumentTarget, keys: KeyNames) -> str | None:
    number, status, _, _ = _facts(t)
    return cancel_invoice_refusal(number, status)


def _reverse_rule(t: DocumentTarget, keys: KeyNames) -> str | None:
    number, status, reversed_, paid = _facts(t)
    return reverse_refusal(number, status, reversed_, paid or None)


def reverse_inputs(target: DocumentTarget, ctx: Context[DocumentTarget]) -> Sequence[Field]:
    """The credit memo's date: today by default, never before the invoice's date."""
    doc = target.doc
    earliest: date | None = doc.invoice_date if isinstance(doc, Invoice) else None
    today = ctx.today
    default = today
    if earliest is not None and (default is None or default < earliest):
        default = earliest
    return (
        Field(
            "memo_date",
            "Credit memo date",
            kind="date",
            default=default,
            minimum=earliest,
            help="the date of the credit memo that offsets the invoice",
        ),
    )


def _reverse_notice(ctx: Context[DocumentTarget], memo: CreditMemo) -> Notice:
    t = ctx.target
    return Notice(
        f"Invoice {t.number} reversed by credit memo {memo.number} ({_amount(t)}, dated "
        f"{day(memo.credit_memo_date)})",
        title="Reversed",
    )


POST: Operation[DocumentTarget] = Operation(
    id="post",
    action_id="post",
    target=document_target(DocumentStatus.DRAFT),
    prepare=prepare_document,
    rule=_post_rule,
    confirm=_confirm(
        "Post",
        "Post",
        lambda t: f"Posting is final: a posted {t.label} can only be reversed or unposted.",
    ),
    call=_post,
    success=_done("posted"),
    changes=_changed("post", schedule_may_change=False),
)

UNPOST: Operation[DocumentTarget] = Operation(
    id="unpost",
    action_id="unpost",
    target=document_target(DocumentStatus.POSTED),
    prepare=prepare_document,
    rule=_unpost_rule,
    confirm=_confirm(
        "Unpost",
        "Unpost",
        lambda t: (
            f"The {t.label} goes back to Draft; a Posted bill run of it goes back to Completed."
        ),
    ),
    call=_unpost,
    success=_done("unposted"),
    changes=_changed("unpost", schedule_may_change=False),
)

CANCEL_INVOICE: Operation[DocumentTarget] = Operation(
    id="cancel_invoice",
    action_id="cancel_invoice",
    target=document_target(DocumentStatus.DRAFT, invoice_only=True),
    prepare=prepare_document,
    rule=_cancel_rule,
    confirm=_confirm(
        "Cancel",
        "Cancel invoice",
        lambda t: (
            "The invoice is canceled for good; the schedule item that produced it goes "
            "back to Pending and can be generated again."
        ),
    ),
    call=_cancel,
    success=_done("canceled"),
    changes=_changed("cancel_invoice", schedule_may_change=True),
)

REVERSE: Operation[DocumentTarget] = Operation(
    id="reverse",
    action_id="reverse",
    target=document_target(DocumentStatus.POSTED, invoice_only=True),
    prepare=prepare_document,
    rule=_reverse_rule,
    inputs=reverse_inputs,
    confirm=_confirm(
        "Reverse",
        "Reverse",
        lambda t: (
            f"A Posted credit memo of {_amount(t)} will be created to offset it; the "
            "schedule item goes back to Pending."
        ),
    ),
    call=_reverse,
    success=_reverse_notice,
    changes=_changed("reverse", schedule_may_change=True),
)


# --------------------------------------------------------------------------- marks and bulk post


@dataclass(frozen=True)
class Marked:
    """An invoice marked on a document list, as that list shows it."""

    key: str
    number: str
    status: DocumentStatus | None
    amount: Decimal | None
    currency: str | None = None


@dataclass(frozen=True)
class MarkTarget:
    """The row to mark (``row``: the screen's row key) and its invoice."""

    row: str
    marked: Marked

    @property
    def obj(self) -> str:
        return self.marked.number


def mark_target(screen: Any, keys: KeyNames) -> MarkTarget:
    """The invoice under the cursor: the schedule row's, the bill run document's, or the
    documents list row's."""
    if getattr(screen, "schedule", None) is not None:
        schedule = screen.schedule
        item, where, _ = _row_documents(screen)
        ref = item.invoice_id or item.invoice_number
        if not ref:
            if item.credit_memo_id or item.credit_memo_number:
                raise Refused(
                    f"{item_label(schedule, item)} has a credit memo only: bulk post takes "
                    f"invoices ({keys['post']} posts it)",
                    where,
                )
            raise Refused(f"{item_label(schedule, item)} has no invoice to mark", where)
        number = item.invoice_number or ref
        return MarkTarget(
            item.id, Marked(ref, number, item.invoice_status, item.actual_amount, schedule.currency)
        )
    doc = screen.current_document() if hasattr(screen, "current_document") else None
    if doc is None:
        raise Refused("no document here", getattr(screen, "crumb", None))
    if isinstance(doc, BillingDocument):  # a row of the documents list
        return _listed_mark(doc, keys)
    if not isinstance(doc, Invoice):
        raise Refused(f"{doc.number} is a credit memo: bulk post takes invoices", doc.number)
    return MarkTarget(
        doc.id, Marked(doc.id, doc.invoice_number, doc.status, doc.amount, doc.currency)
    )


def _listed_mark(doc: BillingDocument, keys: KeyNames) -> MarkTarget:
    if doc.document_type is not DocumentType.INVOICE:
        raise Refused(
            f"{doc.number} is a credit memo: Zuora's bulk post takes invoices only "
            f"(enter opens it, {keys['post']} posts it there)",
            doc.number,
        )
    return MarkTarget(doc.id, Marked(doc.id, doc.number, doc.status, doc.amount, doc.currency))


MARK: Operation[MarkTarget] = Operation(
    id="mark",
    action_id="mark",
    target=mark_target,
    local=lambda screen, t: screen.toggle_mark(t.row, t.marked),
)


@dataclass(frozen=True)
class BulkTarget:
    marked: tuple[Marked, ...]
    related: frozenset[str] = field(default_factory=frozenset)

    @property
    def obj(self) -> str:
        return "marked invoices"

    @property
    def count(self) -> str:
        n = len(self.marked)
        return f"{n} marked invoice" + ("" if n == 1 else "s")


def bulk_target(screen: Any, keys: KeyNames) -> BulkTarget:
    marked = tuple(getattr(screen, "marked", {}).values())
    if not marked:
        raise Refused(f"nothing is marked: {keys['mark']} marks an invoice", "marked invoices")
    related = frozenset(getattr(screen, "related_refs", lambda: frozenset())())
    return BulkTarget(marked, related)


def _bulk_confirm(target: BulkTarget, ctx: Context[BulkTarget]) -> Confirmation:
    marked = target.marked
    drafts = [m for m in marked if m.status is DocumentStatus.DRAFT]
    currencies = {m.currency for m in marked if m.currency}
    total = sum((m.amount or Decimal(0) for m in marked), Decimal(0))
    total_text = money(total, currencies.pop() if len(currencies) == 1 else None)
    listed = ", ".join(m.number for m in marked[:6])
    if len(marked) > 6:
        listed += f" and {len(marked) - 6} more"
    others = len(marked) - len(drafts)
    warning = (
        f"\n{others} of them not Draft here: the backend will refuse "
        + ("it" if others == 1 else "them")
        + "."
        if others
        else ""
    )
    return Confirmation(
        f"Post {target.count}?",
        f"{listed}\n{len(marked)} invoice(s), {total_text} in all · {len(drafts)} Draft as shown "
        f"here{warning}\nEach invoice is posted or refused on its own.",
        "Post marked",
    )


async def _bulk_post(ctx: Context[BulkTarget]) -> BulkReport:
    """Zuora's bulk-post batches, a few at once, stoppable: :mod:`tui.operations.bulk`."""
    marked = ctx.target.marked
    return await post_in_batches(
        ctx.backend,
        [m.key for m in marked],
        numbers={m.key: m.number for m in marked},
        progress=ctx.progress,
        cancelled=ctx.cancelled,
    )


def _bulk_notice(ctx: Context[BulkTarget], report: BulkReport) -> Notice:
    return Notice(
        bulk.summary(report),
        title="Bulk post",
        severity=bulk.severity(report),
        entries=bulk.entries(report),
    )


def _bulk_changes(ctx: Context[BulkTarget], report: BulkReport) -> Change:
    refs = set(ctx.target.related)
    for m in ctx.target.marked:
        refs |= {m.key, m.number}
    refs |= {o.number for o in report.outcomes}
    return Change("post_marked", frozenset(refs), frozenset({"document"}))


POST_MARKED: Operation[BulkTarget] = Operation(
    id="post_marked",
    action_id="post_marked",
    target=bulk_target,
    confirm=_bulk_confirm,
    call=_bulk_post,
    success=_bulk_notice,
    changes=_bulk_changes,
    after=lambda ctx, results: ctx.screen.clear_marks(),
)

OPERATIONS = (POST, UNPOST, CANCEL_INVOICE, REVERSE, MARK, POST_MARKED)
