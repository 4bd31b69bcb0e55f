"""The console's courtesy rules agree with the fake engine's actual refusals, case by case.

No Pilot: for every schedule item, document and bill run of the demo tenant, the operation's own
target and rule give the console's verdict, and the same call through the FakeBackend gives the
engine's. A success changes the tenant (bill runs are settled at once), so later cases see the
states earlier ones produced: Pending, Executing, Processed, Draft, Posted, reversed, Canceled.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from backends.errors import BackendError
from backends.fake.backend import FakeBackend
from backends.models import (
    Account,
    CreateBillRunRequest,
    GenerateBillingDocumentsRequest,
    InvoiceSchedule,
    ScheduleItemStatus,
)
from tui.keys import DEFAULT_KEYS
from tui.operations import by_id
from tui.operations.accounts import AccountTarget
from tui.operations.base import Context
from tui.operations.bill_run_invoices import RunInvoicesTarget
from tui.operations.bill_run_invoices import prepare as prepare_run_invoices
from tui.operations.bill_runs import BillRunTarget, prepare_bill_run
from tui.operations.documents import DocumentTarget, prepare_document, reverse_inputs
from tui.operations.rules import generate_refusal
from tui.operations.schedule import ScheduleTarget


async def engine_accepts(call: Any) -> bool:
    try:
        await call
    except BackendError:
        return False
    return True


async def all_schedules(backend: FakeBackend) -> list[InvoiceSchedule]:
    found: list[InvoiceSchedule] = []
    cursor = None
    while True:
        page = await backend.list_invoice_schedules(page_size=50, cursor=cursor)
        found.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return found


async def test_generate_rule_agrees_with_the_engine_for_every_item() -> None:
    backend = FakeBackend.demo(progression="manual")
    reasons: list[str | None] = []
    for s_index, listed in enumerate(await all_schedules(backend)):
        for n in range(len(listed.schedule_items)):
            schedule = await backend.get_invoice_schedule(listed.id)
            item = schedule.schedule_items[n]
            reason = generate_refusal(schedule, item)
            engine = await engine_accepts(backend.execute_invoice_schedule(schedule.id, item.id))
            reasons.append(reason)
            assert (reason is None) == engine, (schedule.number, n + 1, item.status, reason)
            if engine and s_index % 2 == 0:
                await backend.settle()  # else it stays Executing: the next item is refused
    texts = [r for r in reasons if r is not None]
    assert None in reasons  # every kind of case was met
    for kind in ("still Executing", "Paused", "earliest Pending", "already Processed"):
        assert any(kind in r for r in texts), kind


async def test_schedule_rules_agree_with_the_engine() -> None:
    backend = FakeBackend.demo(progression="manual")
    seen: set[tuple[str, bool]] = set()
    for listed in await all_schedules(backend):
        for op_id, call in (
            ("pause", backend.pause_invoice_schedule),
            ("pause", backend.pause_invoice_schedule),  # twice: the second is refused
            ("resume", backend.resume_invoice_schedule),
            ("resume", backend.resume_invoice_schedule),
        ):
            schedule = await backend.get_invoice_schedule(listed.id)
            console = by_id(op_id).rule(ScheduleTarget(schedule), DEFAULT_KEYS) is None
            engine = await engine_accepts(call(schedule.id))
            assert console == engine, (schedule.number, op_id, schedule.status)
            seen.add((op_id, engine))
        schedule = await backend.get_invoice_schedule(listed.id)
        console = by_id("create_bill_run").rule(ScheduleTarget(schedule), DEFAULT_KEYS) is None
        if not console and any(
            i.status is ScheduleItemStatus.PENDING for i in schedule.schedule_items
        ):
            # without an item the engine would run the earliest Pending item instead of
            # refusing: the console never makes that call, so there is nothing to compare
            continue
        try:
            run = await backend.execute_invoice_schedule(schedule.id)
            engine = True
        except BackendError:
            engine = False
        assert console == engine, (schedule.number, "create_bill_run", schedule.status)
        seen.add(("create_bill_run", engine))
        if engine:  # while the app watches that run, a second one is refused by both
            running = ScheduleTarget(schedule, running=(run.bill_run_number,))
            console = by_id("create_bill_run").rule(running, DEFAULT_KEYS) is None
            engine = await engine_accepts(backend.execute_invoice_schedule(schedule.id))
            assert console == engine is False, schedule.number
            seen.add(("create_bill_run", engine))
        await backend.settle()
    assert {("pause", True), ("pause", False), ("resume", True), ("resume", False)} <= seen
    assert ("create_bill_run", True) in seen and ("create_bill_run", False) in seen


async def test_document_and_bill_run_rules_agree_with_the_engine() -> None:
    backend = FakeBackend.demo(progression="manual")
    today = await backend.today()
    runs = (await backend.list_bill_runs(page_size=100)).items
    seen: set[tuple[str, bool]] = set()
    calls = {
        "post": lambda t, ctx: backend.post_invoice(t.key),
        "unpost": lambda t, ctx: backend.unpost_invoice(t.key),
        "reverse": lambda t, ctx: backend.reverse_invoice(
            t.key, memo_date=reverse_inputs(t, ctx)[0].default
        ),
        "cancel_invoice": lambda t, ctx: backend.cancel_invoice(t.key),
    }
    for run in runs:
        docs = await backend.list_bill_run_documents(run.id)
        for invoice in docs.invoices:
            steps = (
                ("cancel_invoice", "post", "unpost", "reverse")
                if invoice.status.value == "Draft"
                else ("post", "unpost", "post", "reverse", "reverse", "unpost", "cancel_invoice")
            )
            for op_id in steps:
                target = await prepare_document(
                    backend, DocumentTarget("invoice", invoice.id, invoice.invoice_number)
                )
                console = by_id(op_id).rule(target, DEFAULT_KEYS) is None
                ctx: Context[DocumentTarget] = Context(backend, target, DEFAULT_KEYS, today=today)
                engine = await engine_accepts(calls[op_id](target, ctx))
                assert console == engine, (invoice.invoice_number, op_id, target.status)
                seen.add((op_id, engine))
        for memo in docs.credit_memos:
            for op_id, call in (
                ("post", backend.post_credit_memo),
                ("unpost", backend.unpost_credit_memo),
            ):
                target = await prepare_document(
                    backend, DocumentTarget("credit_memo", memo.id, memo.number)
                )
                console = by_id(op_id).rule(target, DEFAULT_KEYS) is None
                engine = await engine_accepts(call(memo.id))
                assert console == engine, (memo.number, op_id, target.status)
    backend = FakeBackend.demo(progression="manual")  # the runs as seeded, then as changed
    runs = (await backend.list_bill_runs(page_size=100)).items
    for n, run in enumerate([*runs, *runs]):
        steps = (
            ("post_bill_run", backend.post_bill_run),
            ("cancel_bill_run", backend.cancel_bill_run),
            ("delete_bill_run", backend.delete_bill_run),
        )
        for op_id, call in steps if n % 2 else tuple(reversed(steps)):
            try:
                target = await prepare_bill_run(backend, BillRunTarget(run))
            except BackendError:  # deleted by an earlier case
                break
            console = by_id(op_id).rule(target, DEFAULT_KEYS) is None
            engine = await engine_accepts(call(run.id))
            assert console == engine, (run.bill_run_number, op_id, target.run.status)
            seen.add((op_id, engine))
    for op_id in (
        "post",
        "unpost",
        "reverse",
        "cancel_invoice",
        "post_bill_run",
        "cancel_bill_run",
    ):
        assert (op_id, True) in seen and (op_id, False) in seen, op_id


async def test_post_run_invoices_rule_agrees_with_the_engine_for_every_run() -> None:
    """E: the console posts when the run is done and has a Draft invoice; the engine's bulk post
    of the run's invoices then posts at least one, and posts none whenever the console refuses
    (runs still Pending or Processing, or with nothing Draft left). Twice: the second pass meets
    the runs the first posted."""
    backend = FakeBackend.demo(progression="manual")
    operation = by_id("post_run_invoices")
    seen: set[tuple[bool, str]] = set()
    # a run still Pending (manual progression: it waits for settle) is met too
    await backend.create_bill_run(
        CreateBillRunRequest(batches=["Batch1"], target_date=await backend.today())
    )
    for _ in range(2):
        for run in (await backend.list_bill_runs(page_size=100)).items:
            target = await prepare_run_invoices(backend, RunInvoicesTarget(run, ()))
            console = operation.rule(target, DEFAULT_KEYS) is None
            invoices = (await backend.list_bill_run_documents(run.id)).invoices
            results = await backend.post_invoices([i.id for i in invoices]) if invoices else []
            engine = any(r.success for r in results)
            assert console == engine, (run.bill_run_number, run.status, console, results)
            seen.add((engine, target.run.status.value))
    assert (True, "Completed") in seen
    assert {status for ok, status in seen if not ok} >= {"Pending", "Processing", "Posted"}


async def test_post_document_rule_agrees_with_the_engine_for_every_run_document() -> None:
    """P on the bill run screen: the document under the cursor, posted (twice: the second is
    refused by both)."""
    backend = FakeBackend.demo(progression="manual")
    operation = by_id("post_document")
    today = await backend.today()
    seen: set[tuple[str, bool]] = set()
    for run in (await backend.list_bill_runs(page_size=100)).items:
        docs = await backend.list_bill_run_documents(run.id)
        for doc in [*docs.invoices, *docs.credit_memos]:
            for _ in range(2):
                screen = SimpleNamespace(
                    current_document=lambda d=doc: d, crumb=run.bill_run_number
                )
                target = operation.target(screen, DEFAULT_KEYS)
                assert operation.prepare is not None
                target = await operation.prepare(backend, target)
                console = operation.rule(target, DEFAULT_KEYS) is None
                ctx: Context[Any] = Context(backend, target, DEFAULT_KEYS, today=today)
                engine = await engine_accepts(operation.call(ctx))
                assert console == engine, (target.number, target.status, console)
                seen.add((target.kind, engine))
    assert {("invoice", True), ("invoice", False)} <= seen  # the demo's runs bill no memo


async def test_generate_documents_rule_agrees_with_the_engine_for_every_account() -> None:
    """G: refused while a bill run of the account is Pending or Processing, by both."""
    backend = FakeBackend.demo(progression="manual")
    operation = by_id("generate_documents")
    today = await backend.today()
    accounts: list[Account] = (await backend.list_accounts(page_size=100)).items
    # a run for every account of Batch1, left Pending (manual progression)
    await backend.create_bill_run(
        CreateBillRunRequest(batches=["Batch1"], target_date=await backend.today())
    )
    seen: set[bool] = set()
    for account in accounts:
        runs = (await backend.list_bill_runs(account_id=account.id, page_size=100)).items
        target = AccountTarget(account, tuple(runs))
        console = operation.rule(target, DEFAULT_KEYS) is None
        request = GenerateBillingDocumentsRequest(target_date=today + timedelta(days=31))
        engine = await engine_accepts(backend.generate_billing_documents(account.id, request))
        assert console == engine, (account.account_number, [r.status for r in runs])
        seen.add(engine)
    assert seen == {True, False}
