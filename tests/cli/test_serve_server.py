"""The web server behind ``billing-tui serve``, in process: its page, its checks, its tabs."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from tui import serve_server
from tui.serve_server import ConsoleServer


@asynccontextmanager
async def served(command: str = "exec true", **options: Any) -> AsyncIterator[Any]:
    settings: dict[str, Any] = {
        "title": "billing-tui test",
        "public_url": None,
        "loopback_only": True,
        "max_tabs": 4,
        **options,
    }
    with socket.socket() as unused:  # the test server binds its own; this gives the address
        unused.bind(("127.0.0.1", 0))
        server = ConsoleServer(command, unused, **settings)
        client = TestClient(TestServer(await server._make_app(), host="127.0.0.1"))
        await client.start_server()
        try:
            yield server, client
        finally:
            await client.close()
            for tab in list(server.tabs):
                tab.kill()


def _base(client: TestClient) -> str:
    return f"http://127.0.0.1:{client.port}"


async def _until(server: ConsoleServer, predicate: Callable[[], bool]) -> None:
    async with asyncio.timeout(30):
        while not predicate():
            await server.tabs_changed.wait()


async def test_the_page_needs_nothing_off_the_machine() -> None:
    async with served() as (_server, client):
        response = await client.get("/")
        assert response.status == 200
        page = await response.text()
        base, port = _base(client), client.port
    assert "googleapis" not in page
    assert "fonts/RobotoMono-VariableFont_wght.ttf" in page and "@font-face" in page
    without_namespaces = re.sub(r'xmlns="[^"]*"', "", page)
    addresses = set(re.findall(r"(?:https?|wss?)://[^\"')\s]+", without_namespaces))
    assert addresses == {
        f"{base}/static/css/xterm.css",
        f"{base}/static/fonts/RobotoMono-VariableFont_wght.ttf",
        f"{base}/static/images/background.png",
        f"{base}/static/js/textual.js",
        f"ws://127.0.0.1:{port}/ws",
    }
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
    assert "billing-tui test" in page


async def test_the_static_files_it_names_are_served() -> None:
    async with served() as (_server, client):
        for path in ("css/xterm.css", "js/textual.js", "fonts/RobotoMono-VariableFont_wght.ttf"):
            assert (await client.get(f"/static/{path}")).status == 200


async def test_a_public_url_decides_the_page_addresses() -> None:
    async with served(public_url="https://demo.example.test/") as (_server, client):
        page = await (await client.get("/")).text()
    assert 'data-session-websocket-url="wss://demo.example.test/ws"' in page
    assert "https://demo.example.test/static/js/textual.js" in page


async def test_on_loopback_other_host_names_are_refused() -> None:
    async with served() as (_server, client):
        response = await client.get("/", headers={"Host": f"rebound.example.test:{client.port}"})
        assert response.status == 421
        assert (await client.get("/", headers={"Host": f"localhost:{client.port}"})).status == 200
    async with served(loopback_only=False) as (_server, client):
        response = await client.get("/", headers={"Host": f"billing.example.test:{client.port}"})
        assert response.status == 200


async def test_a_websocket_from_another_site_is_refused() -> None:
    async with served() as (server, client):
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await client.ws_connect("/ws", headers={"Origin": "https://attacker.example.test"})
        assert caught.value.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await client.ws_connect("/ws", headers={"Origin": "null"})
        assert server.tabs == set()
        websocket = await client.ws_connect("/ws", headers={"Origin": _base(client)})
        await websocket.close()


async def test_tabs_beyond_the_limit_are_refused_and_a_stuck_console_is_killed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serve_server, "STOP_GRACE_SECONDS", 0.2)
    async with served("exec sleep 600", max_tabs=1) as (server, client):
        first = await client.ws_connect("/ws")
        await _until(server, lambda: len(server.tabs) == 1)
        (tab,) = server.tabs
        process = tab._process
        assert process is not None
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await client.ws_connect("/ws")
        assert caught.value.status == 503
        await first.close()  # `sleep` ignores the quit message: killed after the grace
        await _until(server, lambda: not server.tabs)
        assert await asyncio.wait_for(process.wait(), 30) != 0


async def test_stopping_the_server_kills_every_console() -> None:
    async with served("exec sleep 600") as (server, client):
        await client.ws_connect("/ws")
        await client.ws_connect("/ws")
        await _until(server, lambda: len(server.tabs) == 2)
        processes = [tab._process for tab in server.tabs]
        await server.on_shutdown(client.app)
        for process in processes:
            assert process is not None
            assert await asyncio.wait_for(process.wait(), 30) != 0
