"""Models and domain errors to Zuora's wire format, and back.

Handlers never format responses themselves: they return models or raise ``BackendError`` and this
module turns both into Zuora's v1 envelope (``success``, ``processId``, ``requestId``, ``reasons``)
or Object Query's (no ``success``). Which HTTP status an error gets depends on the request's
``Zuora-Version``: from ``2024-05-20`` on, the real status; before it (and for the legacy numeric
versions ``186.0`` … ``341.0``), HTTP 200 with ``success: false``, as Zuora's upgrade notes say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from backends import jsoncodec
from backends.errors import BackendError

__all__ = [
    "ERROR_STATUS_SINCE",
    "TRANSIENT_CATEGORIES",
    "WireResponse",
    "error_body",
    "error_status",
    "full_code",
    "is_transient",
    "uses_real_status",
]

#: The first minor version whose errors carry real HTTP status codes.
ERROR_STATUS_SINCE = "2024-05-20"

_DATE_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMERIC_VERSION = re.compile(r"\d+(\.\d+)?")

_CATEGORY_STATUS = {
    10: 403,
    11: 401,
    20: 400,
    21: 400,
    22: 400,
    23: 400,
    27: 400,
    30: 400,
    40: 404,
    45: 405,
    50: 409,
    60: 500,
    61: 500,
    70: 429,
    90: 400,
    99: 500,
}


#: Failures that say "try again": an idempotency key does not keep them (so a retry can succeed).
TRANSIENT_CATEGORIES = frozenset({50, 61, 70})


def is_transient(err: BackendError) -> bool:
    return full_code(err) % 100 in TRANSIENT_CATEGORIES


class WireResponse:
    """What a handler produced, before the transport layer adds headers: status + JSON body."""

    __slots__ = ("body", "headers", "status")

    def __init__(
        self, status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        self.status = status
        self.body = dict(body)
        self.headers = dict(headers or {})

    def text(self) -> str:
        return jsoncodec.dumps(self.body)


def uses_real_status(zuora_version: str | None, tenant_default: str) -> bool:
    """True when errors for this request use real HTTP statuses (version >= 2024-05-20).

    Legacy numeric minor versions (``186.0`` ... ``341.0``) all predate 2024-05-20; anything
    that is neither a date nor a number falls back to the tenant default.
    """
    version = (zuora_version or "").strip()
    if not _DATE_VERSION.fullmatch(version) and not _NUMERIC_VERSION.fullmatch(version):
        version = tenant_default.strip()
    if _NUMERIC_VERSION.fullmatch(version):
        return False
    return version >= ERROR_STATUS_SINCE


def full_code(err: BackendError) -> int:
    """The error's 8-digit code; ``500000`` + category when the engine gave only a category."""
    if err.code is not None:
        return err.code
    category = err.category if err.category is not None else 60
    return 50_000_000 + category


def error_status(err: BackendError) -> int:
    """The HTTP status Zuora (>= 2024-05-20) uses for this error."""
    category = full_code(err) % 100
    return _CATEGORY_STATUS.get(category, err.status or 500)


def error_body(
    err: BackendError, *, process_id: str, request_id: str, object_query: bool = False
) -> dict[str, Any]:
    """The envelope for one error."""
    reasons = [{"code": full_code(err), "message": err.message}]
    if object_query:
        return {"reasons": reasons, "requestId": request_id}
    return {"success": False, "processId": process_id, "requestId": request_id, "reasons": reasons}
