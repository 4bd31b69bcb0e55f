"""An httpx transport into the app, in process: no socket, same codec, real connection errors.

``httpx.ASGITransport`` re-raises whatever the app raises. The "drop" fault makes the app raise
:class:`DroppedConnection` after a partial response; here that becomes
``httpx.RemoteProtocolError``, exactly what a client sees when a real server hangs up mid-answer,
so the REST backend's retry logic is exercised the same way as over uvicorn.
"""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from backends.fake.server.pipeline import IN_PROCESS, DroppedConnection

__all__ = ["FakeServerTransport"]


class FakeServerTransport(httpx.AsyncBaseTransport):
    def __init__(self, app: ASGIApp, *, client: tuple[str, int] = ("127.0.0.1", 50000)) -> None:
        async def marked(scope: Scope, receive: Receive, send: Send) -> None:
            await app({**scope, IN_PROCESS: True}, receive, send)

        self._inner = httpx.ASGITransport(app=marked, raise_app_exceptions=True, client=client)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except DroppedConnection:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a complete response", request=request
            ) from None

    async def aclose(self) -> None:
        await self._inner.aclose()
