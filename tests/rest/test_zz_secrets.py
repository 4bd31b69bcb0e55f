"""The client secret and the tokens never appear in logs, errors, reprs or request records.

Named ``zz`` so it runs after the other modules of this package: it checks everything they
logged and every error they produced (see ``LEAKS`` in conftest), plus a hostile scenario of its
own.
"""

from __future__ import annotations

import logging

import httpx
import pytest
import respx
from conftest import (
    LEAKS,
    SECRET,
    TOKEN,
    TOKEN_2,
    TOKENS,
    FakeClock,
    json_response,
    make_backend,
    token_body,
)

from backends.errors import BackendError
from backends.rest import RequestRecord


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


def test_nothing_produced_during_the_suite_leaks() -> None:
    assert LEAKS, "the recorder saw nothing: is the conftest fixture active?"
    _assert_clean(LEAKS)
