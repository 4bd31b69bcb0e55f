"""Chaos: 600 seeded operator actions through REST → fake server under ~30% injected faults,
against the same actions on the in-process fake without faults. Same outcome per action, same
final state: nothing duplicated, nothing lost.

Faults: 429, 409 lock contention and 503 before the engine sees a request (any route, so also
PUTs and the token endpoint), dropped connections before it, and 503 / lock *after* the engine
did the work, only on the POSTs that carry an Idempotency-Key (execute, create bill run, create
schedule, bulk post), where the REST client's retry replays the stored answer.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from backends import jsoncodec
from backends.base import Backend
from backends.errors import BackendError
from backends.fake.backend import FakeBackend
from backends.models import BillRunFilter, BillRunFilterType, CreateBillRunRequest
from backends.tracing import collect_recoveries

from .factories import ServerBackend, rest_over_asgi

ACTIONS = 600
SEED = 20260302

IDEMPOTENT_POSTS = ("POST_ExecuteInvoiceSchedule", "POST_CreateBillRun", "POST_PostInvoices")
FAULTS: list[dict[str, Any]] = [
    {"effect": "rate_limit", "probability": 0.1, "retryAfter": 1},
    {"effect": "lock", "probability": 0.1},
    {"effect": "unavailable", "probability": 0.05},
    {"effect": "drop", "probability": 0.05},
    *[
        {"effect": effect, "operation": op, "phase": "after", "probability": 0.15}
        for op in IDEMPOTENT_POSTS
        for effect in ("unavailable", "lock")
    ],
]

Action = Callable[[Backend], Awaitable[Any]]


def _outcome(value: Any) -> Any:
    """What an action returned, reduced to what both sides must agree on."""
    if value is None or isinstance(value, str | int):
        return value
    wire = value.to_wire() if hasattr(value, "to_wire") else value
    keep = (
        "number",
        "billRunNumber",
        "invoiceNumber",
        "status",
        "amount",
        "billedAmount",
        "nextRunDate",
        "targetDate",
    )
    if isinstance(wire, dict):
        return {k: wire[k] for k in keep if k in wire}
    return wire


async def _run(backend: Backend, action: Action) -> Any:
    try:
        return ("ok", _outcome(await action(backend)))
    except BackendError as exc:
        name = type(exc).__name__
        # A refusal that says "try again" (the account's bill run still running) is retried by
        # the REST client; its last attempt may then meet an injected fault instead.
        return ("error", "transient" if name in _TRANSIENT else name)


#: ... and when that last attempt's reply was lost after the engine ran, the client cannot tell
#: what happened and says so (OutcomeUnknownError) rather than guessing.
_TRANSIENT = {
    "ConflictError",
    "RateLimitedError",
    "UnavailableError",
    "ServerError",
    "OutcomeUnknownError",
}


class Operator:
    """Chooses actions from the reference's state with one seeded RNG."""

    def __init__(self, reference: FakeBackend, seed: int) -> None:
        self.ref = reference
        self.rng = random.Random(seed)
        self.bill_runs: list[str] = []

    async def next(self) -> tuple[str, Action]:
        engine = self.ref.engine
        page = await self.ref.list_invoice_schedules(page_size=1000)
        schedules = page.items
        roll = self.rng.random()
        pick = self.rng.choice(schedules)
        if roll < 0.30:
            pending = [i for i in pick.schedule_items if i.status == "Pending"]
            if pending and self.rng.random() < 0.85:
                item = pending[0].id if self.rng.random() < 0.9 else pending[-1].id
            else:
                item = None
            number = pick.number
            return f"execute {number} {item}", lambda b: b.execute_invoice_schedule(number, item)
        if roll < 0.45:
            return "settle", lambda b: _settle(b)
        if roll < 0.50:
            days = self.rng.randint(1, 25)
            target = engine.today + timedelta(days=days)
            return f"advance {target}", lambda b: _advance(b, target)
        if roll < 0.62:
            docs = [i.invoice_id for s in schedules for i in s.schedule_items if i.invoice_id]
            if docs:
                doc = self.rng.choice(docs)
                return f"post invoice {doc}", lambda b: b.post_invoice(doc)
        if roll < 0.66:
            memos = [
                i.credit_memo_id for s in schedules for i in s.schedule_items if i.credit_memo_id
            ]
            if memos:
                memo = self.rng.choice(memos)
                return f"post memo {memo}", lambda b: b.post_credit_memo(memo)
        if roll < 0.76:
            number = pick.number
            if self.rng.random() < 0.5:
                return f"pause {number}", lambda b: b.pause_invoice_schedule(number)
            return f"resume {number}", lambda b: b.resume_invoice_schedule(number)
        if roll < 0.84:
            account = pick.account_id if self.rng.random() < 0.8 else None
            request = CreateBillRunRequest(
                target_date=engine.today,
                bill_run_filters=(
                    [BillRunFilter(filter_type=BillRunFilterType.ACCOUNT, account_id=account)]
                    if account
                    else []
                ),
            )
            return f"bill run {account}", lambda b: _remember(self, b.create_bill_run(request))
        if roll < 0.92 and self.bill_runs:
            run = self.rng.choice(self.bill_runs)
            if self.rng.random() < 0.6:
                return f"post run {run}", lambda b: b.post_bill_run(run)
            return f"cancel run {run}", lambda b: b.cancel_bill_run(run)
        number = pick.number
        return f"read {number}", lambda b: b.get_invoice_schedule(number)


async def _remember(op: Operator, result: Awaitable[Any]) -> Any:
    run = await result
    if run.id not in op.bill_runs:
        op.bill_runs.append(run.id)
    return run


_SUBJECT: dict[str, ServerBackend] = {}


async def _settle(backend: Backend) -> None:
    if isinstance(backend, FakeBackend):
        await backend.settle()
    else:
        await _SUBJECT["sb"].control.settle()


async def _advance(backend: Backend, target: Any) -> Any:
    if isinstance(backend, FakeBackend):
        moved = await backend.advance(to=target)
    else:
        moved = await _SUBJECT["sb"].control.advance(to=target)
    return [e.schedule_number for e in moved.executed]


def _comparable(state: dict[str, Any]) -> dict[str, Any]:
    """An engine export without what legitimately differs: idempotency keys (the REST client
    makes its own) and the request-id counter (a retried refusal draws a new request id)."""
    data = jsoncodec.to_jsonable(state)
    data.pop("idempotency", None)
    data["ids"]["counters"].pop("request", None)
    return dict(data)


async def test_chaos_rest_with_faults_matches_in_process_without() -> None:
    async with (
        FakeBackend.demo() as reference,
        rest_over_asgi(max_retries=12) as sb,
    ):
        _SUBJECT["sb"] = sb
        await sb.control.add_faults(*FAULTS)
        op = Operator(reference, SEED)
        outcomes = Counter[str]()
        for n in range(ACTIONS):
            label, action = await op.next()
            expected = await _run(reference, action)
            with collect_recoveries() as recovered:
                got = await _run(sb.backend, action)
            if recovered and got[0] == "ok" and expected[0] == "error":
                # A lost reply, then a refused retry, and the object already in the state the
                # action asks for: reported as done. Without the lost reply the client cannot
                # tell whether its own attempt or an earlier action put it there; the final
                # state comparison below still proves nothing happened twice.
                got = expected
            assert got == expected, f"action {n} ({label}): {got} != {expected}"
            outcomes[expected[0]] += 1
        subject_state = await sb.control.export_state()
        journal = await sb.control.journal()

    faulted = [e for e in journal if e["fault"] and "latency" not in e["fault"]]
    assert len(faulted) / len(journal) > 0.2, (len(faulted), len(journal))
    assert {f["fault"].split()[1] for f in faulted} >= {"rate_limit", "lock", "unavailable", "drop"}
    assert any("(after)" in f["fault"] for f in faulted)
    assert any(e["replayed"] for e in journal)
    assert outcomes["ok"] > 200 and outcomes["error"] > 20

    mine = _comparable(subject_state["engine"])
    theirs = _comparable(reference.engine.export_state())
    assert mine["billRuns"] == theirs["billRuns"]
    assert mine["invoices"] == theirs["invoices"]
    assert mine["creditMemos"] == theirs["creditMemos"]
    assert mine["schedules"] == theirs["schedules"]
    assert mine == theirs
    invoice_items = Counter(tuple(e["link"]) for e in mine["invoices"])
    assert max(invoice_items.values()) >= 1
    numbers = [e["invoice"]["invoiceNumber"] for e in mine["invoices"]]
    assert len(numbers) == len(set(numbers))
