"""One request through the fake Zuora, layer by layer.

For an API route: gateway authentication (bearer token → tenant; a missing, unknown or expired
token is the gateway's 401 ``{"message": "Authentication error"}``) → ``Zuora-Track-Id`` check →
the tenant's concurrency limit (429, category 70) → fault rules of the *before* phase (nothing
reaches the engine) → idempotency (replay / 409 in flight / 422 mismatch) → body parsing
(category 90) → the handler (validation 20/21/22 and the engine's own refusals) → fault rules of
the *after* phase (the engine did the work; the answer is lost or replaced) → envelope, status by
``Zuora-Version``, headers → the journal.

Choices where Zuora is silent: the response stored for an idempotency key is the engine's,
success or refusal, except *transient* failures (categories 50, 61, 70), which are not stored so
that the client's retry with the same key can succeed; faults of the before phase never touch the
key. A replay carries ``Idempotent-Replayed: true``. Rate limits and gateway errors (429, 503,
504, 401) use their HTTP status whatever the ``Zuora-Version``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from backends import jsoncodec
from backends.errors import (
    BackendError,
    ConflictError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from backends.fake.faults import FaultRule
from backends.fake.server.api import ApiRoute, Call
from backends.fake.server.codec import (
    error_body,
    error_status,
    is_transient,
    uses_real_status,
)
from backends.fake.server.control_models import CLIENT_ID_LENGTH, MAX_CLIENT_ID
from backends.fake.server.idempotency import MAX_KEY_LENGTH, Claim, fingerprint
from backends.fake.server.journal import Journal, JournalEntry
from backends.fake.server.tenants import TOKEN_SECONDS, Tenant, TenantRegistry, request_ids
from backends.fake.server.validation import BodyTooLarge, parse_json, read_body

__all__ = ["IN_PROCESS", "DroppedConnection", "FakeServer", "Settings"]

_TRACK_ID = re.compile(r"[\x20-\x7e]{1,64}")
_TRACK_FORBIDDEN = set(":;\"'")
RATE_LIMIT_MINUTE = 50_000
RATE_LIMIT_HEADER = "50000, 50000;w=60, 2250000;w=3600, 27000000;w=86400"
LOCK_MESSAGE = "Operation failed due to a lock competition, please retry later."


class DroppedConnection(Exception):
    """Raised after a partial response when the app runs in process (fault "drop")."""


#: Set in the ASGI scope by :class:`backends.fake.server.transport.FakeServerTransport`.
IN_PROCESS = "billing_tui.in_process"


class _DropResponse(Response):
    """Starts a response that promises more bytes than it sends, then breaks off."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__(status_code=200)
        self._extra = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"4096")]
        headers += [(k.lower().encode(), v.encode()) for k, v in self._extra.items()]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"success": tr', "more_body": True})
        if scope.get(IN_PROCESS):
            raise DroppedConnection("fault: connection dropped mid-response")
        # Under a real server, ending without completing the response makes it close the
        # connection (uvicorn logs one line, no traceback): the client sees a broken response.


@dataclass
class Settings:
    default_version: str = "2025-08-12"
    concurrency_limit: int = 40


@dataclass
class _Out:
    status: int
    text: str
    headers: dict[str, str] = field(default_factory=dict)
    replayed: bool = False
    drop: bool = False


@dataclass
class _Exchange:
    route: ApiRoute | None
    tenant: Tenant | None
    request_id: str
    process_id: str
    track_id: str | None
    real_status: bool
    faults: list[str] = field(default_factory=list)
    idempotency_key: str | None = None
    owner: str = ""  # the client id of a refused token, for the journal


Sleep = Callable[[float], Awaitable[None]]


class FakeServer:
    """Everything one server process holds: tenants, journal, settings."""

    def __init__(
        self,
        registry: TenantRegistry,
        *,
        settings: Settings | None = None,
        journal: Journal | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.registry = registry
        self.settings = settings or Settings()
        self.journal = journal or Journal()
        self.sleep = sleep
        self._anonymous = 0

    # ----------------------------------------------------------------- helpers

    def _anonymous_ids(self) -> tuple[str, str]:
        self._anonymous += 1
        return request_ids(f"anonymous\x00{self._anonymous}")

    def _error(self, err: BackendError, ex: _Exchange, *, object_query: bool) -> _Out:
        status = error_status(err) if ex.real_status else 200
        body = error_body(
            err, process_id=ex.process_id, request_id=ex.request_id, object_query=object_query
        )
        headers: dict[str, str] = {}
        if isinstance(err, RateLimitedError):
            status = 429
            if err.retry_after is not None:
                headers["Retry-After"] = str(int(err.retry_after))
        return _Out(status, jsoncodec.dumps(body), headers)

    def _fault_out(self, rule: FaultRule, ex: _Exchange, object_query: bool) -> _Out:
        ex.faults.append(f"#{rule.id} {rule.effect} ({rule.phase})")
        if rule.effect == "rate_limit":
            err: BackendError = RateLimitedError(
                "Too many requests: the tenant's request limit was exceeded; retry later",
                code=50_000_070,
                retry_after=rule.retry_after,
            )
            return self._error(err, ex, object_query=object_query)
        if rule.effect == "lock":
            return self._error(
                ConflictError(LOCK_MESSAGE, code=50_000_050), ex, object_query=object_query
            )
        if rule.effect == "temporary":
            return self._error(
                ServerError("Temporary error: please retry the request later", code=50_000_061),
                ex,
                object_query=object_query,
            )
        if rule.effect == "unavailable":
            return _Out(
                503,
                jsoncodec.dumps({"message": "Service Unavailable"}),
                {"Retry-After": str(rule.retry_after)},
            )
        if rule.effect == "timeout":
            return _Out(
                504,
                jsoncodec.dumps(
                    {"message": "Gateway Timeout: the request did not finish within 120 seconds"}
                ),
            )
        return _Out(0, "", drop=True)  # drop

    def _headers(self, ex: _Exchange, out: _Out) -> dict[str, str]:
        headers = {"Zuora-Request-Id": ex.request_id, **out.headers}
        if ex.track_id is not None:
            headers["Zuora-Track-Id"] = ex.track_id
        if ex.tenant is not None:
            used, reset = ex.tenant.count_request()
            headers["RateLimit-Limit"] = RATE_LIMIT_HEADER
            headers["RateLimit-Remaining"] = str(max(0, RATE_LIMIT_MINUTE - used))
            headers["RateLimit-Reset"] = str(reset)
            limit = self.settings.concurrency_limit
            headers["Concurrency-Limit-Type"] = "Default"
            headers["Concurrency-Limit-Limit"] = str(limit)
            headers["Concurrency-Limit-Remaining"] = str(max(0, limit - ex.tenant.in_flight))
        if out.replayed:
            headers["Idempotent-Replayed"] = "true"
        return headers

    def _finish(self, request: Request, ex: _Exchange, out: _Out) -> Response:
        headers = self._headers(ex, out)
        tenant = ex.tenant
        self.journal.append(
            JournalEntry(
                seq=self.journal.next_seq(),
                tenant=tenant.client_id if tenant is not None else ex.owner,
                method=request.method,
                path=request.url.path,
                query=request.url.query,
                status=0 if out.drop else out.status,
                operation=ex.route.operation if ex.route is not None else None,
                request_id=ex.request_id,
                track_id=ex.track_id,
                idempotency_key=ex.idempotency_key,
                replayed=out.replayed,
                fault="; ".join(ex.faults) or None,
                sim_time=tenant.now().isoformat(sep=" ") if tenant is not None else "",
            )
        )
        if out.drop:
            return _DropResponse(headers)
        return Response(
            out.text, status_code=out.status, headers=headers, media_type="application/json"
        )

    # ----------------------------------------------------------------- entry points

    async def api(self, request: Request, route: ApiRoute) -> Response:
        track_id = request.headers.get("zuora-track-id")
        real = uses_real_status(request.headers.get("zuora-version"), self.settings.default_version)
        token = self._bearer(request)
        tenant = self.registry.tenant_for_token(token) if token else None
        if tenant is None:
            request_id, process_id = self._anonymous_ids()
            ex = _Exchange(route, None, request_id, process_id, track_id, real)
            ex.owner = (self.registry.token_owner(token) if token else None) or ""
            out = _Out(401, jsoncodec.dumps({"message": "Authentication error"}))
            return self._finish(request, ex, out)
        request_id, process_id = tenant.next_request_ids()
        ex = _Exchange(route, tenant, request_id, process_id, track_id, real)
        if track_id is not None and (
            not _TRACK_ID.fullmatch(track_id) or _TRACK_FORBIDDEN & set(track_id)
        ):
            ex.track_id = None
            bad_track = ValidationError(
                "Zuora-Track-Id must be at most 64 US-ASCII characters without : ; \" '",
                code=50_000_020,
            )
            return self._finish(
                request, ex, self._error(bad_track, ex, object_query=route.object_query)
            )
        tenant.in_flight += 1
        try:
            if tenant.in_flight > self.settings.concurrency_limit:
                busy = RateLimitedError(
                    "Concurrency limit exceeded: too many requests in flight for this tenant",
                    code=50_000_070,
                    retry_after=1,
                )
                out = self._error(busy, ex, object_query=route.object_query)
            else:
                out = await self._run(request, route, tenant, ex)
        finally:
            tenant.in_flight -= 1
        return self._finish(request, ex, out)

    @staticmethod
    def _bearer(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()

    async def _run(self, request: Request, route: ApiRoute, tenant: Tenant, ex: _Exchange) -> _Out:
        oq = route.object_query
        method, path = request.method, request.url.path
        before = tenant.faults.pick(method, path, route.operation, "before")
        if before is not None:
            if before.effect != "latency":
                return self._fault_out(before, ex, oq)
            ex.faults.append(f"#{before.id} latency ({before.phase})")
            await self.sleep(before.latency_ms / 1000)
        try:
            raw = await read_body(request)
        except BodyTooLarge as exc:
            too_large = self._error(
                ValidationError(str(exc), code=route.resource * 100 + 20), ex, object_query=oq
            )
            too_large.status = 413
            return too_large
        key = request.headers.get("idempotency-key") if method in ("POST", "PATCH") else None
        claim: Claim | None = None
        if key is not None:
            ex.idempotency_key = key
            if not key or len(key) > MAX_KEY_LENGTH:
                err = ValidationError(
                    f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters",
                    code=50_000_020,
                )
                return self._error(err, ex, object_query=oq)
            fp = fingerprint(method, str(request.url.path) + "?" + request.url.query, raw)
            claim, stored = tenant.idempotency.claim(key, fp, tenant.now())
            if claim is Claim.REPLAY and stored is not None:
                return _Out(stored.status, stored.body, replayed=True)
            if claim is Claim.IN_FLIGHT:
                conflict = self._error(
                    ConflictError(
                        "A request with this Idempotency-Key is still being processed: "
                        "retry after it finishes",
                        code=50_000_050,
                    ),
                    ex,
                    object_query=oq,
                )
                conflict.status = 409
                return conflict
            if claim is Claim.MISMATCH:
                mismatch = self._error(
                    BackendError(
                        "This Idempotency-Key was already used for a different request "
                        "(method, URL or body): use a new key",
                        code=50_000_030,
                    ),
                    ex,
                    object_query=oq,
                )
                mismatch.status = 422
                return mismatch
        transient = False
        try:
            body = parse_json(raw, route.resource)
            call = Call(
                backend=tenant.backend,
                path_params=dict(request.path_params),
                query=list(request.query_params.multi_items()),
                body=body,
                base_url=str(request.base_url).rstrip("/"),
                path=path,
            )
            wire = await route.handler(call)
            out = _Out(wire.status, wire.text(), dict(wire.headers))
        except BackendError as err:
            transient = is_transient(err)
            out = self._error(err, ex, object_query=oq)
        except Exception as exc:  # a bug in the fake still answers in the envelope
            bug = ServerError(f"The fake server failed: {exc!r}", code=50_000_060)
            transient = True
            out = self._error(bug, ex, object_query=oq)
        after = tenant.faults.pick(method, path, route.operation, "after")
        if after is not None and after.effect == "latency":
            ex.faults.append(f"#{after.id} latency ({after.phase})")
            await self.sleep(after.latency_ms / 1000)  # the key stays "in flight" meanwhile
        if key is not None and claim is Claim.NEW:
            if transient:
                tenant.idempotency.abandon(key)
            else:
                tenant.idempotency.complete(key, out.status, out.text, tenant.now())
        if after is not None and after.effect != "latency":
            return self._fault_out(after, ex, oq)
        return out

    async def unknown_route(self, request: Request, allowed: list[str]) -> Response:
        request_id, process_id = self._anonymous_ids()
        real = uses_real_status(request.headers.get("zuora-version"), self.settings.default_version)
        ex = _Exchange(
            None, None, request_id, process_id, request.headers.get("zuora-track-id"), real
        )
        err: BackendError
        if allowed:
            err = ValidationError(
                f"{request.method} is not supported on {request.url.path}; "
                f"use {', '.join(allowed)}",
                code=50_000_045,
            )
            out = self._error(err, ex, object_query=False)
            out.status = 405
            out.headers["Allow"] = ", ".join(allowed)
        else:
            err = BackendError(
                f"Unrecognized request URL ({request.method} {request.url.path})",
                code=50_000_040,
            )
            out = self._error(err, ex, object_query=request.url.path.startswith("/object-query"))
            out.status = 404
        return self._finish(request, ex, out)

    async def token(self, request: Request) -> Response:
        """``POST /oauth/token``: form body, client credentials; the tenant is the client id."""
        try:
            raw = (await read_body(request)).decode("utf-8", errors="replace")
        except BodyTooLarge as exc:
            request_id, process_id = self._anonymous_ids()
            track = request.headers.get("zuora-track-id")
            ex = _Exchange(None, None, request_id, process_id, track, True)
            error = {"error": "invalid_request", "error_description": str(exc)}
            return self._finish(request, ex, _Out(413, jsoncodec.dumps(error)))
        form = dict(parse_qsl(raw, keep_blank_values=True))
        client_id = form.get("client_id", "")
        tenant = self.registry.find(client_id) if client_id else None
        request_id, process_id = (
            tenant.next_request_ids() if tenant is not None else self._anonymous_ids()
        )
        ex = _Exchange(
            None, tenant, request_id, process_id, request.headers.get("zuora-track-id"), True
        )
        if tenant is not None:
            rule = tenant.faults.pick("POST", "/oauth/token", "createToken", "before")
            if rule is not None and rule.effect != "latency":
                return self._finish(request, ex, self._fault_out(rule, ex, False))
        if client_id and len(client_id) != CLIENT_ID_LENGTH:
            # Zuora's spec (createToken) gives client_id minLength = maxLength = 36, and Zuora's
            # SDK refuses another length before it calls; the OAuth-style body is the one this
            # endpoint uses for every refusal (Zuora documents no token error body).
            error = {
                "error": "invalid_request",
                "error_description": f"client_id must be {CLIENT_ID_LENGTH} characters "
                f"(a Zuora OAuth client id), got {min(len(client_id), MAX_CLIENT_ID + 1)}",
            }
            return self._finish(request, ex, _Out(400, jsoncodec.dumps(error)))
        if form.get("grant_type") != "client_credentials" or not client_id:
            out = _Out(
                400,
                jsoncodec.dumps(
                    {
                        "error": "invalid_request",
                        "error_description": "Send client_id, client_secret and "
                        "grant_type=client_credentials as a form body",
                    }
                ),
            )
            return self._finish(request, ex, out)
        if not self.registry.credentials_ok(client_id, form.get("client_secret", "")):
            out = _Out(
                401,
                jsoncodec.dumps(
                    {"error": "invalid_client", "error_description": "Invalid client credentials"}
                ),
            )
            return self._finish(request, ex, out)
        token, tenant = self.registry.issue_token(client_id)
        ex.tenant = tenant
        body: dict[str, Any] = {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": TOKEN_SECONDS,
            "scope": f"user.fake entity.fake tenant.{client_id}",
            "jti": token,
        }
        return self._finish(request, ex, _Out(200, jsoncodec.dumps(body)))
