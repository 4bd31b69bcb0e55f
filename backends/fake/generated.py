"""A generated tenant of any size (``generated(orders=100_000)``), for benchmarks and scale tests.

Deterministic: every order is a pure function of ``(seed, its index)``, so the same seed always
gives the same tenant, object for object and id for id. The mix is realistic: a few hundred
accounts in USD, EUR, GBP and CAD, one subscription per order (a monthly charge, or a one-time
fee), and, on nine orders in ten, an invoice schedule of 1 to 50 items in every status: Pending,
PartiallyProcessed, FullyProcessed and Paused, with the processed items' invoices (most Posted,
some still Draft) and the Zuora Scheduler bill runs that generated them.

Built in O(orders) small steps, it does not drive the engine's operations (that would take
minutes) and does not hold 100,000 orders as pydantic objects (that would take gigabytes): the
store keeps eager, compact indexes (order ids and numbers, positions by account, schedule ids by
account, the Scheduler's due dates, account balances), and each order's objects (order,
subscription, charge, schedule, items, invoices, bill runs) are materialised on first touch by
the store's lazy mappings, through the same keys the engine already uses. What is materialised is
exactly what the engine's own operations would have produced (the invariants test checks that
``reprice`` leaves every schedule unchanged), and from then on it is ordinary engine state:
executing, posting, cancelling and the clock all work. Whole-tenant reads (``export_state``, an
unfiltered ad hoc bill run) materialise everything: fine at thousands of orders, heavy at 100,000.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import math
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from backends.fake.engine import Engine
from backends.fake.engine.core import Core
from backends.fake.engine.documents import PAYMENT_TERM_DAYS, POSTED_BY
from backends.fake.engine.pricing import add_months, split_evenly
from backends.fake.engine.scheduler import SCHEDULER_RUN_NAME
from backends.fake.engine.store import BillRunJob, ScheduleExtra
from backends.models import (
    Account,
    BillRun,
    BillRunFilter,
    BillRunFilterType,
    BillRunStatus,
    ChargeType,
    DocumentStatus,
    Invoice,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    Order,
    OrderAction,
    OrderActionType,
    OrderStatus,
    OrderSubscription,
    RatePlan,
    RatePlanCharge,
    ScheduleItem,
    ScheduleItemStatus,
    Subscription,
    SubscriptionStatus,
    TriggerDate,
)

__all__ = ["GENERATED_SEED", "GENERATED_TODAY", "generated"]

GENERATED_TODAY = date(2026, 3, 2)
GENERATED_SEED = "generated"
#: an invoice or bill run number is ``order index * ITEM_SLOTS + item index + 1``
ITEM_SLOTS = 50

_V = TypeVar("_V")
_T = TypeVar("_T")
_MASK = (1 << 64) - 1
_ZERO = Decimal("0.00")
_START = time(9, 0, 0)

_NAMES = (
    "Acme", "Globex", "Initech", "Umbrella", "Wayne", "Soylent", "Stark", "Tyrell", "Cyberdyne",
    "Hooli", "Vandelay", "Nakatomi", "Wonka", "Gringotts", "Oscorp", "Aperture", "Massive",
    "Pied Piper", "Dunder", "Monarch",
)  # fmt: skip
_KINDS = ("Corporation", "Industries", "GmbH", "Health", "Logistics", "Systems", "Labs", "Foods")
_CURRENCIES = ("USD", "USD", "USD", "EUR", "EUR", "GBP", "CAD")
_PRODUCTS = (
    "Cloud Storage", "Managed Backup", "API Gateway", "Observability", "Payments Hub",
    "Identity Plus", "Edge CDN", "Message Queue", "Data Platform", "Premium Support",
)  # fmt: skip
# roles: the byte of an id that says what it is (the last 14 hex digits are the order index)
_ACCOUNT, _ORDER, _SUBSCRIPTION, _PLAN, _CHARGE, _ACTION, _SCHEDULE = range(1, 8)
_ITEM, _INVOICE, _BILL_RUN = 0x10, 0x50, 0x90
# how much of an order is materialised (see _Lazy)
_ORDER_LEVEL, _SCHEDULE_LEVEL, _DOCUMENTS = 1, 2, 3


def _mix(value: int) -> int:
    """splitmix64: a fast, well-spread 64-bit hash (the per-order random source)."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


class _Spec(NamedTuple):
    """Everything that decides one order, drawn from its hash."""

    account: int
    product: str
    status: InvoiceScheduleStatus | None  # None: the order has no schedule
    items: int
    processed: int
    start: date
    recurring: bool
    price: Decimal
    draft_last: bool  # the last processed item's invoice is still Draft


class _Lazy(dict[str, _V]):
    """A dict that asks its tenant to materialise the order a missing key belongs to, up to
    the dict's level (1: order, subscription, charge; 2: + schedule and items; 3: + invoices
    and bill runs), so that listing orders does not build what only a drill-down reads.

    Lookups by key (``[]``, ``get``, ``in``, writes) load at most one order; iterating or sizing
    loads them all (only whole-tenant reads do that)."""

    def __init__(self, tenant: _Tenant, resolve: Callable[[str], int | None], level: int) -> None:
        super().__init__()
        self._tenant = tenant
        self._resolve = resolve
        self._level = level

    def _ensure(self, key: object) -> None:
        if isinstance(key, str) and not dict.__contains__(self, key):
            index = self._resolve(key)
            if index is not None:
                self._tenant.load(index, self._level)

    def __missing__(self, key: str) -> _V:
        self._ensure(key)
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._ensure(key)
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        self._ensure(key)
        return dict.__contains__(self, key)

    def __setitem__(self, key: str, value: _V) -> None:
        self._ensure(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        self._ensure(key)
        dict.__delitem__(self, key)

    def pop(self, key: str, *default: Any) -> Any:
        self._ensure(key)
        return dict.pop(self, key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._ensure(key)
        return dict.setdefault(self, key, default)

    def __iter__(self) -> Iterator[str]:
        self._tenant.load_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._tenant.load_all()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._tenant.load_all()
        return dict.keys(self)

    def values(self) -> Any:
        self._tenant.load_all()
        return dict.values(self)

    def items(self) -> Any:
        self._tenant.load_all()
        return dict.items(self)


class _Numbers(dict[str, str]):
    """Schedule id -> number, computed for the generated schedules (``order_view`` shows the
    number without building the schedule); a deleted one is remembered as gone."""

    def __init__(self, tenant: _Tenant) -> None:
        super().__init__()
        self._tenant = tenant
        self._gone: set[str] = set()

    def _generated(self, key: str) -> str | None:
        if key in self._gone:
            return None
        index = self._tenant.index_of_id(key)
        if index is None or index % 10 == 9 or key != self._tenant.id(_SCHEDULE, index):
            return None
        return f"IS-{index + 1:08d}"

    def get(self, key: str, default: Any = None) -> Any:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        number = self._generated(key)
        return default if number is None else number

    def __missing__(self, key: str) -> str:
        number = self._generated(key)
        if number is None:
            raise KeyError(key)
        return number

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def pop(self, key: str, *default: Any) -> Any:
        number = self.get(key)
        if number is None:
            if default:
                return default[0]
            raise KeyError(key)
        self._gone.add(key)
        dict.pop(self, key, None)
        return number

    def __delitem__(self, key: str) -> None:
        self.pop(key)

    def __setitem__(self, key: str, value: str) -> None:
        self._gone.discard(key)
        dict.__setitem__(self, key, value)


class _Seq(list[_T]):
    """A list whose first elements are computed, not stored: element ``j`` is
    ``value(offsets[j % k] + period * (j // k))`` while that position is below ``limit``
    (an ascending progression), then whatever was appended. Any other change first turns it
    into an ordinary list (e.g. deleting a generated schedule)."""

    def __init__(
        self, offsets: list[int], period: int, limit: int, value: Callable[[int], _T]
    ) -> None:
        super().__init__()
        self._offsets = offsets
        self._period = period
        self._value = value
        whole, rest = divmod(limit, period)
        self._virtual = whole * len(offsets) + bisect.bisect_left(offsets, rest)

    def _position(self, j: int) -> int:
        cycle, slot = divmod(j, len(self._offsets))
        return self._offsets[slot] + self._period * cycle

    def __len__(self) -> int:
        return self._virtual + list.__len__(self)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, j: Any) -> Any:
        virtual = self._virtual
        if isinstance(j, slice):
            return [self[n] for n in range(*j.indices(len(self)))]
        if j < 0:
            j += len(self)
        if 0 <= j < virtual:
            return self._value(self._position(j))
        return list.__getitem__(self, j - virtual)

    def __iter__(self) -> Iterator[_T]:
        value, position = self._value, self._position
        for j in range(self._virtual):
            yield value(position(j))
        yield from list.__iter__(self)

    def __contains__(self, item: object) -> bool:
        return any(x == item for x in self)

    def _concrete(self) -> None:
        if self._virtual:
            items = [self._value(self._position(j)) for j in range(self._virtual)]
            self._virtual = 0
            list.__setitem__(self, slice(0, 0), items)

    def remove(self, item: _T) -> None:
        self._concrete()
        list.remove(self, item)

    def insert(self, index: Any, item: _T) -> None:
        self._concrete()
        list.insert(self, index, item)

    def pop(self, index: Any = -1) -> _T:
        self._concrete()
        return list.pop(self, index)

    def index(self, *args: Any) -> int:
        self._concrete()
        return list.index(self, *args)

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._concrete()
        list.sort(self, *args, **kwargs)

    def __setitem__(self, index: Any, value: Any) -> None:
        self._concrete()
        list.__setitem__(self, index, value)

    def __delitem__(self, index: Any) -> None:
        self._concrete()
        list.__delitem__(self, index)


class _Due(dict[str, date]):
    """The Scheduler's due dates: what was set since the tenant was opened, over the generated
    schedules' own dates, which are only all listed (and pushed on the heap) the first time the
    heap is read, i.e. the first clock advance."""

    def __init__(self, tenant: _Tenant) -> None:
        super().__init__()
        self._tenant = tenant
        self._gone: set[str] = set()
        self.complete = False

    def _generated(self, key: str) -> date | None:
        if self.complete or key in self._gone:
            return None
        index = self._tenant.index_of_id(key)
        return None if index is None else self._tenant.due_date(index, key)

    def get(self, key: str, default: Any = None) -> Any:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        when = self._generated(key)
        return default if when is None else when

    def __missing__(self, key: str) -> date:
        when = self._generated(key)
        if when is None:
            raise KeyError(key)
        return when

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __setitem__(self, key: str, value: date) -> None:
        self._gone.discard(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        if self.get(key) is None:
            raise KeyError(key)
        self.pop(key)

    def pop(self, key: str, *default: Any) -> Any:
        when = self.get(key)
        if when is None:
            if default:
                return default[0]
            raise KeyError(key)
        if not self.complete:
            self._gone.add(key)
        dict.pop(self, key, None)
        return when

    def fill(self, heap: list[tuple[date, str, str]]) -> None:
        """List every generated due date (once) and push them on ``heap``."""
        if self.complete:
            return
        self.complete = True  # first: reading the heap below must not fill it again
        entries = list(list.__iter__(heap))
        for index in self._tenant.scheduled():
            sid = self._tenant.id(_SCHEDULE, index)
            if dict.__contains__(self, sid) or sid in self._gone:
                continue
            when = self._tenant.due_date(index, sid)
            if when is not None:
                dict.__setitem__(self, sid, when)
                entries.append((when, f"IS-{index + 1:08d}", sid))
        self._gone.clear()
        heapq.heapify(entries)
        list.__setitem__(heap, slice(None), entries)

    def __iter__(self) -> Iterator[str]:
        self._tenant.heap.fill_now()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._tenant.heap.fill_now()
        return dict.__len__(self)


class _Heap(list[tuple[date, str, str]]):
    """The due heap: filled with the generated schedules the first time it is read."""

    def __init__(self, due: _Due) -> None:
        super().__init__()
        self._due = due

    def fill_now(self) -> None:
        self._due.fill(self)

    def __len__(self) -> int:
        self.fill_now()
        return list.__len__(self)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, index: Any) -> Any:
        self.fill_now()
        return list.__getitem__(self, index)


class _Accounts(dict[str, Account]):
    """Accounts whose balance (the sum of their posted invoices) is worked out the first time
    each is read: it needs every order of the account."""

    def __init__(self, tenant: _Tenant) -> None:
        super().__init__()
        self._tenant = tenant
        self._done: set[str] = set()

    def _ensure(self, key: object) -> None:
        if isinstance(key, str) and key not in self._done and dict.__contains__(self, key):
            self._done.add(key)
            self._tenant.settle_balance(dict.__getitem__(self, key))

    def __getitem__(self, key: str) -> Account:
        self._ensure(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        self._ensure(key)
        return dict.get(self, key, default)

    def values(self) -> Any:
        for key in dict.keys(self):
            self._ensure(key)
        return dict.values(self)

    def items(self) -> Any:
        for key in dict.keys(self):
            self._ensure(key)
        return dict.items(self)


class _Tenant:
    def __init__(self, core: Core, orders: int, seed: str) -> None:
        self.core = core
        self.size = orders
        self.salt = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
        self.prefix = hashlib.sha256(f"generated:{seed}".encode()).hexdigest()[:16]
        self.loaded = bytearray(orders)
        self.today = core.clock.today
        self.month = self.today.replace(day=1)
        self.accounts: list[Account] = []
        self.account_index: dict[str, int] = {}  # account id -> its index
        self.positions: dict[str, _Seq[int]] = {}  # account number -> its order positions
        self.cycle: list[int] = []
        self.heap: _Heap

    # ------------------------------------------------------------------ ids and numbers

    def id(self, role: int, index: int) -> str:
        return f"{self.prefix}{role:02x}{index:014x}"

    def index_of_id(self, key: str) -> int | None:
        if len(key) != 32 or not key.startswith(self.prefix):
            return None
        try:
            role, index = int(key[16:18], 16), int(key[18:], 16)
        except ValueError:
            return None
        return index if role >= _ORDER and index < self.size else None

    def number_resolver(self, prefix: str, slots: int = 1) -> Callable[[str], int | None]:
        size = len(prefix)

        def resolve(key: str) -> int | None:
            digits = key[size:]
            if not key.startswith(prefix) or not digits.isdigit():
                return None
            index = (int(digits) - 1) // slots
            return index if 0 <= index < self.size else None

        return resolve

    # ------------------------------------------------------------------ the plan of one order

    def spec(self, index: int) -> _Spec:
        h = _mix(self.salt ^ (index * 0x2545F4914F6CDD1D))
        account = self.cycle[index % len(self.cycle)]
        roll = h % 100
        h //= 100
        # 1 to 12 items mostly, a long tail up to 50
        items = 1 + h % 12 if h % 10 else 13 + (h >> 4) % 38
        h //= 1000
        status: InvoiceScheduleStatus | None
        if index % 10 == 9:  # arithmetic, so that the schedule ids are a progression too
            status = None
        elif roll < 34:
            status = InvoiceScheduleStatus.PENDING
        elif roll < 67:
            status = InvoiceScheduleStatus.PARTIALLY_PROCESSED
        elif roll < 86:
            status = InvoiceScheduleStatus.FULLY_PROCESSED
        else:
            status = InvoiceScheduleStatus.PAUSED
        if items == 1 and status in (
            InvoiceScheduleStatus.PARTIALLY_PROCESSED,
            InvoiceScheduleStatus.PAUSED,
        ):
            items = 2
        if status is None or status is InvoiceScheduleStatus.PENDING:
            processed = 0
        elif status is InvoiceScheduleStatus.FULLY_PROCESSED:
            processed = items
        else:
            processed = 1 + h % (items - 1)
        h //= 64
        # processed items ran monthly up to this month; pending ones run from next month on
        lead = 1 + h % 4 if processed == 0 else 0
        start = add_months(self.month, lead - max(processed - 1, 0) - (processed == items))
        h //= 4
        recurring = h % 4 != 0
        h //= 4
        cents = 1000 + h % 90000  # 10.00 to 909.99 a month
        h //= 90000
        price = Decimal(cents if recurring else cents * items).scaleb(-2)
        return _Spec(
            account=account,
            product=_PRODUCTS[h % len(_PRODUCTS)],
            status=status,
            items=items,
            processed=processed,
            start=start,
            recurring=recurring,
            price=price,
            draft_last=(h >> 8) % 5 == 0,
        )

    def run_dates(self, spec: _Spec) -> list[date]:
        return [add_months(spec.start, n) for n in range(spec.items)]

    def amounts(self, spec: _Spec) -> list[Decimal]:
        if spec.recurring:
            return [spec.price] * spec.items  # price * months, one month per item
        return split_evenly(spec.price, spec.items)

    # ------------------------------------------------------------------ materialising one order

    def load_all(self) -> None:
        for index in range(self.size):
            if self.loaded[index] < _DOCUMENTS:
                self.load(index, _DOCUMENTS)

    def load(self, index: int, level: int = _DOCUMENTS) -> None:
        """Materialise order ``index`` up to ``level`` (what is already there stays)."""
        done = self.loaded[index]
        if done >= level:
            return
        self.loaded[index] = level  # first: the writes below must not come back here
        if done < _ORDER_LEVEL:
            self._load_order(index)
        spec = self.spec(index)
        if spec.status is None:
            return
        if done < _SCHEDULE_LEVEL <= level:
            self._load_schedule(index, spec)
        if done < _DOCUMENTS <= level:
            self._load_documents(index, spec)

    def _load_order(self, index: int) -> None:
        st = self.core.store
        put = dict.__setitem__
        spec = self.spec(index)
        account = self.accounts[spec.account]
        number = index + 1
        order_number = f"O-{number:08d}"
        sub_number = f"A-S{number:08d}"
        charge_number = f"C-{number:08d}"
        schedule_id = self.id(_SCHEDULE, index) if spec.status is not None else None
        term_end = add_months(spec.start, spec.items)
        created = datetime.combine(min(spec.start, self.today), _START)

        charge = RatePlanCharge(
            id=self.id(_CHARGE, index),
            number=charge_number,
            name=f"{spec.product} {'subscription' if spec.recurring else 'fee'}",
            type=ChargeType.RECURRING if spec.recurring else ChargeType.ONE_TIME,
            billing_period="Month" if spec.recurring else None,
            price=spec.price,
            effective_start_date=spec.start,
            effective_end_date=term_end if spec.recurring else None,
            invoice_schedule_id=schedule_id,
        )
        subscription = Subscription(
            id=self.id(_SUBSCRIPTION, index),
            subscription_number=sub_number,
            account_id=account.id,
            account_number=account.account_number,
            status=SubscriptionStatus.ACTIVE,
            contract_effective_date=spec.start,
            term_start_date=spec.start,
            term_end_date=term_end,
            invoice_schedule_id=schedule_id,
            rate_plans=[
                RatePlan(
                    id=self.id(_PLAN, index),
                    product_name=spec.product,
                    rate_plan_name=spec.product,
                    last_change_type="Add",
                    rate_plan_charges=[charge],
                )
            ],
        )
        order = Order(
            id=self.id(_ORDER, index),
            order_number=order_number,
            order_date=min(spec.start, self.today),
            existing_account_number=account.account_number,
            status=OrderStatus.COMPLETED,
            currency=account.currency,
            invoice_schedule_id=schedule_id,
            subscriptions=[
                OrderSubscription(
                    subscription_number=sub_number,
                    new_version=1,
                    subscription_owner_account_number=account.account_number,
                    order_actions=[
                        OrderAction(
                            id=self.id(_ACTION, index),
                            type=OrderActionType.CREATE_SUBSCRIPTION,
                            trigger_dates=[
                                TriggerDate(name=name, trigger_date=spec.start)
                                for name in (
                                    "ContractEffective",
                                    "ServiceActivation",
                                    "CustomerAcceptance",
                                )
                            ],
                        )
                    ],
                )
            ],
            created_date=created,
            updated_date=created,
        )
        put(st.orders, order.id, order)
        put(st.order_by_number, order_number, order.id)
        put(st.subscriptions, subscription.id, subscription)
        put(st.subscription_by_number, sub_number, subscription.id)
        put(st.subscription_version, sub_number, 1)
        put(st.charges, charge_number, charge)
        put(st.charge_subscription, charge_number, subscription.id)
        put(st.charge_order, charge_number, order_number)

    def _load_schedule(self, index: int, spec: _Spec) -> None:
        st = self.core.store
        put = dict.__setitem__
        assert spec.status is not None
        account = self.accounts[spec.account]
        schedule_id = self.id(_SCHEDULE, index)
        order_number = f"O-{index + 1:08d}"
        number = f"IS-{index + 1:08d}"
        items: list[ScheduleItem] = []
        billed = _ZERO
        unbilled = _ZERO
        last_run: datetime | None = None
        for n, (amount, run_date) in enumerate(
            zip(self.amounts(spec), self.run_dates(spec), strict=True)
        ):
            item = ScheduleItem(
                id=self.id(_ITEM + n, index),
                amount=amount,
                actual_amount=amount,
                run_date=run_date,
            )
            items.append(item)
            put(st.item_schedule, item.id, schedule_id)
            if n >= spec.processed:
                unbilled += amount
                continue
            billed += amount
            item.status = ScheduleItemStatus.PROCESSED
            item.invoice_id = self.id(_INVOICE + n, index)
            item.bill_run_id = self.id(_BILL_RUN + n, index)
            put(st.item_billed, item.id, amount)
            last_run = datetime.combine(run_date, _START) + timedelta(seconds=3)
        pending = items[spec.processed :]
        created = datetime.combine(min(spec.start, self.today), _START)
        schedule = InvoiceSchedule(
            id=schedule_id,
            number=number,
            account_id=account.id,
            status=spec.status,
            currency=account.currency,
            total_amount=billed + unbilled,
            actual_amount=billed + unbilled,
            billed_amount=billed,
            unbilled_amount=unbilled,
            next_run_date=pending[0].run_date if pending else None,
            notes=f"{spec.product} billing plan",
            orders=[order_number],
            schedule_items=items,
            created_date=created,
            updated_date=last_run or created,
        )
        put(st.schedules, schedule_id, schedule)
        put(st.schedule_by_number, number, schedule_id)
        put(
            st.schedule_extra,
            schedule_id,
            ScheduleExtra(paused=spec.status is InvoiceScheduleStatus.PAUSED),
        )
        put(st.schedule_charges, schedule_id, [f"C-{index + 1:08d}"])
        put(st.schedules_by_order, order_number, [schedule_id])

    def _load_documents(self, index: int, spec: _Spec) -> None:
        """The Scheduler's bill run and the invoice of each processed item."""
        st = self.core.store
        put = dict.__setitem__
        account = self.accounts[spec.account]
        schedule_id = self.id(_SCHEDULE, index)
        number = f"IS-{index + 1:08d}"
        amounts, runs = self.amounts(spec), self.run_dates(spec)
        for n in range(spec.processed):
            item_id = self.id(_ITEM + n, index)
            run, invoice = self._documents(
                index, n, account, number, schedule_id, item_id, amounts[n], runs[n]
            )
            put(st.bill_runs, run.id, run)
            put(st.bill_run_by_number, run.bill_run_number, run.id)
            put(
                st.jobs,
                run.id,
                BillRunJob(targets=[(schedule_id, item_id)], account_ids=[account.id]),
            )
            put(st.bill_run_documents, run.id, [invoice.id])
            put(st.invoices, invoice.id, invoice)
            put(st.invoice_by_number, invoice.invoice_number, invoice.id)
            put(st.document_item, invoice.id, (schedule_id, item_id))
            if spec.draft_last and n == spec.processed - 1:
                invoice.status = DocumentStatus.DRAFT
                invoice.posted_date = None
                invoice.posted_by = None
                run.status = BillRunStatus.COMPLETED

    def _documents(
        self,
        index: int,
        n: int,
        account: Account,
        schedule_number: str,
        schedule_id: str,
        item_id: str,
        amount: Decimal,
        run_date: date,
    ) -> tuple[BillRun, Invoice]:
        """The Scheduler's bill run for item ``n`` and its invoice, posted (the caller may
        turn the last one back to Draft)."""
        stamp = datetime.combine(run_date, _START)
        slot = index * ITEM_SLOTS + n + 1
        run = BillRun(
            id=self.id(_BILL_RUN + n, index),
            bill_run_number=f"BR-{slot:08d}",
            name=SCHEDULER_RUN_NAME.format(number=schedule_number),
            status=BillRunStatus.POSTED,
            target_date=run_date,
            invoice_date=run_date,
            charge_type_to_exclude=[ChargeType.USAGE],
            bill_run_filters=[
                BillRunFilter(
                    filter_type=BillRunFilterType.INVOICE_SCHEDULE,
                    account_id=account.id,
                    invoice_schedule_id=schedule_id,
                    invoice_schedule_item_id=item_id,
                )
            ],
            created_by_id=self.core.user_id,
            created_date=stamp,
            updated_by_id=self.core.user_id,
            updated_date=stamp + timedelta(seconds=3),
            number_of_invoices=1,
            number_of_credit_memos=0,
        )
        invoice = Invoice(
            id=self.id(_INVOICE + n, index),
            invoice_number=f"INV{slot:08d}",
            account_id=account.id,
            account_number=account.account_number,
            status=DocumentStatus.POSTED,
            currency=account.currency,
            amount=amount,
            amount_without_tax=amount,
            balance=amount,
            invoice_date=run_date,
            due_date=run_date + timedelta(days=PAYMENT_TERM_DAYS),
            target_date=run_date,
            posted_date=run_date,
            posted_by=POSTED_BY,
            bill_run_id=run.id,
            source="BillRun",
            source_id=run.bill_run_number,
            source_type="Subscription",
            comments=f"Invoice schedule item {n + 1} of {schedule_number}",
            created_date=stamp + timedelta(seconds=2),
            updated_date=stamp + timedelta(seconds=3),
        )
        return run, invoice

    # ------------------------------------------------------------------ what the store reads lazily

    def scheduled(self) -> Iterator[int]:
        """Indexes of the generated orders that have a schedule."""
        return (index for index in range(self.size) if index % 10 != 9)

    def due_date(self, index: int, schedule_id: str) -> date | None:
        """When the Scheduler runs the generated schedule's next item (None: never)."""
        if index % 10 == 9 or schedule_id != self.id(_SCHEDULE, index):
            return None
        spec = self.spec(index)
        if spec.status is InvoiceScheduleStatus.PAUSED or spec.processed >= spec.items:
            return None
        return add_months(spec.start, spec.processed)

    def settle_balance(self, account: Account) -> None:
        """An account's balance: the sum of its generated posted invoices."""
        positions = self.positions.get(account.account_number)
        if account.id not in self.account_index or positions is None:
            return
        total = _ZERO
        for j in range(positions._virtual):
            spec = self.spec(positions[j])
            posted = spec.processed - (1 if spec.draft_last else 0)
            if spec.status is not None and posted > 0:
                total += sum(self.amounts(spec)[:posted], _ZERO)
        account.balance = total

    # ------------------------------------------------------------------ opening the tenant

    def build(self) -> None:
        """O(accounts): accounts, and the indexes as progressions; nothing per order."""
        core, st = self.core, self.core.store
        count = max(8, min(2000, self.size // 250))
        accounts = _Accounts(self)
        st.accounts = accounts
        for a in range(count):
            h = _mix(self.salt ^ (0xACC0 << 32) ^ a)
            name = f"{_NAMES[a % len(_NAMES)]} {_KINDS[(a // len(_NAMES)) % len(_KINDS)]}"
            if a >= len(_NAMES) * len(_KINDS):
                name += f" {a // (len(_NAMES) * len(_KINDS)) + 1}"
            account = Account(
                id=self.id(_ACCOUNT, a),
                account_number=f"A{a + 1:08d}",
                name=name,
                currency=_CURRENCIES[h % len(_CURRENCIES)],
                bill_cycle_day=1,
            )
            self.accounts.append(account)
            self.account_index[account.id] = a
            st.add_account(account)

        # orders go to accounts through a cycle of runs (1 to 6 orders in a row), a few big
        # accounts taking most slots: an account's orders are then a periodic progression
        length = max(1024, 4 * count)
        cycle: list[int] = []
        run = 0
        while len(cycle) < length:
            h = _mix(self.salt ^ (0xC1C1E << 32) ^ run)
            share = (h & 0xFFFF) / 0x10000
            cycle.extend([int(count * share * share)] * (1 + (h >> 16) % 6))
            run += 1
        self.cycle = cycle = cycle[:length]
        period = length * 10 // math.gcd(length, 10)
        slots: dict[int, list[int]] = {}
        for slot, a in enumerate(cycle):
            slots.setdefault(a, []).append(slot)
        scheduled: dict[int, list[int]] = {}
        for slot in range(period):
            if slot % 10 != 9:
                scheduled.setdefault(cycle[slot % length], []).append(slot)

        ids, size = self.id, self.size

        def order_id(i: int) -> str:
            return ids(_ORDER, i)

        def schedule_id(i: int) -> str:
            return ids(_SCHEDULE, i)

        def order_number(i: int) -> str:
            return f"O-{i + 1:08d}"

        def same(i: int) -> int:
            return i

        st.order_ids = _Seq([0], 1, size, order_id)
        st.order_numbers = _Seq([0], 1, size, order_number)
        st.schedule_ids = _Seq(list(range(9)), 10, size, schedule_id)
        positions: dict[str, list[int]] = {}
        by_account: dict[str, list[str]] = {}
        for a, account in enumerate(self.accounts):
            progression = _Seq(slots.get(a, []), length, size, same) if a in slots else None
            if progression:
                positions[account.account_number] = progression
                self.positions[account.account_number] = progression
            if a in scheduled:
                by_account[account.id] = _Seq(scheduled[a], period, size, schedule_id)
        st.order_positions = positions
        st.schedules_by_account = by_account
        due = _Due(self)
        self.heap = _Heap(due)
        st.due = due
        st._due_heap = self.heap

        by_id = self.index_of_id
        by_order_number = self.number_resolver("O-")
        levels: dict[int, tuple[str, ...]] = {
            _ORDER_LEVEL: ("orders", "subscriptions"),
            _SCHEDULE_LEVEL: (
                "schedules",
                "schedule_extra",
                "schedule_charges",
                "item_schedule",
                "item_billed",
            ),
            _DOCUMENTS: ("bill_runs", "jobs", "bill_run_documents", "invoices", "document_item"),
        }
        for level, names in levels.items():
            for name in names:
                setattr(st, name, _Lazy(self, by_id, level))
        st.order_by_number = _Lazy(self, by_order_number, _ORDER_LEVEL)
        st.subscription_by_number = _Lazy(self, self.number_resolver("A-S"), _ORDER_LEVEL)
        st.subscription_version = _Lazy(self, self.number_resolver("A-S"), _ORDER_LEVEL)
        for name in ("charges", "charge_subscription", "charge_order"):
            setattr(st, name, _Lazy(self, self.number_resolver("C-"), _ORDER_LEVEL))
        st.schedules_by_order = _Lazy(self, by_order_number, _SCHEDULE_LEVEL)
        st.schedule_by_number = _Lazy(self, self.number_resolver("IS-"), _SCHEDULE_LEVEL)
        st.schedule_numbers = _Numbers(self)
        st.invoice_by_number = _Lazy(self, self.number_resolver("INV", ITEM_SLOTS), _DOCUMENTS)
        st.bill_run_by_number = _Lazy(self, self.number_resolver("BR-", ITEM_SLOTS), _DOCUMENTS)

        # the engine's own numbering continues after the generated objects
        counters = core.ids.counters
        for kind in ("order", "subscription", "charge", "schedule"):
            counters[f"number:{kind}"] = self.size
        for kind in ("invoice", "bill_run"):
            counters[f"number:{kind}"] = self.size * ITEM_SLOTS
        counters["number:account"] = count


def generated(
    orders: int = 100_000, seed: str = GENERATED_SEED, today: date = GENERATED_TODAY
) -> Engine:
    """A tenant of ``orders`` generated orders (see the module docstring), clock at ``today``."""
    if orders < 1:
        raise ValueError("a generated tenant has at least one order")
    engine = Engine(seed=f"generated:{seed}", today=today)
    core = engine._core
    assert not core.store.orders, "a fresh engine"
    tenant = _Tenant(core, orders, seed)
    tenant.build()
    return engine
