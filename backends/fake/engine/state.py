"""Export and import the whole engine as versioned, exact JSON-ready data.

The export holds every object (as Zuora's wire shape), the engine's private bookkeeping, the clock
and the id generator's counters, in a fixed order: the same state always exports to the same
bytes. Indexes are not exported; import rebuilds them. A document that is not a state export, or
that a newer version wrote, raises :class:`StateError` with a message saying which.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pydantic

from backends.errors import ValidationError
from backends.fake.engine import schedules as schedules_room
from backends.fake.engine.clock import Clock
from backends.fake.engine.core import Core
from backends.fake.engine.ids import Ids
from backends.fake.engine.store import (
    BillRunJob,
    Detachment,
    IdempotencyEntry,
    ScheduleExtra,
    Store,
)
from backends.models import (
    Account,
    BillRun,
    CreateBillRunRequest,
    CreditMemo,
    Invoice,
    InvoiceSchedule,
    Order,
    Subscription,
)

__all__ = ["STATE_FORMAT", "STATE_VERSION", "StateError", "export_state", "import_state"]

STATE_FORMAT = "billing-tui/fake-engine-state"
STATE_VERSION = 1


class StateError(ValidationError):
    """A saved state that cannot be read: not a state file, corrupt, or from a newer version."""


def _date(value: object) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _datetime(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def export_state(core: Core) -> dict[str, Any]:
    st = core.store
    schedules = []
    for sid in st.schedule_ids:
        extra = st.schedule_extra[sid]
        schedules.append(
            {
                "schedule": st.schedules[sid].to_wire(),
                "charges": list(st.schedule_charges.get(sid, [])),
                "paused": extra.paused,
                "nextRunOverride": extra.next_run_override,
                "creditDate": extra.credit_date,
                "creditMemoIds": list(extra.credit_memo_ids),
                "deferred": {k: str(v) for k, v in extra.deferred.items()},
                "detachments": [
                    {
                        "chargeNumbers": list(d.charge_numbers),
                        "values": dict(d.values),
                        "processedCount": d.processed_count,
                        "creditCount": d.credit_count,
                    }
                    for d in extra.detachments
                ],
                "lastDetachedAt": extra.last_detached_at,
            }
        )
    return {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "clock": {"now": core.clock.now},
        "ids": core.ids.export(),
        "userId": core.user_id,
        "accounts": [a.to_wire() for a in st.accounts.values()],
        "subscriptions": [s.to_wire() for s in st.subscriptions.values()],
        "chargeOrders": dict(st.charge_order),
        "orders": [st.orders[oid].to_wire() for oid in st.order_ids],
        "schedules": schedules,
        "itemBilled": dict(st.item_billed),
        "billRuns": [
            {
                "billRun": run.to_wire(),
                "targets": [[sid, iid] for sid, iid in st.jobs[run.id].targets],
                "accountIds": list(st.jobs[run.id].account_ids),
                "processed": st.jobs[run.id].processed,
                **(
                    {
                        "waiting": True,
                        "request": st.waiting_requests[run.id].to_wire(),
                    }
                    if run.id in st.waiting_runs
                    else {}
                ),
            }
            for run in st.bill_runs.values()
        ],
        "invoices": [
            {"invoice": inv.to_wire(), "link": list(st.document_item[inv.id])}
            for inv in st.invoices.values()
        ],
        "creditMemos": [
            {"creditMemo": memo.to_wire(), "link": list(st.document_item[memo.id])}
            for memo in st.credit_memos.values()
        ],
        "idempotency": {
            key: {
                "operation": e.operation,
                "fingerprint": e.fingerprint,
                "kind": e.kind,
                "objectId": e.object_id,
            }
            for key, e in st.idempotency.items()
        },
    }


def import_state(data: object) -> Core:
    """Rebuild an engine core from :func:`export_state`'s output (after a JSON round trip)."""
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise StateError("This is not a saved fake-engine state (its format marker is missing)")
    version = data.get("version")
    if not isinstance(version, int):
        raise StateError("The saved state has no version number: it is corrupt")
    if version > STATE_VERSION:
        raise StateError(
            f"The saved state is version {version}, written by a newer billing-tui; this one "
            f"reads up to version {STATE_VERSION}: upgrade billing-tui or start a new state"
        )
    try:
        return _rebuild(data)
    except StateError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, pydantic.ValidationError) as exc:
        raise StateError(f"The saved state is corrupt and cannot be loaded ({exc})") from exc


def _rebuild(data: dict[str, Any]) -> Core:
    st = Store()
    now = data["clock"]["now"]
    clock_now = now if isinstance(now, datetime) else datetime.fromisoformat(str(now))
    clock = Clock(clock_now.date(), clock_now)
    ids = Ids.restore(data["ids"])
    for raw in data["accounts"]:
        st.add_account(Account.model_validate(raw))
    for raw in data["subscriptions"]:
        st.add_subscription(Subscription.model_validate(raw), None)
    st.charge_order = {str(k): str(v) for k, v in data["chargeOrders"].items()}
    for raw in data["orders"]:
        st.add_order(Order.model_validate(raw))
    for entry in data["schedules"]:
        schedule = InvoiceSchedule.model_validate(entry["schedule"])
        extra = ScheduleExtra(
            paused=bool(entry["paused"]),
            next_run_override=_date(entry["nextRunOverride"]),
            credit_date=_date(entry["creditDate"]),
            credit_memo_ids=[str(x) for x in entry["creditMemoIds"]],
            detachments=[
                Detachment(
                    charge_numbers=[str(x) for x in d["chargeNumbers"]],
                    values={str(k): Decimal(v) for k, v in d["values"].items()},
                    processed_count=int(d["processedCount"]),
                    credit_count=int(d["creditCount"]),
                )
                for d in entry["detachments"]
            ],
            last_detached_at=_datetime(entry.get("lastDetachedAt")),
            deferred={str(k): Decimal(v) for k, v in (entry.get("deferred") or {}).items()},
        )
        st.add_schedule(schedule, extra)
        st.schedule_charges[schedule.id] = [str(x) for x in entry["charges"]]
    st.item_billed = {str(k): Decimal(v) for k, v in data["itemBilled"].items()}
    for entry in data["billRuns"]:
        run = BillRun.model_validate(entry["billRun"])
        job = BillRunJob(
            targets=[(str(t[0]), None if t[1] is None else str(t[1])) for t in entry["targets"]],
            account_ids=[str(x) for x in entry["accountIds"]],
            waiting=bool(entry.get("waiting", False)),
            processed=int(entry.get("processed", 0)),
        )
        st.add_bill_run(run, job)
        if job.waiting and run.id in st.waiting_runs:
            st.waiting_requests[run.id] = CreateBillRunRequest.model_validate(entry["request"])
    for entry in data["invoices"]:
        link = entry["link"]
        st.add_invoice(Invoice.model_validate(entry["invoice"]), str(link[0]), str(link[1]))
    for entry in data["creditMemos"]:
        link = entry["link"]
        st.add_credit_memo(
            CreditMemo.model_validate(entry["creditMemo"]), str(link[0]), str(link[1])
        )
    st.idempotency = {
        str(key): IdempotencyEntry(
            operation=str(e["operation"]),
            fingerprint=str(e["fingerprint"]),
            kind=str(e["kind"]),
            object_id=str(e["objectId"]),
        )
        for key, e in data["idempotency"].items()
    }
    core = Core.new(st, clock, ids, user_id=str(data["userId"]))
    for sid in st.schedule_ids:
        st.set_due(st.schedules[sid], schedules_room.due_date(core, st.schedules[sid]))
    return core
