"""The fake Zuora as an ASGI app (Starlette): the API routes, ``/oauth/token``, ``/_fake/``.

``create_app()`` builds the app over a :class:`TenantRegistry`; ``app.state.server`` is the
:class:`FakeServer` (tenants, journal, settings) so tests and the CLI can reach it. Routes come
from :data:`backends.fake.server.api.ROUTES`; anything else is a 404 (or, for a known path with
another method, whatever the method, a 405) in Zuora's envelope, or in the control plane's own
(``{"error": ...}``) under ``/_fake/``. On shutdown (the ASGI lifespan) every tenant is
saved to the state file when there is one.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from backends.fake.server.api import ROUTES, ApiRoute
from backends.fake.server.control import control_error, control_routes
from backends.fake.server.journal import Journal
from backends.fake.server.pipeline import FakeServer, Settings, Sleep
from backends.fake.server.tenants import TenantRegistry

__all__ = ["create_app"]


def _endpoint(server: FakeServer, route: ApiRoute) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await server.api(request, route)

    endpoint.__name__ = route.operation
    return endpoint


class _AnyMethod:
    """An endpoint for every method, PROPFIND included (Starlette gives a plain function
    endpoint GET only, and answers other methods with its own plain-text 405)."""

    def __init__(self, handler: Callable[[Request], Awaitable[Response]]) -> None:
        self._handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self._handler(Request(scope, receive))
        await response(scope, receive, send)


def _template_regex(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", path) + "$")


def starlette_path(path: str) -> str:
    """A route's template as Starlette takes it: Zuora names some path parameters with a hyphen
    (``{subscription-key}``), which Starlette's parameters cannot hold; handlers read them with
    ``_`` instead (``subscription_key``)."""
    return re.sub(r"\{([^}/]+)\}", lambda m: "{" + m.group(1).replace("-", "_") + "}", path)


def create_app(
    registry: TenantRegistry | None = None,
    *,
    settings: Settings | None = None,
    journal: Journal | None = None,
    sleep: Sleep | None = None,
    save_on_shutdown: bool = True,
) -> Starlette:
    """The fake Zuora over ``registry`` (a demo registry by default)."""
    reg = registry or TenantRegistry()
    server = FakeServer(reg, settings=settings, journal=journal, sleep=sleep or asyncio.sleep)
    templates = [(_template_regex(r.path), r.method) for r in ROUTES]
    templates.append((_template_regex("/oauth/token"), "POST"))
    control = control_routes(server)

    async def token(request: Request) -> Response:
        return await server.token(request)

    async def fallback(request: Request) -> Response:
        path = request.url.path
        allowed = sorted({m for rx, m in templates if rx.match(path)})
        if path == "/_fake" or path.startswith("/_fake/"):
            allowed = []
            for route in control:
                if isinstance(route, Route) and route.path_regex.match(path) and route.methods:
                    allowed = sorted(set(allowed) | (route.methods - {"HEAD"}))
            if allowed:
                return control_error(
                    f"{request.method} is not supported on {path}; use {', '.join(allowed)}",
                    405,
                    {"Allow": ", ".join(allowed)},
                )
            return control_error(f"no control-plane route {request.method} {path}", 404)
        return await server.unknown_route(request, allowed)

    routes: list[BaseRoute] = [Route("/oauth/token", token, methods=["POST"])]
    routes += [
        Route(starlette_path(r.path), _endpoint(server, r), methods=[r.method]) for r in ROUTES
    ]
    routes += control
    routes.append(Route("/{path:path}", _AnyMethod(fallback)))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if save_on_shutdown and reg.state_file is not None:
                reg.save()
            await reg.aclose()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.server = server
    return app
