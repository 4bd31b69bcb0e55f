"""Any answer in the shape of Zuora's spec is parsed or refused cleanly: every call the console
uses, fed with answers drawn from the derived spec file's schemas (valid ones, and with fields
missing, extra or of the wrong type), returns a model or raises a BackendError naming its call,
never another exception (the backend's safety net is strict here). Bounded and deterministic.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backends import jsoncodec
from backends.errors import BackendError
from backends.rest import RestBackend, boundary

from .conftest import CLIENT_ID, SECRET, FakeClock, token_body
from .spec_schemas import answers
from .test_fuzz import CALLS, Call

MAX_REQUESTS = 10


class _SpecAnswers:
    """Every request (but the token's) answered 200 with a body drawn from its operation's
    response schema; an operation the spec lacks answers 404 in Zuora's envelope."""

    def __init__(self, data: st.DataObject, *, mutate: bool) -> None:
        self.data = data
        self.mutate = mutate
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, content=jsoncodec.dumps(token_body()).encode())
        self.requests += 1
        strategy = answers(request.method, request.url.path, mutate=self.mutate)
        if strategy is None or self.requests > MAX_REQUESTS:
            return httpx.Response(
                404, content=b'{"success":false,"reasons":[{"code":50000040,"message":"no"}]}'
            )
        body = self.data.draw(strategy, label=request.url.path)
        # json, not our codec: schemathesis draws numbers as floats, and on the wire they are
        # JSON numbers all the same (the backend reads them as Decimal); its negative mode also
        # draws raw bytes for a body, sent as they are (an answer that is not JSON)
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return httpx.Response(200, content=content)


async def _run(call: Call, answers: _SpecAnswers) -> None:
    clock = FakeClock()
    backend = RestBackend(
        "https://rest.test.zuora.com",
        client_id=CLIENT_ID,
        client_secret=SECRET,
        transport=httpx.MockTransport(answers),
        max_retries=1,
        sleep=clock.sleep,
        clock=clock,
    )
    async with backend:
        try:
            await call(backend)
        except BackendError as exc:
            assert exc.endpoint, f"{type(exc).__name__} names no endpoint: {exc}"


@pytest.fixture(autouse=True)
def _strict() -> object:
    previous, boundary.STRICT = boundary.STRICT, True
    yield
    boundary.STRICT = previous


@pytest.mark.parametrize("mutate", [False, True], ids=["valid", "mutated"])
@pytest.mark.parametrize("name", sorted(CALLS))
@settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_spec_shaped_answers_are_parsed_or_refused(
    name: str, mutate: bool, data: st.DataObject
) -> None:
    asyncio.run(_run(CALLS[name], _SpecAnswers(data, mutate=mutate)))
