"""Which failures are retried, how long we wait, and when we stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx

from backends.errors import (
    BusinessRuleError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnavailableError,
    ValidationError,
)
from backends.rest import RestBackend
from backends.rest.envelope import parse_retry_after

from .conftest import FakeClock, json_response, make_backend
from .zuora_samples import bill_run, invoice, schedule, v1_error

INVOICE = "/v1/invoices/INV00000001"
EXECUTE = "/v1/invoice-schedules/IS-00000004/execute"


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(429, json={"message": "Too many requests"}),
        httpx.Response(502, text="<html><body>Bad Gateway</body></html>"),
        httpx.Response(503, text=""),
        httpx.Response(504, json={"message": "Gateway Timeout"}),
        json_response(v1_error(50000050, "Operation failed due to a lock competition"), 409),
        json_response(v1_error(50000050, "Operation failed due to a lock competition"), 200),
        json_response(v1_error(50000061, "Temporary error, please retry"), 500),
        json_response(v1_error(50000070, "Request exceeded limit"), 200),
    ],
    ids=["429", "502-html", "503-empty", "504", "cat50-409", "cat50-200", "cat61-500", "cat70-200"],
)
async def test_retryable_failures_are_retried(
    backend: RestBackend, router: respx.MockRouter, clock: FakeClock, failure: httpx.Response
) -> None:
    route = router.get(INVOICE).mock(side_effect=[failure, failure, json_response(invoice())])
    result = await backend.get_invoice("INV00000001")
    assert result.invoice_number == "INV00000001"
    assert route.call_count == 3
    # full jitter, deterministic top of range in tests: base 0.5 s doubling
    assert clock.sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (json_response(v1_error(58730020, "Invalid value"), 400), ValidationError),
        (json_response(v1_error(50000010, "No permission"), 403), PermissionDeniedError),
        (json_response(v1_error(50000040, "Invoice not found"), 404), NotFoundError),
        (json_response(v1_error(59210030, "Wrong status"), 400), BusinessRuleError),
        (json_response(v1_error(59210030, "Wrong status"), 200), BusinessRuleError),
        (json_response(v1_error(50000060, "Internal error"), 500), ServerError),
        (httpx.Response(500, text="boom"), ServerError),
        (json_response({"message": "Idempotency key reused"}, 422), ConflictError),
    ],
    ids=["400", "403", "404", "cat30-400", "cat30-200", "cat60", "500-text", "422"],
)
async def test_permanent_failures_are_not_retried(
    backend: RestBackend,
    router: respx.MockRouter,
    clock: FakeClock,
    failure: httpx.Response,
    error: type[Exception],
) -> None:
    route = router.get(INVOICE).mock(return_value=failure)
    with pytest.raises(error):
        await backend.get_invoice("INV00000001")
    assert route.call_count == 1
    assert clock.sleeps == []


async def test_retry_after_seconds_is_honoured(
    backend: RestBackend, router: respx.MockRouter, clock: FakeClock
) -> None:
    router.get(INVOICE).mock(
        side_effect=[
            json_response(v1_error(50000070, "Too many"), 429, {"Retry-After": "7"}),
            httpx.Response(503, headers={"Retry-After": "3"}),
            json_response(invoice()),
        ]
    )
    await backend.get_invoice("INV00000001")
    assert clock.sleeps == [7.0, 3.0]


def test_retry_after_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(header, now=now) == 30.0
    assert parse_retry_after("garbage", now=now) is None
    assert parse_retry_after("-5", now=now) == 0.0


async def test_rate_limit_error_carries_retry_after_when_retries_run_out(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    router.get(INVOICE).mock(
        return_value=json_response(v1_error(50000070, "Too many"), 429, {"Retry-After": "1"})
    )
    async with make_backend(clock, max_retries=2) as backend:
        with pytest.raises(RateLimitedError) as caught:
            await backend.get_invoice("INV00000001")
    assert caught.value.retry_after == 1.0
    assert caught.value.status == 429
    assert clock.sleeps == [1.0, 1.0]


async def test_retries_stop_at_max_retries(router: respx.MockRouter, clock: FakeClock) -> None:
    route = router.get(INVOICE).mock(return_value=httpx.Response(503))
    async with make_backend(clock, max_retries=3) as backend:
        with pytest.raises(UnavailableError):
            await backend.get_invoice("INV00000001")
    assert route.call_count == 4
    assert clock.sleeps == [0.5, 1.0, 2.0]


async def test_backoff_is_full_jitter_and_capped(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    ranges: list[tuple[float, float]] = []

    def jitter(low: float, high: float) -> float:
        ranges.append((low, high))
        return high / 2

    router.get(INVOICE).mock(return_value=httpx.Response(503))
    async with make_backend(clock, max_retries=8, jitter=jitter, deadline=10_000) as backend:
        with pytest.raises(UnavailableError):
            await backend.get_invoice("INV00000001")
    assert [high for _, high in ranges] == [0.5, 1, 2, 4, 8, 16, 20, 20]
    assert all(low == 0 for low, _ in ranges)
    assert clock.sleeps == [high / 2 for _, high in ranges]


async def test_retry_after_beyond_the_deadline_gives_up_at_once(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    route = router.get(INVOICE).mock(
        return_value=httpx.Response(429, headers={"Retry-After": "600"})
    )
    async with make_backend(clock, deadline=120) as backend:
        with pytest.raises(RateLimitedError) as caught:
            await backend.get_invoice("INV00000001")
    assert route.call_count == 1
    assert clock.sleeps == []
    assert caught.value.retry_after == 600.0


async def test_overall_deadline_bounds_the_retries(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    route = router.get(INVOICE).mock(return_value=httpx.Response(503))
    async with make_backend(clock, max_retries=50, deadline=10) as backend:
        with pytest.raises(UnavailableError):
            await backend.get_invoice("INV00000001")
    assert sum(clock.sleeps) < 10
    assert route.call_count == len(clock.sleeps) + 1 < 51


@pytest.mark.parametrize(
    "exc",
    [httpx.ConnectError("refused"), httpx.ReadError("reset"), httpx.RemoteProtocolError("dropped")],
)
async def test_connection_errors_are_retried(
    backend: RestBackend, router: respx.MockRouter, exc: Exception
) -> None:
    route = router.get(INVOICE).mock(side_effect=[exc, json_response(invoice())])
    assert (await backend.get_invoice("INV00000001")).id
    assert route.call_count == 2


async def test_timeouts_are_retried_then_reported(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    route = router.get(INVOICE).mock(side_effect=httpx.ReadTimeout("slow"))
    async with make_backend(clock, max_retries=2, timeout=5) as backend:
        with pytest.raises(UnavailableError, match=r"GET /v1/invoices/INV00000001 timed out") as e:
            await backend.get_invoice("INV00000001")
    assert route.call_count == 3
    assert e.value.track_id is not None


async def test_per_attempt_timeout_shrinks_to_the_deadline(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    seen: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"]["read"])
        clock.advance(8)
        return httpx.Response(503)

    router.get(INVOICE).mock(side_effect=answer)
    async with make_backend(clock, timeout=10, deadline=20, max_retries=5) as backend:
        with pytest.raises(UnavailableError):
            await backend.get_invoice("INV00000001")
    assert seen[0] == 10
    assert all(t <= 10 for t in seen)
    assert seen[-1] < 10


async def test_post_without_idempotency_key_is_never_retried(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    # bulk-post always has a key; so exercise the transport directly with a keyless POST
    route = router.post("/v1/some-post").mock(return_value=httpx.Response(503))
    with pytest.raises(UnavailableError):
        await backend.transport.request("POST", "/v1/some-post", json={})
    assert route.call_count == 1


async def test_post_with_idempotency_key_is_retried_with_the_same_key(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.post(EXECUTE).mock(
        side_effect=[
            httpx.ConnectError("reset"),
            httpx.Response(503),
            json_response(v1_error(50000050, "lock competition"), 409),
            json_response(bill_run()),
        ]
    )
    run = await backend.execute_invoice_schedule("IS-00000004", "x" * 32)
    assert run.bill_run_number == "BR-00170238"
    keys = {c.request.headers["idempotency-key"] for c in route.calls}
    tracks = {c.request.headers["zuora-track-id"] for c in route.calls}
    assert route.call_count == 4
    assert len(keys) == 1 and len(tracks) == 1


async def test_put_is_retried_without_an_idempotency_key(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.put("/v1/invoice-schedules/IS-00000004/pause").mock(
        side_effect=[httpx.Response(502), json_response(schedule(status="Paused"))]
    )
    paused = await backend.pause_invoice_schedule("IS-00000004")
    assert paused.status == "Paused"
    assert route.call_count == 2
    assert all("idempotency-key" not in c.request.headers for c in route.calls)


async def test_idempotency_key_refused_on_put(backend: RestBackend) -> None:
    with pytest.raises(ValueError, match="POST and PATCH"):
        await backend.transport.request("PUT", "/v1/x", idempotency_key="k")
