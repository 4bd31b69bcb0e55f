"""OAuth client credentials: the token request, caching, renewal and the single shared renewal."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from backends.errors import AuthenticationError, UnavailableError
from backends.rest import RestBackend

from .conftest import (
    CLIENT_ID,
    SECRET,
    TOKEN,
    TOKEN_2,
    TOKENS,
    FakeClock,
    api_calls,
    json_response,
    make_backend,
    token_body,
)
from .zuora_samples import invoice

INVOICE = "/v1/invoices/INV00000001"


def _tokens(router: respx.MockRouter, *tokens: str, expires_in: int = 3599) -> None:
    router.routes["token"].side_effect = [json_response(token_body(t, expires_in)) for t in tokens]


async def test_token_request_is_a_form_without_authorization(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    router.get(INVOICE).mock(return_value=json_response(invoice()))
    await backend.get_invoice("INV00000001")
    token_request = router.routes["token"].calls.last.request
    assert token_request.method == "POST"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in token_request.headers
    assert parse_qs(token_request.content.decode()) == {
        "client_id": [CLIENT_ID],
        "client_secret": [SECRET],
        "grant_type": ["client_credentials"],
    }
    assert api_calls(router)[0].headers["authorization"] == f"Bearer {TOKEN}"


async def test_token_is_cached_between_calls(
    backend: RestBackend, router: respx.MockRouter, clock: FakeClock
) -> None:
    router.get(INVOICE).mock(return_value=json_response(invoice()))
    for _ in range(3):
        await backend.get_invoice("INV00000001")
        clock.advance(600)
    assert router.routes["token"].call_count == 1


async def test_token_renewed_shortly_before_expiry(
    backend: RestBackend, router: respx.MockRouter, clock: FakeClock
) -> None:
    _tokens(router, TOKEN, TOKEN_2)
    route = router.get(INVOICE).mock(return_value=json_response(invoice()))
    await backend.get_invoice("INV00000001")
    clock.advance(3599 - 61)  # still more than the 60 s margin left
    await backend.get_invoice("INV00000001")
    assert router.routes["token"].call_count == 1
    clock.advance(2)  # now inside the margin: renew before Zuora would refuse it
    await backend.get_invoice("INV00000001")
    assert router.routes["token"].call_count == 2
    assert route.calls.last.request.headers["authorization"] == f"Bearer {TOKEN_2}"


async def test_401_renews_once_and_retries_once(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    _tokens(router, TOKEN, TOKEN_2)
    route = router.get(INVOICE).mock(
        side_effect=[
            json_response({"message": "Authentication error"}, 401),
            json_response(invoice()),
        ]
    )
    result = await backend.get_invoice("INV00000001")
    assert result.invoice_number == "INV00000001"
    auths = [c.request.headers["authorization"] for c in route.calls]
    assert auths == [f"Bearer {TOKEN}", f"Bearer {TOKEN_2}"]
    tracks = {c.request.headers["zuora-track-id"] for c in route.calls}
    assert len(tracks) == 1


async def test_second_401_is_an_authentication_error(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    _tokens(router, TOKEN, TOKEN_2, *TOKENS[2:])
    route = router.get(INVOICE).mock(
        return_value=json_response({"message": "Authentication error"}, 401)
    )
    with pytest.raises(AuthenticationError) as caught:
        await backend.get_invoice("INV00000001")
    assert caught.value.message == "Authentication error"
    assert caught.value.status == 401
    assert route.call_count == 2
    assert router.routes["token"].call_count == 2


async def test_category_11_in_a_200_envelope_also_renews(
    backend: RestBackend, router: respx.MockRouter
) -> None:
    _tokens(router, TOKEN, TOKEN_2)
    router.get(INVOICE).mock(
        side_effect=[
            json_response(
                {"success": False, "reasons": [{"code": 90000011, "message": "Invalid token"}]}
            ),
            json_response(invoice()),
        ]
    )
    assert (await backend.get_invoice("INV00000001")).id
    assert router.routes["token"].call_count == 2


async def test_concurrent_callers_share_one_token_request(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    release = asyncio.Event()

    async def slow_token(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return json_response(token_body())

    router.routes["token"].side_effect = slow_token
    router.get(INVOICE).mock(return_value=json_response(invoice()))
    async with make_backend(clock) as backend:
        tasks = [asyncio.ensure_future(backend.get_invoice("INV00000001")) for _ in range(10)]
        await asyncio.sleep(0)
        release.set()
        results = await asyncio.gather(*tasks)
    assert len(results) == 10
    assert router.routes["token"].call_count == 1


async def test_concurrent_401s_share_one_renewal(
    router: respx.MockRouter, clock: FakeClock
) -> None:
    _tokens(router, TOKEN, TOKEN_2, *TOKENS[2:])

    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == f"Bearer {TOKEN}":
            return json_response({"message": "Authentication error"}, 401)
        return json_response(invoice())

    router.get(INVOICE).mock(side_effect=answer)
    async with make_backend(clock) as backend:
        await backend.transport.auth.token()  # everyone starts with the soon-refused token
        results = await asyncio.gather(*(backend.get_invoice("INV00000001") for _ in range(8)))
    assert len(results) == 8
    assert router.routes["token"].call_count == 2  # the first token, then one renewal


async def test_refused_credentials_say_so(backend: RestBackend, router: respx.MockRouter) -> None:
    router.routes["token"].mock(
        return_value=json_response(
            {"error": "invalid_client", "error_description": "Bad client credentials"}, 401
        )
    )
    router.get(INVOICE).mock(return_value=json_response(invoice()))
    with pytest.raises(AuthenticationError, match="client id and secret") as caught:
        await backend.get_invoice("INV00000001")
    assert "Bad client credentials" in caught.value.message
    assert api_calls(router) == []


async def test_token_endpoint_rate_limit_is_retried(
    backend: RestBackend, router: respx.MockRouter, clock: FakeClock
) -> None:
    router.routes["token"].side_effect = [
        httpx.Response(429, headers={"Retry-After": "2"}, text=""),
        json_response(token_body()),
    ]
    router.get(INVOICE).mock(return_value=json_response(invoice()))
    await backend.get_invoice("INV00000001")
    assert clock.sleeps == [2.0]


async def test_token_endpoint_unreachable(backend: RestBackend, router: respx.MockRouter) -> None:
    router.routes["token"].side_effect = httpx.ConnectError("refused")
    with pytest.raises(UnavailableError, match="oauth/token"):
        await backend.get_invoice("INV00000001")


async def test_malformed_token_body(backend: RestBackend, router: respx.MockRouter) -> None:
    router.routes["token"].mock(return_value=json_response({"token_type": "bearer"}))
    with pytest.raises(Exception, match="access_token"):
        await backend.get_invoice("INV00000001")
