"""The control plane under ``/_fake/``: what tests and operators use to drive the fake.

=========================================================  =====================================
``GET  /_fake/health``                                      status, seed, tenants
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
Errors are plain ``{"error": "..."}`` with 400 or 404: this is the fake's API, not Zuora's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backends import jsoncodec
from backends.errors import BackendError
from backends.fake.faults import FaultRule
from backends.fake.server.pipeline import FakeServer
from backends.fake.server.tenants import Tenant

__all__ = ["control_routes"]


def _json(body: Any, status: int = 200) -> Response:
    return Response(jsoncodec.dumps(body), status_code=status, media_type="application/json")


def _fail(message: str, status: int = 400) -> Response:
    return _json({"error": message}, status)


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    return jsoncodec.loads(raw)


def _clock(tenant: Tenant) -> dict[str, Any]:
    engine = tenant.engine
    return {
        "clientId": tenant.client_id,
        "today": engine.today,
        "now": engine.now,
        "activeBillRuns": engine.active_bill_runs(),
    }


def control_routes(server: FakeServer) -> list[Route]:
    registry = server.registry

    def tenant_of(request: Request) -> Tenant:
        return registry.get(request.path_params["client_id"])

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

    async def tenants(request: Request) -> Response:
        return _json({"tenants": [_clock(t) for t in registry.tenants]})

    async def reset(request: Request) -> Response:
        tenant = await registry.reset(request.path_params["client_id"])
        return _json(_clock(tenant))

    async def clock(request: Request) -> Response:
        return _json(_clock(tenant_of(request)))

    async def advance(request: Request) -> Response:
        tenant = tenant_of(request)
        try:
            body = await _body(request) or {}
            if body.get("nextRunDate"):
                moved = await tenant.backend.advance_to_next_run_date()
            elif "to" in body:
                moved = await tenant.backend.advance(to=date.fromisoformat(str(body["to"])))
            else:
                return _fail('send {"to": "YYYY-MM-DD"} or {"nextRunDate": true}')
        except (ValueError, AttributeError) as exc:
            return _fail(f"bad clock request: {exc}")
        except BackendError as exc:
            return _fail(exc.message)
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
            try:
                body = await _body(request)
                raws = body if isinstance(body, list) else [body]
                rules = [tenant.faults.add(FaultRule.from_json(raw)) for raw in raws]
            except (ValueError, TypeError) as exc:
                return _fail(f"bad fault rule: {exc}")
            return _json({"rules": [r.to_json() for r in rules]}, 201)
        return _json({"rules": [r.to_json() for r in tenant.faults.rules]})

    async def fault(request: Request) -> Response:
        tenant = tenant_of(request)
        try:
            rule_id = int(request.path_params["rule_id"])
        except ValueError:
            return _fail("a rule id is a number", 404)
        if not tenant.faults.remove(rule_id):
            return _fail(f"no fault rule {rule_id}", 404)
        return _json({"removed": rule_id})

    async def tenant_state(request: Request) -> Response:
        client_id = request.path_params["client_id"]
        if request.method == "PUT":
            try:
                tenant = registry.import_tenant(client_id, await _body(request))
            except (BackendError, ValueError) as exc:
                return _fail(str(exc))
            return _json(_clock(tenant))
        return _json(registry.export_tenant(registry.get(client_id)))

    async def journal(request: Request) -> Response:
        if request.method == "DELETE":
            server.journal.clear()
            return _json({"entries": []})
        q = request.query_params
        entries = server.journal.entries(
            tenant=q.get("tenant"), method=q.get("method"), path=q.get("path")
        )
        if q.get("operation"):
            entries = [e for e in entries if e.operation == q["operation"]]
        if q.get("status"):
            entries = [e for e in entries if str(e.status) == q["status"]]
        if q.get("fault") in ("true", "1"):
            entries = [e for e in entries if e.fault]
        if q.get("since"):
            entries = [e for e in entries if e.seq > int(q["since"])]
        if q.get("limit"):
            entries = entries[-int(q["limit"]) :]
        return _json({"entries": [e.to_json() for e in entries]})

    async def state(request: Request) -> Response:
        if request.method == "PUT":
            try:
                registry.import_state(await _body(request))
            except (BackendError, ValueError) as exc:
                return _fail(str(exc))
            return _json({"tenants": [t.client_id for t in registry.tenants]})
        return _json(registry.export_state())

    async def save(request: Request) -> Response:
        try:
            path = registry.save()
        except BackendError as exc:
            return _fail(exc.message)
        return _json({"saved": str(path), "tenants": [t.client_id for t in registry.tenants]})

    t = "/_fake/tenants/{client_id}"
    return [
        Route("/_fake/health", health, methods=["GET"]),
        Route("/_fake/tenants", tenants, methods=["GET"]),
        Route(f"{t}/reset", reset, methods=["POST"]),
        Route(f"{t}/clock", clock, methods=["GET"]),
        Route(f"{t}/clock/advance", advance, methods=["POST"]),
        Route(f"{t}/clock/settle", settle, methods=["POST"]),
        Route(f"{t}/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route(f"{t}/faults/{{rule_id}}", fault, methods=["DELETE"]),
        Route(f"{t}/state", tenant_state, methods=["GET", "PUT"]),
        Route("/_fake/journal", journal, methods=["GET", "DELETE"]),
        Route("/_fake/state", state, methods=["GET", "PUT"]),
        Route("/_fake/state/save", save, methods=["POST"]),
    ]
