"""Posting many invoices: Zuora's bulk-post batches, a few in flight at once, stoppable.

:func:`post_in_batches` cuts the keys into batches of :data:`BATCH_SIZE` (Zuora's bulk post
takes at most 50 invoices a request; the contract's ``post_invoices`` keeps that bound) and
runs at most :data:`BATCHES_IN_FLIGHT` of them at once. Each key gets exactly one outcome:

* ``posted`` / ``refused``: the backend's own result for the invoice;
* ``refused`` for every key of a batch whose call failed outright (a 400, retries spent on
  429s): the error names the endpoint and nothing of that batch was posted;
* when a batch's reply was lost and the backend could not tell either
  (:class:`~backends.errors.OutcomeUnknownError`, or an error marked ``reply_lost``), each of
  its invoices is read back (Zuora is the arbiter: a lost reply is reconciled by reading the
  object): Posted is ``posted`` (recovered), Draft ``refused`` (not posted), and an invoice
  that cannot be read is ``unknown``;
* ``not_attempted`` for the keys of the batches not started when the operator stopped.

One batch failing never loses another's results. Stopping (``cancelled()`` turning true) lets
the batches in flight finish and starts no other.

Concurrency: Zuora allows 40 requests in flight per tenant (zuora-api.md, rate and
concurrency limits), shared with every other client of the tenant; the REST transport caps
this console at ``max_concurrency`` (8 by default) requests. A batch is two sequential
requests (an Object Query resolving the keys, then the bulk post), so 4 batches in flight use
at most 4 of those 8 and leave the rest for the screens reading meanwhile. That is an
inferred bound; the bench (``bench/bulk_post.py``) shows where more stops paying on loopback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from backends.base import Backend
from backends.errors import BackendError, OutcomeUnknownError
from backends.models import DocumentStatus, PostResult

__all__ = [
    "BATCHES_IN_FLIGHT",
    "BATCH_SIZE",
    "BulkOutcome",
    "BulkReport",
    "post_in_batches",
]

#: Zuora's bulk post takes at most this many invoices per request.
BATCH_SIZE = 50
#: Batches in flight at once (see the module docstring for why 4).
BATCHES_IN_FLIGHT = 4

Outcome = Literal["posted", "refused", "unknown", "not_attempted"]


@dataclass(frozen=True)
class BulkOutcome:
    """One key's outcome. ``number`` is the invoice number when known (else the key)."""

    key: str
    outcome: Outcome
    number: str
    message: str | None = None
    code: int | None = None
    #: posted, but only known from reading the invoice back after a lost reply
    recovered: bool = False

    @property
    def text(self) -> str:
        """The sentence for the action log: ``invoice INV00000001 posted``."""
        if self.outcome == "posted":
            note = " (recovered from a lost reply)" if self.recovered else ""
            return f"invoice {self.number} posted{note}"
        if self.outcome == "not_attempted":
            return f"invoice {self.number} not attempted: stopped before its batch"
        message = self.message or ("refused" if self.outcome == "refused" else "outcome unknown")
        text = message if self.number in message else f"{self.number}: {message}"
        return text + (f" ({self.code})" if self.code is not None else "")


@dataclass(frozen=True)
class BulkReport:
    """Every key's outcome, in the order the keys were given (duplicates once, first place)."""

    outcomes: tuple[BulkOutcome, ...]
    stopped: bool = False
    batches: int = 0

    def count(self, outcome: Outcome) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    def of(self, outcome: Outcome) -> list[BulkOutcome]:
        return [o for o in self.outcomes if o.outcome == outcome]


Progress = Callable[[int, int, int], None]


def _from_result(result: PostResult, numbers: dict[str, str]) -> BulkOutcome:
    number = result.invoice_number or numbers.get(result.key, result.key)
    return BulkOutcome(
        result.key,
        "posted" if result.success else "refused",
        number,
        result.message,
        result.code,
    )


async def _read_back(
    backend: Backend, keys: Sequence[str], numbers: dict[str, str], why: str
) -> list[BulkOutcome]:
    """After a lost reply: each invoice as Zuora has it now decides its outcome."""
    outcomes = []
    for key in keys:
        number = numbers.get(key, key)
        try:
            invoice = await backend.get_invoice(key)
        except BackendError as exc:
            outcomes.append(
                BulkOutcome(
                    key,
                    "unknown",
                    number,
                    f"outcome unknown: the reply was lost ({why}) and {number} could not be "
                    f"read back ({exc.message}): check it before posting again",
                )
            )
            continue
        number = invoice.invoice_number
        if invoice.status is DocumentStatus.POSTED:
            outcomes.append(BulkOutcome(key, "posted", number, recovered=True))
        else:
            outcomes.append(
                BulkOutcome(
                    key,
                    "refused",
                    number,
                    f"{number} not posted: the reply was lost and it is {invoice.status.value}",
                )
            )
    return outcomes


async def _post_batch(
    backend: Backend, keys: list[str], numbers: dict[str, str]
) -> list[BulkOutcome]:
    try:
        results = await backend.post_invoices(keys)
    except OutcomeUnknownError as exc:
        return await _read_back(backend, keys, numbers, exc.message)
    except BackendError as exc:
        if exc.reply_lost:
            return await _read_back(backend, keys, numbers, exc.message)
        return [BulkOutcome(k, "refused", numbers.get(k, k), exc.detail) for k in keys]
    except Exception as exc:  # a backend bug fails this batch only, never the others
        text = f"{type(exc).__name__}: {exc}"
        return [BulkOutcome(k, "refused", numbers.get(k, k), text) for k in keys]
    by_key = {r.key: r for r in results}
    outcomes = []
    for key in keys:
        result = by_key.get(key)
        if result is None:
            outcomes.append(
                BulkOutcome(key, "unknown", numbers.get(key, key), "the backend gave no result")
            )
        else:
            outcomes.append(_from_result(result, numbers))
    return outcomes


async def post_in_batches(
    backend: Backend,
    keys: Sequence[str],
    *,
    numbers: dict[str, str] | None = None,
    progress: Progress = lambda done, total, refused: None,
    cancelled: Callable[[], bool] = lambda: False,
    batch_size: int = BATCH_SIZE,
    in_flight: int = BATCHES_IN_FLIGHT,
) -> BulkReport:
    """Post ``keys`` (see the module docstring). ``numbers``: key → invoice number, to name
    invoices the backend could not; ``progress(done, total, refused)`` after every batch."""
    if not 1 <= batch_size <= BATCH_SIZE:
        raise ValueError(f"a batch holds 1 to {BATCH_SIZE} invoices")
    if in_flight < 1:
        raise ValueError("at least one batch in flight")
    names = dict(numbers or {})
    wanted = list(dict.fromkeys(keys))
    batches = [wanted[i : i + batch_size] for i in range(0, len(wanted), batch_size)]
    done: list[list[BulkOutcome] | None] = [None] * len(batches)
    total = len(wanted)
    counts = {"done": 0, "refused": 0}
    next_batch = 0
    stopped = False
    progress(0, total, 0)

    async def worker() -> None:
        nonlocal next_batch, stopped
        while next_batch < len(batches):
            if cancelled():
                stopped = True
                return
            index = next_batch
            next_batch += 1
            outcomes = await _post_batch(backend, batches[index], names)
            done[index] = outcomes
            counts["done"] += len(outcomes)
            counts["refused"] += sum(1 for o in outcomes if o.outcome != "posted")
            progress(counts["done"], total, counts["refused"])

    async with asyncio.TaskGroup() as group:
        for _ in range(min(in_flight, len(batches))):
            group.create_task(worker())
    outcomes: list[BulkOutcome] = []
    for index, batch in enumerate(batches):
        found = done[index]
        if found is None:
            found = [BulkOutcome(k, "not_attempted", names.get(k, k)) for k in batch]
        outcomes.extend(found)
    return BulkReport(tuple(outcomes), stopped=stopped, batches=len(batches))


# --------------------------------------------------------------------------- what it tells


def summary(report: BulkReport) -> str:
    """``"12 posted, 1 refused: INV00000031 is not Draft (59210020)"``, then what was not
    attempted (stopped) and what is unknown (check those)."""
    refused = report.of("refused")
    head = f"{report.count('posted'):,} posted, {len(refused):,} refused"
    if refused:
        reasons = "; ".join(o.text for o in refused[:3])
        more = f"; and {len(refused) - 3:,} more" if len(refused) > 3 else ""
        head += f": {reasons}{more}"
    unknown = report.of("unknown")
    if unknown:
        named = ", ".join(o.number for o in unknown[:5])
        more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
        head += f"; {len(unknown):,} outcome unknown: check {named}{more}"
    skipped = report.count("not_attempted")
    if skipped:
        head += f"; stopped: {skipped:,} not attempted"
    return head


def entries(report: BulkReport) -> tuple[tuple[str, str, str], ...]:
    """One action-log entry per invoice: (invoice number, outcome, sentence)."""
    log_outcome = {
        "posted": "ok",
        "refused": "refused",
        "unknown": "unknown",
        "not_attempted": "cancelled",
    }
    return tuple((o.number, log_outcome[o.outcome], o.text) for o in report.outcomes)


def severity(report: BulkReport) -> Literal["information", "warning"]:
    return "information" if report.count("posted") == len(report.outcomes) else "warning"
