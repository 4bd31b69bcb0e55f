"""Headers on every call, track ids, the concurrency limit and the action-log hook."""

from __future__ import annotations

import asyncio

import httpx
import respx

from backends.errors import NotFoundError
from backends.rest import RequestRecord, RestBackend

from .conftest import TOKEN, FakeClock, json_response, make_backend
from .zuora_samples import invoice, order, v1_error

INVOICE = "/v1/invoices/INV00000001"


async def test_headers_on_an_api_call(router: respx.MockRouter, clock: FakeClock) -> None:
    route = router.get(INVOICE).mock(return_value=json_response(invoice()))
    async with make_backend(
        clock, zuora_version="2024-05-20", entity_ids="1a2b3c4d-0000-4000-8000-000000000001"
    ) as backend:
        await backend.get_invoice("INV00000001")
    headers = route.calls.last.request.headers
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["zuora-version"] == "2024-05-20"
    assert headers["zuora-entity-ids"] == "1a2b3c4d-0000-4000-8000-000000000001"
    assert headers["accept"] == "application/json"
    track = headers["zuora-track-id"]
    assert len(track) <= 64 and not set(track) & set(":;\"'")
    assert "idempotency-key" not in headers
    assert "content-type" not in headers  # a GET has no body


async def test_default_version_and_no_entity_header(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.get(INVOICE).mock(return_value=json_response(invoice()))
    await backend.get_invoice("INV00000001")
    headers = route.calls.last.request.headers
    assert headers["zuora-version"] == "2025-08-12"
    assert "zuora-entity-ids" not in headers


async def test_fresh_track_id_per_logical_call(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.get(INVOICE).mock(return_value=json_response(invoice()))
    await backend.get_invoice("INV00000001")
    await backend.get_invoice("INV00000001")
    tracks = [c.request.headers["zuora-track-id"] for c in route.calls]
    assert len(set(tracks)) == 2


async def test_track_id_is_on_the_error(backend: RestBackend, router: respx.MockRouter) -> None:
    route = router.get(INVOICE).mock(
        return_value=json_response(v1_error(50000040, "Invoice not found"), 404)
    )
    try:
        await backend.get_invoice("INV00000001")
    except NotFoundError as error:
        assert error.track_id == route.calls.last.request.headers["zuora-track-id"]
    else:
        raise AssertionError("expected NotFoundError")


async def test_on_request_records_every_exchange(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    records: list[RequestRecord] = []
    backend.on_request = records.append
    router.get(INVOICE).mock(
        side_effect=[
            httpx.Response(503),
            json_response(invoice(), headers={"Zuora-Request-Id": "r-2"}),
        ]
    )
    await backend.get_invoice("INV00000001")
    api = [r for r in records if r.path != "/oauth/token"]
    assert [(r.method, r.path, r.status, r.attempt) for r in api] == [
        ("GET", INVOICE, 503, 1),
        ("GET", INVOICE, 200, 2),
    ]
    assert api[0].track_id == api[1].track_id
    assert api[1].request_id == "r-2"
    assert backend.on_request is not None


async def test_a_failing_hook_never_breaks_the_call(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    def broken(record: RequestRecord) -> None:
        raise RuntimeError("log full")

    backend.on_request = broken
    router.get(INVOICE).mock(return_value=json_response(invoice()))
    assert (await backend.get_invoice("INV00000001")).id


async def test_never_more_than_max_concurrency_in_flight(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    in_flight = 0
    peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(3):
            await asyncio.sleep(0)
        in_flight -= 1
        return json_response(invoice())

    router.get(INVOICE).mock(side_effect=slow)
    async with make_backend(clock, max_concurrency=3) as backend:
        await asyncio.gather(*(backend.get_invoice("INV00000001") for _ in range(20)))
        assert backend.transport.max_in_flight == 3
    assert peak == 3


async def test_keys_are_escaped_into_one_path_segment(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    route = router.get(url__regex=r".*").mock(return_value=json_response(invoice()))
    await backend.get_invoice("../bill-runs/x?y=1")
    assert route.calls.last.request.url.raw_path == b"/v1/invoices/..%2Fbill-runs%2Fx%3Fy%3D1"


async def test_plugs_into_an_asgi_app_through_transport(clock: FakeClock) -> None:
    """The fake server is reached the same way: ``transport=httpx.ASGITransport(app)``."""
    from backends import jsoncodec

    seen: list[tuple[str, str]] = []

    async def app(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        assert scope["type"] == "http"
        seen.append((scope["method"], scope["path"]))
        body = (
            {"access_token": "asgi-token-0001", "expires_in": 3599}
            if scope["path"] == "/oauth/token"
            else invoice()
        )
        payload = jsoncodec.dumps(body).encode()
        await send(  # type: ignore[operator]
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})  # type: ignore[operator]

    async with make_backend(
        clock, base_url="http://127.0.0.1:8080", transport=httpx.ASGITransport(app=app)
    ) as backend:
        result = await backend.get_invoice("INV00000001")
        assert backend.describe().host == "127.0.0.1"
    assert result.invoice_number == "INV00000001"
    assert seen == [("POST", "/oauth/token"), ("GET", "/v1/invoices/INV00000001")]


async def test_each_logical_call_reports_its_track_id_for_the_action_log(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    from backends.tracing import collect_track_ids

    route = router.get("/v1/orders/O-1").mock(
        side_effect=[httpx.Response(503), json_response({"order": order("O-1"), "success": True})]
    )
    with collect_track_ids() as ids:
        await backend.get_order("O-1")
    sent = {call.request.headers["Zuora-Track-Id"] for call in route.calls}
    assert len(sent) == 1  # the retry kept the call's track id
    assert ids == list(sent)  # and the token call is not reported
