"""Generate billing documents by account (``G`` on the account screen): Zuora's
``POST /v1/accounts/{key}/billing-documents/generate``, which bills one account now up to a
target date, its paused invoice schedules included: the seed's escape for a paused schedule
besides a bill run with a target date past the schedule's next run date.

The target is the account the screen shows, with the bill runs it lists and the numbers of its
paused schedules. The rule is the engine's one the console can see: an account that a bill run
is still billing (Pending or Processing) is refused, since two runs on one account conflict.
What it cannot see (a run started since the screen loaded, too many runs waiting) is the
backend's refusal, one notification; so is a tenant without the feature.

Zuora answers with the documents' ids only: the call reads the first
:data:`READ_BACK` of them back (at once) so the notice names their numbers and amounts; if that
read fails the documents were still generated, and the notice says so with their count.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from backends.base import Backend
from backends.models import (
    Account,
    BillRun,
    BillRunStatus,
    ChargeType,
    CreditMemo,
    GenerateBillingDocumentsRequest,
    GeneratedDocuments,
    Invoice,
    InvoiceScheduleStatus,
)
from tui.format import day, money
from tui.keys import KeyNames
from tui.operations.base import Change, Confirmation, Context, Field, Notice, Operation, Refused

__all__ = ["GENERATE_DOCUMENTS", "OPERATIONS", "AccountTarget", "generate_documents_refusal"]

#: documents read back after generating, to name them (the rest are counted)
READ_BACK = 10

NO_EXCLUSION = "none"
#: Zuora takes at most two of the three charge types to exclude: the choices never offer three
EXCLUSIONS: dict[str, tuple[ChargeType, ...]] = {
    NO_EXCLUSION: (),
    "OneTime": (ChargeType.ONE_TIME,),
    "Recurring": (ChargeType.RECURRING,),
    "Usage": (ChargeType.USAGE,),
    "OneTime + Recurring": (ChargeType.ONE_TIME, ChargeType.RECURRING),
    "OneTime + Usage": (ChargeType.ONE_TIME, ChargeType.USAGE),
    "Recurring + Usage": (ChargeType.RECURRING, ChargeType.USAGE),
}
LEAVE_DRAFT = "leave them Draft"
POST_THEM = "post them"
_BUSY = frozenset({BillRunStatus.PENDING, BillRunStatus.PROCESSING})


@dataclass(frozen=True)
class AccountTarget:
    account: Account
    #: the account's bill runs as the screen lists them (newest first)
    bill_runs: tuple[BillRun, ...] = ()
    #: numbers of the account's Paused invoice schedules, as shown
    paused: tuple[str, ...] = ()
    related: frozenset[str] = field(default_factory=frozenset)

    @property
    def obj(self) -> str:
        return self.account.account_number

    @property
    def key(self) -> str:
        return self.account.id


def generate_documents_refusal(account_number: str, bill_runs: Sequence[BillRun]) -> str | None:
    """Why billing the account now would be refused, or ``None`` (the engine's busy rule)."""
    for run in bill_runs:
        if run.status in _BUSY and not run.is_scheduled:
            return (
                f"{account_number} has bill run {run.bill_run_number} {run.status.value}: wait "
                "for it to finish, two bill runs on one account at the same time conflict"
            )
    return None


def account_target(screen: Any, keys: KeyNames) -> AccountTarget:
    account = getattr(screen, "account", None)
    if account is None:
        raise Refused("the account is still loading", getattr(screen, "crumb", None))
    runs = tuple(screen.bill_runs_shown()) if hasattr(screen, "bill_runs_shown") else ()
    paused = tuple(
        s.number
        for s in getattr(screen, "schedules_shown", lambda: ())()
        if s.status is InvoiceScheduleStatus.PAUSED
    )
    related = frozenset(getattr(screen, "related_refs", lambda: frozenset())())
    return AccountTarget(account, runs, paused, related)


def _inputs(target: AccountTarget, ctx: Context[AccountTarget]) -> Sequence[Field]:
    return (
        Field(
            "target_date",
            "Target date",
            kind="date",
            default=ctx.today,
            help="bills what is due on or before it (a later date bills ahead)",
        ),
        Field(
            "document_date",
            "Document date",
            kind="date",
            required=False,
            help="the invoices' and credit memos' date; blank: today",
        ),
        Field(
            "exclude",
            "Charge types to exclude",
            kind="choice",
            default=NO_EXCLUSION,
            choices=tuple(EXCLUSIONS),
        ),
        Field(
            "auto_post",
            "The documents",
            kind="choice",
            default=LEAVE_DRAFT,
            choices=(LEAVE_DRAFT, POST_THEM),
        ),
    )


def _confirm(target: AccountTarget, ctx: Context[AccountTarget]) -> Confirmation:
    a = target.account
    paused = (
        f"\nPaused schedules are billed too: {', '.join(target.paused)}." if target.paused else ""
    )
    return Confirmation(
        f"Generate billing documents for {a.account_number}?",
        f"{a.account_number} · {a.name} · {a.currency} · {a.batch or 'no batch'} · bill cycle "
        f"day {a.bill_cycle_day}\nBills now what is due up to the target date, with no bill run "
        f"to wait for (Zuora's generate billing documents by account).{paused}",
        "Generate",
    )


@dataclass(frozen=True)
class Generated:
    ids: GeneratedDocuments
    #: the first documents, read back
    documents: tuple[Invoice | CreditMemo, ...] = ()
    #: why they could not be read back (they were generated all the same)
    unread: str | None = None

    @property
    def count(self) -> int:
        return len(self.ids.invoice_ids) + len(self.ids.credit_memo_ids)


async def _read_back(backend: Backend, done: GeneratedDocuments) -> Generated:
    wanted = [("invoice", i) for i in done.invoice_ids] + [
        ("credit_memo", m) for m in done.credit_memo_ids
    ]

    async def read(kind: str, key: str) -> Invoice | CreditMemo:
        if kind == "invoice":
            return await backend.get_invoice(key)
        return await backend.get_credit_memo(key)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(read(kind, key)) for kind, key in wanted[:READ_BACK]]
    except Exception as exc:  # the documents exist: only their numbers are unknown
        inner: BaseException = exc
        while isinstance(inner, BaseExceptionGroup) and inner.exceptions:
            inner = inner.exceptions[0]
        return Generated(done, (), str(getattr(inner, "detail", inner)))
    return Generated(done, tuple(t.result() for t in tasks))


async def _generate(ctx: Context[AccountTarget]) -> Generated:
    values = ctx.values
    request = GenerateBillingDocumentsRequest(
        target_date=values["target_date"],
        effective_date=values.get("document_date"),
        charge_type_to_exclude=list(EXCLUSIONS[values.get("exclude") or NO_EXCLUSION]),
        auto_post=values.get("auto_post") == POST_THEM,
    )
    done = await ctx.backend.generate_billing_documents(ctx.target.account.id, request)
    return await _read_back(ctx.backend, done)


def _describe(doc: Invoice | CreditMemo) -> str:
    if isinstance(doc, Invoice):
        return f"invoice {doc.invoice_number} ({money(doc.amount, doc.currency)}, {doc.status})"
    return f"credit memo {doc.number} ({money(doc.amount, doc.currency)}, {doc.status})"


def _number(doc: Invoice | CreditMemo) -> str:
    return doc.invoice_number if isinstance(doc, Invoice) else doc.number


def _notice(ctx: Context[AccountTarget], result: Generated) -> Notice:
    number = ctx.target.obj
    target_date = day(ctx.values.get("target_date"))
    if result.count == 0:
        return Notice(
            f"{number}: nothing was due up to {target_date}; no document generated",
            title="Nothing to bill",
        )
    n = result.count
    noun = f"{n} document{'' if n == 1 else 's'}"
    if result.unread is not None:
        return Notice(
            f"{noun} generated for {number} (their numbers could not be read: {result.unread})",
            title="Generated",
            severity="warning",
        )
    listed = ", ".join(_describe(d) for d in result.documents)
    more = f" and {n - len(result.documents)} more" if n > len(result.documents) else ""
    entries = tuple((_number(d), "ok", f"{_describe(d)} generated") for d in result.documents)
    return Notice(
        f"{number}: {listed}{more} generated (up to {target_date})",
        title="Generated",
        entries=entries,
    )


def _changes(ctx: Context[AccountTarget], result: Generated) -> Change:
    a = ctx.target.account
    refs = set(ctx.target.related) | {a.id, a.account_number}
    refs |= set(result.ids.invoice_ids) | set(result.ids.credit_memo_ids)
    refs |= {_number(d) for d in result.documents}
    # new documents (the documents list), items billed (any schedule), and on the fake a
    # Completed bill run that records where the documents came from
    return Change(
        "generate_documents", frozenset(refs), frozenset({"document", "schedule", "bill_run"})
    )


GENERATE_DOCUMENTS: Operation[AccountTarget] = Operation(
    id="generate_documents",
    action_id="generate_documents",
    target=account_target,
    rule=lambda t, keys: generate_documents_refusal(t.account.account_number, t.bill_runs),
    inputs=_inputs,
    confirm=_confirm,
    call=_generate,
    success=_notice,
    changes=_changes,
)

OPERATIONS = (GENERATE_DOCUMENTS,)
