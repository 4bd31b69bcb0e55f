"""Posting a Draft invoice or credit memo: fetch it, confirm naming number/amount/env, post.

Shared by the schedule screen (``p`` on an item row) and the invoice / credit memo screens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from backends.models import CreditMemo, Invoice
from tui.actions import post_refusal
from tui.format import day, money

if TYPE_CHECKING:
    from tui.app import BillingApp

Kind = Literal["invoice", "credit_memo"]
LABEL: dict[str, str] = {"invoice": "invoice", "credit_memo": "credit memo"}


def document_number(doc: Invoice | CreditMemo) -> str:
    return doc.invoice_number if isinstance(doc, Invoice) else doc.number


def request_post(
    app: BillingApp, kind: Kind, key: str, on_done: Callable[[Invoice | CreditMemo], None]
) -> None:
    """Start the post flow for document ``key``; ``on_done`` runs after a successful post."""
    label = LABEL[kind]
    if app.refuse_read_only("post", key):
        return
    if app.already_running("post", key) or app.is_in_flight("post-prepare", key):
        return

    async def prepare() -> None:
        backend = app.backend
        app.in_flight.add(f"post-prepare:{key}")
        try:
            doc: Invoice | CreditMemo = await (
                backend.get_invoice(key) if kind == "invoice" else backend.get_credit_memo(key)
            )
        except Exception as exc:
            app.in_flight.discard(f"post-prepare:{key}")
            app.report_error(f"{label} {key}", exc)
            return
        number = document_number(doc)
        refusal = post_refusal(label, number, doc.status)
        if refusal is not None:
            app.in_flight.discard(f"post-prepare:{key}")
            app.refuse("post", number, refusal)
            return
        dated = doc.invoice_date if isinstance(doc, Invoice) else doc.credit_memo_date
        body = (
            f"{label.capitalize()} {number} for {money(doc.amount, doc.currency)}\n"
            f"Account {doc.account_number or doc.account_id} · dated {day(dated)} · "
            f"status {doc.status.value}\n"
            f"Posting is final: a posted {label} can only be reversed."
        )
        app.confirm(
            "post",
            number,
            f"Post {label} {number}?",
            body,
            "Post",
            lambda: app.run_worker(post(number), group="post", exit_on_error=False),
            lambda: app.in_flight.discard(f"post-prepare:{key}"),
        )

    async def post(number: str) -> None:
        backend = app.backend

        async def call() -> Invoice | CreditMemo:
            if kind == "invoice":
                return await backend.post_invoice(key)
            return await backend.post_credit_memo(key)

        try:
            result = await app.perform(
                "post", number, call, lambda d: f"{label} {number} is {d.status.value}"
            )
        finally:
            app.in_flight.discard(f"post-prepare:{key}")
        if result is not None:
            app.notify(
                f"{label.capitalize()} {number} posted ({money(result.amount, result.currency)})",
                title="Posted",
            )
            on_done(result)

    app.run_worker(prepare(), group="post-prepare", exit_on_error=False)
