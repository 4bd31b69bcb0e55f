"""What an operator does to one invoice or credit memo, and to several at once.

One flow for ``p`` post, ``u`` unpost, ``x`` cancel and ``v`` reverse: fetch the document fresh,
refuse with a reason when its state does not allow the action, confirm in a modal that names the
document, its amount and the environment, then call the backend through ``app.perform``. Shared
by the schedule screen (on an item row) and the invoice / credit memo screens.

:func:`request_bulk_post` posts the invoices marked on a document list in one ``post_invoices``
call per 50 and reports "12 posted, 1 refused: …", one action-log entry per invoice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from backends.models import CreditMemo, DocumentStatus, Invoice, PostResult
from tui import actions
from tui.actions import cancel_invoice_refusal, post_refusal, reverse_refusal, unpost_refusal
from tui.format import day, money

if TYPE_CHECKING:
    from backends.base import Backend
    from tui.app import BillingApp

Kind = Literal["invoice", "credit_memo"]
LABEL: dict[str, str] = {"invoice": "invoice", "credit_memo": "credit memo"}
Document = Invoice | CreditMemo

#: Zuora's bulk post takes at most this many invoices per request.
BULK_POST_LIMIT = 50


def document_number(doc: Document) -> str:
    return doc.invoice_number if isinstance(doc, Invoice) else doc.number


def _dated(doc: Document) -> str:
    return day(doc.invoice_date if isinstance(doc, Invoice) else doc.credit_memo_date)


def _head(label: str, doc: Document) -> str:
    number = document_number(doc)
    return (
        f"{label.capitalize()} {number} for {money(doc.amount, doc.currency)}\n"
        f"Account {doc.account_number or doc.account_id} · dated {_dated(doc)} · "
        f"status {doc.status.value}"
    )


@dataclass(frozen=True)
class Flow:
    """How one document action asks, calls and reports."""

    action_id: str
    verb: str  # "post" -> "Post invoice INV…?"
    done: str  # "posted"
    confirm_label: str
    consequence: Callable[[str, Document], str]
    refusal: Callable[[str, Document], str | None]
    call: Callable[[Backend, Kind, str], Awaitable[Document]]


async def _post(backend: Backend, kind: Kind, key: str) -> Document:
    if kind == "invoice":
        return await backend.post_invoice(key)
    return await backend.post_credit_memo(key)


async def _unpost(backend: Backend, kind: Kind, key: str) -> Document:
    if kind == "invoice":
        return await backend.unpost_invoice(key)
    return await backend.unpost_credit_memo(key)


async def _cancel(backend: Backend, kind: Kind, key: str) -> Document:
    return await backend.cancel_invoice(key)


async def _reverse(backend: Backend, kind: Kind, key: str) -> Document:
    return await backend.reverse_invoice(key)


FLOWS: dict[str, Flow] = {
    "post": Flow(
        "post",
        "Post",
        "posted",
        "Post",
        lambda label, doc: f"Posting is final: a posted {label} can only be reversed or unposted.",
        lambda label, doc: post_refusal(label, document_number(doc), doc.status),
        _post,
    ),
    "unpost": Flow(
        "unpost",
        "Unpost",
        "unposted",
        "Unpost",
        lambda label, doc: (
            f"The {label} goes back to Draft; a Posted bill run of it goes back to Completed."
        ),
        lambda label, doc: unpost_refusal(label, document_number(doc), doc.status, doc.reversed),
        _unpost,
    ),
    "cancel_invoice": Flow(
        "cancel_invoice",
        "Cancel",
        "canceled",
        "Cancel invoice",
        lambda label, doc: (
            "The invoice is canceled for good; the schedule item that produced it goes back "
            "to Pending and can be generated again."
        ),
        lambda label, doc: cancel_invoice_refusal(document_number(doc), doc.status),
        _cancel,
    ),
    "reverse": Flow(
        "reverse",
        "Reverse",
        "reversed",
        "Reverse",
        lambda label, doc: (
            f"A Posted credit memo of {money(doc.amount, doc.currency)} will be created to offset "
            "it; the schedule item goes back to Pending."
        ),
        lambda label, doc: reverse_refusal(
            document_number(doc),
            doc.status,
            doc.reversed,
            doc.payment_amount if isinstance(doc, Invoice) else None,
        ),
        _reverse,
    ),
}


def request_document_action(
    app: BillingApp,
    action_id: str,
    kind: Kind,
    key: str,
    on_done: Callable[[Document], None],
) -> None:
    """Start ``action_id`` (post, unpost, cancel_invoice, reverse) on document ``key``.

    ``on_done`` gets the backend's answer (for reverse: the credit memo) after a success.
    """
    flow = FLOWS[action_id]
    label = LABEL[kind]
    prepare_key = f"{action_id}-prepare:{key}"
    if app.refuse_read_only(action_id, key):
        return
    if app.already_running(action_id, key):
        return
    if prepare_key in app.in_flight:  # held from the first press until the call has answered
        spec = actions.by_id(action_id)
        app.notify(f"{spec.label} on this {label} is already in progress", timeout=3)
        return
    app.in_flight.add(prepare_key)

    async def prepare() -> None:
        backend = app.backend
        try:
            doc: Document = await (
                backend.get_invoice(key) if kind == "invoice" else backend.get_credit_memo(key)
            )
        except Exception as exc:
            app.in_flight.discard(prepare_key)
            app.report_error(f"{label} {key}", exc)
            return
        number = document_number(doc)
        refusal = flow.refusal(label, doc)
        if refusal is not None:
            app.in_flight.discard(prepare_key)
            app.refuse(action_id, number, refusal)
            return
        app.confirm(
            action_id,
            number,
            f"{flow.verb} {label} {number}?",
            f"{_head(label, doc)}\n{flow.consequence(label, doc)}",
            flow.confirm_label,
            lambda: app.run_worker(run(number, doc), group=action_id, exit_on_error=False),
            lambda: app.in_flight.discard(prepare_key),
        )

    async def run(number: str, doc: Document) -> None:
        def describe(result: Document) -> str:
            if isinstance(result, CreditMemo) and kind == "invoice":
                return f"invoice {number} reversed by credit memo {result.number} ({result.status.value})"
            return f"{label} {number} is {result.status.value}"

        try:
            result = await app.perform(
                action_id, number, lambda: flow.call(app.backend, kind, key), describe
            )
        finally:
            app.in_flight.discard(prepare_key)
        if result is None:
            return
        amount = money(doc.amount, doc.currency)
        if isinstance(result, CreditMemo) and kind == "invoice":
            message = f"Invoice {number} reversed by credit memo {result.number} ({amount})"
        else:
            message = f"{label.capitalize()} {number} {flow.done} ({amount})"
        app.notify(message, title=flow.done.capitalize())
        on_done(result)

    app.run_worker(prepare(), group=f"{action_id}-prepare", exit_on_error=False)


def request_post(
    app: BillingApp, kind: Kind, key: str, on_done: Callable[[Document], None]
) -> None:
    """Start the post flow for document ``key``; ``on_done`` runs after a successful post."""
    request_document_action(app, "post", kind, key, on_done)


# --------------------------------------------------------------------------- bulk post


@dataclass(frozen=True)
class Marked:
    """An invoice marked on a document list, as that list shows it."""

    key: str
    number: str
    status: DocumentStatus | None
    amount: Decimal | None
    currency: str | None = None


def bulk_summary(results: list[PostResult], marked: list[Marked]) -> str:
    """``"12 posted, 1 refused: INV00000031 is not Draft (59210020)"``."""
    numbers = {m.key: m.number for m in marked}
    posted = [r for r in results if r.success]
    refused = [r for r in results if not r.success]
    head = f"{len(posted)} posted, {len(refused)} refused"
    if not refused:
        return head
    reasons = [_refusal_text(r, numbers) for r in refused[:3]]
    more = f"; and {len(refused) - 3} more" if len(refused) > 3 else ""
    return f"{head}: {'; '.join(reasons)}{more}"


def _refusal_text(result: PostResult, numbers: dict[str, str]) -> str:
    number = result.invoice_number or numbers.get(result.key, result.key)
    message = result.message or "refused"
    code = f" ({result.code})" if result.code is not None else ""
    text = message if number in message else f"{number}: {message}"
    return f"{text}{code}"


def request_bulk_post(
    app: BillingApp, marked: list[Marked], on_done: Callable[[list[PostResult]], None]
) -> None:
    """Confirm, then post the marked invoices with ``post_invoices`` (50 per call)."""
    obj = f"{len(marked)} marked invoice" + ("" if len(marked) == 1 else "s")
    if app.refuse_read_only("post_marked", obj):
        return
    if not marked:
        app.refuse("post_marked", "marked invoices", "nothing is marked: space marks an invoice")
        return
    if app.already_running("post_marked", "marked invoices"):
        return
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
    body = (
        f"{listed}\n"
        f"{len(marked)} invoice(s), {total_text} in all · {len(drafts)} Draft as shown here"
        f"{warning}\nEach invoice is posted or refused on its own."
    )

    async def call() -> list[PostResult]:
        keys = [m.key for m in marked]
        results: list[PostResult] = []
        for start in range(0, len(keys), BULK_POST_LIMIT):
            results.extend(await app.backend.post_invoices(keys[start : start + BULK_POST_LIMIT]))
        return results

    async def run() -> None:
        results = await app.perform(
            "post_marked", "marked invoices", call, lambda r: bulk_summary(r, marked)
        )
        if results is None:
            return
        numbers = {m.key: m.number for m in marked}
        for result in results:
            number = result.invoice_number or numbers.get(result.key, result.key)
            if result.success:
                app.action_log.record("post_marked", number, "ok", f"invoice {number} posted")
            else:
                app.action_log.record(
                    "post_marked", number, "refused", _refusal_text(result, numbers)
                )
        summary = bulk_summary(results, marked)
        refused = any(not r.success for r in results)
        app.notify(
            summary,
            title="Bulk post",
            severity="warning" if refused else "information",
            timeout=12 if refused else 6,
        )
        on_done(results)

    app.confirm(
        "post_marked",
        obj,
        f"Post {obj}?",
        body,
        "Post marked",
        lambda: app.run_worker(run(), group="post-marked", exit_on_error=False),
    )
