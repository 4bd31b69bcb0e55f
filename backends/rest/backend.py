"""``RestBackend``: every ``Backend`` method mapped onto Zuora's REST API.

Requests per method (warm caches; "OQ" is Object Query):

==============================  =============================================================
method                          requests
==============================  =============================================================
list_orders()                   1  ``GET /v1/orders?page=&pageSize=`` (≤ 40 a page), +1
                                   ``GET /object-query/accounts?filter[]=accountnumber.IN:[…]``
                                   when the page names accounts not seen yet (for their names)
                                   and +1 ``GET /object-query/invoice-schedules?filter[]=id.IN:[…]``
                                   for unseen schedule ids (for their numbers), both at once
list_orders(search="O-…")       1  ``GET /v1/orders/{n}?getAccountDetails=true``
list_orders(search=ACCOUNT_NO)  1  ``GET /v1/orders/invoiceOwner/{n}``; if that finds nothing,
                                   the name search below
list_orders(search=name)        2  ``GET /object-query/accounts?filter[]=name.SW:…`` then
                                   ``GET /object-query/orders?filter[]=accountid.IN:[…]
                                   &expand[]=account&sort[]=orderdate.DESC``
get_order                       1  ``GET /v1/orders/{n}?getAccountDetails=true``
get_account                     1  ``GET /object-query/accounts/{key}``
get_subscription                1  ``GET /v1/subscriptions/{key}`` (backends.rest.subscriptions)
list_invoice_schedules          1  ``GET /object-query/invoice-schedules?filter[]=accountid.EQ:…
                                   &expand[]=invoicescheduleitems(.invoice|.creditmemo)
                                   &expand[]=invoiceschedulebookings``; by order, +1 order GET
                                   only when the order's account id is not known yet
get_invoice_schedule            1  ``GET /v1/invoice-schedules/{key}?page=1&pageSize=40`` (+1 for
                                   page 2 when exactly 40 items came back; +1 per item document
                                   this session has not seen yet, read concurrently)
create/update/delete, pause,    1  the v1 call itself (detach/attach +1 GET: they answer
resume, execute, bill runs,        ``{success: true}`` only)
credit memos (get, post, unpost)
delete_bill_run                 1  ``DELETE /v1/bill-runs/{id}``
list_bill_runs                  1  ``GET /object-query/billing-runs?sort[]=createddate.DESC
                                   &filter[]=status.EQ:…`` (≤ 99 a page; ``billingRunNumber``
                                   and the counts mapped onto ``BillRun``); by account +2 (the
                                   account's invoices and memos name their runs in ``sourceId``)
list_bill_run_documents         2  ``GET /object-query/invoices?filter[]=sourceid.EQ:BR-…`` and
                                   ``GET /object-query/credit-memos?filter[]=sourceid.EQ:BR-…``,
                                   concurrently (Object Query has no ``billRunId`` on either);
                                   +1 ``GET /v1/bill-runs/{id}`` when the run's number was not
                                   seen yet this session; +1 per further page of 99
post_invoice                    2  ``PUT /v1/invoices/{key}/post`` then ``GET`` the invoice; on a
                                   tenant without that route ``POST /v1/invoices/bulk-post``
post_invoices (≤ 50)            2  ``GET /object-query/invoices?filter[]=invoicenumber.IN:[…]``
                                   (or ``id.IN:[…]``; both, so 3, when keys mix ids and
                                   numbers) then ``POST /v1/invoices/bulk-post``, mapped per
                                   element; 0 for an empty list
unpost_invoice, cancel_invoice  2  ``PUT /v1/invoices/{key}/unpost|cancel`` then ``GET`` the
                                   invoice (1 when the answer is the invoice itself)
reverse_invoice                 2  ``PUT /v1/invoices/{key}/reverse`` ``{"memoDate"?}`` then
                                   ``GET /v1/credit-memos/{creditMemo.id}``
get_invoice_items               1  ``GET /v1/invoices/{key}/items?page=&pageSize=40`` (+1 per
                                   further page of 40 lines)
==============================  =============================================================

Caches (per backend, i.e. per session) hold only what does not go stale in a way that matters:
account number → (id, name); order number → account number and latest schedule id; schedule id
→ number; bill run id → number; document id → (number, last status seen). Nothing billable
(schedules, bill runs, documents) is ever served from a cache; the cache only fills *derived*
fields (and names a bill run's documents in an Object Query filter).

Reversing: the spec's ``PutReverseInvoiceType`` has ``memoDate`` (and ``applyEffectiveDate``,
``comment``, ``reasonCode``), not ``creditMemoEffectiveDate``; ``memo_date`` is sent as
``memoDate`` and the other fields are left to Zuora's defaults. ``PUT /v1/invoices/{key}/unpost``
and ``/cancel`` are missing from the compact spec (as ``/post`` is); their answer is taken as the
invoice itself when it carries ``invoiceNumber`` and ``status``, else as the SDK's async-operation
shape (``jobStatus: Failed`` raises), after which the invoice is read back.

Navigation Orders → Order → Schedule therefore costs: ``list_orders`` 1, the order screen's
concurrent ``get_order`` + ``list_invoice_schedules(order_number=…)`` 2 (the two share one
in-flight order fetch, so the order is never requested twice), ``get_invoice_schedule`` 1, whose
items' invoice numbers come from the schedule list's expansion.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import Any, Literal, Self, TypeVar
from urllib.parse import quote

import httpx

from backends.errors import (
    BackendError,
    NotFoundError,
    OutcomeUnknownError,
    ServerError,
    ValidationError,
)
from backends.models import (
    Account,
    BackendInfo,
    BillRun,
    BillRunDocuments,
    BillRunStatus,
    CreateBillRunRequest,
    CreateInvoiceScheduleRequest,
    CreditMemo,
    DocumentStatus,
    Invoice,
    InvoiceItem,
    InvoiceSchedule,
    InvoiceScheduleStatus,
    Order,
    Page,
    PostResult,
    SpecificSubscription,
    UpdateInvoiceScheduleRequest,
    ZuoraModel,
)
from backends.profile import BackendProfile
from backends.rest import convert
from backends.rest.billing import BillingCalls
from backends.rest.boundary import guarded
from backends.rest.envelope import (
    BulkOutcome,
    MalformedResponse,
    bulk_outcomes,
    check_bulk_item,
    malformed,
    parse_model,
    require,
)
from backends.rest.environments import check_base_url, resolve_base_url
from backends.rest.paging import (
    OQ_MAX_PAGE_SIZE,
    V1_MAX_PAGE_SIZE,
    PageGuard,
    decode_cursor,
    oq_cursor,
    oq_page_size,
    v1_cursor,
    v1_page_size,
    v1_request,
)
from backends.rest.secrets import Secret, read_client_secret
from backends.rest.subscriptions import SubscriptionCalls
from backends.rest.tasks import all_of
from backends.rest.transport import RequestRecord, Transport, maybe_applied, new_idempotency_key
from backends.tracing import report_recovery

__all__ = ["RestBackend"]

log = logging.getLogger("backends.rest.backend")

T = TypeVar("T")


@dataclass
class _Flight:
    """One in-flight order GET and how many callers wait for it."""

    task: asyncio.Task[Order]
    waiters: int = 0


class _Gone:
    """What a read-back found when the object no longer exists (a lost delete)."""


_ORDER_NUMBER = re.compile(r"O-?\d+", re.IGNORECASE)
_ZUORA_ID = re.compile(r"[0-9a-fA-F]{32}")
_SCHEDULE_EXPANDS = (
    "invoicescheduleitems",
    "invoicescheduleitems.invoice",
    "invoicescheduleitems.creditmemo",
    "invoiceschedulebookings",
)
#: Object Query caps each expansion at ``pageSize`` children per parent; a schedule has at most
#: 50 items, so schedule lists never ask for fewer rows than that.
_MIN_SCHEDULE_PAGE = 50
#: Pages of an account's schedules read at most per call when filtering them by order.
_MAX_ORDER_SCAN_PAGES = 10
_V1_SCHEDULE_ITEMS_PAGE = V1_MAX_PAGE_SIZE
#: Zuora's bulk post takes at most 50 invoices (reference §7.4).
BULK_POST_LIMIT = 50
#: Pages of invoice items read at most (40 a page: 20,000 charges, Zuora's per-invoice limit).
_MAX_ITEM_PAGES = 500
_MAX_ITEM_ROWS = 20_000
#: A value that can sit inside an Object Query filter (``IN:[a,b]``) without changing it.
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_.\-]+")


def _filter_value(value: str) -> str:
    """A key for an Object Query filter; one that would change the filter is refused."""
    text = value.strip()
    if not _SAFE_VALUE.fullmatch(text):
        raise ValidationError(f"{value!r} is not a valid key")
    return text


def _oq_cursor_state(state: dict[str, Any]) -> tuple[list[str], int, str]:
    """(filters, page size, token) of a decoded Object Query cursor, checked."""
    filters, size, token = state.get("f"), state.get("n"), state.get("c")
    if (
        not isinstance(filters, list)
        or not all(isinstance(f, str) for f in filters)
        or not isinstance(size, int)
        or not isinstance(token, str)
    ):
        raise ValidationError("invalid page cursor: start the list again")
    return filters, size, token


def _server_error(endpoint: str, message: str) -> ServerError:
    error = ServerError(message)
    error.endpoint = endpoint
    return error


async def _no_rows() -> list[dict[str, Any]]:
    return []


def _in_filter(field: str, values: Iterable[str | None]) -> str | None:
    """``field.IN:[a,b]`` over the non-empty values, sorted; None when there are none, or when
    one would not be a safe filter value (then the lookup is skipped, not the caller's call)."""
    try:
        wanted = [_filter_value(v) for v in sorted({v for v in values if v})]
    except ValidationError:
        return None
    return f"{field}.IN:[{','.join(wanted)}]" if wanted else None


def _document_is(status: DocumentStatus) -> Callable[[object], str | None]:
    """A ``done`` check for :meth:`RestBackend._change`: the document has ``status``."""

    def check(found: object) -> str | None:
        if isinstance(found, Invoice) and found.status is status:
            return f"{found.invoice_number} is {status.value}"
        if isinstance(found, CreditMemo) and found.status is status:
            return f"{found.number} is {status.value}"
        return None

    return check


def _schedule_is(paused: bool) -> Callable[[object], str | None]:
    """A ``done`` check: the schedule is paused (or, for a resume, no longer paused)."""

    def check(found: object) -> str | None:
        if (
            isinstance(found, InvoiceSchedule)
            and (found.status is InvoiceScheduleStatus.PAUSED) is paused
        ):
            return f"{found.number} is {found.status.value}"
        return None

    return check


def _bill_run_is(*statuses: BillRunStatus) -> Callable[[object], str | None]:
    def check(found: object) -> str | None:
        if isinstance(found, BillRun) and found.status in statuses:
            return f"{found.bill_run_number} is {found.status.value}"
        return None

    return check


def _is_gone(what: str) -> Callable[[object], str | None]:
    def check(found: object) -> str | None:
        return f"{what} is deleted" if isinstance(found, _Gone) else None

    return check


#: Where ``from_profile`` finds the client id when the profile has none (it is not a secret).
CLIENT_ID_ENV = "ZUORA_CLIENT_ID"


def _q(key: str) -> str:
    """A key as one path segment: ``../`` or ``?`` in a key can never reach another endpoint."""
    if not key or not key.strip():
        raise ValidationError("an empty key names no object")
    return quote(key.strip(), safe="")


def _wire(model: ZuoraModel) -> dict[str, Any]:
    """A request model as Zuora expects it: camelCase, absent (``None``) fields left out, and a
    specific subscription's empty ``chargeNumbers`` too: absent, it means every charge of the
    subscription (Zuora's samples name charges only to narrow it)."""
    body = convert.drop_nulls(model.to_wire())
    assert isinstance(body, dict)
    specs = body.get("specificSubscriptions")
    for spec in specs if isinstance(specs, list) else [body]:
        if isinstance(spec, dict) and spec.get("chargeNumbers") == []:
            del spec["chargeNumbers"]
    return body


@guarded
class RestBackend(BillingCalls, SubscriptionCalls):
    """The ``Backend`` contract over Zuora's REST API. See the module docstring (and
    :mod:`backends.rest.billing` for accounts, documents, progress and generate,
    :mod:`backends.rest.subscriptions` for subscriptions)."""

    def __init__(
        self,
        base_url: str,
        *,
        client_id: str,
        client_secret: str | Secret,
        zuora_version: str = "2025-08-12",
        timeout: float = 30.0,
        max_retries: int = 5,
        max_concurrency: int = 8,
        entity_ids: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[float, float], float] | None = None,
        deadline: float | None = None,
    ) -> None:
        """``sleep``, ``clock`` and ``jitter`` exist for tests (backoff without waiting);
        ``deadline`` bounds one logical call with its retries (default ``max(4 * timeout, 60)``
        seconds)."""
        self.base_url = check_base_url(base_url)
        if not client_id or not client_id.strip():
            raise ValidationError("a REST profile needs a client_id")
        secret = client_secret if isinstance(client_secret, Secret) else Secret(client_secret)
        if not secret:
            raise ValidationError("the Zuora client secret is empty")
        if timeout <= 0 or max_retries < 0 or max_concurrency < 1:
            raise ValidationError("timeout must be > 0, max_retries ≥ 0, max_concurrency ≥ 1")
        self._http = Transport(
            self.base_url,
            client_id=client_id.strip(),
            client_secret=secret,
            zuora_version=zuora_version,
            timeout=timeout,
            max_retries=max_retries,
            max_concurrency=max_concurrency,
            entity_ids=entity_ids,
            transport=transport,
            sleep=sleep,
            clock=clock,
            jitter=jitter,
            deadline=deadline,
        )
        self._accounts: dict[str, tuple[str, str]] = {}  # number -> (id, name)
        self._order_accounts: dict[str, str] = {}  # order number -> account number
        self._order_schedules: dict[str, str | None] = {}  # order number -> last schedule id
        self._schedule_numbers: dict[str, str] = {}  # schedule id -> number
        self._documents: dict[str, str] = {}  # document id -> number (never changes)
        self._bill_run_numbers: dict[str, str] = {}  # bill run id -> number (never changes)
        self._order_flights: dict[str, _Flight] = {}
        self._post_route: Literal["put", "bulk"] | None = None

    @classmethod
    def from_profile(cls, profile: BackendProfile) -> RestBackend:
        """Build from a console profile: ``environment`` or ``base_url``; the client id from
        the profile, else ``$ZUORA_CLIENT_ID``; the secret from the profile's environment
        variable or 0600 file."""
        base_url = resolve_base_url(profile.environment, profile.base_url)
        client_id = profile.client_id or os.environ.get(CLIENT_ID_ENV, "").strip()
        if not client_id:
            raise ValidationError(
                f"profile {profile.name!r} needs a client_id for the REST backend: set "
                f"client_id in the profile, pass --client-id, or set ${CLIENT_ID_ENV}"
            )
        secret = read_client_secret(profile.client_secret_env, profile.client_secret_file)
        return cls(
            base_url,
            client_id=client_id,
            client_secret=secret,
            zuora_version=profile.zuora_version,
            timeout=profile.timeout,
            max_retries=profile.max_retries,
            max_concurrency=profile.max_concurrency,
            entity_ids=profile.entity_ids,
        )

    def __repr__(self) -> str:
        return f"RestBackend({self.base_url!r})"

    def describe(self) -> BackendInfo:
        return BackendInfo(kind="REST", host=httpx.URL(self.base_url).host)

    @property
    def on_request(self) -> Callable[[RequestRecord], None] | None:
        """Called after every HTTP exchange (method, path, status, latency, track id)."""
        return self._http.on_request

    @on_request.setter
    def on_request(self, hook: Callable[[RequestRecord], None] | None) -> None:
        self._http.on_request = hook

    @property
    def transport(self) -> Transport:
        return self._http

    # ------------------------------------------------------------------ lifecycle

    async def aclose(self) -> None:
        for flight in list(self._order_flights.values()):
            flight.task.cancel()
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ helpers

    async def _get(self, path: str, params: list[tuple[str, str]] | None = None) -> Any:
        return await self._http.request("GET", path, params=params)

    async def _change(
        self,
        act: Callable[[], Awaitable[T]],
        *,
        what: str,
        ref: str,
        read: Callable[[], Awaitable[T | _Gone]] | None = None,
        done: Callable[[T | _Gone], str | None] | None = None,
    ) -> T:
        """Run a changing call; if its reply was lost, read the object back and decide.

        The call's reply is lost when the transport marked its final error ``reply_lost`` (an
        attempt got no answer, a 5xx or an unreadable body; then a retry was refused or lost
        too), or when its 2xx answer could not be read. Then ``read()`` fetches the object and
        ``done(obj)`` says, in a sentence for the operator (``"INV00000001 is Posted"``),
        whether it shows the change: if so, the recovery is reported and the object returned.
        If it does not, and the server refused the retry, the refusal stands (the object shows
        the change was not made). Anything else is :class:`OutcomeUnknownError` naming ``ref``:
        never a plain failure of something that may have happened.
        """
        try:
            return await act()
        except BackendError as exc:
            if not (exc.reply_lost or isinstance(exc, MalformedResponse)):
                raise
            lost = exc
        log.info("%s: reply lost (%s); reading %s back", what, type(lost).__name__, ref)
        if read is None or done is None:
            raise self._unknown(
                f"Zuora's reply to {what} was lost ({lost.message}), so whether it was applied "
                f"is not known: check {ref} before trying again",
                ref,
                lost,
            )
        try:
            current = await read()
        except BackendError as exc:
            raise self._unknown(
                f"Zuora's reply to {what} was lost, and {ref} could not be read back "
                f"({exc.message}): check {ref} before trying again",
                ref,
                lost,
            ) from None
        note = done(current)
        if note is not None:
            log.info("%s: recovered after a lost reply: %s", what, note)
            report_recovery(note)
            if isinstance(current, _Gone):
                return None  # type: ignore[return-value]  # a delete's result
            return current
        if not maybe_applied(lost) and not isinstance(lost, MalformedResponse):
            raise lost
        raise self._unknown(
            f"Zuora's reply to {what} was lost and {ref} does not show it yet: check {ref} "
            "before trying again",
            ref,
            lost,
        )

    @staticmethod
    def _unknown(message: str, ref: str, lost: BackendError) -> OutcomeUnknownError:
        error = OutcomeUnknownError(
            message, object_ref=ref, request_id=lost.request_id, track_id=lost.track_id
        )
        error.endpoint = lost.endpoint
        return error

    async def _gone_or(self, read: Callable[[], Awaitable[T]]) -> T | _Gone:
        """``read()``, or :class:`_Gone` when the object no longer exists."""
        try:
            return await read()
        except NotFoundError:
            return _Gone()

    def _remember_account(
        self, number: str | None, account_id: str | None, name: str | None
    ) -> None:
        if number and account_id:
            self._accounts[number] = (account_id, name or self._accounts.get(number, ("", ""))[1])

    def _remember_order(self, order: Order) -> None:
        self._order_accounts[order.order_number] = order.existing_account_number
        self._order_schedules[order.order_number] = order.invoice_schedule_id
        self._remember_account(order.existing_account_number, order.account_id, order.account_name)

    def _derive_order(self, order: Order) -> Order:
        known = self._accounts.get(order.existing_account_number)
        if known is not None:
            if order.account_id is None:
                order.account_id = known[0]
            if order.account_name is None and known[1]:
                order.account_name = known[1]
        if order.invoice_schedule_id and order.invoice_schedule_number is None:
            order.invoice_schedule_number = self._schedule_numbers.get(order.invoice_schedule_id)
        return order

    def _remember_document(self, doc_id: str | None, number: str | None) -> None:
        if doc_id and number:
            self._documents[doc_id] = number

    def _derive_schedule(self, schedule: InvoiceSchedule) -> InvoiceSchedule:
        """Fill item document numbers from the response if it had them, else from what this
        session saw of that document: numbers never change. A status is state, so it is never
        filled from memory; it comes from the response or from reading the documents."""
        self._schedule_numbers[schedule.id] = schedule.number
        for item in schedule.schedule_items:
            if item.invoice_id:
                if item.invoice_number:
                    self._remember_document(item.invoice_id, item.invoice_number)
                else:
                    item.invoice_number = self._documents.get(item.invoice_id)
            if item.credit_memo_id:
                if item.credit_memo_number:
                    self._remember_document(item.credit_memo_id, item.credit_memo_number)
                else:
                    item.credit_memo_number = self._documents.get(item.credit_memo_id)
        return schedule

    # ------------------------------------------------------------------ orders and accounts

    async def list_orders(
        self, *, search: str | None = None, page_size: int = 50, cursor: str | None = None
    ) -> Page[Order]:
        """Orders in Zuora's own list order. ``search``: an order number (``O-…``) is fetched
        directly; any other single word is tried as an invoice-owner account number; failing
        that, or for words with spaces, accounts whose name starts with the text and their
        orders. Object Query's ``name.SW`` is case-sensitive, so the text is also tried
        capitalised and title-cased (at most three account queries) before giving up."""
        if cursor is not None:
            return await self._orders_from_cursor(cursor)
        term = (search or "").strip()
        size = v1_page_size(page_size)
        if not term:
            return await self._v1_orders_page(
                "/v1/orders", [("page", "1"), ("pageSize", str(size))], "orders"
            )
        if _ORDER_NUMBER.fullmatch(term):
            try:
                return Page(items=[await self.get_order(term)])
            except NotFoundError:
                return Page(items=[])
        if not any(ch.isspace() for ch in term):
            try:
                page = await self._v1_orders_page(
                    f"/v1/orders/invoiceOwner/{_q(term)}",
                    [("page", "1"), ("pageSize", str(size))],
                    "orders-owner",
                )
            except NotFoundError:
                page = Page(items=[])
            if page.items:
                return page
        return await self._orders_by_account_name(term, page_size)

    async def _orders_from_cursor(self, cursor: str) -> Page[Order]:
        state = decode_cursor(cursor, {"orders", "orders-owner", "orders-oq"})
        kind = state["k"]
        if kind == "orders":
            return await self._v1_orders_page("/v1/orders", v1_request(state, "/v1/orders"), kind)
        if kind == "orders-owner":
            path = state.get("p")
            prefix = "/v1/orders/invoiceOwner/"
            if (
                not isinstance(path, str)
                or not path.startswith(prefix)
                or "/" in path[len(prefix) :]
            ):
                raise ValidationError("invalid page cursor: start the list again")
            return await self._v1_orders_page(path, v1_request(state, path), kind)
        return await self._oq_orders_page(*_oq_cursor_state(state))

    async def _v1_orders_page(
        self, path: str, params: list[tuple[str, str]], kind: str
    ) -> Page[Order]:
        endpoint = f"GET {path}"
        data = await self._get(path, params)
        rows = require(data, "orders", list, endpoint)
        parsed = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise malformed(endpoint, f"field orders[{i}] should be an object")
            order = parse_model(Order, convert.v1_order(row), endpoint, what=f"orders[{i}]")
            self._remember_order(order)
            parsed.append(order)
        await all_of(
            self._learn_accounts({o.existing_account_number for o in parsed}),
            self._learn_schedule_numbers({o.invoice_schedule_id for o in parsed}),
        )
        orders = [self._derive_order(order) for order in parsed]
        # Kept in Zuora's order: sorting within a page would contradict the next page.
        next_cursor = v1_cursor(
            kind, path, data.get("nextPage"), current_page=dict(params).get("page")
        )
        return Page(items=orders, next_cursor=next_cursor)

    async def _learn_accounts(self, numbers: set[str]) -> None:
        """v1 orders name their account by number only; the console shows its name. Ask for
        the accounts of a page this session has not seen in one Object Query
        (``accountnumber.IN:[…]``), so a page costs at most one request more, never one per row.
        """
        wanted = _in_filter(
            "accountnumber",
            (n for n in numbers if n not in self._accounts or not self._accounts[n][1]),
        )
        if wanted is None:
            return
        endpoint = "GET /object-query/accounts"
        for i, row in enumerate(await self._oq_all("/object-query/accounts", [wanted])):
            account = parse_model(Account, convert.oq_account(row), endpoint, what=f"data[{i}]")
            self._remember_account(account.account_number, account.id, account.name)

    async def _learn_schedule_numbers(self, ids: set[str | None]) -> None:
        """An order names its latest schedule by id; the orders list shows its number. Ask for
        the page's unseen ones in one Object Query (``id.IN:[…]``, no expansions)."""
        wanted = _in_filter("id", (i for i in ids if i not in self._schedule_numbers))
        if wanted is None:
            return
        for row in await self._oq_all("/object-query/invoice-schedules", [wanted]):
            schedule_id, number = row.get("id"), row.get("number")
            if isinstance(schedule_id, str) and isinstance(number, str):
                self._schedule_numbers[schedule_id] = number

    async def _orders_by_account_name(self, term: str, page_size: int) -> Page[Order]:
        endpoint = "GET /object-query/accounts"
        rows: list[Any] = []
        for variant in dict.fromkeys([term, term[:1].upper() + term[1:], term.title()]):
            data = await self._get(
                "/object-query/accounts",
                [("filter[]", f"name.SW:{variant}"), ("pageSize", "99")],
            )
            rows = require(data, "data", list, endpoint)
            if rows:
                break
        ids = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise malformed(endpoint, f"field data[{i}] should be an object")
            account = parse_model(Account, convert.oq_account(row), endpoint, what=f"data[{i}]")
            self._remember_account(account.account_number, account.id, account.name)
            ids.append(account.id)
        if not ids:
            return Page(items=[])
        return await self._oq_orders_page(
            [f"accountid.IN:[{','.join(ids)}]"], oq_page_size(page_size), None
        )

    async def _oq_orders_page(
        self, filters: list[str], size: int, token: str | None
    ) -> Page[Order]:
        endpoint = "GET /object-query/orders"
        params: list[tuple[str, str]] = [
            ("pageSize", str(oq_page_size(size))),
            ("sort[]", "orderdate.DESC"),
            ("expand[]", "account"),
            *[("filter[]", f) for f in filters],
        ]
        if token:
            params.append(("cursor", token))
        data = await self._get("/object-query/orders", params)
        rows = require(data, "data", list, endpoint)
        orders = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise malformed(endpoint, f"field data[{i}] should be an object")
            order = parse_model(Order, convert.oq_order(row), endpoint, what=f"data[{i}]")
            self._remember_order(order)
            orders.append(self._derive_order(order))
        return Page(
            items=orders,
            next_cursor=oq_cursor(
                "orders-oq", data.get("nextPage"), current=token, f=filters, n=size
            ),
        )

    async def get_order(self, order_number: str) -> Order:
        return await self._fetch_order(order_number)

    async def _fetch_order(self, order_number: str) -> Order:
        """One in-flight ``GET /v1/orders/{n}`` per order, shared by concurrent callers (the
        order screen asks for the order and its schedules at once; both need this order).
        When every caller waiting for it has been cancelled, the request is cancelled too and
        has ended before the last caller's cancellation completes."""
        key = order_number.strip()
        flight = self._order_flights.get(key)
        if flight is None:
            flight = _Flight(asyncio.ensure_future(self._load_order(key)))
            self._order_flights[key] = flight
            started = flight

            def done(t: asyncio.Task[Order]) -> None:
                if self._order_flights.get(key) is started:
                    del self._order_flights[key]
                if not t.cancelled():
                    t.exception()  # retrieved here; every waiter still gets it raised

            flight.task.add_done_callback(done)
        flight.waiters += 1
        try:
            return await asyncio.shield(flight.task)
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.task.done():
                flight.task.cancel()
                await asyncio.wait([flight.task])

    async def _load_order(self, order_number: str) -> Order:
        path = f"/v1/orders/{_q(order_number)}"
        data = await self._get(path, [("getAccountDetails", "true")])
        raw = require(data, "order", dict, f"GET {path}")
        order = parse_model(Order, convert.v1_order(raw), f"GET {path}", what="order")
        self._remember_order(order)
        return self._derive_order(order)

    async def get_account(self, key: str) -> Account:
        path = f"/object-query/accounts/{_q(key)}"
        data = await self._get(path)
        if not isinstance(data, dict):
            raise malformed(f"GET {path}", "the body should be a JSON object")
        account = parse_model(Account, convert.oq_account(data), f"GET {path}")
        self._remember_account(account.account_number, account.id, account.name)
        return account

    async def _order_account(self, order_number: str) -> tuple[str, str | None]:
        """(account id, latest schedule id) of an order, from the caches or one order GET."""
        number = self._order_accounts.get(order_number)
        if (
            number is not None
            and number in self._accounts
            and order_number in self._order_schedules
        ):
            return self._accounts[number][0], self._order_schedules[order_number]
        order = await self._fetch_order(order_number)
        account_id = order.account_id
        if account_id is None:  # the server ignored getAccountDetails
            account_id = (await self.get_account(order.existing_account_number)).id
        return account_id, order.invoice_schedule_id

    # ------------------------------------------------------------------ invoice schedules

    async def list_invoice_schedules(
        self,
        *,
        order_number: str | None = None,
        account_id: str | None = None,
        status: InvoiceScheduleStatus | None = None,
        page_size: int = 50,
        cursor: str | None = None,
    ) -> Page[InvoiceSchedule]:
        """Object Query ``/object-query/invoice-schedules`` with the items (and their invoice
        and credit memo) and bookings expanded.

        Filters: ``accountid.EQ:`` for an account; for an order, the order's account (Object
        Query cannot filter schedules by order) and then, here, the schedules whose bookings
        name the order (or that the order names as its latest schedule); ``status.EQ:``.
        Rows come ``max(page_size, 50)`` at a time (at most 99) because expansions are capped
        at ``pageSize`` children per parent. Object Query has no ``specificSubscriptions``:
        those are empty here and complete in :meth:`get_invoice_schedule`.
        """
        if cursor is not None:
            state = decode_cursor(cursor, "schedules")
            filters, size, token = _oq_cursor_state(state)
            order, latest = state.get("o"), state.get("i")
            if not isinstance(order, str | None) or not isinstance(latest, str | None):
                raise ValidationError("invalid page cursor: start the list again")
            return await self._schedules_page(filters, order, latest, size, token)
        filters = []
        latest = None
        if order_number:
            order_account, latest = await self._order_account(order_number.strip())
            filters.append(f"accountid.EQ:{order_account}")
        if account_id:
            filters.append(f"accountid.EQ:{account_id}")
        if status is not None:
            filters.append(f"status.EQ:{InvoiceScheduleStatus(status).value}")
        size = min(max(oq_page_size(page_size), _MIN_SCHEDULE_PAGE), 99)
        order = order_number.strip() if order_number else None
        return await self._schedules_page(filters, order, latest, size, None)

    async def _schedules_page(
        self,
        filters: list[str],
        order: str | None,
        latest: str | None,
        size: int,
        token: str | None,
    ) -> Page[InvoiceSchedule]:
        endpoint = "GET /object-query/invoice-schedules"
        found: list[InvoiceSchedule] = []
        seen = {token} if token else set()
        for _ in range(_MAX_ORDER_SCAN_PAGES if order else 1):
            params: list[tuple[str, str]] = [
                ("pageSize", str(size)),
                *[("filter[]", f) for f in filters],
                *[("expand[]", e) for e in _SCHEDULE_EXPANDS],
            ]
            if token:
                params.append(("cursor", token))
            data = await self._get("/object-query/invoice-schedules", params)
            rows = require(data, "data", list, endpoint)
            for i, row in enumerate(rows):
                if not isinstance(row, dict):
                    raise malformed(endpoint, f"field data[{i}] should be an object")
                schedule = parse_model(
                    InvoiceSchedule, convert.oq_schedule(row), endpoint, what=f"data[{i}]"
                )
                self._derive_schedule(schedule)
                if order is None or order in schedule.orders or schedule.id == latest:
                    found.append(schedule)
            next_page = data.get("nextPage")
            token = next_page if isinstance(next_page, str) and next_page else None
            if token in seen:  # a page naming one already read: the listing ends here
                token = None
            if token is None or order is None or len(found) >= size:
                break
            seen.add(token)
        next_cursor = (
            oq_cursor("schedules", token, f=filters, o=order, i=latest, n=size) if token else None
        )
        return Page(items=found, next_cursor=next_cursor)

    async def get_invoice_schedule(self, key: str) -> InvoiceSchedule:
        """``GET /v1/invoice-schedules/{key}``. The endpoint takes ``page``/``pageSize`` (≤ 40)
        although a schedule holds up to 50 items and no ``nextPage`` comes back; so ask for 40
        and, when exactly 40 items arrive, for page 2 as well (merged by item id)."""
        path = f"/v1/invoice-schedules/{_q(key)}"
        schedule = await self._schedule_call(
            "GET", path, params=[("page", "1"), ("pageSize", str(_V1_SCHEDULE_ITEMS_PAGE))]
        )
        if len(schedule.schedule_items) == _V1_SCHEDULE_ITEMS_PAGE:
            more = await self._schedule_call(
                "GET", path, params=[("page", "2"), ("pageSize", str(_V1_SCHEDULE_ITEMS_PAGE))]
            )
            seen = {item.id for item in schedule.schedule_items}
            schedule.schedule_items.extend(i for i in more.schedule_items if i.id not in seen)
        await self._read_documents(schedule)
        return self._derive_schedule(schedule)

    async def _read_documents(self, schedule: InvoiceSchedule) -> None:
        """The v1 schedule names its items' documents by id only; the console shows their
        numbers and statuses (and needs the status to know what may be posted). Statuses are
        state, never remembered: every read asks for them, with one Object Query per kind
        (``id.IN:[…]``, both at once), and ``GET``s any document those do not list."""
        invoice_ids = sorted({i.invoice_id for i in schedule.schedule_items if i.invoice_id})
        memo_ids = sorted({i.credit_memo_id for i in schedule.schedule_items if i.credit_memo_id})
        invoice_filter = _in_filter("id", invoice_ids)
        memo_filter = _in_filter("id", memo_ids)
        listed = await all_of(
            self._oq_all("/object-query/invoices", [invoice_filter])
            if invoice_filter
            else _no_rows(),
            self._oq_all("/object-query/credit-memos", [memo_filter])
            if memo_filter
            else _no_rows(),
        )
        found: dict[str, tuple[str, DocumentStatus | None]] = {}
        number_fields = (("invoiceNumber",), ("memoNumber", "number"))
        for rows, number_keys in zip(listed, number_fields, strict=True):
            for row in rows:
                doc_id = row.get("id")
                number = next((row[k] for k in number_keys if isinstance(row.get(k), str)), None)
                if isinstance(doc_id, str) and number is not None:
                    found[doc_id] = (number, convert.document_status(row.get("status")))
        missing_invoices = [d for d in invoice_ids if d not in found]
        missing_memos = [d for d in memo_ids if d not in found]
        for doc_id, number, status in await all_of(
            *[self._document_state(d, memo=False) for d in missing_invoices],
            *[self._document_state(d, memo=True) for d in missing_memos],
        ):
            found[doc_id] = (number, status)
        for item in schedule.schedule_items:
            if item.invoice_id in found:
                item.invoice_number, item.invoice_status = found[item.invoice_id]
            if item.credit_memo_id in found:
                item.credit_memo_number, item.credit_memo_status = found[item.credit_memo_id]

    async def _document_state(
        self, doc_id: str, *, memo: bool
    ) -> tuple[str, str, DocumentStatus | None]:
        if memo:
            credit_memo = await self.get_credit_memo(doc_id)
            return doc_id, credit_memo.number, credit_memo.status
        invoice = await self.get_invoice(doc_id)
        return doc_id, invoice.invoice_number, invoice.status

    async def _schedule_call(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> InvoiceSchedule:
        data = await self._http.request(
            method, path, params=params, json=json, idempotency_key=idempotency_key
        )
        endpoint = f"{method} {path}"
        if not isinstance(data, dict):
            raise malformed(endpoint, "the body should be a JSON object")
        schedule = parse_model(InvoiceSchedule, convert.v1_schedule(data), endpoint)
        return self._derive_schedule(schedule)

    async def create_invoice_schedule(
        self, request: CreateInvoiceScheduleRequest, *, idempotency_key: str | None = None
    ) -> InvoiceSchedule:
        key = idempotency_key or new_idempotency_key()
        schedule = await self._change(
            lambda: self._schedule_call(
                "POST", "/v1/invoice-schedules", json=_wire(request), idempotency_key=key
            ),
            what="creating the invoice schedule",
            ref=f"the invoice schedules of account {request.account_key}",
        )
        for order in request.orders:  # their "latest schedule" just changed
            self._order_schedules.pop(order, None)
        return schedule

    async def update_invoice_schedule(
        self, key: str, request: UpdateInvoiceScheduleRequest
    ) -> InvoiceSchedule:
        return await self._change(
            lambda: self._schedule_call(
                "PUT", f"/v1/invoice-schedules/{_q(key)}", json=_wire(request)
            ),
            what=f"updating invoice schedule {key}",
            ref=key,
        )

    async def delete_invoice_schedule(self, key: str) -> None:
        path = f"/v1/invoice-schedules/{_q(key)}"
        try:
            await self._change(
                lambda: self._http.request("DELETE", path),
                what=f"deleting invoice schedule {key}",
                ref=key,
                read=lambda: self._gone_or(lambda: self.get_invoice_schedule(key)),
                done=_is_gone(key),
            )
        finally:
            self._order_schedules.clear()

    async def execute_invoice_schedule(
        self,
        key: str,
        schedule_item_id: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> BillRun:
        body: dict[str, Any] = (
            {} if schedule_item_id is None else {"scheduleItemId": schedule_item_id}
        )
        idempotency = idempotency_key or new_idempotency_key()
        return await self._change(
            lambda: self._bill_run_call(
                "POST",
                f"/v1/invoice-schedules/{_q(key)}/execute",
                json=body,
                idempotency_key=idempotency,
            ),
            what=f"generating from invoice schedule {key}",
            ref=key,
        )

    async def pause_invoice_schedule(self, key: str) -> InvoiceSchedule:
        return await self._change(
            lambda: self._schedule_call("PUT", f"/v1/invoice-schedules/{_q(key)}/pause"),
            what=f"pausing invoice schedule {key}",
            ref=key,
            read=lambda: self.get_invoice_schedule(key),
            done=_schedule_is(paused=True),
        )

    async def resume_invoice_schedule(self, key: str) -> InvoiceSchedule:
        return await self._change(
            lambda: self._schedule_call("PUT", f"/v1/invoice-schedules/{_q(key)}/resume"),
            what=f"resuming invoice schedule {key}",
            ref=key,
            read=lambda: self.get_invoice_schedule(key),
            done=_schedule_is(paused=False),
        )

    async def detach_charges(
        self, key: str, specific_subscriptions: list[SpecificSubscription]
    ) -> InvoiceSchedule:
        return await self._charges(key, "detach", specific_subscriptions)

    async def attach_charges(
        self, key: str, specific_subscriptions: list[SpecificSubscription]
    ) -> InvoiceSchedule:
        return await self._charges(key, "attach", specific_subscriptions)

    async def _charges(
        self, key: str, verb: str, specific_subscriptions: list[SpecificSubscription]
    ) -> InvoiceSchedule:
        path = f"/v1/invoice-schedules/{_q(key)}/{verb}"
        body = {"specificSubscriptions": [_wire(s) for s in specific_subscriptions]}
        data = await self._change(
            lambda: self._http.request("PUT", path, json=body),
            what=f"{verb}ing charges of invoice schedule {key}",
            ref=key,
        )
        if isinstance(data, dict) and "number" in data and "scheduleItems" in data:
            schedule = parse_model(InvoiceSchedule, convert.v1_schedule(data), f"PUT {path}")
            return self._derive_schedule(schedule)
        return await self.get_invoice_schedule(key)  # Zuora answers {"success": true} only

    # ------------------------------------------------------------------ bill runs

    async def _bill_run_call(
        self, method: str, path: str, *, json: Any = None, idempotency_key: str | None = None
    ) -> BillRun:
        data = await self._http.request(method, path, json=json, idempotency_key=idempotency_key)
        endpoint = f"{method} {path}"
        if not isinstance(data, dict):
            raise malformed(endpoint, "the body should be a JSON object")
        return parse_model(BillRun, convert.bill_run(data), endpoint)

    async def create_bill_run(
        self, request: CreateBillRunRequest, *, idempotency_key: str | None = None
    ) -> BillRun:
        body = _wire(request)
        for key in ("billRunFilters", "chargeTypeToExclude"):
            if body.get(key) == []:
                del body[key]
        idempotency = idempotency_key or new_idempotency_key()
        return await self._change(
            lambda: self._bill_run_call(
                "POST", "/v1/bill-runs", json=body, idempotency_key=idempotency
            ),
            what="creating the bill run",
            ref="the bill runs list",
        )

    async def get_bill_run(self, bill_run_id: str) -> BillRun:
        run = await self._bill_run_call("GET", f"/v1/bill-runs/{_q(bill_run_id)}")
        self._bill_run_numbers[run.id] = run.bill_run_number
        return run

    async def post_bill_run(self, bill_run_id: str, invoice_date: date | None = None) -> BillRun:
        body = {} if invoice_date is None else {"invoiceDate": invoice_date}
        return await self._change(
            lambda: self._bill_run_call("PUT", f"/v1/bill-runs/{_q(bill_run_id)}/post", json=body),
            what=f"posting bill run {self._bill_run_ref(bill_run_id)}",
            ref=self._bill_run_ref(bill_run_id),
            read=lambda: self.get_bill_run(bill_run_id),
            done=_bill_run_is(BillRunStatus.POSTED, BillRunStatus.POST_IN_PROGRESS),
        )

    async def cancel_bill_run(self, bill_run_id: str) -> BillRun:
        return await self._change(
            lambda: self._bill_run_call("PUT", f"/v1/bill-runs/{_q(bill_run_id)}/cancel", json={}),
            what=f"cancelling bill run {self._bill_run_ref(bill_run_id)}",
            ref=self._bill_run_ref(bill_run_id),
            read=lambda: self.get_bill_run(bill_run_id),
            done=_bill_run_is(BillRunStatus.CANCELED, BillRunStatus.CANCEL_IN_PROGRESS),
        )

    def _bill_run_ref(self, bill_run_id: str) -> str:
        """The bill run's number when this session knows it (what the operator sees)."""
        return self._bill_run_numbers.get(bill_run_id.strip(), bill_run_id.strip())

    async def delete_bill_run(self, bill_run_id: str) -> None:
        """``DELETE /v1/bill-runs/{id}`` (Zuora allows it on Canceled and Error runs only)."""
        ref = self._bill_run_ref(bill_run_id)
        await self._change(
            lambda: self._http.request("DELETE", f"/v1/bill-runs/{_q(bill_run_id)}"),
            what=f"deleting bill run {ref}",
            ref=ref,
            read=lambda: self._gone_or(lambda: self.get_bill_run(bill_run_id)),
            done=_is_gone(ref),
        )
        self._bill_run_numbers.pop(bill_run_id.strip(), None)

    async def list_bill_runs(
        self,
        *,
        status: BillRunStatus | None = None,
        account_id: str | None = None,
        page_size: int = 50,
        cursor: str | None = None,
    ) -> Page[BillRun]:
        """Object Query ``/object-query/billing-runs`` sorted ``createddate.DESC``, filtered by
        ``status.EQ:``. Billing runs cannot be filtered by account in Object Query, so with
        ``account_id`` the account's invoices and credit memos are read first (``accountid.EQ:``,
        every page, both at once) and the runs named in their ``sourceId`` are asked for with
        ``billingrunnumber.IN:[…]``: 3 requests or more instead of 1."""
        if cursor is not None:
            return await self._bill_runs_page(*_oq_cursor_state(decode_cursor(cursor, "bill-runs")))
        filters = []
        if status is not None:
            filters.append(f"status.EQ:{BillRunStatus(status).value}")
        if account_id:
            numbers = await self._bill_run_numbers_of_account(account_id)
            if not numbers:
                return Page(items=[])
            filters.append(f"billingrunnumber.IN:[{','.join(numbers)}]")
        return await self._bill_runs_page(filters, oq_page_size(page_size), None)

    async def _bill_run_numbers_of_account(self, account_id: str) -> list[str]:
        account = f"accountid.EQ:{_filter_value(account_id)}"
        invoice_rows, memo_rows = await all_of(
            self._oq_all("/object-query/invoices", [account]),
            self._oq_all("/object-query/credit-memos", [account]),
        )
        numbers = {
            str(row["sourceId"])
            for row in [*invoice_rows, *memo_rows]
            if isinstance(row, dict) and str(row.get("sourceId") or "").startswith("BR-")
        }
        return sorted(numbers)

    async def _bill_runs_page(
        self, filters: list[str], size: int, token: str | None
    ) -> Page[BillRun]:
        endpoint = "GET /object-query/billing-runs"
        params: list[tuple[str, str]] = [
            ("pageSize", str(size)),
            ("sort[]", "createddate.DESC"),
            *[("filter[]", f) for f in filters],
        ]
        if token:
            params.append(("cursor", token))
        data = await self._get("/object-query/billing-runs", params)
        rows = require(data, "data", list, endpoint)
        runs = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise malformed(endpoint, f"field data[{i}] should be an object")
            run = parse_model(BillRun, convert.oq_bill_run(row), endpoint, what=f"data[{i}]")
            self._bill_run_numbers[run.id] = run.bill_run_number
            runs.append(run)
        return Page(
            items=runs,
            next_cursor=oq_cursor(
                "bill-runs", data.get("nextPage"), current=token, f=filters, n=size
            ),
        )

    async def list_bill_run_documents(self, bill_run_id: str) -> BillRunDocuments:
        """Object Query invoices and credit memos filtered ``sourceid.EQ:{bill run number}``
        (Zuora's documents name their run by number in ``sourceId``; Object Query has no
        ``billRunId`` on either), both asked at once. The number comes from this session's
        bill run lists and reads, else from one ``GET /v1/bill-runs/{id}``."""
        run_id = bill_run_id.strip()
        number = self._bill_run_numbers.get(run_id)
        if number is None:
            number = (await self.get_bill_run(run_id)).bill_run_number
        if not _SAFE_VALUE.fullmatch(number):
            raise malformed(
                f"GET /v1/bill-runs/{_q(run_id)}",
                f"field billRunNumber {number!r} is not a bill run number",
            )
        source = f"sourceid.EQ:{number}"
        invoice_rows, memo_rows = await all_of(
            self._oq_all("/object-query/invoices", [source]),
            self._oq_all("/object-query/credit-memos", [source]),
        )
        invoices = [
            parse_model(
                Invoice,
                convert.oq_invoice(row, run_id),
                "GET /object-query/invoices",
                what=f"data[{i}]",
            )
            for i, row in enumerate(invoice_rows)
        ]
        memos = [
            parse_model(
                CreditMemo,
                convert.oq_credit_memo(row, run_id),
                "GET /object-query/credit-memos",
                what=f"data[{i}]",
            )
            for i, row in enumerate(memo_rows)
        ]
        for invoice in invoices:
            self._remember_document(invoice.id, invoice.invoice_number)
        for memo in memos:
            self._remember_document(memo.id, memo.number)
        invoices.sort(key=lambda d: d.invoice_number)
        memos.sort(key=lambda d: d.number)
        return BillRunDocuments(invoices=invoices, credit_memos=memos)

    async def _oq_all(self, path: str, filters: list[str]) -> list[dict[str, Any]]:
        """Every row of an Object Query listing (99 a page), following ``nextPage``."""
        endpoint = f"GET {path}"
        rows: list[dict[str, Any]] = []
        token: str | None = None
        guard = PageGuard(endpoint)
        while True:
            params: list[tuple[str, str]] = [
                ("pageSize", str(OQ_MAX_PAGE_SIZE)),
                *[("filter[]", f) for f in filters],
            ]
            if token:
                params.append(("cursor", token))
            data = await self._get(path, params)
            page = require(data, "data", list, endpoint)
            for i, row in enumerate(page):
                if not isinstance(row, dict):
                    raise malformed(endpoint, f"field data[{i}] should be an object")
                rows.append(row)
            guard.page(len(page))
            token = guard.follow(data.get("nextPage"))
            if token is None:
                return rows

    # ------------------------------------------------------------------ documents

    async def get_invoice(self, key: str) -> Invoice:
        path = f"/v1/invoices/{_q(key)}"
        data = await self._get(path)
        if not isinstance(data, dict):
            raise malformed(f"GET {path}", "the body should be a JSON object")
        invoice = parse_model(Invoice, convert.invoice(data), f"GET {path}")
        self._remember_document(invoice.id, invoice.invoice_number)
        if (
            invoice.status is DocumentStatus.POSTED
            and invoice.credit_memo_amount > 0
            and invoice.balance == 0
            and "reversed" not in data
        ):
            # v1 invoices have no ``reversed`` (Object Query rows do): ask only for an invoice
            # that a credit memo settled in full, the one kind a reversal leaves.
            rows = await self._oq_all(
                "/object-query/invoices", [f"id.EQ:{_filter_value(invoice.id)}"]
            )
            if any(isinstance(r, dict) and r.get("reversed") is True for r in rows):
                invoice = invoice.model_copy(update={"reversed": True})
        return invoice

    async def post_invoice(self, key: str) -> Invoice:
        """See :meth:`_post_invoice`; a lost reply is reconciled by reading the invoice."""
        return await self._change(
            lambda: self._post_invoice(key),
            what=f"posting invoice {key}",
            ref=key,
            read=lambda: self.get_invoice(key),
            done=_document_is(DocumentStatus.POSTED),
        )

    async def _post_invoice(self, key: str) -> Invoice:
        """``PUT /v1/invoices/{key}/post``; a tenant that answers 405, or 404 for an invoice
        that a ``GET`` then finds, lacks that route, so this session uses
        ``POST /v1/invoices/bulk-post`` from then on. Either way the invoice is then read back.
        (A 404's code cannot tell "no such route" from "no such invoice": Zuora's generic
        not-found code ``50000040`` serves both, so the invoice itself is asked once.)"""
        known_id: str | None = None
        if self._post_route != "bulk":
            path = f"/v1/invoices/{_q(key)}/post"
            try:
                data = await self._http.request("PUT", path, json={})
            except BackendError as exc:
                missing, known_id = (
                    await self._post_route_missing(key, exc)
                    if self._post_route is None
                    else (False, None)
                )
                if not missing:
                    raise
                self._post_route = "bulk"
            else:
                self._post_route = "put"
                if isinstance(data, dict) and data.get("jobStatus") == "Failed":
                    raise _server_error(
                        f"PUT {path}",
                        f"Zuora could not post invoice {key} (job {data.get('jobId')} failed)",
                    )
                return await self.get_invoice(key)
        if known_id is None:
            known_id = (
                key.strip()
                if _ZUORA_ID.fullmatch(key.strip())
                else (await self.get_invoice(key)).id
            )
        invoice_id = known_id
        data = await self._http.request(
            "POST",
            "/v1/invoices/bulk-post",
            json={"invoices": [{"id": invoice_id}]},
            idempotency_key=new_idempotency_key(),
        )
        check_bulk_item(data, "invoices", invoice_id, "POST /v1/invoices/bulk-post")
        return await self.get_invoice(invoice_id)

    async def _post_route_missing(self, key: str, error: BackendError) -> tuple[bool, str | None]:
        """Whether the post route is missing, and the invoice id when finding that out read it."""
        if error.status == 405:
            return True, None
        if error.status != 404:
            return False, None
        try:
            invoice = await self.get_invoice(key)
        except NotFoundError:
            return False, None
        return True, invoice.id

    async def post_invoices(self, keys: list[str]) -> list[PostResult]:
        """``POST /v1/invoices/bulk-post`` (≤ 50 ids). Keys are first resolved to ids and
        numbers with one Object Query ``/object-query/invoices`` per kind of key given
        (``id.IN:[…]``, ``invoicenumber.IN:[…]``); a key naming no invoice is refused here
        without being sent. Zuora answers ``success: true`` at the top even when an element
        failed: each element's own ``success``/``reasons`` make its result."""
        if len(keys) > BULK_POST_LIMIT:
            raise ValidationError(
                f"Post at most {BULK_POST_LIMIT} invoices at once; {len(keys)} given"
            )
        wanted = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
        by_key = await self._lookup_invoices(wanted)
        ids = list(dict.fromkeys(found[0] for found in by_key.values()))
        outcomes: dict[str, BulkOutcome] = {}
        if ids:
            outcomes = await self._bulk_post(ids)
        results = []
        for key in keys:
            found = by_key.get(key.strip())
            if found is None:
                results.append(
                    PostResult(key=key, success=False, message=f"No invoice {key.strip()!r}")
                )
                continue
            invoice_id, number = found
            success, code, message = outcomes.get(
                invoice_id, (False, None, f"Zuora gave no result for invoice {number}")
            )
            self._remember_document(invoice_id, number)
            results.append(
                PostResult(
                    key=key,
                    invoice_id=invoice_id,
                    invoice_number=number,
                    success=success,
                    code=code,
                    message=message,
                )
            )
        return results

    async def _bulk_post(self, ids: list[str]) -> dict[str, BulkOutcome]:
        """One ``POST /v1/invoices/bulk-post``; when its reply is lost (the key's replay did
        not bring it back either), each invoice's status read back decides its outcome."""
        endpoint = "POST /v1/invoices/bulk-post"
        try:
            data = await self._http.request(
                "POST",
                "/v1/invoices/bulk-post",
                json={"invoices": [{"id": invoice_id} for invoice_id in ids]},
                idempotency_key=new_idempotency_key(),
            )
            return bulk_outcomes(data, "invoices", ids, endpoint)
        except BackendError as exc:
            if not (exc.reply_lost or isinstance(exc, MalformedResponse)):
                raise
            lost = exc
        try:
            rows = await self._oq_all("/object-query/invoices", [f"id.IN:[{','.join(ids)}]"])
        except BackendError as exc:
            raise self._unknown(
                f"Zuora's reply to posting {len(ids)} invoices was lost, and they could not be "
                f"read back ({exc.message}): check them before posting again",
                "the invoices of this post",
                lost,
            ) from None
        statuses = {
            row.get("id"): row.get("status") for row in rows if isinstance(row.get("id"), str)
        }
        outcomes: dict[str, BulkOutcome] = {}
        for invoice_id in ids:
            number = self._documents.get(invoice_id, invoice_id)
            status = statuses.get(invoice_id)
            if status == DocumentStatus.POSTED.value:
                report_recovery(f"{number} is Posted")
                outcomes[invoice_id] = (True, None, None)
            else:
                outcomes[invoice_id] = (
                    False,
                    None,
                    f"Zuora's reply was lost and {number} is {status or 'not found'}: "
                    "check it before posting again",
                )
        return outcomes

    async def _lookup_invoices(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        """key → (id, number) for the keys that name an invoice (ids and numbers asked apart:
        Object Query ANDs its filters)."""
        ids = [k for k in keys if _ZUORA_ID.fullmatch(k)]
        numbers = [k for k in keys if not _ZUORA_ID.fullmatch(k) and _SAFE_VALUE.fullmatch(k)]
        queries = [
            self._oq_all("/object-query/invoices", [f"{field}.IN:[{','.join(group)}]"])
            for field, group in (("id", ids), ("invoicenumber", numbers))
            if group
        ]
        found: dict[str, tuple[str, str]] = {}
        for rows in await all_of(*queries):
            for row in rows:
                invoice_id, number = row.get("id"), row.get("invoiceNumber")
                if isinstance(invoice_id, str) and isinstance(number, str):
                    self._remember_document(invoice_id, number)
                    for key in (invoice_id, number):
                        if key in keys:
                            found[key] = (invoice_id, number)
        return found

    async def unpost_invoice(self, key: str) -> Invoice:
        """``PUT /v1/invoices/{key}/unpost``, then ``GET`` the invoice unless the answer is
        the invoice itself."""
        return await self._change(
            lambda: self._invoice_action(key, "unpost"),
            what=f"unposting invoice {key}",
            ref=key,
            read=lambda: self.get_invoice(key),
            done=_document_is(DocumentStatus.DRAFT),
        )

    async def cancel_invoice(self, key: str) -> Invoice:
        """``PUT /v1/invoices/{key}/cancel`` (an async-operation answer in Zuora's SDK), then
        ``GET`` the invoice unless the answer is the invoice itself."""
        return await self._change(
            lambda: self._invoice_action(key, "cancel"),
            what=f"cancelling invoice {key}",
            ref=key,
            read=lambda: self.get_invoice(key),
            done=_document_is(DocumentStatus.CANCELED),
        )

    async def _invoice_action(self, key: str, verb: str) -> Invoice:
        path = f"/v1/invoices/{_q(key)}/{verb}"
        data = await self._http.request("PUT", path)
        # Unpost answers {jobId, jobStatus, invoice} in Zuora's SDK; older tenants the invoice.
        nested = data.get("invoice") if isinstance(data, dict) else None
        doc = nested if isinstance(nested, dict) else data
        if isinstance(doc, dict) and "invoiceNumber" in doc and "status" in doc:
            invoice = parse_model(Invoice, convert.invoice(doc), f"PUT {path}")
            self._remember_document(invoice.id, invoice.invoice_number)
            return invoice
        if isinstance(data, dict) and data.get("jobStatus") == "Failed":
            raise _server_error(
                f"PUT {path}", f"Zuora could not {verb} invoice {key} (job {data.get('jobId')})"
            )
        return await self.get_invoice(key)

    async def reverse_invoice(self, key: str, *, memo_date: date | None = None) -> CreditMemo:
        """``PUT /v1/invoices/{key}/reverse`` with ``{"memoDate"?}`` (the spec's
        ``PutReverseInvoiceType``), which answers ``{creditMemo: {id}, jobStatus, …}``; then
        ``GET /v1/credit-memos/{id}``."""
        path = f"/v1/invoices/{_q(key)}/reverse"
        body: dict[str, Any] = {} if memo_date is None else {"memoDate": memo_date}
        try:
            data = await self._http.request("PUT", path, json=body)
        except BackendError as exc:
            if not exc.reply_lost:
                raise
            raise await self._reversal_lost(key, exc) from None
        endpoint = f"PUT {path}"
        if not isinstance(data, dict):
            raise await self._reversal_lost(
                key, malformed(endpoint, "the body should be a JSON object")
            )
        if data.get("jobStatus") == "Failed":
            raise _server_error(
                endpoint, f"Zuora could not reverse invoice {key} (job {data.get('jobId')})"
            )
        memo = data.get("creditMemo")
        memo_id = memo.get("id") if isinstance(memo, dict) else None
        if not isinstance(memo_id, str) or not memo_id:
            raise _server_error(
                endpoint,
                f"Zuora accepted the reversal of invoice {key} (job {data.get('jobId')}, "
                f"{data.get('jobStatus')}) without naming its credit memo yet: refresh the "
                "invoice to see it",
            )
        return await self.get_credit_memo(memo_id)

    async def _reversal_lost(self, key: str, lost: BackendError) -> BackendError:
        """The error for a reversal whose reply was lost: the credit memo it made is named only
        in that reply, so even an invoice that shows it is reversed leaves the memo to find."""
        try:
            invoice = await self.get_invoice(key)
        except BackendError as exc:
            return self._unknown(
                f"Zuora's reply to reversing invoice {key} was lost, and it could not be read "
                f"back ({exc.message}): check {key} before trying again",
                key,
                lost,
            )
        if invoice.reversed:
            return self._unknown(
                f"Zuora's reply to reversing invoice {invoice.invoice_number} was lost; the "
                "invoice shows it is reversed: open it to see its credit memo",
                invoice.invoice_number,
                lost,
            )
        if not maybe_applied(lost):
            return lost
        return self._unknown(
            f"Zuora's reply to reversing invoice {invoice.invoice_number} was lost and it is "
            f"{invoice.status.value}, not reversed yet: check it before trying again",
            invoice.invoice_number,
            lost,
        )

    async def get_invoice_items(self, key: str) -> list[InvoiceItem]:
        """``GET /v1/invoices/{key}/items``, 40 a page, following ``nextPage``."""
        path = f"/v1/invoices/{_q(key)}/items"
        endpoint = f"GET {path}"
        items: list[InvoiceItem] = []
        page = 1
        while True:
            data = await self._get(path, [("page", str(page)), ("pageSize", str(V1_MAX_PAGE_SIZE))])
            rows = require(data, "invoiceItems", list, endpoint)
            for i, row in enumerate(rows):
                if not isinstance(row, dict):
                    raise malformed(endpoint, f"field invoiceItems[{i}] should be an object")
                items.append(
                    parse_model(
                        InvoiceItem,
                        convert.invoice_item(row),
                        endpoint,
                        what=f"invoiceItems[{i}]",
                    )
                )
            next_page = data.get("nextPage")
            if not rows or not isinstance(next_page, str) or not next_page.strip():
                return items
            page += 1
            if page > _MAX_ITEM_PAGES or len(items) > _MAX_ITEM_ROWS:
                raise malformed(
                    endpoint,
                    f"more than {_MAX_ITEM_PAGES} pages or {_MAX_ITEM_ROWS} lines of items",
                )

    async def get_credit_memo(self, key: str) -> CreditMemo:
        return await self._memo_call("GET", f"/v1/credit-memos/{_q(key)}")

    async def post_credit_memo(self, key: str) -> CreditMemo:
        return await self._change(
            lambda: self._memo_call("PUT", f"/v1/credit-memos/{_q(key)}/post"),
            what=f"posting credit memo {key}",
            ref=key,
            read=lambda: self.get_credit_memo(key),
            done=_document_is(DocumentStatus.POSTED),
        )

    async def unpost_credit_memo(self, key: str) -> CreditMemo:
        """``PUT /v1/credit-memos/{key}/unpost``: answers the credit memo."""
        return await self._change(
            lambda: self._memo_call("PUT", f"/v1/credit-memos/{_q(key)}/unpost"),
            what=f"unposting credit memo {key}",
            ref=key,
            read=lambda: self.get_credit_memo(key),
            done=_document_is(DocumentStatus.DRAFT),
        )

    async def _memo_call(self, method: str, path: str) -> CreditMemo:
        data = await self._http.request(method, path)
        if not isinstance(data, dict):
            raise malformed(f"{method} {path}", "the body should be a JSON object")
        memo = parse_model(CreditMemo, convert.credit_memo(data), f"{method} {path}")
        self._remember_document(memo.id, memo.number)
        return memo
