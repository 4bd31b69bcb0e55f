"""The control plane under ``/_fake/``: what tests and operators use to drive the fake.

=========================================================  =====================================
``GET  /_fake/health``                                      status, seed, tenants
``GET  /_fake/openapi.json``                                this description, as OpenAPI 3.1
``GET  /_fake/tenants``                                     every tenant with its clock
``POST /_fake/tenants/{clientId}/reset``                    back to the seed (faults kept)
``GET  /_fake/tenants/{clientId}/clock``                    today, now, active bill runs
``POST /_fake/tenants/{clientId}/clock/advance``            ``{"to": "YYYY-MM-DD"}`` or
                                                            ``{"nextRunDate": true}``
``POST /_fake/tenants/{clientId}/clock/settle``             finish every queued bill run
``GET|POST|DELETE /_fake/tenants/{clientId}/faults``        list, add (one rule or a list), clear
``DELETE /_fake/tenants/{clientId}/faults/{id}``            remove one rule
``GET|PUT /_fake/tenants/{clientId}/state``                 export / import one tenant
``GET|DELETE /_fake/journal``                               requests (filters: tenant, method,
                                                            path, operation, status, fault,
                                                            since, limit) / clear
``GET|PUT /_fake/state``                                    export / import every tenant
``POST /_fake/state/save``                                  write the ``--state`` file now
=========================================================  =====================================

Tenants are created on first use here too, so a test can set fault rules before its first token.
Errors are plain ``{"error": "..."}`` with 400, 404, 405 or 413: this is the fake's API, not
Zuora's. Every input is validated by the models of :mod:`control_models` before anything changes.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, TypeVar

import pydantic
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backends import jsoncodec
from backends.errors import BackendError
from backends.fake.server.control_models import (
    CONTROL_MAX_BODY_BYTES,
    MAX_ADVANCE_DAYS,
    MAX_CLIENT_ID,
    MAX_FAULT_RULES,
    ClockAdvanceIn,
    FaultRuleIn,
    JournalQuery,
    openapi,
)
from backends.fake.server.pipeline import FakeServer
from backends.fake.server.tenants import Tenant
from backends.fake.server.validation import (
    MAX_DEPTH,
    BodyTooLarge,
    nested_deeper_than,
    read_body,
)

__all__ = ["control_error", "control_routes"]

M = TypeVar("M", bound=pydantic.BaseModel)


class _Refused(Exception):
    """A control-plane request that is refused: its message and status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        jsoncodec.dumps(body), status_code=status, media_type="application/json", headers=headers
    )


def control_error(
    message: str, status: int = 400, headers: dict[str, str] | None = None
) -> Response:
    """The control plane's error envelope: ``{"error": message}``."""
    return _json({"error": message}, status, headers)


async def _body(request: Request) -> Any:
    try:
        raw = await read_body(request, CONTROL_MAX_BODY_BYTES)
    except BodyTooLarge as exc:
        raise _Refused(str(exc), 413) from None
    if not raw.strip():
        return None
    if nested_deeper_than(raw):
        raise _Refused(f"the body nests deeper than {MAX_DEPTH} levels")
    try:
        return jsoncodec.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        raise _Refused(f"the body is not JSON: {exc}") from None


def _problem(exc: pydantic.ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False)[:3]:
        where = ".".join(str(p) for p in error["loc"])
        parts.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
    return "; ".join(parts)


def _validate(model: type[M], data: Any, what: str) -> M:
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _Refused(f"bad {what}: {_problem(exc)}") from None


def _clock(tenant: Tenant) -> dict[str, Any]:
    engine = tenant.engine
    return {
        "clientId": tenant.client_id,
        "today": engine.today,
        "now": engine.now,
        "activeBillRuns": engine.active_bill_runs(),
    }


def _client_id(request: Request) -> str:
    client_id: str = request.path_params["client_id"]
    if not 1 <= len(client_id) <= MAX_CLIENT_ID:
        raise _Refused(f"a client id is 1 to {MAX_CLIENT_ID} characters")
    return client_id


def control_routes(server: FakeServer) -> list[Route]:
    registry = server.registry

    def tenant_of(request: Request) -> Tenant:
        return registry.get(_client_id(request))

    async def health(request: Request) -> Response:
        return _json(
            {
                "status": "ok",
                "seed": registry.seed,
                "demoClientId": registry.demo_client_id,
                "tenants": [t.client_id for t in registry.tenants],
                "stateFile": str(registry.state_file) if registry.state_file else None,
            }
        )

    async def description(request: Request) -> Response:
        # the standard encoder: the schema has floats (bounds), which jsoncodec refuses as money
        return Response(json.dumps(openapi()), media_type="application/json")

    async def tenants(request: Request) -> Response:
        return _json({"tenants": [_clock(t) for t in registry.tenants]})

    async def reset(request: Request) -> Response:
        tenant = await registry.reset(_client_id(request))
        return _json(_clock(tenant))

    async def clock(request: Request) -> Response:
        return _json(_clock(tenant_of(request)))

    async def advance(request: Request) -> Response:
        tenant = tenant_of(request)
        move = _validate(ClockAdvanceIn, await _body(request), "clock request")
        try:
            if move.to is None:
                moved = await tenant.backend.advance_to_next_run_date()
            else:
                latest = tenant.engine.today + timedelta(days=MAX_ADVANCE_DAYS)
                if move.to > latest:
                    raise _Refused(
                        f"the clock moves at most {MAX_ADVANCE_DAYS} days at a time "
                        f"(to {latest.isoformat()} from this tenant's today)"
                    )
                moved = await tenant.backend.advance(to=move.to)
        except BackendError as exc:
            raise _Refused(exc.message) from None
        return _json({**moved.to_wire(), **_clock(tenant)})

    async def settle(request: Request) -> Response:
        tenant = tenant_of(request)
        settled = len(tenant.engine.active_bill_runs())
        await tenant.backend.settle()
        return _json({"settled": settled, **_clock(tenant)})

    async def faults(request: Request) -> Response:
        tenant = tenant_of(request)
        if request.method == "DELETE":
            tenant.faults.clear()
            return _json({"rules": []})
        if request.method == "POST":
            body = await _body(request)
            raws = body if isinstance(body, list) else [body]
            if not raws:
                raise _Refused("send a fault rule or a non-empty list of them")
            if len(tenant.faults.rules) + len(raws) > MAX_FAULT_RULES:
                raise _Refused(f"a tenant holds at most {MAX_FAULT_RULES} fault rules")
            checked = [_validate(FaultRuleIn, raw, "fault rule") for raw in raws]
            rules = [tenant.faults.add(rule.to_rule()) for rule in checked]
            return _json({"rules": [r.to_json() for r in rules]}, 201)
        return _json({"rules": [r.to_json() for r in tenant.faults.rules]})

    async def fault(request: Request) -> Response:
        tenant = tenant_of(request)
        text = request.path_params["rule_id"]
        if not (text.isascii() and text.isdigit() and len(text) <= 18):
            raise _Refused("a rule id is a number", 404)
        rule_id = int(text)
        if not tenant.faults.remove(rule_id):
            raise _Refused(f"no fault rule {rule_id}", 404)
        return _json({"removed": rule_id})

    async def tenant_state(request: Request) -> Response:
        client_id = _client_id(request)
        if request.method == "PUT":
            try:
                tenant = registry.import_tenant(client_id, await _body(request))
            except BackendError as exc:
                raise _Refused(exc.message) from None
            return _json(_clock(tenant))
        return _json(registry.export_tenant(registry.get(client_id)))

    async def journal(request: Request) -> Response:
        if request.method == "DELETE":
            server.journal.clear()
            return _json({"entries": []})
        query = _validate(JournalQuery, dict(request.query_params), "journal query")
        entries = server.journal.entries(tenant=query.tenant, method=query.method, path=query.path)
        if query.operation:
            entries = [e for e in entries if e.operation == query.operation]
        if query.status is not None:
            entries = [e for e in entries if e.status == query.status]
        if query.fault:
            entries = [e for e in entries if e.fault]
        if query.since is not None:
            entries = [e for e in entries if e.seq > query.since]
        if query.limit is not None:
            entries = entries[-query.limit :]
        return _json({"entries": [e.to_json() for e in entries]})

    async def state(request: Request) -> Response:
        if request.method == "PUT":
            try:
                registry.import_state(await _body(request))
            except BackendError as exc:
                raise _Refused(exc.message) from None
            return _json({"tenants": [t.client_id for t in registry.tenants]})
        return _json(registry.export_state())

    async def save(request: Request) -> Response:
        try:
            path = registry.save()
        except BackendError as exc:
            raise _Refused(exc.message) from None
        return _json({"saved": str(path), "tenants": [t.client_id for t in registry.tenants]})

    def guarded(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            try:
                response: Response = await handler(request)
            except _Refused as refused:
                return control_error(refused.message, refused.status)
            return response

        endpoint.__name__ = handler.__name__
        return endpoint

    t = "/_fake/tenants/{client_id}"
    table: list[tuple[str, Any, list[str]]] = [
        ("/_fake/health", health, ["GET"]),
        ("/_fake/openapi.json", description, ["GET"]),
        ("/_fake/tenants", tenants, ["GET"]),
        (f"{t}/reset", reset, ["POST"]),
        (f"{t}/clock", clock, ["GET"]),
        (f"{t}/clock/advance", advance, ["POST"]),
        (f"{t}/clock/settle", settle, ["POST"]),
        (f"{t}/faults", faults, ["GET", "POST", "DELETE"]),
        (f"{t}/faults/{{rule_id}}", fault, ["DELETE"]),
        (f"{t}/state", tenant_state, ["GET", "PUT"]),
        ("/_fake/journal", journal, ["GET", "DELETE"]),
        ("/_fake/state", state, ["GET", "PUT"]),
        ("/_fake/state/save", save, ["POST"]),
    ]
    return [Route(path, guarded(handler), methods=methods) for path, handler, methods in table]
