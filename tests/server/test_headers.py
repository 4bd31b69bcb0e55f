"""Response headers: request id, echoed track id, rate and concurrency limits."""

from __future__ import annotations

from .conftest import Api, body
from .factories import zuora_client_id

SAME = zuora_client_id("same")


async def test_headers_on_success(api: Api) -> None:
    r = await api.call("GET", "/v1/orders/O-00000001", Zuora_Track_Id="track-123")
    h = r.headers
    assert len(h["Zuora-Request-Id"]) == 36 and h["Zuora-Track-Id"] == "track-123"
    assert h["RateLimit-Limit"].startswith("50000")
    assert int(h["RateLimit-Remaining"]) < 50000
    assert 0 < int(h["RateLimit-Reset"]) <= 60
    assert h["Concurrency-Limit-Type"] == "Default"
    assert h["Concurrency-Limit-Limit"] == "40"
    assert h["Concurrency-Limit-Remaining"] == "40"
    assert h["content-type"].startswith("application/json")


async def test_headers_on_errors_and_remaining_counts_down(api: Api) -> None:
    r1 = await api.call("GET", "/v1/invoices/none", Zuora_Track_Id="t1")
    r2 = await api.call("GET", "/v1/invoices/none", Zuora_Track_Id="t2")
    assert r2.headers["Zuora-Track-Id"] == "t2" and r1.headers["Zuora-Track-Id"] == "t1"
    assert int(r2.headers["RateLimit-Remaining"]) == int(r1.headers["RateLimit-Remaining"]) - 1
    assert r1.headers["Zuora-Request-Id"] != r2.headers["Zuora-Request-Id"]
    assert body(r1)["requestId"] == r1.headers["Zuora-Request-Id"]


async def test_request_ids_are_deterministic_per_tenant(api: Api) -> None:
    import httpx

    from backends.fake.server.app import create_app
    from backends.fake.server.tenants import TenantRegistry
    from backends.fake.server.transport import FakeServerTransport

    from .conftest import Api as A
    from .conftest import get_token

    ids = []
    for _ in range(2):
        app = create_app(TenantRegistry(), save_on_shutdown=False)
        async with httpx.AsyncClient(
            transport=FakeServerTransport(app), base_url="http://127.0.0.1:8080"
        ) as http:
            other = A(http, await get_token(http, SAME))
            ids.append((await other.call("GET", "/v1/orders")).headers["Zuora-Request-Id"])
    assert ids[0] == ids[1]


async def test_concurrency_limit_answers_429(api: Api, server: object) -> None:
    from backends.fake.server.pipeline import FakeServer

    assert isinstance(server, FakeServer)
    server.settings.concurrency_limit = 0
    r = await api.call("GET", "/v1/orders")
    assert r.status_code == 429 and body(r)["reasons"][0]["code"] % 100 == 70
    assert r.headers["Retry-After"] == "1"
