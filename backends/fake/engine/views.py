"""What callers get back: deep copies with the derived fields filled, and cursor paging.

Nothing here changes state. A cursor is an opaque url-safe token holding a position in one of the
store's sorted indexes, so a page costs O(page size) without a search, and a search resumes its
scan where the previous page stopped.
"""

from __future__ import annotations

import base64
import binascii

from backends.fake.engine.core import Core
from backends.fake.engine.refusals import GENERIC
from backends.models import (
    BillRun,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    Order,
    Page,
)

__all__ = ["list_orders", "list_schedules", "order_view", "schedule_view"]

MAX_PAGE_SIZE = 1000


def order_view(core: Core, order: Order) -> Order:
    st = core.store
    view = order.model_copy(deep=True)
    account = st.account(order.existing_account_number)
    if account is not None:
        view.account_id = account.id
        view.account_name = account.name
    schedule = st.schedules.get(order.invoice_schedule_id) if order.invoice_schedule_id else None
    view.invoice_schedule_number = schedule.number if schedule is not None else None
    return view


def schedule_view(core: Core, schedule: InvoiceSchedule) -> InvoiceSchedule:
    st = core.store
    view = schedule.model_copy(deep=True)
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
    return bill_run.model_copy(deep=True)


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


def list_orders(core: Core, search: str | None, page_size: int, cursor: str | None) -> Page[Order]:
    """Orders by ascending number; ``search`` matches order number, account number or name."""
    st = core.store
    _check_page_size(core, page_size)
    position = _decode(core, "orders", cursor)
    needle = (search or "").strip().lower()
    found: list[Order] = []
    index = position
    total = len(st.order_ids)
    while index < total and len(found) < page_size:
        if not needle or needle in st.order_search[index]:
            found.append(order_view(core, st.orders[st.order_ids[index]]))
        index += 1
    more = False
    if needle:
        # only hand out a cursor if something is left to match
        more = any(needle in st.order_search[i] for i in range(index, total))
    else:
        more = index < total
    return Page[Order](items=found, next_cursor=_encode("orders", index) if more else None)


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
    more = any(
        status is None or st.schedules[candidates[i]].status is status
        for i in range(index, len(candidates))
    )
    return Page[InvoiceSchedule](
        items=found, next_cursor=_encode("schedules", index) if more else None
    )
