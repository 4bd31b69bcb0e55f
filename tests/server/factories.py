"""Backends for end-to-end tests: the REST backend talking to the fake Zuora server.

``rest_over_asgi()`` and ``rest_over_uvicorn()`` are async context managers yielding a
:class:`ServerBackend`: a connected ``RestBackend`` (``.backend``) and a :class:`Control` over the
server's ``/_fake/`` control plane for its tenant (settle, clock, faults, journal, reset). Each
call uses a fresh client id, so each gets its own tenant built from the seed.

    async with rest_over_asgi() as sb:
        await sb.backend.execute_invoice_schedule("IS-00000001")
        await sb.control.settle()

The uvicorn variant talks to a real server on 127.0.0.1 with an ephemeral port in a background
thread (``uvicorn.Server``). One server serves every test of a process (an xdist worker): it is
started on first use and stopped when the process exits; each test still gets its own tenant,
because each uses a fresh client id.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import itertools
import json
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from backends import jsoncodec
from backends.fake.server.app import create_app
from backends.fake.server.tenants import DEMO_CLIENT_SECRET, TenantRegistry
from backends.fake.server.transport import FakeServerTransport
from backends.models import ClockAdvance
from backends.rest.backend import RestBackend

__all__ = [
    "Control",
    "FakeServerBackend",
    "ServerBackend",
    "UvicornThread",
    "rest_over_asgi",
    "rest_over_asgi_backend",
    "rest_over_uvicorn",
    "rest_over_uvicorn_backend",
    "zuora_client_id",
]

LOOPBACK = "http://127.0.0.1:8080"
_ids = itertools.count(1)
_CLIENT_IDS = uuid.UUID("5e7a1c2b-0b1f-4c55-9a6e-7e57c11e0000")  # the namespace of test client ids


def zuora_client_id(label: str) -> str:
    """A client id shaped like Zuora's (a 36-character hyphenated UUID, as the token endpoint
    and Zuora's SDK require), the same for the same ``label``: tests name their tenants."""
    return str(uuid.uuid5(_CLIENT_IDS, label))


def new_client_id(prefix: str = "test") -> str:
    """A Zuora-shaped client id no other test of this process uses: a tenant of its own."""
    return zuora_client_id(f"{prefix}-{next(_ids):04d}")


async def _no_sleep(_seconds: float) -> None:
    await asyncio.sleep(0)


class Control:
    """The ``/_fake/`` control plane of one tenant."""

    def __init__(self, http: httpx.AsyncClient, client_id: str) -> None:
        self.http = http
        self.client_id = client_id
        self._t = f"/_fake/tenants/{client_id}"

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        content = None if body is None else json.dumps(body)
        response = await self.http.request(
            method, path, content=content, headers={"Content-Type": "application/json"}
        )
        if response.status_code >= 400:
            raise AssertionError(f"{method} {path}: {response.status_code} {response.text}")
        return jsoncodec.loads(response.content)

    async def settle(self) -> int:
        return int((await self._call("POST", f"{self._t}/clock/settle"))["settled"])

    async def today(self) -> date:
        return date.fromisoformat((await self._call("GET", f"{self._t}/clock"))["today"])

    async def advance(self, *, to: date) -> ClockAdvance:
        body = await self._call("POST", f"{self._t}/clock/advance", {"to": to.isoformat()})
        return ClockAdvance.model_validate(body)

    async def advance_to_next_run_date(self) -> ClockAdvance:
        body = await self._call("POST", f"{self._t}/clock/advance", {"nextRunDate": True})
        return ClockAdvance.model_validate(body)

    async def add_faults(self, *rules: dict[str, Any]) -> list[dict[str, Any]]:
        return list((await self._call("POST", f"{self._t}/faults", list(rules)))["rules"])

    async def faults(self) -> list[dict[str, Any]]:
        return list((await self._call("GET", f"{self._t}/faults"))["rules"])

    async def clear_faults(self) -> None:
        await self._call("DELETE", f"{self._t}/faults")

    async def journal(self, **filters: str) -> list[dict[str, Any]]:
        params = {"tenant": self.client_id, **filters}
        response = await self.http.get("/_fake/journal", params=params)
        return list(jsoncodec.loads(response.content)["entries"])

    async def reset(self) -> None:
        await self._call("POST", f"{self._t}/reset")

    async def export_state(self) -> dict[str, Any]:
        return dict(await self._call("GET", f"{self._t}/state"))


@dataclass
class ServerBackend:
    backend: RestBackend
    control: Control
    client_id: str
    base_url: str


def _rest(
    base_url: str,
    client_id: str,
    transport: httpx.AsyncBaseTransport | None,
    **options: Any,
) -> RestBackend:
    return RestBackend(
        base_url,
        client_id=client_id,
        client_secret=DEMO_CLIENT_SECRET,
        transport=transport,
        **options,
    )


@contextlib.asynccontextmanager
async def rest_over_asgi(
    app: Starlette | None = None,
    *,
    client_id: str | None = None,
    sleep: Callable[[float], Awaitable[None]] = _no_sleep,
    **options: Any,
) -> AsyncIterator[ServerBackend]:
    """REST backend → ``httpx`` → :class:`FakeServerTransport` → the app, in this process.

    Retries do not wait (``sleep`` is a no-op) unless ``sleep`` is given."""
    app = app or create_app(TenantRegistry(), save_on_shutdown=False)
    cid = client_id or new_client_id("asgi")
    async with (
        httpx.AsyncClient(transport=FakeServerTransport(app), base_url=LOOPBACK) as http,
        _rest(LOOPBACK, cid, FakeServerTransport(app), sleep=sleep, **options) as backend,
    ):
        yield ServerBackend(backend, Control(http, cid), cid, LOOPBACK)


class UvicornThread:
    """A real uvicorn server on 127.0.0.1 with an ephemeral port, in a background thread."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        # IPPROTO_TCP: asyncio then sets TCP_NODELAY on each connection (no 40 ms stalls)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.bind(("127.0.0.1", 0))
        self.port = int(self._sock.getsockname()[1])
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:  # poll `started`; nothing else waits
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.001)

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> UvicornThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_SHARED: list[UvicornThread] = []


def shared_uvicorn() -> UvicornThread:
    """This process's one uvicorn server over a fresh registry, started on first use."""
    if not _SHARED:
        server = UvicornThread(create_app(TenantRegistry(), save_on_shutdown=False))
        server.start()
        atexit.register(server.stop)
        _SHARED.append(server)
    return _SHARED[0]


@contextlib.contextmanager
def uvicorn_server(app: Starlette | None = None) -> Iterator[UvicornThread]:
    """The shared server, or a server of its own for a given app (stopped on exit)."""
    if app is None:
        yield shared_uvicorn()
        return
    with UvicornThread(app) as server:
        yield server


@contextlib.asynccontextmanager
async def rest_over_uvicorn(
    app: Starlette | None = None,
    *,
    client_id: str | None = None,
    sleep: Callable[[float], Awaitable[None]] = _no_sleep,
    **options: Any,
) -> AsyncIterator[ServerBackend]:
    """REST backend → TCP on 127.0.0.1 → uvicorn → the app (its own thread and event loop)."""
    cid = client_id or new_client_id("uvicorn")
    with uvicorn_server(app) as server:
        async with (
            httpx.AsyncClient(base_url=server.base_url) as http,
            _rest(server.base_url, cid, None, sleep=sleep, **options) as backend,
        ):
            yield ServerBackend(backend, Control(http, cid), cid, server.base_url)


class FakeServerBackend:
    """A ``Backend`` (the REST backend against the fake server) that also has the fake's
    ``Settleable`` and ``SimulatedClock`` capabilities, reached through the control plane.

    Made by the plain (synchronous) factories below, for suites that take a list of
    ``Callable[[], Backend]`` such as ``tests/contract/conftest.py``; ``aclose()`` also closes
    the control client and, for uvicorn, stops the server. Every contract method is the REST
    backend's own (delegated), so this stays right as the contract grows.
    """

    def __init__(
        self,
        rest: RestBackend,
        control: Control,
        http: httpx.AsyncClient,
        server: UvicornThread | None = None,
    ) -> None:
        self.rest = rest
        self.control = control
        self._http = http
        self._server = server

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rest, name)

    def describe(self) -> Any:
        return self.rest.describe()

    async def settle(self) -> None:
        await self.control.settle()

    async def today(self) -> date:
        return await self.control.today()

    async def advance(self, *, to: date) -> ClockAdvance:
        return await self.control.advance(to=to)

    async def advance_to_next_run_date(self) -> ClockAdvance:
        return await self.control.advance_to_next_run_date()

    async def aclose(self) -> None:
        try:
            await self.rest.aclose()
            await self._http.aclose()
        finally:
            if self._server is not None:
                self._server.stop()
                self._server = None

    async def __aenter__(self) -> FakeServerBackend:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def rest_over_asgi_backend(**options: Any) -> FakeServerBackend:
    """REST backend → in-process app, as one ``Backend`` (a fresh app and tenant each call)."""
    app = create_app(TenantRegistry(), save_on_shutdown=False)
    cid = new_client_id("asgi")
    http = httpx.AsyncClient(transport=FakeServerTransport(app), base_url=LOOPBACK)
    options.setdefault("sleep", _no_sleep)
    rest = _rest(LOOPBACK, cid, FakeServerTransport(app), **options)
    return FakeServerBackend(rest, Control(http, cid), http)


def rest_over_uvicorn_backend(**options: Any) -> FakeServerBackend:
    """REST backend → the process's shared uvicorn on 127.0.0.1, with a tenant of its own."""
    server = shared_uvicorn()
    cid = new_client_id("uvicorn")
    http = httpx.AsyncClient(base_url=server.base_url)
    options.setdefault("sleep", _no_sleep)
    rest = _rest(server.base_url, cid, None, **options)
    return FakeServerBackend(rest, Control(http, cid), http)
