"""The Zuora endpoints the fake serves: one small handler per operation, and the route table.

Handlers take a :class:`Call` (the tenant's backend, path and query parameters, the parsed JSON
body) and return a :class:`WireResponse` or raise :class:`BackendError`; the pipeline
(:mod:`backends.fake.server.pipeline`) does authentication, faults, idempotency, the envelope,
status codes and headers. Operation names are Zuora's OpenAPI ``operationId`` values.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from backends.errors import BackendError, NotFoundError, ValidationError
from backends.fake.backend import FakeBackend
from backends.fake.engine.refusals import (
    ACCOUNT,
    BILL_RUN,
    CREDIT_MEMO,
    GENERIC,
    INVOICE,
    ORDER,
    SCHEDULE,
    SUBSCRIPTION,
)
from backends.fake.server import shapes
from backends.fake.server.codec import WireResponse
from backends.fake.server.paging import (
    OqQuery,
    full_url,
    oq_page,
    parse_oq_query,
    v1_page,
)
from backends.fake.server.validation import (
    BulkPostBody,
    CancelBillRunBody,
    ChargesBody,
    EmptyBody,
    ExecuteBody,
    PostBody,
    ReverseBody,
    validate_body,
)
from backends.models import (
    Account,
    BillRun,
    CreateBillRunRequest,
    CreateInvoiceScheduleRequest,
    GenerateBillingDocumentsRequest,
    InvoiceSchedule,
    Order,
    Page,
    SpecificSubscription,
    UpdateInvoiceScheduleRequest,
)

__all__ = ["ROUTES", "ApiRoute", "Call"]

#: Most invoices a bulk post takes (Zuora's limit).
BULK_POST_LIMIT = 50
_ALL = 1000  # the engine's largest page


@dataclass
class Call:
    """One request as a handler sees it."""

    backend: FakeBackend
    path_params: Mapping[str, str]
    query: Sequence[tuple[str, str]]
    body: Any
    base_url: str
    path: str

    def param(self, name: str) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return None

    @property
    def query_map(self) -> dict[str, str]:
        return dict(self.query)

    def url_of(self, query: list[tuple[str, str]]) -> str:
        return full_url(self.base_url, self.path, query)


Handler = Callable[[Call], Awaitable[WireResponse]]


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    operation: str
    handler: Handler
    resource: int = GENERIC
    object_query: bool = False


def ok(body: Mapping[str, Any]) -> WireResponse:
    """A v1 success: the object plus ``success: true``."""
    return WireResponse(200, {**body, "success": True})


def oq(body: Mapping[str, Any]) -> WireResponse:
    """An Object Query success: no ``success`` flag."""
    return WireResponse(200, body)


def _v1_list(key: str, rows: list[Any], next_page: str | None) -> WireResponse:
    """A v1 list page: ``nextPage`` only when there is one."""
    body: dict[str, Any] = {key: rows}
    if next_page is not None:
        body["nextPage"] = next_page
    return ok(body)


def _oq_list(rows: Sequence[Mapping[str, Any]], next_page: str | None) -> WireResponse:
    """An Object Query list page: ``nextPage`` only when there is one."""
    return oq({"data": list(rows), **({"nextPage": next_page} if next_page else {})})


def _empty_ok(call: Call, resource: int) -> None:
    """Endpoints that take no body accept none or ``{}``; any field is unknown (category 21)."""
    validate_body(EmptyBody, call.body, resource, allow_empty=True)


# --------------------------------------------------------------------------- engine reads


_T = TypeVar("_T")


async def _drain(lister: Callable[..., Awaitable[Page[_T]]]) -> list[_T]:
    """Every item of a cursor-paged backend list."""
    found: list[_T] = []
    cursor: str | None = None
    while True:
        page = await lister(page_size=_ALL, cursor=cursor)
        found.extend(page.items)
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


async def all_orders(backend: FakeBackend) -> list[Order]:
    return await _drain(backend.list_orders)


async def all_schedules(backend: FakeBackend) -> list[InvoiceSchedule]:
    return await _drain(backend.list_invoice_schedules)


async def all_bill_runs(backend: FakeBackend) -> list[BillRun]:
    return await _drain(backend.list_bill_runs)


def all_accounts(backend: FakeBackend) -> list[Account]:
    return backend.engine.list_accounts()


# --------------------------------------------------------------------------- orders


async def get_all_orders(call: Call) -> WireResponse:
    orders = await all_orders(call.backend)
    rows, next_page = v1_page(orders, call.query_map, call.url_of)
    return _v1_list("orders", [shapes.v1_order(o) for o in rows], next_page)


async def get_orders_by_invoice_owner(call: Call) -> WireResponse:
    account = await call.backend.get_account(call.path_params["accountNumber"])
    orders = [
        o
        for o in await all_orders(call.backend)
        if o.existing_account_number == account.account_number
    ]
    rows, next_page = v1_page(orders, call.query_map, call.url_of)
    return _v1_list("orders", [shapes.v1_order(o) for o in rows], next_page)


async def get_order(call: Call) -> WireResponse:
    order = await call.backend.get_order(call.path_params["orderNumber"])
    account = None
    if (call.param("getAccountDetails") or "").lower() == "true":
        account = await call.backend.get_account(order.existing_account_number)
    return ok({"order": shapes.v1_order(order, account)})


async def get_subscription(call: Call) -> WireResponse:
    """The subscription's current version with its rate plans and charges. Zuora's query
    parameters here (``charge-detail``, ``as-of-date``, ...) select views the console does not
    ask for; the fake answers the default view whatever they say."""
    subscription = await call.backend.get_subscription(call.path_params["subscription_key"])
    return ok(shapes.v1_subscription(subscription))


# --------------------------------------------------------------------------- invoice schedules


async def get_schedule(call: Call) -> WireResponse:
    schedule = await call.backend.get_invoice_schedule(call.path_params["scheduleKey"])
    body = shapes.v1_schedule(schedule)
    query = call.query_map
    if "page" in query or "pageSize" in query:
        # The items are the only list in the object; page/pageSize cut them (at most 40).
        body["scheduleItems"], _ = v1_page(body["scheduleItems"], query, call.url_of)
    return ok(body)


async def create_schedule(call: Call) -> WireResponse:
    request = validate_body(CreateInvoiceScheduleRequest, call.body, SCHEDULE)
    return ok(shapes.v1_schedule(await call.backend.create_invoice_schedule(request)))


async def update_schedule(call: Call) -> WireResponse:
    request = validate_body(UpdateInvoiceScheduleRequest, call.body, SCHEDULE)
    key = call.path_params["scheduleKey"]
    return ok(shapes.v1_schedule(await call.backend.update_invoice_schedule(key, request)))


async def delete_schedule(call: Call) -> WireResponse:
    await call.backend.delete_invoice_schedule(call.path_params["scheduleKey"])
    return ok({})


async def execute_schedule(call: Call) -> WireResponse:
    body = validate_body(ExecuteBody, call.body, SCHEDULE, allow_empty=True)
    run = await call.backend.execute_invoice_schedule(
        call.path_params["scheduleKey"], body.schedule_item_id
    )
    return ok(shapes.v1_bill_run(run, executed=True))


async def pause_schedule(call: Call) -> WireResponse:
    _empty_ok(call, SCHEDULE)
    schedule = await call.backend.pause_invoice_schedule(call.path_params["scheduleKey"])
    return ok(shapes.v1_schedule(schedule))


async def resume_schedule(call: Call) -> WireResponse:
    _empty_ok(call, SCHEDULE)
    schedule = await call.backend.resume_invoice_schedule(call.path_params["scheduleKey"])
    return ok(shapes.v1_schedule(schedule))


def _specific(body: ChargesBody) -> list[SpecificSubscription]:
    return [
        SpecificSubscription(
            order_key=s.order_key,
            subscription_key=s.subscription_key,
            charge_numbers=list(s.charge_numbers),
        )
        for s in body.specific_subscriptions
    ]


async def detach_charges(call: Call) -> WireResponse:
    body = validate_body(ChargesBody, call.body, SCHEDULE)
    await call.backend.detach_charges(call.path_params["scheduleKey"], _specific(body))
    return ok({})  # Zuora answers {"success": true} only


async def attach_charges(call: Call) -> WireResponse:
    body = validate_body(ChargesBody, call.body, SCHEDULE)
    await call.backend.attach_charges(call.path_params["scheduleKey"], _specific(body))
    return ok({})


# --------------------------------------------------------------------------- bill runs


async def create_bill_run(call: Call) -> WireResponse:
    request = validate_body(CreateBillRunRequest, call.body, BILL_RUN)
    return ok(shapes.v1_bill_run(await call.backend.create_bill_run(request)))


async def get_bill_run(call: Call) -> WireResponse:
    run = await call.backend.get_bill_run(call.path_params["billRunId"])
    return ok(shapes.v1_bill_run(run))


async def post_bill_run(call: Call) -> WireResponse:
    body = validate_body(PostBody, call.body, BILL_RUN, allow_empty=True)
    run = await call.backend.post_bill_run(call.path_params["billRunId"], body.invoice_date)
    return ok(shapes.v1_bill_run(run))


async def cancel_bill_run(call: Call) -> WireResponse:
    body = validate_body(CancelBillRunBody, call.body, BILL_RUN, allow_empty=True)
    run = await call.backend.cancel_bill_run(
        call.path_params["billRunId"], cancel_once=body.cancel_once is not False
    )
    return ok(shapes.v1_bill_run(run))


async def generate_billing_documents(call: Call) -> WireResponse:
    request = validate_body(GenerateBillingDocumentsRequest, call.body, ACCOUNT)
    done = await call.backend.generate_billing_documents(call.path_params["key"], request)
    return ok(
        {
            "invoices": [{"id": i} for i in done.invoice_ids],
            "creditMemos": [{"id": m} for m in done.credit_memo_ids],
        }
    )


# --------------------------------------------------------------------------- documents


async def get_invoice(call: Call) -> WireResponse:
    invoice = await call.backend.get_invoice(call.path_params["invoiceKey"])
    return ok(shapes.v1_invoice(invoice))


async def post_invoice(call: Call) -> WireResponse:
    validate_body(PostBody, call.body, INVOICE, allow_empty=True)
    invoice = await call.backend.post_invoice(call.path_params["invoiceKey"])
    # Synchronous below 1,000 items: the job is already Completed (reference §7.4).
    return ok(
        {
            "id": invoice.id,
            "jobId": shapes.stable_id("post-invoice", invoice.id, str(invoice.updated_date)),
            "jobStatus": "Completed",
        }
    )


async def unpost_invoice(call: Call) -> WireResponse:
    _empty_ok(call, INVOICE)
    invoice = await call.backend.unpost_invoice(call.path_params["invoiceKey"])
    # Zuora's SDK (UnpostInvoiceResponse): the job, and the invoice when it ran synchronously.
    return ok(
        {
            "jobId": shapes.stable_id("unpost-invoice", invoice.id, str(invoice.updated_date)),
            "jobStatus": "Completed",
            "invoice": shapes.v1_invoice(invoice),
        }
    )


async def cancel_invoice(call: Call) -> WireResponse:
    _empty_ok(call, INVOICE)
    invoice = await call.backend.cancel_invoice(call.path_params["invoiceKey"])
    # Zuora's SDK (AsyncOperationResponse): the invoice id and the job, already Completed.
    return ok(
        {
            "id": invoice.id,
            "jobId": shapes.stable_id("cancel-invoice", invoice.id, str(invoice.updated_date)),
            "jobStatus": "Completed",
        }
    )


async def bulk_post_invoices(call: Call) -> WireResponse:
    body = validate_body(BulkPostBody, call.body, INVOICE)
    if not body.invoices or len(body.invoices) > BULK_POST_LIMIT:
        raise ValidationError(
            f"Send between 1 and {BULK_POST_LIMIT} invoices to post; {len(body.invoices)} given",
            code=INVOICE * 100 + 20,
        )
    results: list[dict[str, Any]] = []
    for result in await call.backend.post_invoices([entry.id for entry in body.invoices]):
        if result.success:
            results.append({"id": result.key, "success": True})
        else:
            results.append(
                {
                    "id": result.key,
                    "success": False,
                    "processId": shapes.stable_id("bulk", result.key)[:16].upper(),
                    "reasons": [
                        {
                            "code": result.code if result.code is not None else INVOICE * 100 + 60,
                            "message": result.message or "The invoice could not be posted",
                        }
                    ],
                }
            )
    return ok({"invoices": results})  # success stays true even when an element failed


async def get_invoice_items(call: Call) -> WireResponse:
    items = await call.backend.get_invoice_items(call.path_params["invoiceKey"])
    rows, next_page = v1_page(items, call.query_map, call.url_of)
    return _v1_list("invoiceItems", [shapes.v1_invoice_item(i) for i in rows], next_page)


async def reverse_invoice(call: Call) -> WireResponse:
    body = validate_body(ReverseBody, call.body, INVOICE, allow_empty=True)
    key = call.path_params["invoiceKey"]
    memo = await call.backend.reverse_invoice(key, memo_date=body.memo_date)
    invoice = await call.backend.get_invoice(key)
    return ok(
        {
            "id": invoice.id,
            "creditMemo": {"id": memo.id},
            "jobId": shapes.stable_id("reverse-invoice", invoice.id),
            "jobStatus": "Completed",
        }
    )


async def delete_bill_run(call: Call) -> WireResponse:
    await call.backend.delete_bill_run(call.path_params["billRunId"])
    return ok({})


async def unpost_credit_memo(call: Call) -> WireResponse:
    _empty_ok(call, CREDIT_MEMO)
    memo = await call.backend.unpost_credit_memo(call.path_params["creditMemoKey"])
    return ok(shapes.v1_credit_memo(memo))


async def get_credit_memo(call: Call) -> WireResponse:
    memo = await call.backend.get_credit_memo(call.path_params["creditMemoKey"])
    return ok(shapes.v1_credit_memo(memo))


async def post_credit_memo(call: Call) -> WireResponse:
    _empty_ok(call, CREDIT_MEMO)
    memo = await call.backend.post_credit_memo(call.path_params["creditMemoKey"])
    return ok(shapes.v1_credit_memo(memo))


# --------------------------------------------------------------------------- Object Query

_ACCOUNT_FIELDS = {
    "id": "id",
    "accountnumber": "accountNumber",
    "name": "name",
    "currency": "currency",
    "status": "status",
    "billcycleday": "billCycleDay",
    "batch": "batch",
}
_ORDER_FIELDS = {
    "id": "id",
    "ordernumber": "orderNumber",
    "orderdate": "orderDate",
    "accountid": "accountId",
    "status": "status",
    "invoicescheduleid": "invoiceScheduleId",
    "createddate": "createdDate",
    "updateddate": "updatedDate",
}
_SCHEDULE_FIELDS = {
    "id": "id",
    "number": "number",
    "accountid": "accountId",
    "status": "status",
    "nextrundate": "nextRunDate",
    "createddate": "createdDate",
    "updateddate": "updatedDate",
}
_SCHEDULE_EXPANDS = (
    "invoicescheduleitems",
    "invoicescheduleitems.invoice",
    "invoicescheduleitems.creditmemo",
    "invoiceschedulebookings",
    "invoiceschedulebookings.order",
    "invoiceschedulebookings.subscription",
)


def _oq_not_found(what: str, key: str, resource: int) -> NotFoundError:
    return NotFoundError(f"No {what} {key}: check the key", code=resource * 100 + 40)


async def query_accounts(call: Call) -> WireResponse:
    query = parse_oq_query(
        call.query,
        filterable=_ACCOUNT_FIELDS,
        expandable=("billto",),
        default_sort=(("accountnumber", False),),
    )
    bill_to = "billto" in query.expand
    rows = [shapes.oq_account(a, bill_to=bill_to) for a in all_accounts(call.backend)]
    page, next_page = oq_page(rows, query, _ACCOUNT_FIELDS)
    return _oq_list(page, next_page)


async def query_account(call: Call) -> WireResponse:
    key = call.path_params["key"]
    query = parse_oq_query(call.query, filterable={}, expandable=("billto",), default_sort=())
    try:
        account = await call.backend.get_account(key)
    except NotFoundError:
        raise _oq_not_found("account", key, ACCOUNT) from None
    return oq(shapes.oq_account(account, bill_to="billto" in query.expand))


async def _order_row(call: Call, order: Order, expand: Sequence[str]) -> dict[str, Any]:
    account = await call.backend.get_account(order.existing_account_number)
    row = shapes.oq_order(order, account.id)
    if "account" in expand:
        row["account"] = shapes.oq_account(account)
    return row


async def query_orders(call: Call) -> WireResponse:
    query = parse_oq_query(
        call.query,
        filterable=_ORDER_FIELDS,
        expandable=("account",),
        default_sort=(("ordernumber", False),),
    )
    rows = [await _order_row(call, o, ()) for o in await all_orders(call.backend)]
    page, next_page = oq_page(rows, query, _ORDER_FIELDS)
    data = []
    for row in page:
        if "account" in query.expand:
            account = await call.backend.get_account(str(row["accountId"]))
            row = {**row, "account": shapes.oq_account(account)}
        data.append(row)
    return _oq_list(data, next_page)


async def query_order(call: Call) -> WireResponse:
    key = call.path_params["key"]
    query = parse_oq_query(call.query, filterable={}, expandable=("account",), default_sort=())
    try:
        order = await call.backend.get_order(key)
    except NotFoundError:
        raise _oq_not_found("order", key, ORDER) from None
    return oq(await _order_row(call, order, query.expand))


async def _expand_schedule(call: Call, schedule: InvoiceSchedule, query: OqQuery) -> dict[str, Any]:
    row = shapes.oq_schedule(schedule)
    expand = set(query.expand)
    if expand & {
        "invoicescheduleitems",
        "invoicescheduleitems.invoice",
        "invoicescheduleitems.creditmemo",
    }:
        items = []
        # Object Query caps an expansion at pageSize children per parent (a known limitation).
        for seq, item in enumerate(schedule.schedule_items[: query.page_size], start=1):
            entry = shapes.oq_schedule_item(schedule, item, seq)
            if "invoicescheduleitems.invoice" in expand and item.invoice_id:
                entry["invoice"] = shapes.oq_invoice(
                    await call.backend.get_invoice(item.invoice_id)
                )
            if "invoicescheduleitems.creditmemo" in expand and item.credit_memo_id:
                memo = await call.backend.get_credit_memo(item.credit_memo_id)
                entry["creditMemo"] = shapes.oq_credit_memo(memo)
            items.append(entry)
        row["invoiceScheduleItems"] = items
    if expand & {
        "invoiceschedulebookings",
        "invoiceschedulebookings.order",
        "invoiceschedulebookings.subscription",
    }:
        row["invoiceScheduleBookings"] = await _bookings(call, schedule, expand)
    return row


async def _bookings(
    call: Call, schedule: InvoiceSchedule, expand: set[str]
) -> list[dict[str, Any]]:
    bookings: list[dict[str, Any]] = []
    engine = call.backend.engine
    for order_key in schedule.orders:
        try:
            order = await call.backend.get_order(order_key)
        except NotFoundError:
            continue
        specific = [
            s
            for s in schedule.specific_subscriptions
            if s.order_key in (order.order_number, order.id)
        ]
        if specific:
            pairs = [(s.subscription_key, list(s.charge_numbers)) for s in specific]
        else:
            pairs = [(s.subscription_number, []) for s in order.subscriptions]
        for number, charges in pairs:
            try:
                subscription = engine.get_subscription(number)
            except BackendError:
                subscription = None
            booking = shapes.oq_booking(
                schedule,
                order,
                subscription.subscription_number if subscription else number,
                subscription.id if subscription else None,
                charges,
            )
            if "invoiceschedulebookings.order" in expand:
                booking["order"] = await _order_row(call, order, ())
            if "invoiceschedulebookings.subscription" in expand and subscription is not None:
                booking["subscription"] = shapes.oq_subscription(subscription)
            bookings.append(booking)
    return bookings


async def query_schedules(call: Call) -> WireResponse:
    query = parse_oq_query(
        call.query,
        filterable=_SCHEDULE_FIELDS,
        expandable=_SCHEDULE_EXPANDS,
        default_sort=(("number", False),),
    )
    schedules = {s.id: s for s in await all_schedules(call.backend)}
    rows = [shapes.oq_schedule(s) for s in schedules.values()]
    page, next_page = oq_page(rows, query, _SCHEDULE_FIELDS)
    data = [await _expand_schedule(call, schedules[str(r["id"])], query) for r in page]
    return _oq_list(data, next_page)


async def query_schedule(call: Call) -> WireResponse:
    key = call.path_params["key"]
    query = parse_oq_query(call.query, filterable={}, expandable=_SCHEDULE_EXPANDS, default_sort=())
    try:
        schedule = await call.backend.get_invoice_schedule(key)
    except NotFoundError:
        raise _oq_not_found("invoice schedule", key, SCHEDULE) from None
    return oq(await _expand_schedule(call, schedule, query))


_BILLING_RUN_FIELDS = {
    "id": "id",
    "billingrunnumber": "billingRunNumber",
    "status": "status",
    "targetdate": "targetDate",
    "createddate": "createdDate",
    "updateddate": "updatedDate",
}
_INVOICE_FIELDS = {
    "id": "id",
    "invoicenumber": "invoiceNumber",
    "accountid": "accountId",
    "status": "status",
    "sourceid": "sourceId",
    "billrunid": "billRunId",
    "invoicedate": "invoiceDate",
}
_MEMO_FIELDS = {
    "id": "id",
    "memonumber": "memoNumber",
    "accountid": "accountId",
    "status": "status",
    "sourceid": "sourceId",
    "memodate": "memoDate",
}


async def _billing_run_row(call: Call, run: BillRun) -> dict[str, Any]:
    documents = await call.backend.list_bill_run_documents(run.id)
    return shapes.oq_billing_run(run, documents)


async def query_billing_runs(call: Call) -> WireResponse:
    query = parse_oq_query(
        call.query,
        filterable=_BILLING_RUN_FIELDS,
        expandable=(),
        default_sort=(("createddate", True),),
    )
    rows = [await _billing_run_row(call, r) for r in await all_bill_runs(call.backend)]
    page, next_page = oq_page(rows, query, _BILLING_RUN_FIELDS)
    return _oq_list(page, next_page)


async def query_billing_run(call: Call) -> WireResponse:
    key = call.path_params["key"]
    try:
        run = await call.backend.get_bill_run(key)
    except NotFoundError:
        raise _oq_not_found("bill run", key, BILL_RUN) from None
    return oq(await _billing_run_row(call, run))


async def _all_documents(call: Call) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every invoice and credit memo of the tenant (those of bill runs, generate by account and
    reversals alike)."""
    invoices, memos = call.backend.engine.list_all_documents()
    return (
        [shapes.oq_invoice(i, for_filter=True) for i in invoices],
        [shapes.oq_credit_memo(m) for m in memos],
    )


async def query_invoices(call: Call) -> WireResponse:
    query = parse_oq_query(
        call.query,
        filterable=_INVOICE_FIELDS,
        expandable=(),
        default_sort=(("invoicenumber", False),),
    )
    invoices, _ = await _all_documents(call)
    page, next_page = oq_page(invoices, query, _INVOICE_FIELDS)
    hidden = shapes.OQ_INVOICE_FILTER_ONLY
    return _oq_list([{k: v for k, v in row.items() if k not in hidden} for row in page], next_page)


async def query_credit_memos(call: Call) -> WireResponse:
    query = parse_oq_query(
        call.query, filterable=_MEMO_FIELDS, expandable=(), default_sort=(("memonumber", False),)
    )
    _, memos = await _all_documents(call)
    page, next_page = oq_page(memos, query, _MEMO_FIELDS)
    return _oq_list(page, next_page)


# --------------------------------------------------------------------------- the table

ROUTES: tuple[ApiRoute, ...] = (
    # orders and accounts
    ApiRoute("GET", "/v1/orders", "GET_AllOrders", get_all_orders, ORDER),
    ApiRoute(
        "GET",
        "/v1/orders/invoiceOwner/{accountNumber}",
        "GET_OrdersByInvoiceOwner",
        get_orders_by_invoice_owner,
        ORDER,
    ),
    ApiRoute("GET", "/v1/orders/{orderNumber}", "GET_Order", get_order, ORDER),
    ApiRoute(
        "GET",
        "/v1/subscriptions/{subscription-key}",
        "GET_SubscriptionsByKey",
        get_subscription,
        SUBSCRIPTION,
    ),
    ApiRoute(
        "POST",
        "/v1/accounts/{key}/billing-documents/generate",
        "POST_GenerateBillingDocuments",
        generate_billing_documents,
        ACCOUNT,
    ),
    # invoice schedules
    ApiRoute(
        "POST", "/v1/invoice-schedules", "POST_CreateInvoiceSchedule", create_schedule, SCHEDULE
    ),
    ApiRoute(
        "POST",
        "/v1/invoice-schedules/{scheduleKey}/execute",
        "POST_ExecuteInvoiceSchedule",
        execute_schedule,
        SCHEDULE,
    ),
    ApiRoute(
        "PUT",
        "/v1/invoice-schedules/{scheduleKey}/pause",
        "PUT_PauseInvoiceSchedule",
        pause_schedule,
        SCHEDULE,
    ),
    ApiRoute(
        "PUT",
        "/v1/invoice-schedules/{scheduleKey}/resume",
        "PUT_ResumeInvoiceSchedule",
        resume_schedule,
        SCHEDULE,
    ),
    ApiRoute(
        "PUT",
        "/v1/invoice-schedules/{scheduleKey}/detach",
        "detachChargesFromInvoiceSchedule",
        detach_charges,
        SCHEDULE,
    ),
    ApiRoute(
        "PUT",
        "/v1/invoice-schedules/{scheduleKey}/attach",
        "attachChargesToInvoiceSchedule",
        attach_charges,
        SCHEDULE,
    ),
    ApiRoute(
        "GET", "/v1/invoice-schedules/{scheduleKey}", "GET_InvoiceSchedule", get_schedule, SCHEDULE
    ),
    ApiRoute(
        "PUT",
        "/v1/invoice-schedules/{scheduleKey}",
        "PUT_UpdateInvoiceSchedule",
        update_schedule,
        SCHEDULE,
    ),
    ApiRoute(
        "DELETE",
        "/v1/invoice-schedules/{scheduleKey}",
        "DELETE_InvoiceSchedule",
        delete_schedule,
        SCHEDULE,
    ),
    # bill runs
    ApiRoute("POST", "/v1/bill-runs", "POST_CreateBillRun", create_bill_run, BILL_RUN),
    ApiRoute("PUT", "/v1/bill-runs/{billRunId}/post", "PUT_PostBillRun", post_bill_run, BILL_RUN),
    ApiRoute(
        "PUT", "/v1/bill-runs/{billRunId}/cancel", "PUT_CancelBillRun", cancel_bill_run, BILL_RUN
    ),
    ApiRoute("GET", "/v1/bill-runs/{billRunId}", "GET_BillRun", get_bill_run, BILL_RUN),
    ApiRoute(
        "DELETE", "/v1/bill-runs/{billRunId}", "DELETE_DeleteBillRun", delete_bill_run, BILL_RUN
    ),
    # invoices and credit memos (static segments before {invoiceKey})
    ApiRoute("POST", "/v1/invoices/bulk-post", "POST_PostInvoices", bulk_post_invoices, INVOICE),
    ApiRoute("PUT", "/v1/invoices/{invoiceKey}/post", "PUT_PostInvoice", post_invoice, INVOICE),
    ApiRoute(
        "PUT", "/v1/invoices/{invoiceKey}/unpost", "PUT_UnpostInvoice", unpost_invoice, INVOICE
    ),
    ApiRoute(
        "PUT", "/v1/invoices/{invoiceKey}/cancel", "PUT_CancelInvoice", cancel_invoice, INVOICE
    ),
    ApiRoute(
        "PUT", "/v1/invoices/{invoiceKey}/reverse", "PUT_ReverseInvoice", reverse_invoice, INVOICE
    ),
    ApiRoute(
        "GET", "/v1/invoices/{invoiceKey}/items", "GET_InvoiceItems", get_invoice_items, INVOICE
    ),
    ApiRoute("GET", "/v1/invoices/{invoiceKey}", "Get_GetInvoice", get_invoice, INVOICE),
    ApiRoute(
        "PUT",
        "/v1/credit-memos/{creditMemoKey}/unpost",
        "PUT_UnpostCreditMemo",
        unpost_credit_memo,
        CREDIT_MEMO,
    ),
    ApiRoute(
        "PUT",
        "/v1/credit-memos/{creditMemoKey}/post",
        "PUT_PostCreditMemo",
        post_credit_memo,
        CREDIT_MEMO,
    ),
    ApiRoute(
        "GET", "/v1/credit-memos/{creditMemoKey}", "GET_CreditMemo", get_credit_memo, CREDIT_MEMO
    ),
    # Object Query
    ApiRoute("GET", "/object-query/accounts", "queryAccounts", query_accounts, ACCOUNT, True),
    ApiRoute(
        "GET", "/object-query/accounts/{key}", "queryAccountByKey", query_account, ACCOUNT, True
    ),
    ApiRoute("GET", "/object-query/orders", "queryOrders", query_orders, ORDER, True),
    ApiRoute("GET", "/object-query/orders/{key}", "queryOrderByKey", query_order, ORDER, True),
    ApiRoute(
        "GET", "/object-query/billing-runs", "queryBillingRuns", query_billing_runs, BILL_RUN, True
    ),
    ApiRoute(
        "GET",
        "/object-query/billing-runs/{key}",
        "queryBillingRunByKey",
        query_billing_run,
        BILL_RUN,
        True,
    ),
    ApiRoute("GET", "/object-query/invoices", "queryInvoices", query_invoices, INVOICE, True),
    ApiRoute(
        "GET",
        "/object-query/credit-memos",
        "queryCreditMemos",
        query_credit_memos,
        CREDIT_MEMO,
        True,
    ),
    ApiRoute(
        "GET",
        "/object-query/invoice-schedules",
        "queryInvoiceSchedules",
        query_schedules,
        SCHEDULE,
        True,
    ),
    ApiRoute(
        "GET",
        "/object-query/invoice-schedules/{key}",
        "queryInvoiceScheduleByKey",
        query_schedule,
        SCHEDULE,
        True,
    ),
)
