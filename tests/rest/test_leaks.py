"""The client secret and the tokens never appear in logs, errors, reprs or request records.

Every test of this package checks its own logs and errors (the autouse fixture in conftest);
this module proves that recorder works and runs a hostile scenario of its own.
"""

from __future__ import annotations

import logging

import httpx
import pytest
import respx

from backends.errors import BackendError
from backends.rest import RequestRecord

from .conftest import (
    LEAKS,
    SECRET,
    TOKEN,
    TOKEN_2,
    TOKENS,
    FakeClock,
    json_response,
    leaked,
    make_backend,
    token_body,
)


def _assert_clean(texts: list[str]) -> None:
    for text in texts:
        assert SECRET not in text
        for token in TOKENS:
            assert token not in text


async def test_hostile_scenario_leaks_nothing(
    router: respx.MockRouter, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    records: list[RequestRecord] = []
    router.routes["token"].side_effect = [
        json_response(token_body(TOKEN)),
        json_response(token_body(TOKEN_2)),
        json_response({"error": "invalid_client", "error_description": "bad"}, 401),
    ]
    router.get("/v1/invoices/INV1").mock(
        side_effect=[
            json_response({"message": "Authentication error"}, 401),
            httpx.ConnectError(f"boom {TOKEN_2}"),  # even an exception text carrying it
            httpx.Response(503, text="<html>down</html>"),
            json_response({"message": "Authentication error"}, 401),
        ]
    )
    errors: list[BackendError] = []
    async with make_backend(clock, max_retries=3) as backend:
        backend.on_request = records.append
        try:
            await backend.get_invoice("INV1")
        except BackendError as exc:
            errors.append(exc)
        texts = [repr(backend), repr(backend.transport), repr(backend.transport.auth)]
    assert errors, "the scenario should end in an error"
    texts += [str(e) for e in errors] + [repr(e) for e in errors] + [e.detail for e in errors]
    texts += [repr(r) for r in records]
    texts += [r.getMessage() for r in caplog.records]
    _assert_clean(texts)


def test_the_recorder_sees_errors_and_logs_of_the_running_test() -> None:
    logging.getLogger("backends.rest").warning("planted %s", "message")
    BackendError(f"planted with {SECRET}")
    assert "planted message" in LEAKS
    assert leaked(LEAKS), "a planted secret must be found"
    LEAKS.clear()  # the planted secret is not a real leak
