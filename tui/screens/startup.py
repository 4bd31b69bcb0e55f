"""Start-up failed: the backend could not be reached or refused the sign-in on the first load.

Shown instead of an empty orders list (and a toast that vanishes): it names the host, the HTTP
status, Zuora's code and message and the request id, says what to check, and stays until the
operator retries or quits.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from backends.errors import AuthenticationError, BackendError, PermissionDeniedError
from tui import actions
from tui.widgets.fields import Fields
from tui.widgets.header import ConsoleHeader


def cause(exc: BaseException) -> tuple[str, str]:
    """(headline, what to check) for the error that stopped the first load."""
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return (
            "Zuora refused the sign-in",
            "Check the profile's client_id and its secret (client_secret_env or "
            "client_secret_file), and that the OAuth client may use this tenant.",
        )
    if isinstance(exc, BackendError) and exc.status is None:
        return (
            "The billing system cannot be reached",
            "Check the base URL or environment of the profile, the network, and that the host "
            "is up.",
        )
    if isinstance(exc, BackendError):
        return (
            "The billing system answered with an error",
            "The request id identifies the call for Zuora support; retry when it is back.",
        )
    return ("The console could not load its first page", f"{type(exc).__name__}: {exc}")


class StartupFailedScreen(Screen[str]):
    """Answers ``"retry"`` (the orders screen loads again); quitting leaves the console."""

    SCOPE = actions.STARTUP
    BINDINGS: ClassVar[list[Binding]] = actions.bindings_for(actions.STARTUP)  # type: ignore[assignment]
    DEFAULT_CSS = """
    StartupFailedScreen > Vertical { padding: 1 2; height: 1fr; }
    StartupFailedScreen #headline { text-style: bold; color: $text-error; margin-bottom: 1; }
    StartupFailedScreen #advice { margin-top: 1; color: $text-muted; }
    StartupFailedScreen #keys { margin-top: 1; text-style: bold; }
    """

    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc
        self.crumb = "Start-up"

    def compose(self) -> ComposeResult:
        yield ConsoleHeader(["Start-up failed"])
        headline, advice = cause(self.exc)
        with Vertical():
            yield Label(headline, id="headline")
            yield Fields(id="cause")
            yield Static(advice, id="advice")
            keys: Any = getattr(self.app, "keys", None)
            retry, quit_ = (keys["retry"], keys["quit"]) if keys else ("r", "q")
            yield Label(f"{retry} retries · {quit_} quits", id="keys")
        yield Footer()

    def on_mount(self) -> None:
        exc = self.exc
        info = getattr(self.app, "backend_info", None)
        host = (info.host if info is not None else None) or (info.kind if info else "—")
        pairs: list[tuple[str, object]] = [("Host", host)]
        if isinstance(exc, BackendError):
            pairs += [
                ("HTTP status", str(exc.status) if exc.status is not None else "no answer"),
                ("Zuora code", str(exc.code) if exc.code is not None else "—"),
                ("Message", exc.message),
                ("Request id", exc.request_id or "—"),
            ]
        else:
            pairs.append(("Error", f"{type(exc).__name__}: {exc}"))
        self.query_one("#cause", Fields).show(pairs, columns=1)

    def action_retry(self) -> None:
        self.dismiss("retry")
