"""One boundary for every answer: bodies a proxy, a gateway or a broken tenant can send end in a
BackendError naming the call; paging ends; a failed call's concurrent sub-requests are cancelled.
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from backends import jsoncodec
from backends.errors import BackendError, NotFoundError, ServerError
from backends.rest import RestBackend, boundary
from backends.rest.backend import BILL_RUN_DOCUMENT_PAGES
from backends.rest.envelope import MAX_DEPTH
from backends.rest.paging import MAX_PAGES
from backends.rest.transport import MAX_BODY_BYTES

from .conftest import BASE, FakeClock, json_response, make_backend, token_body
from .zuora_samples import BILL_RUN_ID, bill_run, oq_account, order

ACCOUNT = "/object-query/accounts/A00000101"

#: A respx side effect that refuses to answer forever: an unbounded loop fails the test instead
#: of hanging it.
_CALL_LIMIT = 3 * MAX_PAGES


def _bounded(answer: Callable[[httpx.Request, int], httpx.Response]) -> Any:
    counter = itertools.count(1)

    def side_effect(request: httpx.Request) -> httpx.Response:
        n = next(counter)
        if n > _CALL_LIMIT:
            raise AssertionError(f"{request.url.path} asked {n} times: paging never stopped")
        return answer(request, n)

    return side_effect


# --------------------------------------------------------------------------- bodies


def _nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 200_000])
async def test_deeply_nested_json_is_a_server_error_not_recursion(
    backend: RestBackend, router: respx.MockRouter, depth: int
) -> None:
    router.get(ACCOUNT).mock(
        return_value=httpx.Response(
            200, content=_nested(depth), headers={"content-type": "application/json"}
        )
    )
    with pytest.raises(ServerError, match="nested deeper") as caught:
        await backend.get_account("A00000101")
    assert caught.value.endpoint == f"GET {ACCOUNT}"


async def test_nesting_within_the_limit_is_read(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    body = jsoncodec.dumps(oq_account())[:-1].encode() + b',"x":' + _nested(MAX_DEPTH - 2) + b"}"
    router.get(ACCOUNT).mock(return_value=httpx.Response(200, content=body))
    assert (await backend.get_account("A00000101")).account_number == "A00000101"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd", "x-made-up"])
async def test_a_body_that_is_not_its_claimed_encoding(
    backend: RestBackend, router: respx.MockRouter, encoding: str
) -> None:
    router.get(ACCOUNT).mock(
        return_value=httpx.Response(
            200,
            headers={"content-encoding": encoding, "content-type": "application/json"},
            stream=httpx.ByteStream(b'{"not": "compressed"}'),
        )
    )
    with pytest.raises(BackendError) as caught:
        await backend.get_account("A00000101")
    assert caught.value.endpoint == f"GET {ACCOUNT}"


async def test_a_real_gzip_body_is_read(backend: RestBackend, router: respx.MockRouter) -> None:
    raw = jsoncodec.dumps(oq_account(name="N")).encode()
    router.get(ACCOUNT).mock(
        return_value=httpx.Response(
            200,
            headers={"content-encoding": "gzip"},
            stream=httpx.ByteStream(gzip.compress(raw)),
        )
    )
    assert (await backend.get_account("A00000101")).name == "N"


async def test_a_gzip_bomb_stops_at_the_body_limit(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    bomb = gzip.compress(b" " * (MAX_BODY_BYTES + 1024), compresslevel=9)
    router.get(ACCOUNT).mock(
        return_value=httpx.Response(
            200, headers={"content-encoding": "gzip"}, stream=httpx.ByteStream(bomb)
        )
    )
    with pytest.raises(ServerError, match="larger than") as caught:
        await backend.get_account("A00000101")
    assert caught.value.endpoint == f"GET {ACCOUNT}"


@pytest.mark.parametrize("body", [b"[]", b"null", b'"ok"', b"42", b"", b"true", b"[{}]"])
async def test_get_account_on_a_body_that_is_not_an_object(
    backend: RestBackend, router: respx.MockRouter, body: bytes
) -> None:
    router.get(ACCOUNT).mock(return_value=httpx.Response(200, content=body))
    with pytest.raises(ServerError, match="JSON object") as caught:
        await backend.get_account("A00000101")
    assert caught.value.endpoint == f"GET {ACCOUNT}"


async def test_the_net_converts_what_a_parser_missed(
    backend: RestBackend, router: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside the tests' strict mode, an exception a parsing path let through still ends as a
    ServerError naming the call whose answer was being read (and is logged as a bug)."""
    monkeypatch.setattr(boundary, "STRICT", False)

    def broken(_raw: Any) -> Any:
        raise KeyError("a parsing bug")

    monkeypatch.setattr("backends.rest.convert.oq_account", broken)
    router.get(ACCOUNT).mock(return_value=json_response({"id": "x"}))
    with pytest.raises(ServerError, match="could not be read") as caught:
        await backend.get_account("A00000101")
    assert caught.value.endpoint == f"GET {ACCOUNT}"


# --------------------------------------------------------------------------- paging


def _forever(request: httpx.Request, n: int) -> httpx.Response:
    """Object Query that names a new nextPage on every page."""
    return json_response({"data": [], "nextPage": f"token-{n}"})


def _repeating(request: httpx.Request, n: int) -> httpx.Response:
    return json_response({"data": [], "nextPage": "the-same-token"})


async def test_bill_run_documents_stop_past_the_page_bound(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get(f"/v1/bill-runs/{BILL_RUN_ID}").mock(return_value=json_response(bill_run()))
    invoices = router.get("/object-query/invoices").mock(side_effect=_bounded(_forever))
    router.get("/object-query/credit-memos").mock(return_value=json_response({"data": []}))
    with pytest.raises(ServerError, match=f"past {BILL_RUN_DOCUMENT_PAGES} pages") as caught:
        await backend.list_bill_run_documents(BILL_RUN_ID)
    assert caught.value.endpoint == "GET /object-query/invoices"
    # a run's documents are bounded by rows (20,000), not by the other listings' 100 pages
    assert invoices.call_count == BILL_RUN_DOCUMENT_PAGES > MAX_PAGES


async def test_bill_run_documents_stop_on_a_repeated_token(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get(f"/v1/bill-runs/{BILL_RUN_ID}").mock(return_value=json_response(bill_run()))
    invoices = router.get("/object-query/invoices").mock(side_effect=_bounded(_repeating))
    router.get("/object-query/credit-memos").mock(return_value=json_response({"data": []}))
    documents = await backend.list_bill_run_documents(BILL_RUN_ID)
    assert documents.invoices == [] and invoices.call_count == 2


async def test_post_invoices_lookup_stops_past_the_page_bound(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/object-query/invoices").mock(side_effect=_bounded(_forever))
    with pytest.raises(ServerError, match="kept naming further pages"):
        await backend.post_invoices(["INV00000001"])


async def test_orders_page_account_lookup_stops_past_the_page_bound(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders").mock(
        return_value=json_response({"orders": [order(details=False)], "success": True})
    )
    router.routes["accounts"].mock(side_effect=_bounded(_forever))
    with pytest.raises(ServerError, match="kept naming further pages") as caught:
        await backend.list_orders()
    assert caught.value.endpoint == "GET /object-query/accounts"


async def test_rows_past_the_bound_are_refused(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    page = [{"id": f"{n:032x}", "invoiceNumber": f"INV{n:08d}"} for n in range(1000)]
    router.get("/object-query/invoices").mock(
        side_effect=_bounded(lambda _r, n: json_response({"data": page, "nextPage": f"t{n}"}))
    )
    with pytest.raises(ServerError, match="rows"):
        await backend.post_invoices(["INV00000001"])


async def test_a_listing_page_that_names_itself_next_has_no_cursor(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/object-query/billing-runs").mock(
        return_value=json_response({"data": [], "nextPage": "tok"})
    )
    first = await backend.list_bill_runs()
    assert first.next_cursor is not None
    second = await backend.list_bill_runs(cursor=first.next_cursor)
    assert second.next_cursor is None  # "tok" again: the end, not a loop


async def test_v1_orders_next_page_naming_the_same_page_ends_the_list(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get("/v1/orders").mock(
        return_value=json_response(
            {
                "orders": [order(details=False)],
                "nextPage": f"{BASE}/v1/orders?page=1&pageSize=40",
                "success": True,
            }
        )
    )
    assert (await backend.list_orders()).next_cursor is None


# --------------------------------------------------------------------------- concurrency


class _Hanging:
    """An httpx transport: the token, a failing invoices query, a credit-memo query that never
    answers (and records that it was cancelled)."""

    def __init__(self) -> None:
        self.memo_started = asyncio.Event()
        self.memo_cancelled = False
        self.memo_requests = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/oauth/token":
            return json_response(token_body())
        if path.startswith("/v1/bill-runs/"):
            return json_response(bill_run())
        if path == "/object-query/credit-memos":
            self.memo_requests += 1
            self.memo_started.set()
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.memo_cancelled = True
                raise
        if path == "/object-query/invoices":
            await self.memo_started.wait()
            return json_response({"reasons": [{"code": 50000040, "message": "gone"}]}, 404)
        raise AssertionError(f"unexpected {path}")


async def test_a_failing_sub_request_cancels_its_sibling_before_the_call_returns(
    clock: FakeClock,
) -> None:
    handler = _Hanging()
    async with make_backend(clock, transport=httpx.MockTransport(handler)) as backend:
        with pytest.raises(NotFoundError):
            await backend.list_bill_run_documents(BILL_RUN_ID)
        assert handler.memo_cancelled  # cancelled and finished, not left running
        assert handler.memo_requests == 1
        assert backend.transport.in_flight == 0


async def test_bill_runs_by_account_cancel_the_sibling_too(clock: FakeClock) -> None:
    handler = _Hanging()
    async with make_backend(clock, transport=httpx.MockTransport(handler)) as backend:
        with pytest.raises(NotFoundError):
            await backend.list_bill_runs(account_id="8a90c1d47f07e24b017f0811c06a0b8b")
        assert handler.memo_cancelled and backend.transport.in_flight == 0


async def test_a_shared_order_fetch_is_cancelled_with_its_last_waiter(clock: FakeClock) -> None:
    started = asyncio.Event()
    cancelled: list[bool] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return json_response(token_body())
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        raise AssertionError("unreachable")

    async with make_backend(clock, transport=httpx.MockTransport(handler)) as backend:
        task = asyncio.ensure_future(backend.get_order("O-00000007"))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert cancelled == [True]
