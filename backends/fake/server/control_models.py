"""What the ``/_fake/`` control plane accepts and answers, as pydantic models.

Every input is validated here when it is submitted (a fault rule, a clock move, the journal's
filters, a state to import), so nothing the control plane accepts can break a tenant later.
Types are strict where a coercion would hide a mistake (``"method": 5`` is refused, not turned
into ``"5"``); query parameters are strings on the wire and are converted. The same models
generate the control plane's OpenAPI description (:func:`openapi`), served at
``GET /_fake/openapi.json``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import models_json_schema

from backends.fake.faults import EFFECTS, FaultRule

__all__ = [
    "CLIENT_ID_LENGTH",
    "CONTROL_MAX_BODY_BYTES",
    "MAX_ADVANCE_DAYS",
    "MAX_CLIENT_ID",
    "MAX_FAULT_RULES",
    "ClockAdvanceIn",
    "ControlError",
    "FaultRuleIn",
    "IdempotencyEntryIn",
    "JournalQuery",
    "TenantStateIn",
    "openapi",
]

#: The largest body the control plane accepts (a whole server state: ~180 KB per demo tenant).
CONTROL_MAX_BODY_BYTES = 64 * 1024 * 1024
#: How far one clock move may go past the tenant's today.
MAX_ADVANCE_DAYS = 3660
#: The longest client id (a tenant name) the control plane takes.
MAX_CLIENT_ID = 255
#: The only length of client id the token endpoint takes: Zuora's (createToken in Zuora's spec
#: gives client_id minLength and maxLength 36; Zuora's client ids are hyphenated UUIDs).
CLIENT_ID_LENGTH = 36
#: The most fault rules one tenant holds (each request checks them in order).
MAX_FAULT_RULES = 1000
#: The longest latency a fault may add (Zuora's gateway gives up after 120 s).
MAX_LATENCY_MS = 120_000

Effect = Literal["latency", "rate_limit", "lock", "temporary", "unavailable", "timeout", "drop"]
assert set(EFFECTS) == set(Effect.__args__)  # type: ignore[attr-defined]


def _number(value: Any) -> Any:
    """A JSON number, not a string or a boolean that lax validation would convert."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("must be a number")
    return value


def _iso_date(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("must be a date as a string, YYYY-MM-DD")
    return value


Probability = Annotated[float, BeforeValidator(_number), Field(ge=0, le=1, allow_inf_nan=False)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class _In(BaseModel):
    """A request body: camelCase on the wire (snake_case accepted), no unknown fields."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class ControlError(BaseModel):
    """Every 4xx of the control plane: ``{"error": "what was wrong and how to fix it"}``."""

    error: str


class FaultRuleIn(_In):
    """A fault rule as submitted (``id`` and ``fired`` are read-only and ignored)."""

    effect: Effect
    method: Annotated[StrictStr, Field(pattern=r"^(\*|[A-Za-z]{1,16})$")] = "*"
    path: Annotated[StrictStr, Field(min_length=1, max_length=1000)] = "*"
    operation: Annotated[StrictStr, Field(min_length=1, max_length=200)] | None = None
    times: Annotated[StrictInt, Field(ge=0, le=1_000_000_000)] | None = None
    probability: Probability = 1.0
    latency_ms: Annotated[StrictInt, Field(ge=0, le=MAX_LATENCY_MS)] = 0
    retry_after: Annotated[StrictInt, Field(ge=0, le=3600)] = 1
    phase: Literal["before", "after"] = "before"
    id: StrictInt | None = Field(default=None, description="ignored (the server numbers rules)")
    fired: StrictInt | None = Field(default=None, description="ignored")

    def to_rule(self) -> FaultRule:
        return FaultRule(
            effect=self.effect,
            method=self.method,
            path=self.path,
            operation=self.operation,
            times=self.times,
            probability=float(self.probability),
            latency_ms=self.latency_ms,
            retry_after=self.retry_after,
            phase=self.phase,
        )


class FaultRuleOut(BaseModel):
    effect: Effect
    method: str
    path: str
    operation: str | None
    times: int | None
    probability: float
    latencyMs: int
    retryAfter: int
    phase: Literal["before", "after"]
    id: int
    fired: int


class FaultRulesOut(BaseModel):
    rules: list[FaultRuleOut]


class FaultRemovedOut(BaseModel):
    removed: int


class ClockAdvanceIn(_In):
    """Move the tenant's clock: ``{"to": "YYYY-MM-DD"}`` or ``{"nextRunDate": true}``."""

    to: IsoDate | None = None
    next_run_date: StrictBool | None = None

    @model_validator(mode="after")
    def _one_of(self) -> ClockAdvanceIn:
        if (self.to is None) == (not self.next_run_date):
            raise ValueError('send {"to": "YYYY-MM-DD"} or {"nextRunDate": true}, not both')
        return self


class JournalQuery(BaseModel):
    """The journal's filters (query parameters; unknown ones are refused)."""

    model_config = ConfigDict(extra="forbid")

    tenant: Annotated[str, Field(max_length=MAX_CLIENT_ID)] | None = None
    method: Annotated[str, Field(max_length=16)] | None = None
    path: Annotated[str, Field(max_length=1000)] | None = Field(
        default=None, description="a glob such as /v1/invoice-schedules/*"
    )
    operation: Annotated[str, Field(max_length=200)] | None = None
    status: Annotated[int, Field(ge=0, le=599)] | None = None
    fault: bool | None = Field(default=None, description="only requests a fault rule hit")
    since: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="only entries with a larger seq"
    )
    limit: Annotated[int, Field(ge=1, le=10_000)] | None = Field(
        default=None, description="the newest N entries"
    )


class JournalEntryOut(BaseModel):
    seq: int
    tenant: str
    method: str
    path: str
    query: str
    status: int
    operation: str | None
    requestId: str
    trackId: str | None
    idempotencyKey: str | None
    replayed: bool
    fault: str | None
    simTime: str


class JournalOut(BaseModel):
    entries: list[JournalEntryOut]


class IdempotencyEntryIn(_In):
    """A stored idempotent response, as a tenant state carries it."""

    key: Annotated[StrictStr, Field(min_length=1, max_length=255)]
    fingerprint: StrictStr
    status: Annotated[StrictInt, Field(ge=100, le=599)]
    body: StrictStr
    stored_at: datetime


class EngineStateIn(BaseModel):
    """The fake engine's own export (checked in full by the engine when imported)."""

    model_config = ConfigDict(extra="allow")

    format: Literal["billing-tui/fake-engine-state"]
    version: StrictInt


class TenantStateIn(_In):
    """One tenant as ``GET /_fake/tenants/{clientId}/state`` exports it."""

    client_id: Annotated[StrictStr, Field(min_length=1, max_length=MAX_CLIENT_ID)] | None = None
    engine: EngineStateIn
    idempotency: list[IdempotencyEntryIn] = Field(default_factory=list)
    faults: list[FaultRuleIn] = Field(default_factory=list, max_length=MAX_FAULT_RULES)


class ServerStateIn(_In):
    """Every tenant, as ``GET /_fake/state`` exports it."""

    format: Literal["billing-tui/fake-server-state"]
    version: StrictInt
    seed: StrictStr | None = None
    tenants: list[TenantStateIn]


class ClockOut(BaseModel):
    clientId: str
    today: date
    now: str
    activeBillRuns: list[str]


class TenantsOut(BaseModel):
    tenants: list[ClockOut]


class HealthOut(BaseModel):
    status: Literal["ok"]
    seed: str
    demoClientId: str
    tenants: list[str]
    stateFile: str | None


class AdvanceOut(ClockOut):
    """The clock after a move, with what the scheduler ran on the way."""

    model_config = ConfigDict(extra="allow")

    fromDate: date
    toDate: date
    executed: list[dict[str, Any]]


class SettleOut(ClockOut):
    settled: int


class TenantNamesOut(BaseModel):
    tenants: list[str]


class SavedOut(BaseModel):
    saved: str
    tenants: list[str]


class AnyObject(BaseModel):
    """A JSON object (an exported state)."""

    model_config = ConfigDict(extra="allow")


_MODELS: list[type[BaseModel]] = [
    ControlError,
    FaultRuleIn,
    FaultRuleOut,
    FaultRulesOut,
    FaultRemovedOut,
    ClockAdvanceIn,
    JournalEntryOut,
    JournalOut,
    TenantStateIn,
    ServerStateIn,
    ClockOut,
    TenantsOut,
    HealthOut,
    AdvanceOut,
    SettleOut,
    TenantNamesOut,
    SavedOut,
    AnyObject,
]


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(model)}}


def _op(
    summary: str,
    ok: type[BaseModel],
    *,
    status: str = "200",
    body: type[BaseModel] | dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
    errors: tuple[str, ...] = ("400",),
) -> dict[str, Any]:
    responses: dict[str, Any] = {status: {"description": "OK", "content": _json(ok)}}
    for code in (*errors, "404", "405", "413"):
        responses[code] = {"description": "refused", "content": _json(ControlError)}
    op: dict[str, Any] = {"summary": summary, "responses": responses}
    if params:
        op["parameters"] = params
    if body is not None:
        schema = _ref(body) if isinstance(body, type) else body
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    return op


def _journal_params() -> list[dict[str, Any]]:
    schema = JournalQuery.model_json_schema()
    params = []
    for name, prop in schema["properties"].items():
        kinds = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
        param_schema = {k: v for k, v in kinds[0].items() if k != "title"}
        params.append({"name": name, "in": "query", "required": False, "schema": param_schema})
    return params


CLIENT_ID_PARAM = {
    "name": "client_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_CLIENT_ID, "pattern": "^[^/]+$"},
}
RULE_ID_PARAM = {"name": "rule_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def openapi() -> dict[str, Any]:
    """The control plane's OpenAPI 3.1 description, generated from the models above."""
    _, defs = models_json_schema(
        [(m, "validation") for m in _MODELS], ref_template="#/components/schemas/{model}"
    )
    t = "/_fake/tenants/{client_id}"
    tenant = [CLIENT_ID_PARAM]
    rules_body = {"oneOf": [_ref(FaultRuleIn), {"type": "array", "items": _ref(FaultRuleIn)}]}
    state_body = {"oneOf": [_ref(TenantStateIn), _ref(EngineStateIn)]}
    whole_body = {"oneOf": [_ref(ServerStateIn), _ref(EngineStateIn)]}
    paths: dict[str, Any] = {
        "/_fake/health": {"get": _op("status, seed, tenants", HealthOut, errors=())},
        "/_fake/openapi.json": {"get": _op("this description", AnyObject, errors=())},
        "/_fake/tenants": {"get": _op("every tenant with its clock", TenantsOut, errors=())},
        f"{t}/reset": {"post": _op("back to the seed (faults kept)", ClockOut, params=tenant)},
        f"{t}/clock": {"get": _op("today, now, active bill runs", ClockOut, params=tenant)},
        f"{t}/clock/advance": {
            "post": _op("move the clock forward", AdvanceOut, body=ClockAdvanceIn, params=tenant)
        },
        f"{t}/clock/settle": {
            "post": _op("finish every queued bill run", SettleOut, params=tenant)
        },
        f"{t}/faults": {
            "get": _op("the tenant's fault rules", FaultRulesOut, params=tenant),
            "post": _op(
                "add one rule or a list",
                FaultRulesOut,
                status="201",
                body=rules_body,
                params=tenant,
            ),
            "delete": _op("remove every rule", FaultRulesOut, params=tenant),
        },
        f"{t}/faults/{{rule_id}}": {
            "delete": _op("remove one rule", FaultRemovedOut, params=[*tenant, RULE_ID_PARAM])
        },
        f"{t}/state": {
            "get": _op("export one tenant", AnyObject, params=tenant),
            "put": _op("import one tenant", ClockOut, body=state_body, params=tenant),
        },
        "/_fake/journal": {
            "get": _op("requests, oldest first", JournalOut, params=_journal_params()),
            "delete": _op("clear the journal", JournalOut, errors=()),
        },
        "/_fake/state": {
            "get": _op("export every tenant", AnyObject, errors=()),
            "put": _op("import every tenant", TenantNamesOut, body=whole_body),
        },
        "/_fake/state/save": {"post": _op("write the --state file now", SavedOut)},
    }
    schemas = dict(defs.get("$defs", {}))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "billing-tui fake Zuora: control plane",
            "version": "1",
            "description": "Drives the fake: tenants, clock, faults, journal, state. Every 4xx "
            'is {"error": "..."}; request bodies are at most '
            f"{CONTROL_MAX_BODY_BYTES} bytes and nest at most 64 levels.",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }
