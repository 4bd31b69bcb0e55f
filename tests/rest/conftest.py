"""Fixtures for the REST backend tests: respx router, a fake clock, and a leak recorder.

No test touches the network (respx refuses unmatched requests) and none sleeps: the transport's
``sleep`` is :meth:`FakeClock.sleep`, which records the delay and moves the clock instead.

Every log record and every :class:`BackendError` text produced while a test runs is kept in
:data:`LEAKS`, and the autouse fixture fails that test if the client secret or a token appears in
any of them: each test checks its own output, whatever order the tests run in.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx

from backends import jsoncodec
from backends.errors import BackendError
from backends.rest import RestBackend, boundary

from .zuora_samples import oq_account, oq_schedule_row

BASE = "https://rest.test.zuora.com"
CLIENT_ID = "7f1c2d3e-0000-4000-8000-client0id001"
SECRET = "Sup3r-S3cret-Client-Value-do-not-leak-42"
TOKEN = "c652cbc0ea384b9f81856a93a2a74538"
TOKEN_2 = "d7c3aa9b1f2e4d5c8b9a0f1e2d3c4b5a"
TOKENS = [TOKEN, TOKEN_2] + [f"tok{n:029d}" for n in range(3, 12)]

#: Texts produced during the current test: log messages, error str/repr/detail.
LEAKS: list[str] = []


def leaked(texts: list[str]) -> list[str]:
    """The texts that carry the client secret or a token."""
    return [t for t in texts if SECRET in t or any(token in t for token in TOKENS)]


class _Recorder(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        LEAKS.append(record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            LEAKS.append(repr(record.exc_info[1]))


@pytest.fixture(autouse=True)
def _record_everything() -> Iterator[None]:
    root = logging.getLogger()
    handler = _Recorder(level=logging.DEBUG)
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    original_init = BackendError.__init__

    def recording_init(self: BackendError, message: str, **kwargs: Any) -> None:
        original_init(self, message, **kwargs)
        LEAKS.extend([str(self), repr(self), self.detail])

    BackendError.__init__ = recording_init  # type: ignore[method-assign]
    LEAKS.clear()
    try:
        yield
    finally:
        BackendError.__init__ = original_init  # type: ignore[method-assign]
        root.removeHandler(handler)
        root.setLevel(old_level)
    found = leaked(LEAKS)
    LEAKS.clear()
    assert not found, f"a secret or token leaked into {found[0]!r}"


class FakeClock:
    """A monotonic clock that only moves when told to (or when something 'sleeps')."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    """A response whose body is written by our exact codec (Decimals as JSON numbers)."""
    all_headers = {"content-type": "application/json; charset=utf-8", **(headers or {})}
    return httpx.Response(status, content=jsoncodec.dumps(body).encode(), headers=all_headers)


def token_body(token: str = TOKEN, expires_in: int = 3599) -> dict[str, Any]:
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": expires_in,
        "scope": "user.7c4d entity.1a2b service.echo.read tenant.19",
        "jti": token[:-1] + "9",
    }


def request_json(request: httpx.Request) -> Any:
    return jsoncodec.loads(request.content) if request.content else None


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False, assert_all_mocked=True) as mock:
        mock.post("/oauth/token", name="token").mock(return_value=json_response(token_body()))
        # The account-name lookup an orders page makes for accounts it has not seen: the
        # sample tenant's one account. Tests that care about it assert on it by name.
        mock.get(url__regex=r"/object-query/accounts\?.*accountnumber\.IN", name="accounts").mock(
            return_value=json_response({"data": [oq_account()]})
        )
        # ... and the schedule-number lookup for the latest schedules its orders name
        mock.get(url__regex=r"/object-query/invoice-schedules\?.*id\.IN", name="numbers").mock(
            return_value=json_response({"data": [oq_schedule_row()]})
        )
        yield mock


def make_backend(clock: FakeClock, **kwargs: Any) -> RestBackend:
    options: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "sleep": clock.sleep,
        "clock": clock,
        "jitter": lambda low, high: high,  # deterministic: the top of the full-jitter range
    }
    options.update(kwargs)
    return RestBackend(options.pop("base_url", BASE), **options)


@pytest.fixture
async def backend(router: respx.MockRouter, clock: FakeClock) -> AsyncIterator[RestBackend]:
    async with make_backend(clock) as b:
        yield b


def api_calls(router: respx.MockRouter) -> list[httpx.Request]:
    """Requests other than the token request and the orders page's account-name and
    schedule-number lookups (asserted where they matter), in order."""
    return [
        call.request
        for call in router.calls
        if call.request.url.path != "/oauth/token"
        and "accountnumber.IN" not in str(call.request.url.params)
        and not (
            call.request.url.path == "/object-query/invoice-schedules"
            and "id.IN" in str(call.request.url.params)
        )
    ]


@pytest.fixture(autouse=True)
def _strict_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backend's safety net re-raises here: a parsing path that lets a non-BackendError
    escape fails its test instead of being converted."""
    monkeypatch.setattr(boundary, "STRICT", True)
