"""The bulk-post coordinator (``tui.operations.bulk``): batches, bounded concurrency, failures,
lost replies, stopping, and one outcome per key. No Textual here: a scripted backend."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backends.errors import OutcomeUnknownError, ServerError, ValidationError
from backends.fake.backend import FakeBackend
from backends.fake.bulk import bulk, bulk_size
from backends.models import BillRunStatus, DocumentStatus, Invoice, PostResult
from tui.operations.bulk import BATCH_SIZE, BulkReport, entries, post_in_batches, summary


def invoice(key: str, status: DocumentStatus) -> Invoice:
    from datetime import date
    from decimal import Decimal

    return Invoice(
        id=key,
        invoice_number=key,
        account_id="A",
        status=status,
        currency="USD",
        amount=Decimal("1"),
        amount_without_tax=Decimal("1"),
        balance=Decimal("1"),
        invoice_date=date(2026, 3, 2),
    )


class Scripted:
    """``post_invoices`` that records the peak of concurrent calls and can hold calls at a
    turnstile: held calls are let go together once ``hold`` of them wait (or every batch left
    has started), so a coordinator allowing more than its bound would show a higher peak."""

    def __init__(self, *, hold: int = 0, batches: int = 0) -> None:
        self.hold = hold
        self.batches_left = batches
        self.in_flight = 0
        self.peak = 0
        self.calls: list[list[str]] = []
        self.fail: dict[str, BaseException] = {}  # a key whose batch raises this
        self.refuse: set[str] = set()
        self.statuses: dict[str, DocumentStatus] = {}  # what get_invoice reads back
        self._gate = asyncio.Event()
        self._waiting = 0

    async def post_invoices(self, keys: list[str]) -> list[PostResult]:
        assert len(keys) <= BATCH_SIZE, "the contract takes at most 50 a call"
        self.calls.append(list(keys))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if self.hold:
                self._waiting += 1
                if self._waiting >= min(self.hold, self.batches_left):
                    self._gate.set()
                await self._gate.wait()
                self._waiting -= 1
                self.batches_left -= 1
                if self._waiting == 0:
                    self._gate = asyncio.Event()
            for key in keys:
                if key in self.fail:
                    raise self.fail[key]
            return [
                PostResult(
                    key=k,
                    invoice_id=k,
                    invoice_number=k,
                    success=k not in self.refuse,
                    code=None if k not in self.refuse else 59210020,
                    message=None if k not in self.refuse else f"{k} is not Draft",
                )
                for k in keys
            ]
        finally:
            self.in_flight -= 1

    async def get_invoice(self, key: str) -> Invoice:
        status = self.statuses.get(key)
        if status is None:
            raise ServerError(f"GET /v1/invoices/{key} failed")
        return invoice(key, status)


def keys_of(n: int) -> list[str]:
    return [f"INV{i:08d}" for i in range(1, n + 1)]


async def run(backend: Any, keys: list[str], **options: Any) -> BulkReport:
    return await post_in_batches(backend, keys, **options)


@pytest.mark.parametrize("bound", [1, 3, 4])
async def test_concurrency_never_exceeds_the_bound_and_reaches_it(bound: int) -> None:
    keys = keys_of(10 * BATCH_SIZE + 7)  # 11 batches
    backend = Scripted(hold=bound, batches=11)
    report = await run(backend, keys, in_flight=bound)
    assert backend.peak == bound
    assert len(backend.calls) == 11 and all(len(c) <= BATCH_SIZE for c in backend.calls)
    assert [o.key for o in report.outcomes] == keys  # in the order given, whatever finished first
    assert report.count("posted") == len(keys) and report.batches == 11


async def test_a_failed_batch_refuses_its_keys_only_and_names_the_error() -> None:
    keys = keys_of(150)
    backend = Scripted()
    backend.fail["INV00000060"] = ValidationError("Post at most 50 invoices", code=50000020)
    backend.refuse.add("INV00000120")
    report = await run(backend, keys, in_flight=2)
    by_key = {o.key: o for o in report.outcomes}
    assert {k for k, o in by_key.items() if o.outcome == "refused"} == {
        *keys[50:100],
        "INV00000120",
    }
    assert "Post at most 50 invoices" in (by_key["INV00000075"].message or "")
    assert by_key["INV00000120"].code == 59210020
    assert report.count("posted") == 99
    assert summary(report).startswith("99 posted, 51 refused: ")


async def test_a_lost_reply_is_reconciled_by_reading_the_invoices() -> None:
    keys = keys_of(4)
    backend = Scripted()
    backend.fail["INV00000001"] = OutcomeUnknownError("reply lost", object_ref="the invoices")
    backend.statuses = {"INV00000001": DocumentStatus.POSTED, "INV00000002": DocumentStatus.DRAFT}
    report = await run(backend, keys)
    outcomes = {o.key: o for o in report.outcomes}
    assert outcomes["INV00000001"].outcome == "posted" and outcomes["INV00000001"].recovered
    assert outcomes["INV00000002"].outcome == "refused"
    assert "Draft" in (outcomes["INV00000002"].message or "")
    assert {outcomes[k].outcome for k in ("INV00000003", "INV00000004")} == {"unknown"}
    assert "check it before posting again" in outcomes["INV00000003"].text
    assert "outcome unknown: check INV00000003, INV00000004" in summary(report)


async def test_an_error_marked_reply_lost_is_read_back_too() -> None:
    lost = ServerError("POST /v1/invoices/bulk-post: 503")
    lost.reply_lost = True
    backend = Scripted()
    backend.fail["INV00000001"] = lost
    backend.statuses = {k: DocumentStatus.POSTED for k in keys_of(3)}
    report = await run(backend, keys_of(3))
    assert report.count("posted") == 3 and all(o.recovered for o in report.outcomes)


async def test_a_backend_bug_in_one_batch_does_not_lose_the_others() -> None:
    backend = Scripted()
    backend.fail["INV00000051"] = RuntimeError("boom")
    report = await run(backend, keys_of(100), in_flight=2)
    assert report.count("posted") == 50 and report.count("refused") == 50
    assert "RuntimeError: boom" in (report.outcomes[60].message or "")


async def test_stop_lets_the_batches_in_flight_finish_and_starts_no_other() -> None:
    keys = keys_of(8 * BATCH_SIZE)
    backend = Scripted(hold=2, batches=8)
    seen: list[tuple[int, int, int]] = []
    report = await run(
        backend,
        keys,
        in_flight=2,
        progress=lambda done, total, refused: seen.append((done, total, refused)),
        cancelled=lambda: len(seen) >= 2,  # stop asked after the first batch is done
    )
    # the two batches in flight when stop was asked finished; nothing else was sent
    assert len(backend.calls) == 2 and report.stopped
    assert report.count("posted") == 100 and report.count("not_attempted") == 300
    assert [o.outcome for o in report.outcomes[:100]] == ["posted"] * 100
    assert seen[0] == (0, 400, 0) and seen[-1] == (100, 400, 0)
    assert summary(report) == "100 posted, 0 refused; stopped: 300 not attempted"
    logged = entries(report)
    assert len(logged) == 400 and logged[-1][1] == "cancelled"
    assert logged[-1][2] == "invoice INV00000400 not attempted: stopped before its batch"


async def test_duplicates_are_posted_once_and_empty_lists_send_nothing() -> None:
    backend = Scripted()
    report = await run(backend, ["INV00000002", "INV00000001", "INV00000002"])
    assert backend.calls == [["INV00000002", "INV00000001"]]
    assert [o.key for o in report.outcomes] == ["INV00000002", "INV00000001"]
    empty = await run(backend, [])
    assert empty.outcomes == () and len(backend.calls) == 1


async def test_bounds_are_checked() -> None:
    with pytest.raises(ValueError, match="1 to 50"):
        await run(Scripted(), ["x"], batch_size=51)
    with pytest.raises(ValueError, match="at least one"):
        await run(Scripted(), ["x"], in_flight=0)


@given(
    keys=st.lists(st.integers(1, 400), max_size=300),
    batch_size=st.integers(1, BATCH_SIZE),
    bound=st.integers(1, 6),
    failing=st.sets(st.integers(1, 400), max_size=5),
    refused=st.sets(st.integers(1, 400), max_size=20),
    stop_after=st.one_of(st.none(), st.integers(0, 12)),
)
def test_every_key_gets_exactly_one_outcome(
    keys: list[int],
    batch_size: int,
    bound: int,
    failing: set[int],
    refused: set[int],
    stop_after: int | None,
) -> None:
    names = [f"INV{k:08d}" for k in keys]
    backend = Scripted()
    for k in failing:
        backend.fail[f"INV{k:08d}"] = ServerError("failed")
    backend.refuse = {f"INV{k:08d}" for k in refused}
    progress: list[tuple[int, int, int]] = []
    report = asyncio.run(
        post_in_batches(
            backend,
            names,
            batch_size=batch_size,
            in_flight=bound,
            progress=lambda *counts: progress.append(counts),
            cancelled=lambda: stop_after is not None and len(progress) > stop_after,
        )
    )
    distinct = list(dict.fromkeys(names))
    assert [o.key for o in report.outcomes] == distinct
    sent = [k for call in backend.calls for k in call]
    assert len(sent) == len(set(sent)), "no key sent twice"
    assert {o.key for o in report.outcomes if o.outcome != "not_attempted"} == set(sent)
    assert all(o.outcome == "not_attempted" for o in report.outcomes if o.key not in sent)
    if report.count("not_attempted"):
        assert report.stopped
    assert sum(report.count(x) for x in ("posted", "refused", "unknown", "not_attempted")) == len(
        distinct
    )
    done = [p[0] for p in progress]
    assert done == sorted(done) and progress[0] == (0, len(distinct), 0)
    if progress[1:]:
        last = progress[-1]
        assert last[0] == len(distinct) - report.count("not_attempted")
        assert last[2] == len(distinct) - report.count("not_attempted") - report.count("posted")


# ---------------------------------------------------------------- the real engine, bulk:N seed


def test_the_bulk_seed_is_one_completed_run_of_draft_invoices() -> None:
    engine = bulk(120)
    runs = engine.list_bill_runs().items
    assert len(runs) == 1 and runs[0].status is BillRunStatus.COMPLETED
    docs = engine.list_bill_run_documents(runs[0].id)
    assert len(docs.invoices) == 120 and not docs.credit_memos
    assert all(i.status is DocumentStatus.DRAFT for i in docs.invoices)
    assert [i.invoice_number for i in docs.invoices[:2]] == ["INV00000001", "INV00000002"]
    assert len({i.account_id for i in docs.invoices}) == 100
    assert {i.currency for i in docs.invoices} == {"USD", "EUR"}
    assert bulk_size("bulk:10_000") == 10_000 and bulk_size("demo") is None
    with pytest.raises(ValueError, match="1 to 20,000"):
        bulk_size("bulk:20001")


async def test_posting_a_whole_bulk_run_over_the_fake_posts_the_run() -> None:
    backend = FakeBackend(bulk(230))
    run_id = (await backend.list_bill_runs()).items[0].id
    docs = await backend.list_bill_run_documents(run_id)
    report = await post_in_batches(backend, [i.id for i in docs.invoices])
    assert report.count("posted") == 230 and report.batches == 5
    assert (await backend.get_bill_run(run_id)).status is BillRunStatus.POSTED
    again = await post_in_batches(backend, [i.id for i in docs.invoices[:3]])
    assert again.count("refused") == 3 and again.outcomes[0].code is not None
