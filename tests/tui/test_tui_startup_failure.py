"""REST start-up: the first key goes to the orders table, and a failed first load (a wrong
secret against the fake server, a dead port) is a screen that names the cause and stays until
the operator retries or quits."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from backends.errors import UnavailableError
from backends.fake.server.app import create_app
from backends.fake.server.tenants import DEMO_CLIENT_ID, TenantRegistry
from backends.rest.backend import RestBackend
from tests.server.factories import LOOPBACK, FakeServerTransport, _no_sleep
from tui.screens.orders import OrdersScreen
from tui.screens.startup import StartupFailedScreen

from .tui_helpers import Spy, demo_backend, make_app, settle


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrong_secret() -> RestBackend:
    app = create_app(TenantRegistry(), save_on_shutdown=False)
    return RestBackend(
        LOOPBACK,
        client_id=DEMO_CLIENT_ID,
        client_secret="not-the-secret",
        transport=FakeServerTransport(app),
        sleep=_no_sleep,
    )


def unreachable() -> RestBackend:
    return RestBackend(
        f"http://127.0.0.1:{dead_port()}",
        client_id=DEMO_CLIENT_ID,
        client_secret="fake-demo-secret",
        sleep=_no_sleep,
        max_retries=1,
    )


def shown(app: Any) -> str:
    screen = app.screen
    assert isinstance(screen, StartupFailedScreen)
    return "\n".join(
        [str(screen.query_one("#headline").content), screen.query_one("#cause").plain]  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize(
    ("make_backend", "headline", "facts"),
    [
        (wrong_secret, "refused the sign-in", ["Host: 127.0.0.1", "HTTP status: 401"]),
        (unreachable, "cannot be reached", ["Host: 127.0.0.1", "HTTP status: no answer"]),
    ],
    ids=["wrong-secret", "dead-port"],
)
async def test_a_failed_start_names_the_cause_and_stays(
    make_backend: Any, headline: str, facts: list[str]
) -> None:
    backend = make_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = shown(app)
        assert headline in text and all(f in text for f in facts), text
        assert "Message: " in text and "Zuora code: " in text
        assert "not-the-secret" not in text
        app.clear_notifications()
        await pilot.press("r")  # still failing: the same screen, once, not a stack of them
        await settle(pilot)
        assert isinstance(app.screen, StartupFailedScreen)
        assert sum(isinstance(s, StartupFailedScreen) for s in app.screen_stack) == 1
        await pilot.press("q")
        await settle(pilot)
    assert app.return_code == 0
    await backend.aclose()


async def test_retry_after_the_backend_is_back_opens_the_orders_with_the_focus_on_them() -> None:
    backend = demo_backend()
    real = backend.list_orders
    calls = 0

    async def down_once(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise UnavailableError("could not reach Zuora for GET /v1/orders (ConnectError)")
        return await real(**kwargs)

    backend.list_orders = down_once
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartupFailedScreen)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, OrdersScreen)
        assert app.focused is app.screen.table
        await pilot.press("down", "enter")  # the first keys go to the table
        await settle(pilot)
        assert app.screen.crumb == "O-00000002"


async def test_keys_pressed_while_the_first_page_loads_are_not_typed_into_a_hidden_field() -> None:
    backend = demo_backend()
    spy = Spy(backend, "list_orders", gated=True)
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.focused is None or app.focused.display  # not the hidden search field
        spy.gate.set()
        await settle(pilot)
        assert app.focused is app.screen.query_one("#orders")
