"""Bill runs the console started, watched by the app rather than by the screen that started them.

Every ``poll_interval`` (and at once on ``refresh``) the watcher reads each run; when one has
finished it reads the documents it produced and announces the outcome wherever the operator is
now: the invoice with its number and amount, the credit memo, "nothing to credit", or the run's
error. The outcome goes to the action log and a :class:`~tui.changes.BillingChanged` makes every
screen showing the schedule, the run or the documents reload.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from textual.timer import Timer

from backends.models import (
    BillRun,
    BillRunDocuments,
    BillRunStatus,
    CreditMemo,
    DocumentStatus,
    Invoice,
)
from tui.changes import BillingChanged
from tui.format import money
from tui.operations.base import Change, Watch

if TYPE_CHECKING:
    from tui.app import BillingApp

__all__ = ["BillRunWatcher", "outcome", "run_outcome"]


def run_outcome(invoices: list[Invoice], memos: list[CreditMemo]) -> str:
    """``3 invoices (5,651.65 USD), 1 credit memo (200.00 USD) · 3 Draft`` or ``no document``."""
    if not invoices and not memos:
        return "no document (nothing was due up to its target date)"
    parts = [f"{len(invoices)} invoice{'' if len(invoices) == 1 else 's'}"]
    if invoices:
        parts[0] += f" ({_total([(i.amount, i.currency) for i in invoices])})"
    if memos:
        memo_total = _total([(m.amount, m.currency) for m in memos])
        parts.append(f"{len(memos)} credit memo{'' if len(memos) == 1 else 's'} ({memo_total})")
    drafts = sum(i.status is DocumentStatus.DRAFT for i in invoices) + sum(
        m.status is DocumentStatus.DRAFT for m in memos
    )
    return ", ".join(parts) + f" · {drafts} Draft"


def _total(amounts: list[tuple[Decimal, str]]) -> str:
    by_currency: dict[str, Decimal] = {}
    for amount, currency in amounts:
        by_currency[currency] = by_currency.get(currency, Decimal(0)) + amount
    return " + ".join(money(v, c) for c, v in sorted(by_currency.items()))


def outcome(watch: Watch, run: BillRun, docs: BillRunDocuments) -> tuple[str, str, str]:
    """(log outcome, message, title) for a finished bill run."""
    number = run.bill_run_number
    if run.status in (BillRunStatus.ERROR, BillRunStatus.CANCELED):
        return (
            "error",
            f"Bill run {number} for {watch.obj} ended {run.status.value}",
            ("Bill run did not complete"),
        )
    invoices = [i for i in docs.invoices if i.status is not DocumentStatus.CANCELED]
    memos = [
        m
        for m in docs.credit_memos
        if m.status is not DocumentStatus.CANCELED and m.id not in watch.known_memos
    ]
    parts = [
        f"invoice {i.invoice_number} for {money(i.amount, i.currency)} ({i.status.value})"
        for i in invoices
    ] + [
        f"credit memo {m.number} for {money(m.amount, m.currency)} ({m.status.value})"
        for m in memos
    ]
    title = f"Bill run {number} completed"
    if watch.kind == "run":  # a new bill run of any accounts: counts and totals, not each one
        return "ok", f"Bill run {number} for {watch.obj}: {run_outcome(invoices, memos)}", title
    if watch.kind == "credit":
        if not memos:
            return "ok", f"No credit memo: nothing to credit ({watch.obj}, {number})", title
        memo = memos[0]
        return (
            "ok",
            f"Credit memo {memo.number} for {money(memo.amount, memo.currency)} created "
            f"({memo.status.value}, {watch.obj}, {number})",
            title,
        )
    if not parts:
        return "ok", f"{watch.obj} is Processed: bill run {number} produced no document", title
    return "ok", f"{watch.obj} is Processed: {', '.join(parts)}", title


class BillRunWatcher:
    def __init__(self, app: BillingApp) -> None:
        self.app = app
        self.watched: dict[str, Watch] = {}
        #: every bill run this session watched (a screen leaves their announcement to us)
        self.seen: set[str] = set()
        self._timer: Timer | None = None
        self._failing = False

    def start(self) -> None:
        self._timer = self.app.set_interval(
            self.app.profile.poll_interval, self.check_now, pause=True
        )

    def watch(self, watch: Watch) -> None:
        self.app.remember_bill_run(watch.bill_run_number, watch.bill_run_id)
        self.watched[watch.bill_run_id] = watch
        self.seen.add(watch.bill_run_id)
        if self._timer is not None:
            self._timer.resume()

    def running_for(self, refs: frozenset[str]) -> list[str]:
        """Numbers of the watched runs started for any of ``refs`` (a schedule's id, number)."""
        return [w.bill_run_number for w in self.watched.values() if w.refs & refs]

    def check_now(self) -> None:
        if not self.watched:
            return
        running = any(w.group == "bill-run-watch" and not w.is_finished for w in self.app.workers)
        if not running:
            self.app.run_worker(self._check(), group="bill-run-watch", exit_on_error=False)

    async def _check(self) -> None:
        app = self.app
        backend = app.backend
        for run_id, watch in list(self.watched.items()):
            try:
                run = await backend.get_bill_run(run_id)
                if not run.is_finished:
                    continue
                docs = await backend.list_bill_run_documents(run_id)
            except Exception as exc:
                if not self._failing:  # one notification per outage, not one per poll
                    app.report_error(f"bill run {watch.bill_run_number}", exc)
                self._failing = True
                return
            self._failing = False
            self.watched.pop(run_id, None)
            result, message, title = outcome(watch, run, docs)
            app.action_log.record(watch.action_id, watch.obj, result, message)
            app.notify(
                message,
                title=title,
                severity="error" if result == "error" else "information",
                timeout=12,
            )
            refs = set(watch.refs) | {run.id, run.bill_run_number}
            for inv in docs.invoices:
                refs |= {inv.id, inv.invoice_number}
            for memo in docs.credit_memos:
                refs |= {memo.id, memo.number}
            app.post_message(
                BillingChanged(
                    Change(
                        "bill_run_finished",
                        frozenset(refs),
                        kinds=frozenset({"bill_run"}),
                    )
                )
            )
        if not self.watched and self._timer is not None:
            self._timer.pause()
