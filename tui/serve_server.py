"""The web server behind ``billing-tui serve``: textual-serve's, made safe to leave running.

textual-serve's :class:`~textual_serve.server.Server` serves a page whose websocket starts one
console process per tab. On top of it, this server:

- serves its page with no reference off the machine (the stock page asks Google for the
  Roboto Mono font; here the copy shipped in textual-serve's own static files is used);
- answers a websocket only from the page it served (same ``Origin``), so another site open in the
  operator's browser cannot drive a console; on loopback it answers only loopback host names,
  so a DNS name pointed at 127.0.0.1 cannot either;
- runs at most ``max_tabs`` consoles, and stops each console with its tab (killing one that does
  not quit within a few seconds) and all of them with the server.

Imported only by :func:`tui.serve.main`: it brings aiohttp and textual-serve with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
import textual_serve
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

__all__ = ["ConsoleServer", "run"]

log = logging.getLogger("billing-tui.serve")

STOCK_TEMPLATES = Path(textual_serve.__file__).parent / "templates"
STOP_GRACE_SECONDS = 3.0
_REMOTE_FONT = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.DOTALL)
_LOCAL_FONT = """<link rel="preload" href="{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf"
      as="font" type="font/ttf" crossorigin />
    <style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
        font-weight: 100 700;
        font-style: normal;
      }
    </style>"""


class LocalOnlyTemplates(jinja2.BaseLoader):
    """textual-serve's templates, with the remote font replaced by the local one."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = STOCK_TEMPLATES / template
        try:
            source = path.read_text(encoding="utf-8")
        except OSError:
            raise jinja2.TemplateNotFound(template) from None
        return _REMOTE_FONT.sub(_LOCAL_FONT, source), str(path), lambda: True


class TabService(AppService):
    """One tab's console process; stopping it never waits on a console that does not quit."""

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            await self.send_meta({"type": "quit"})  # ask the console to quit, as the stock one does
            done, _ = await asyncio.wait({task}, timeout=STOP_GRACE_SECONDS)
            if not done:
                log.warning("a console did not quit within %.0f s; killed", STOP_GRACE_SECONDS)
                self.kill()
                await task  # ends at the killed console's end of output
        self.kill()

    def kill(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()


def _is_loopback_name(host: str | None) -> bool:
    from tui.serve import is_loopback

    return host is not None and is_loopback(host)


class ConsoleServer(Server):
    def __init__(
        self,
        command: str,
        sock: socket.socket,
        *,
        title: str,
        public_url: str | None,
        loopback_only: bool,
        max_tabs: int,
    ) -> None:
        host, port = sock.getsockname()[:2]
        super().__init__(command, host=host, port=port, title=title, public_url=public_url)
        self.sock = sock
        self.fixed_public_url = public_url.rstrip("/") if public_url else None
        self.loopback_only = loopback_only
        self.max_tabs = max_tabs
        self.tabs: set[TabService] = set()
        self.ending: set[asyncio.Future[None]] = set()
        self.tabs_changed = asyncio.Event()  # set (then replaced) when a console starts or ends

    # ------------------------------------------------------------------ app

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._check_host])
        aiohttp_jinja2.setup(app, loader=LocalOnlyTemplates())
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    def serve(self, debug: bool = False) -> None:
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.add_signal_handler(signal.SIGINT, self.request_exit)
        loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        web.run_app(
            self._make_app(),
            sock=self.sock,
            handle_signals=False,
            loop=loop,
            access_log=None,
            print=lambda *args: None,
        )

    async def on_shutdown(self, app: web.Application) -> None:
        for tab in list(self.tabs):
            tab.kill()

    # ------------------------------------------------------------------ checks

    @web.middleware
    async def _check_host(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if self.loopback_only and not _is_loopback_name(request.url.host):
            raise web.HTTPMisdirectedRequest(
                text=f"this console answers on loopback only; open {self.public_url}\n"
            )
        return await handler(request)

    def _page_base(self, request: web.Request) -> str:
        return self.fixed_public_url or f"{request.scheme}://{request.host}"

    def _origin_allowed(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:  # not a browser: it could send any Origin it liked
            return True
        allowed = {f"{request.scheme}://{request.host}"}
        if self.fixed_public_url:
            from yarl import URL

            allowed.add(str(URL(self.fixed_public_url).origin()))
        return origin in allowed

    # ------------------------------------------------------------------ handlers

    async def handle_index(self, request: web.Request) -> web.Response:
        base = self._page_base(request)
        scheme, rest = base.split(":", 1)
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": ("wss:" if scheme == "https" else "ws:") + rest + "/ws",
            "config": {"static": {"url": base + "/static/"}},
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not self._origin_allowed(request):
            log.warning("refused a websocket from %s", request.headers.get("Origin"))
            raise web.HTTPForbidden(text="a console opens only from its own page\n")
        if len(self.tabs) >= self.max_tabs:
            log.warning("refused a tab: %d consoles already running", len(self.tabs))
            raise web.HTTPServiceUnavailable(text="too many consoles running; try again later\n")
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        await websocket.prepare(request)

        async def close() -> None:
            await websocket.close()

        tab = TabService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        try:
            await tab.start(width, height)
            self._tabs_changed(tab, opened=True)
            await self._process_messages(websocket, tab)
        except asyncio.CancelledError:
            await websocket.close()
            raise
        except Exception:
            log.exception("a tab failed")
        finally:
            # runs to its end even if this handler is cancelled (a client gone mid-close)
            ending = asyncio.ensure_future(self._end_tab(tab))
            self.ending.add(ending)
            ending.add_done_callback(self.ending.discard)
            await asyncio.shield(ending)
        return websocket

    async def _end_tab(self, tab: TabService) -> None:
        try:
            await tab.stop()
        finally:
            tab.kill()
            if tab in self.tabs:
                self._tabs_changed(tab, opened=False)

    def _tabs_changed(self, tab: TabService, *, opened: bool) -> None:
        if opened:
            self.tabs.add(tab)
        else:
            self.tabs.discard(tab)
        print(f"tab {'opened' if opened else 'closed'} ({len(self.tabs)} running)", flush=True)
        changed, self.tabs_changed = self.tabs_changed, asyncio.Event()
        changed.set()


def run(command: str, sock: socket.socket, **options: Any) -> None:
    """Serve ``command`` (one process per tab) on the bound, listening ``sock`` until a signal."""
    ConsoleServer(command, sock, **options).serve()
