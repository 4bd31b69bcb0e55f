"""What callers get back: deep copies with the derived fields filled, and cursor paging.

Nothing here changes state. A cursor is an opaque url-safe token holding a position in one of the
store's sorted indexes, so a page costs O(page size) without a search, and a search resumes its
scan where the previous page stopped.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import heapq
import itertools
from collections.abc import Iterable, Iterator

from backends.fake.engine.core import Core
from backends.fake.engine.ids import NUMBER_FORMATS
from backends.fake.engine.refusals import GENERIC
from backends.fake.engine.store import Store
from backends.models import (
    BillRun,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    Order,
    Page,
)

__all__ = ["list_orders", "list_schedules", "order_view", "schedule_view"]

MAX_PAGE_SIZE = 1000


def _copy_order(order: Order) -> Order:
    """``order.model_copy(deep=True)`` at a tenth of the cost (a page of orders is 50 of them):
    the lists and nested models are copied, the immutable values (str, date, Decimal) shared."""
    return order.model_copy(
        update={
            "subscriptions": [
                sub.model_copy(
                    update={
                        "order_actions": [
                            action.model_copy(
                                update={
                                    "trigger_dates": [t.model_copy() for t in action.trigger_dates]
                                }
                            )
                            for action in sub.order_actions
                        ]
                    }
                )
                for sub in order.subscriptions
            ]
        }
    )


def _copy_schedule(schedule: InvoiceSchedule) -> InvoiceSchedule:
    """``schedule.model_copy(deep=True)`` without ``copy.deepcopy`` (see :func:`_copy_order`)."""
    return schedule.model_copy(
        update={
            "orders": list(schedule.orders),
            "specific_subscriptions": [
                spec.model_copy(update={"charge_numbers": list(spec.charge_numbers)})
                for spec in schedule.specific_subscriptions
            ],
            "additional_subscriptions_to_bill": list(schedule.additional_subscriptions_to_bill),
            "schedule_items": [item.model_copy() for item in schedule.schedule_items],
        }
    )


def order_view(core: Core, order: Order) -> Order:
    st = core.store
    view = _copy_order(order)
    number = order.existing_account_number
    if number in st.account_by_number:  # indexes, not the account: it may be costly to read
        view.account_id = st.account_by_number[number]
        view.account_name = st.account_names[number]
    sid = order.invoice_schedule_id
    view.invoice_schedule_number = st.schedule_numbers.get(sid) if sid else None
    return view


def schedule_view(core: Core, schedule: InvoiceSchedule) -> InvoiceSchedule:
    st = core.store
    view = _copy_schedule(schedule)
    for item in view.schedule_items:
        invoice = st.invoices.get(item.invoice_id) if item.invoice_id else None
        if invoice is not None:
            item.invoice_number = invoice.invoice_number
            item.invoice_status = invoice.status
        memo = st.credit_memos.get(item.credit_memo_id) if item.credit_memo_id else None
        if memo is not None:
            item.credit_memo_number = memo.number
            item.credit_memo_status = memo.status
    return view


def bill_run_view(bill_run: BillRun) -> BillRun:
    # a deep copy without ``copy.deepcopy`` (a third of an execute's time): every field but
    # the two lists is immutable, and a filter's fields are all immutable
    return bill_run.model_copy(
        update={
            "batches": None if bill_run.batches is None else list(bill_run.batches),
            "charge_type_to_exclude": list(bill_run.charge_type_to_exclude),
            "bill_run_filters": [f.model_copy() for f in bill_run.bill_run_filters],
        }
    )


def _encode(kind: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode().rstrip("=")


def _decode(core: Core, kind: str, cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        got_kind, _, number = text.partition(":")
        position = int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        position = -1
        got_kind = ""
    if got_kind != kind or position < 0:
        raise core.refuse.invalid(
            GENERIC, "That page cursor was not issued for this list: start again from page one"
        )
    return position


def _check_page_size(core: Core, page_size: int) -> None:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise core.refuse.invalid(
            GENERIC, f"The page size must be between 1 and {MAX_PAGE_SIZE}; {page_size} given"
        )


def _number_ranges(st: Store, needle: str) -> list[tuple[int, int]]:
    """Position ranges (in ``order_ids``) of the orders whose number matches ``needle``: the
    number starts with it (``O-0000012``), or, for digits, the number without its prefix and
    leading zeros does (``12`` finds O-00000012, O-00000120..., O-00001200...). Bisection over
    the sorted numbers: O(log n) per range, whatever the tenant's size."""
    numbers = st.order_numbers
    prefix, width = NUMBER_FORMATS["order"]
    wanted = needle.upper()
    ranges: list[tuple[int, int]] = []
    lo = bisect.bisect_left(numbers, wanted)
    hi = bisect.bisect_left(numbers, wanted + "\uffff")
    if lo < hi:
        ranges.append((lo, hi))
    digits = needle.lstrip("0")
    if digits.isdigit() and len(digits) <= width:
        head = int(digits)
        for length in range(len(digits), width + 1):
            scale = 10 ** (length - len(digits))
            first = f"{prefix}{head * scale:0{width}d}"
            last = f"{prefix}{(head + 1) * scale:0{width}d}"
            lo = bisect.bisect_left(numbers, first)
            hi = bisect.bisect_left(numbers, last)
            if lo < hi:
                ranges.append((lo, hi))
    return ranges


def _matches(st: Store, needle: str, start: int) -> Iterator[int]:
    """Positions at or after ``start`` of the orders matching ``needle``, ascending, once each.

    An order matches by number (see :func:`_number_ranges`) or by its account's number or name
    (a substring, checked once per account, then that account's positions index): the cost is
    O(accounts + log orders) per page, not O(orders)."""
    sources: list[Iterator[int]] = []
    for lo, hi in _number_ranges(st, needle):
        if hi > start:
            sources.append(iter(range(max(lo, start), hi)))
    for number, name in st.account_names.items():
        if needle in number.lower() or needle in name.lower():
            positions = st.order_positions.get(number, [])
            first = bisect.bisect_left(positions, start)
            if first < len(positions):
                sources.append(map(positions.__getitem__, range(first, len(positions))))
    previous = -1
    for position in heapq.merge(*sources):
        if position != previous:
            yield position
            previous = position


def list_orders(core: Core, search: str | None, page_size: int, cursor: str | None) -> Page[Order]:
    """Orders by ascending number; ``search`` matches order number, account number or name."""
    st = core.store
    _check_page_size(core, page_size)
    position = _decode(core, "orders", cursor)
    needle = (search or "").strip().lower()
    total = len(st.order_ids)
    positions: Iterable[int] = (
        _matches(st, needle, position) if needle else range(min(position, total), total)
    )
    # one more than a page: whether a next page exists, without scanning for it
    taken = list(itertools.islice(positions, page_size + 1))
    found = [order_view(core, st.orders[st.order_ids[i]]) for i in taken[:page_size]]
    more = len(taken) > page_size
    following = taken[page_size] if more else total
    return Page[Order](items=found, next_cursor=_encode("orders", following) if more else None)


def list_schedules(
    core: Core,
    order_number: str | None,
    account_id: str | None,
    status: InvoiceScheduleStatus | None,
    page_size: int,
    cursor: str | None,
) -> Page[InvoiceSchedule]:
    st = core.store
    _check_page_size(core, page_size)
    position = _decode(core, "schedules", cursor)
    candidates: list[str]
    if order_number is not None:
        order = st.order(order_number)
        candidates = list(st.schedules_by_order.get(order.order_number, [])) if order else []
        if account_id is not None:
            account = st.account(account_id)
            candidates = [
                sid
                for sid in candidates
                if account is not None and st.schedules[sid].account_id == account.id
            ]
    elif account_id is not None:
        account = st.account(account_id)
        candidates = st.schedules_by_account.get(account.id, []) if account else []
    else:
        candidates = st.schedule_ids
    found: list[InvoiceSchedule] = []
    index = position
    while index < len(candidates) and len(found) < page_size:
        schedule = st.schedules[candidates[index]]
        if status is None or schedule.status is status:
            found.append(schedule_view(core, schedule))
        index += 1
    # is there a next match? stop at the first one rather than scanning the rest
    following = index
    while following < len(candidates) and not (
        status is None or st.schedules[candidates[following]].status is status
    ):
        following += 1
    more = following < len(candidates)
    return Page[InvoiceSchedule](
        items=found, next_cursor=_encode("schedules", index) if more else None
    )
