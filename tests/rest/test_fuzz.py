"""Whatever the server sends, every REST backend call returns or raises a BackendError naming its
call. Hypothesis draws each answer: status, headers (content type and encoding, Retry-After, true
and false gzip), and a body (any JSON, Zuora-looking objects with fields of any type, nesting past
the limit, bytes that are not JSON). The backend's safety net is off (strict), so an exception a
parsing path lets through fails here. Bounded and deterministic (derandomised, fixed examples).
"""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backends import jsoncodec
from backends.errors import BackendError
from backends.models import (
    BillRunFilter,
    BillRunFilterType,
    CreateBillRunRequest,
    CreateInvoiceScheduleRequest,
    InvoiceScheduleStatus,
    SpecificSubscription,
    UpdateInvoiceScheduleRequest,
)
from backends.rest import RestBackend, boundary

from .conftest import CLIENT_ID, SECRET, FakeClock, token_body

ID = "8a8881aa82118bec018211dafc1e1695"
#: Requests one example may make before every further one is answered 404 (keeps examples fast).
MAX_REQUESTS = 12

Call = Callable[[RestBackend], Awaitable[Any]]

CALLS: dict[str, Call] = {
    "list_orders": lambda b: b.list_orders(),
    "list_orders O-": lambda b: b.list_orders(search="O-00000001"),
    "list_orders account": lambda b: b.list_orders(search="A00000101"),
    "list_orders name": lambda b: b.list_orders(search="Acme Corp"),
    "get_order": lambda b: b.get_order("O-00000001"),
    "get_account": lambda b: b.get_account("A00000101"),
    "get_subscription": lambda b: b.get_subscription("A-S00000001"),
    "list_invoice_schedules order": lambda b: b.list_invoice_schedules(order_number="O-1"),
    "list_invoice_schedules account": lambda b: b.list_invoice_schedules(
        account_id=ID, status=InvoiceScheduleStatus.PENDING
    ),
    "get_invoice_schedule": lambda b: b.get_invoice_schedule("IS-00000001"),
    "create_invoice_schedule": lambda b: b.create_invoice_schedule(
        CreateInvoiceScheduleRequest(account_key="A00000101", orders=["O-00000001"])
    ),
    "update_invoice_schedule": lambda b: b.update_invoice_schedule(
        "IS-00000001", UpdateInvoiceScheduleRequest(notes="n")
    ),
    "delete_invoice_schedule": lambda b: b.delete_invoice_schedule("IS-00000001"),
    "execute": lambda b: b.execute_invoice_schedule("IS-00000001", ID),
    "pause": lambda b: b.pause_invoice_schedule("IS-00000001"),
    "resume": lambda b: b.resume_invoice_schedule("IS-00000001"),
    "detach": lambda b: b.detach_charges(
        "IS-00000001", [SpecificSubscription(order_key="O-1", subscription_key="S-1")]
    ),
    "create_bill_run": lambda b: b.create_bill_run(
        CreateBillRunRequest(
            target_date=date(2026, 1, 1),
            bill_run_filters=[BillRunFilter(filter_type=BillRunFilterType.ACCOUNT, account_id=ID)],
        )
    ),
    "get_bill_run": lambda b: b.get_bill_run(ID),
    "post_bill_run": lambda b: b.post_bill_run(ID),
    "cancel_bill_run": lambda b: b.cancel_bill_run(ID),
    "delete_bill_run": lambda b: b.delete_bill_run(ID),
    "list_bill_runs": lambda b: b.list_bill_runs(),
    "list_bill_runs account": lambda b: b.list_bill_runs(account_id=ID),
    "list_bill_run_documents": lambda b: b.list_bill_run_documents(ID),
    "get_invoice": lambda b: b.get_invoice("INV00000001"),
    "get_invoice_items": lambda b: b.get_invoice_items("INV00000001"),
    "post_invoice": lambda b: b.post_invoice("INV00000001"),
    "post_invoices": lambda b: b.post_invoices(["INV00000001", ID]),
    "unpost_invoice": lambda b: b.unpost_invoice("INV00000001"),
    "cancel_invoice": lambda b: b.cancel_invoice("INV00000001"),
    "reverse_invoice": lambda b: b.reverse_invoice("INV00000001"),
    "get_credit_memo": lambda b: b.get_credit_memo("CM00000001"),
    "post_credit_memo": lambda b: b.post_credit_memo("CM00000001"),
    "unpost_credit_memo": lambda b: b.unpost_credit_memo("CM00000001"),
}

#: Field names Zuora's answers use, so drawn objects reach deep into the parsers.
FIELDS = [
    "success", "reasons", "code", "message", "data", "nextPage", "orders", "order", "id",
    "number", "status", "orderNumber", "existingAccountNumber", "accountId", "accountNumber",
    "name", "currency", "scheduleItems", "invoiceScheduleItems", "invoiceScheduleBookings",
    "invoiceId", "invoiceNumber", "creditMemoId", "amount", "actualAmount", "totalAmount",
    "billedAmount", "unbilledAmount", "runDate", "nextRunDate", "billRunNumber",
    "billingRunNumber", "targetDate", "invoiceDate", "invoices", "creditMemo", "jobStatus",
    "jobId", "invoiceItems", "chargeAmount", "taxAmount", "subscriptions", "orderActions",
    "existingAccountDetails", "basicInfo", "specificSubscriptions", "chargeNumbers",
    "sourceId", "memoNumber", "balance", "reversed", "invoiceScheduleId", "billCycleDay",
    "subscriptionNumber", "ratePlans", "ratePlanCharges", "effectiveStartDate",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.text(max_size=12),
    st.sampled_from(["Draft", "Posted", "Pending", "Completed", "2026-01-01", ID, "BR-1"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), inner, max_size=6),
    ),
    max_leaves=15,
)
zuora_like = st.dictionaries(st.sampled_from(FIELDS), values, max_size=10)


def _json(value: Any) -> bytes:
    return jsoncodec.dumps(value).encode()


bodies = st.one_of(
    st.sampled_from([b"[]", b"null", b'"ok"', b"42", b"", b"{}", b"[{}]"]),
    zuora_like.map(_json),
    values.map(_json),
    st.binary(max_size=64),
    st.integers(1, 3000).map(lambda d: b"[" * d + b"]" * d),
    st.just(b"<!doctype html><html>502 Bad Gateway</html>"),
    st.just(b'{"truncated": '),
)
statuses = st.one_of(
    st.sampled_from([200, 200, 200, 201, 204, 302, 400, 401, 403, 404, 405, 409, 422, 429]),
    st.sampled_from([500, 502, 503, 504]),
    st.integers(100, 599),
)
encodings = st.sampled_from(["", "", "gzip", "gzip-lie", "deflate", "br", "identity", "x-y"])
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/html", "text/plain", ""]
)
retry_afters = st.one_of(
    st.none(), st.sampled_from(["0", "1", "abc", "-5", "1e9", "Wed, 21 Oct 2015 07:28:00 GMT"])
)


def _encode(body: bytes, encoding: str) -> tuple[bytes, str | None]:
    if encoding == "gzip":
        return gzip.compress(body), "gzip"
    if encoding == "gzip-lie":
        return body, "gzip"
    if encoding == "deflate":
        return zlib.compress(body), "deflate"
    return body, encoding or None


class _Answers:
    """An httpx transport whose every answer (but the token's) hypothesis draws."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, content=_json(token_body()))
        self.requests += 1
        if self.requests > MAX_REQUESTS:
            return httpx.Response(404, content=b'{"reasons":[{"code":50000040,"message":"no"}]}')
        draw = self.data.draw
        status = draw(statuses, label="status")
        body, encoding = _encode(draw(bodies, label="body"), draw(encodings, label="encoding"))
        headers = {"content-type": draw(content_types, label="content-type")}
        if encoding:
            headers["content-encoding"] = encoding
        retry_after = draw(retry_afters, label="retry-after")
        if retry_after is not None:
            headers["retry-after"] = retry_after
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))


async def _run(call: Call, answers: _Answers) -> None:
    clock = FakeClock()
    backend = RestBackend(
        "https://rest.test.zuora.com",
        client_id=CLIENT_ID,
        client_secret=SECRET,
        transport=httpx.MockTransport(answers),
        max_retries=1,
        sleep=clock.sleep,
        clock=clock,
        jitter=lambda low, high: high,
    )
    async with backend:
        try:
            await call(backend)
        except BackendError as exc:
            assert exc.endpoint, f"{type(exc).__name__} names no endpoint: {exc}"
            method, _, path = exc.endpoint.partition(" ")
            assert method in {"GET", "PUT", "POST", "DELETE"} and path.startswith("/"), exc


@pytest.fixture(autouse=True)
def _strict() -> Any:
    """Hypothesis reuses the function's fixtures across examples, so strict mode is set here
    for the whole test rather than per example."""
    previous, boundary.STRICT = boundary.STRICT, True
    yield
    boundary.STRICT = previous


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_call_returns_or_raises_a_backend_error_naming_its_call(
    name: str, data: st.DataObject
) -> None:
    asyncio.run(_run(CALLS[name], _Answers(data)))


def test_decimal_money_survives_the_codec() -> None:
    """The drawn money is exact Decimal text on the wire (the bodies above rely on it)."""
    assert jsoncodec.loads(_json({"amount": Decimal("0.10")}))["amount"] == Decimal("0.10")
