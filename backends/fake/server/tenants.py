"""The server's tenants: one fake Zuora tenant per OAuth ``client_id``, built lazily from the seed.

Every client id that presents the server's client secret gets its own :class:`FakeBackend` (its
own engine, clock, idempotency keys and fault rules), so parallel test runs that use different
client ids never see each other's objects. Tokens are 32-hex strings issued from a seeded
stream and expire on the tenant's *simulated* clock (Zuora's ``expires_in`` is 3599 s), so
advancing the clock a day expires every token of that tenant.

The whole registry exports to one versioned JSON document (every tenant's engine state, stored
idempotent responses and fault rules) and saves atomically; a plain engine state (what the
console's fake backend writes) is also accepted and becomes the demo tenant.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pydantic

from backends import jsoncodec
from backends.errors import BackendError, ValidationError
from backends.fake import tenants as seeds
from backends.fake.backend import FakeBackend
from backends.fake.engine import Engine
from backends.fake.faults import FaultBook
from backends.fake.persistence import write_atomic
from backends.fake.server.control_models import TenantStateIn
from backends.fake.server.idempotency import IdempotencyStore
from backends.rest.secrets import Secret

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "SERVER_STATE_FORMAT",
    "TOKEN_SECONDS",
    "Tenant",
    "TenantRegistry",
]

#: The demo tenant's credentials, shaped like Zuora's: a client id is a 36-character UUID, a
#: client secret 38 letters and digits (the token call's sample in Zuora's spec; the spec caps
#: secrets at 42). Zuora's own SDK refuses a client id of another length before it calls.
DEMO_CLIENT_ID = "fa4ede70-c11e-4a7d-9e00-000000000001"
DEMO_CLIENT_SECRET = "FakeDemoSecretForLoopbackOnly000000001"
TOKEN_SECONDS = 3599
SERVER_STATE_FORMAT = "billing-tui/fake-server-state"
SERVER_STATE_VERSION = 1
_ENGINE_STATE_FORMAT = "billing-tui/fake-engine-state"
SEEDS = ("demo", "empty")
#: seeds with a count, built per tenant from the seed rather than copied from one export
COUNTED_SEEDS = "generated:N or bulk:N"

Progression = Literal["manual", "realtime"]


def request_ids(seed: str) -> tuple[str, str]:
    """(request id, process id) derived from ``seed``: UUID- and 16-hex-shaped."""
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}", h[32:48].upper()


def _generated_size(seed: str) -> int | None:
    """``generated:100000`` (or ``generated:100_000``) -> 100000; None for other seeds."""
    prefix, _, count = seed.partition(":")
    digits = count.replace("_", "")
    if prefix == "generated" and digits.isdigit() and int(digits) > 0:
        return int(digits)
    return None


def _bulk_size(seed: str) -> int | None:
    from backends.fake.bulk import bulk_size

    try:
        return bulk_size(seed)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def _check_seed(seed: str) -> None:
    """Refuse an unknown seed without building it (a bulk tenant takes seconds)."""
    if seed in SEEDS or _generated_size(seed) is not None or _bulk_size(seed) is not None:
        return
    raise ValidationError(
        f"Unknown seed {seed!r}: choose one of {', '.join(SEEDS)} or {COUNTED_SEEDS}"
    )


def _seed_engine(seed: str) -> Engine:
    if seed == "demo":
        return seeds.demo()
    if seed == "empty":
        return seeds.empty()
    size = _generated_size(seed)
    if size is not None:
        from backends.fake.generated import generated

        return generated(size)
    invoices = _bulk_size(seed)
    if invoices is not None:
        from backends.fake.bulk import bulk

        return bulk(invoices)
    raise ValidationError(
        f"Unknown seed {seed!r}: choose one of {', '.join(SEEDS)} or {COUNTED_SEEDS}"
    )


@dataclass
class Tenant:
    """One client id's fake Zuora tenant and the server-side state that goes with it."""

    client_id: str
    backend: FakeBackend
    faults: FaultBook
    idempotency: IdempotencyStore = field(default_factory=IdempotencyStore)
    in_flight: int = 0
    requests: int = 0
    _window: tuple[datetime, int] | None = None
    _ids: int = 0

    @property
    def engine(self) -> Engine:
        return self.backend.engine

    def now(self) -> datetime:
        return self.backend.engine.now

    def next_request_ids(self) -> tuple[str, str]:
        """(request id, process id): deterministic per tenant, UUID- and 16-hex-shaped."""
        self._ids += 1
        return request_ids(f"{self.client_id}\x00request\x00{self._ids}")

    def count_request(self) -> tuple[int, int]:
        """Count a request in the current simulated minute: (used in window, seconds left)."""
        now = self.now()
        start = now.replace(second=0, microsecond=0)
        if self._window is None or self._window[0] != start:
            self._window = (start, 0)
        self._window = (start, self._window[1] + 1)
        return self._window[1], 60 - now.second


@dataclass
class _Token:
    client_id: str
    expires_at: datetime


class TenantRegistry:
    """Tenants by client id, the token table, and the state file."""

    def __init__(
        self,
        *,
        seed: str = "demo",
        client_secret: str | Secret = DEMO_CLIENT_SECRET,
        demo_client_id: str = DEMO_CLIENT_ID,
        progression: Progression = "manual",
        stage_seconds: float = 1.0,
        state_file: Path | None = None,
        fault_seed: int = 0,
    ) -> None:
        _check_seed(seed)  # fail early on an unknown seed
        self.seed = seed
        self.client_secret = (
            client_secret if isinstance(client_secret, Secret) else Secret(client_secret)
        )
        self.demo_client_id = demo_client_id
        self.progression: Progression = progression
        self.stage_seconds = stage_seconds
        self.state_file = state_file
        self.fault_seed = fault_seed
        self._tenants: dict[str, Tenant] = {}
        self._tokens: dict[str, _Token] = {}
        self._token_counter = 0
        self._seed_state: dict[str, Any] | None = None
        if state_file is not None and state_file.exists():
            self.load(state_file)

    # ----------------------------------------------------------------- tenants

    def _fresh_engine(self) -> Engine:
        if _generated_size(self.seed) is not None or _bulk_size(self.seed) is not None:
            # a generated tenant builds its orders lazily from the seed in milliseconds;
            # exporting it would build every order (gigabytes at 100,000). A bulk tenant builds
            # in seconds, faster than importing its export would be.
            return _seed_engine(self.seed)
        if self._seed_state is None:
            self._seed_state = jsoncodec.to_jsonable(_seed_engine(self.seed).export_state())
        return Engine.import_state(self._seed_state)

    def _make(self, client_id: str, engine: Engine) -> Tenant:
        backend = FakeBackend(
            engine, progression=self.progression, stage_seconds=self.stage_seconds
        )
        seed = int.from_bytes(hashlib.sha256(client_id.encode()).digest()[:4], "big")
        return Tenant(
            client_id=client_id, backend=backend, faults=FaultBook(seed ^ self.fault_seed)
        )

    def get(self, client_id: str) -> Tenant:
        """The tenant of ``client_id``, created from the seed on first use."""
        tenant = self._tenants.get(client_id)
        if tenant is None:
            tenant = self._make(client_id, self._fresh_engine())
            self._tenants[client_id] = tenant
        return tenant

    def find(self, client_id: str) -> Tenant | None:
        return self._tenants.get(client_id)

    @property
    def tenants(self) -> list[Tenant]:
        return list(self._tenants.values())

    async def reset(self, client_id: str) -> Tenant:
        """Back to the seed: a new engine, no idempotency keys, the tenant's tokens revoked.
        Fault rules stay (remove them with the faults endpoint)."""
        old = self._tenants.get(client_id)
        tenant = self._make(client_id, self._fresh_engine())
        if old is not None:
            tenant.faults = old.faults
            await old.backend.aclose()
        self._tenants[client_id] = tenant
        self._revoke(client_id)
        return tenant

    async def aclose(self) -> None:
        for tenant in self._tenants.values():
            await tenant.backend.aclose()

    # ----------------------------------------------------------------- tokens

    def credentials_ok(self, client_id: str, client_secret: str) -> bool:
        expected = self.client_secret.reveal().encode()
        return bool(client_id) and hmac.compare_digest(client_secret.encode(), expected)

    def issue_token(self, client_id: str) -> tuple[str, Tenant]:
        tenant = self.get(client_id)
        now = tenant.now()
        stale = [
            t for t, e in self._tokens.items() if e.client_id == client_id and e.expires_at <= now
        ]
        for old in stale:
            del self._tokens[old]  # expired ones go when their tenant asks for a new token
        self._token_counter += 1
        token = hashlib.sha256(
            f"{self.client_secret.reveal()}\x00{client_id}\x00{self._token_counter}".encode()
        ).hexdigest()[:32]
        self._tokens[token] = _Token(client_id, tenant.now() + timedelta(seconds=TOKEN_SECONDS))
        return token, tenant

    def tenant_for_token(self, token: str) -> Tenant | None:
        """The tenant a bearer token belongs to, or None if unknown or expired (sim clock).

        An expired token is remembered as expired (see :meth:`token_owner`), not forgotten."""
        entry = self._tokens.get(token)
        if entry is None:
            return None
        tenant = self._tenants.get(entry.client_id)
        if tenant is None or tenant.now() >= entry.expires_at:
            return None
        return tenant

    def token_owner(self, token: str) -> str | None:
        """The client id a token was issued to, expired or not (for the journal)."""
        entry = self._tokens.get(token)
        return entry.client_id if entry is not None else None

    def _revoke(self, client_id: str) -> None:
        for token in [t for t, e in self._tokens.items() if e.client_id == client_id]:
            del self._tokens[token]

    # ----------------------------------------------------------------- state

    def export_tenant(self, tenant: Tenant) -> dict[str, Any]:
        return {
            "clientId": tenant.client_id,
            "engine": tenant.engine.export_state(),
            "idempotency": tenant.idempotency.export(),
            "faults": [rule.to_json() for rule in tenant.faults.rules],
        }

    def import_tenant(self, client_id: str, data: Any) -> Tenant:
        """Replace one tenant from :meth:`export_tenant` output (or a bare engine state).

        Everything is checked before anything changes: a refused state leaves the tenant as it
        was."""
        tenant = self._build_tenant(client_id, data)
        self._tenants[client_id] = tenant
        self._revoke(client_id)
        return tenant

    def _build_tenant(self, client_id: str, data: Any) -> Tenant:
        if isinstance(data, dict) and data.get("format") == _ENGINE_STATE_FORMAT:
            data = {"engine": data}
        if not isinstance(data, dict) or "engine" not in data:
            raise ValidationError("Not a tenant state: expected an object with an engine state")
        engine = Engine.import_state(data["engine"])  # the engine's own checks, StateError
        try:
            checked = TenantStateIn.model_validate(data)
        except pydantic.ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValidationError(f"Not a valid tenant state: {where}: {first['msg']}") from None
        tenant = self._make(client_id, engine)
        try:
            tenant.idempotency.import_(
                [entry.model_dump(by_alias=True) for entry in checked.idempotency]
            )
        except ValueError as exc:
            raise ValidationError(f"Not a valid tenant state: idempotency: {exc}") from None
        for rule in checked.faults:
            tenant.faults.add(rule.to_rule())
        return tenant

    def export_state(self) -> dict[str, Any]:
        return {
            "format": SERVER_STATE_FORMAT,
            "version": SERVER_STATE_VERSION,
            "seed": self.seed,
            "tenants": [self.export_tenant(t) for t in self._tenants.values()],
        }

    def import_state(self, data: Any) -> None:
        """Replace every tenant from :meth:`export_state` output or from a bare engine state.

        All tenants are rebuilt first; only when every one of them is sound do they replace the
        current ones."""
        if isinstance(data, dict) and data.get("format") == _ENGINE_STATE_FORMAT:
            built = {self.demo_client_id: self._build_tenant(self.demo_client_id, data)}
        else:
            built = self._build_server_state(data)
        self._tenants = built
        self._tokens.clear()

    def _build_server_state(self, data: Any) -> dict[str, Tenant]:
        if not isinstance(data, dict) or data.get("format") != SERVER_STATE_FORMAT:
            raise ValidationError("This is not a saved fake-server state (no format marker)")
        version = data.get("version")
        if (
            isinstance(version, bool)
            or not isinstance(version, int)
            or version > SERVER_STATE_VERSION
        ):
            raise ValidationError(
                f"The saved server state is version {version!r}; this billing-tui reads up to "
                f"version {SERVER_STATE_VERSION}: upgrade billing-tui or start a new state"
            )
        entries = data.get("tenants")
        if not isinstance(entries, list):
            raise ValidationError("The saved server state has no tenant list: it is corrupt")
        built: dict[str, Tenant] = {}
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("clientId"), str):
                raise ValidationError("A tenant in the saved server state has no clientId")
            client_id = entry["clientId"]
            if not client_id or client_id in built:
                raise ValidationError(
                    f"The saved server state names tenant {client_id!r} twice or empty"
                )
            try:
                built[client_id] = self._build_tenant(client_id, entry)
            except BackendError as exc:
                raise ValidationError(f"tenant {client_id!r}: {exc.message}") from None
        return built

    def save(self, path: Path | None = None) -> Path:
        """Write every tenant atomically (temp file, fsync, rename) to ``path`` or the state file."""
        target = path or self.state_file
        if target is None:
            raise ValidationError("The fake server was started without --state FILE")
        write_atomic(target, jsoncodec.dumps(self.export_state(), indent=1) + "\n")
        return target

    def load(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValidationError(f"Cannot read the fake server state {path}: {exc}") from exc
        try:
            data = jsoncodec.loads(text)
        except ValueError as exc:
            raise ValidationError(f"{path} is not valid JSON: the saved state is corrupt") from exc
        try:
            self.import_state(data)
        except ValidationError as exc:
            raise ValidationError(f"{path}: {exc.message}") from exc
