"""Every answer of the fake Zuora server, checked against Zuora's spec while the tests run.

The fixture :func:`spec_conformance` (autouse in the server and contract suites) wraps
``Starlette.__call__`` for the duration of a test: each HTTP response of an app built by
``create_app`` (in process over ASGI or under uvicorn in a thread) is decoded and handed to
:func:`tests.spec.shapes.check_response`. The control plane (``/_fake/``) is not Zuora's and is
not checked; nor are routes the fake does not serve (their 404/405 is the server's own), nor
statuses for which the spec documents no body (a gateway's 503/504). At the end of the test
every violation fails it, naming the request.

Tests that send deliberately broken requests still get spec-shaped answers, so nothing here is
switched off per test.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.types import Message, Receive, Scope, Send

from backends.fake.server.pipeline import FakeServer
from tests.spec.shapes import check_response, operation_key

__all__ = ["SpecViolations", "spec_conformance"]


class SpecViolations:
    """What the wrapped apps answered against the spec, across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.found: list[str] = []
        self.checked = 0

    def add(self, problems: list[str]) -> None:
        with self._lock:
            self.checked += 1
            self.found.extend(problems)


def _decode(headers: list[tuple[bytes, bytes]], raw: bytes) -> tuple[bool, Any]:
    names = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in headers}
    if "gzip" in names.get("content-encoding", ""):
        raw = gzip.decompress(raw)
    if "json" not in names.get("content-type", ""):
        return False, None
    return True, json.loads(raw) if raw else None


def _judge(method: str, path: str, status: int, start: Message, raw: bytes) -> list[str]:
    try:
        is_json, body = _decode(list(start.get("headers", [])), raw)
    except (ValueError, OSError) as exc:
        return [f"{method} {path} {status}: unreadable body ({exc})"]
    if not is_json:
        return []
    try:
        found = check_response(method, path, status, body)
    except Exception as exc:  # the checker must never break the app under test
        return [f"{method} {path} {status}: the checker failed ({exc!r})"]
    return [f"{p}  [{method} {path}]" for p in found]


def _wrap(original: Any, violations: SpecViolations) -> Any:
    async def checked(self: Starlette, scope: Scope, receive: Receive, send: Send) -> None:
        server = getattr(self.state, "server", None)
        path = scope.get("path", "")
        method = scope.get("method", "")
        if (
            scope["type"] != "http"
            or not isinstance(server, FakeServer)
            or path.startswith("/_fake")
            or operation_key(method, path) is None
        ):
            await original(self, scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def spy(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    status = int(start.get("status", 0))
                    violations.add(_judge(method, path, status, start, b"".join(chunks)))
            await send(message)

        await original(self, scope, receive, spy)

    return checked


@pytest.fixture(autouse=True)
def spec_conformance(monkeypatch: pytest.MonkeyPatch) -> Iterator[SpecViolations]:
    violations = SpecViolations()
    monkeypatch.setattr(Starlette, "__call__", _wrap(Starlette.__call__, violations))
    yield violations
    if violations.found:
        unique = list(dict.fromkeys(violations.found))
        shown = "\n  ".join(unique[:40])
        more = f"\n  ... and {len(unique) - 40} more" if len(unique) > 40 else ""
        pytest.fail(
            f"the fake server answered beyond Zuora's spec ({len(unique)} kinds):\n  {shown}{more}",
            pytrace=False,
        )
