"""Fixtures for the fake server's tests: an app, an httpx client into it, tokens, helpers.

Nothing here opens a socket except the tests that start uvicorn on 127.0.0.1 (see
``factories.py``); nothing sleeps (the app's ``sleep`` for latency faults is recorded instead).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from backends import jsoncodec
from backends.fake.server.app import create_app
from backends.fake.server.pipeline import FakeServer
from backends.fake.server.tenants import DEMO_CLIENT_SECRET, TenantRegistry
from backends.fake.server.transport import FakeServerTransport
from tests.spec.conformance import spec_conformance  # noqa: F401  (autouse)

from .factories import zuora_client_id

BASE = "http://127.0.0.1:8080"
CLIENT = zuora_client_id("tenant-a")
CLIENT_B = zuora_client_id("tenant-b")


class Sleeps:
    """The app's sleep for latency faults: records, never waits."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def app(sleeps: Sleeps) -> Starlette:
    return create_app(TenantRegistry(), sleep=sleeps, save_on_shutdown=False)


@pytest.fixture
def server(app: Starlette) -> FakeServer:
    result: FakeServer = app.state.server
    return result


@pytest.fixture
async def http(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=FakeServerTransport(app), base_url=BASE) as client:
        yield client


async def get_token(
    http: httpx.AsyncClient, client_id: str = CLIENT, secret: str = DEMO_CLIENT_SECRET
) -> str:
    response = await http.post(
        "/oauth/token",
        data={
            "client_id": client_id,
            "client_secret": secret,
            "grant_type": "client_credentials",
        },
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


class Api:
    """A Zuora client of the simplest kind: bearer token, version header, JSON in and out."""

    def __init__(self, http: httpx.AsyncClient, token: str, version: str = "2025-08-12") -> None:
        self.http = http
        self.token = token
        self.version = version

    def headers(self, **extra: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "Zuora-Version": self.version,
            **extra,
        }

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: Any = None,
        raw: bytes | None = None,
        **headers: str,
    ) -> httpx.Response:
        content = raw if raw is not None else (None if body is None else jsoncodec.dumps(body))
        extra = {"Content-Type": "application/json"} if content is not None else {}
        return await self.http.request(
            method,
            path,
            params=params,
            content=content,
            headers={
                **self.headers(**extra),
                **{k.replace("_", "-"): v for k, v in headers.items()},
            },
        )


def body(response: httpx.Response) -> Any:
    return jsoncodec.loads(response.content)


@pytest.fixture
async def api(http: httpx.AsyncClient) -> Api:
    return Api(http, await get_token(http))
