"""Responses to data, models or :class:`BackendError`.

Zuora reports failure in several shapes, all handled here:

* v1 envelope ``{"success": false, "reasons": [{"code", "message"}], "requestId", "processId"}``,
  sent with HTTP 200 by tenants on API versions before 2024-05-20 and with the real status after;
* Object Query ``{"reasons": [...], "requestId": ...}`` without ``success``;
* the API gateway's ``{"message": "Authentication error"}`` (401) and ``{"code", "message"}`` (403);
* OAuth's ``{"error", "error_description"}`` on the token endpoint;
* anything else, including HTML error pages from a proxy, reported by HTTP status;
* bulk operations whose top-level ``success`` is true while an element failed.

The 8-digit code's last two digits pick the error class (:func:`backends.errors.error_for`) and the
message is Zuora's own. A body that is not what the endpoint promises (HTML, truncated JSON, a
field of the wrong type) becomes a :class:`MalformedResponse` (a :class:`ServerError`) naming the
endpoint and the field. Bodies nested deeper than :data:`MAX_DEPTH` are refused before anything
walks them: no Zuora shape comes close, and a deeper one could only exhaust the stack.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
import pydantic

from backends import jsoncodec
from backends.errors import BackendError, ServerError, error_for

__all__ = [
    "CURRENT_TRACK_ID",
    "ERROR_STATUSES",
    "MAX_DEPTH",
    "BulkOutcome",
    "MalformedResponse",
    "build_error",
    "bulk_outcomes",
    "check_bulk_item",
    "decode",
    "malformed",
    "parse_model",
    "parse_retry_after",
    "require",
]

M = TypeVar("M", bound=pydantic.BaseModel)

ERROR_STATUSES = range(400, 600)

#: The ``Zuora-Track-Id`` of the call the current task made last. The transport sets it; errors
#: raised afterwards while reading that call's body (in the backend) pick it up from here.
CURRENT_TRACK_ID: ContextVar[str | None] = ContextVar("zuora_track_id", default=None)
#: ``"METHOD /path"`` of that call, for an error raised while reading its body.
CURRENT_ENDPOINT: ContextVar[str | None] = ContextVar("zuora_endpoint", default=None)


#: Deepest nesting of arrays and objects accepted in a body (Zuora's deepest shapes are ~6).
MAX_DEPTH = 64


class MalformedResponse(ServerError):
    """An answer that arrived but cannot be read as what the endpoint promises. For a call that
    changes something the change may well have been applied: the backend reads the object back."""


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` nests arrays/objects deeper than ``limit`` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            children: Any = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class _Undecodable:
    """Marker for a body that is not JSON; ``why`` says what it looked like."""

    def __init__(self, why: str) -> None:
        self.why = why


def _decode_text(response: httpx.Response) -> Any:
    raw = response.content
    if not raw or not raw.strip():
        return None
    content_type = response.headers.get("content-type", "").lower()
    head = raw.lstrip()[:15].lower()
    if "html" in content_type or head.startswith((b"<!doctype", b"<html")):
        return _Undecodable("an HTML page instead of JSON")
    try:
        data = jsoncodec.loads(raw)
    except json.JSONDecodeError as exc:
        return _Undecodable(f"truncated or invalid JSON ({exc.msg} at character {exc.pos})")
    except RecursionError:
        return _Undecodable(f"JSON nested deeper than {MAX_DEPTH} levels")
    except (UnicodeDecodeError, ValueError, TypeError):
        return _Undecodable("a body that is not JSON text")
    if too_deep(data):
        return _Undecodable(f"JSON nested deeper than {MAX_DEPTH} levels")
    return data


def decode(
    response: httpx.Response,
    endpoint: str,
    *,
    track_id: str | None = None,
    now: datetime | None = None,
) -> Any:
    """The JSON body of a successful response; raise :class:`BackendError` for any failure."""
    data = _decode_text(response)
    status = response.status_code
    if status >= 400 or _is_error_envelope(data):
        error = build_error(status, data, response.headers, endpoint, track_id=track_id, now=now)
        error.endpoint = endpoint
        raise error
    if isinstance(data, _Undecodable):
        raise malformed(
            endpoint, data.why, status=status, headers=response.headers, track_id=track_id
        )
    return data


def _is_error_envelope(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if data.get("success") is False:
        return True
    # Object Query on older versions could answer 200 with only reasons; a v1 success never
    # carries a non-empty reasons list.
    reasons = data.get("reasons")
    return (
        data.get("success") is not True
        and isinstance(reasons, list)
        and bool(reasons)
        and "data" not in data
        and "id" not in data
    )


def _code(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _reasons(data: Mapping[str, Any]) -> tuple[int | None, str | None]:
    reasons = data.get("reasons")
    if not isinstance(reasons, list):
        return None, None
    code: int | None = None
    messages: list[str] = []
    for reason in reasons:
        if not isinstance(reason, dict):
            continue
        if code is None:
            code = _code(reason.get("code"))
        message = reason.get("message")
        if isinstance(message, str) and message.strip() and message.strip() not in messages:
            messages.append(message.strip())
    return code, "; ".join(messages) or None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def build_error(
    status: int,
    data: Any,
    headers: Mapping[str, str],
    endpoint: str,
    *,
    track_id: str | None = None,
    now: datetime | None = None,
) -> BackendError:
    """The :class:`BackendError` for an error response, in whichever shape it came."""
    code: int | None = None
    message: str | None = None
    request_id = headers.get("zuora-request-id")
    if isinstance(data, dict):
        code, message = _reasons(data)
        if message is None:
            for key in ("message", "error_description", "error", "Message"):
                value = data.get(key)
                if isinstance(value, str) and value.strip():
                    message = value.strip()
                    break
        if code is None:
            code = _code(data.get("code"))
        if request_id is None and isinstance(data.get("requestId"), str):
            request_id = data["requestId"]
    if message is None and status < 400:
        message = f"Zuora reported that {endpoint} failed, without giving a reason"
    if message is None:
        reason = httpx.codes.get_reason_phrase(status)
        shape = f": {data.why}" if isinstance(data, _Undecodable) else ""
        message = f"{endpoint} failed with HTTP {status}" + (f" {reason}" if reason else "") + shape
    return error_for(
        message,
        code=code,
        status=status if status >= 400 else None,
        request_id=request_id,
        track_id=track_id,
        retry_after=parse_retry_after(headers.get("retry-after"), now=now),
    )


def malformed(
    endpoint: str,
    why: str,
    *,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    track_id: str | None = None,
) -> MalformedResponse:
    """A response that does not have the shape the endpoint promises."""
    request_id = headers.get("zuora-request-id") if headers is not None else None
    if track_id is None:
        track_id = CURRENT_TRACK_ID.get()
    error = MalformedResponse(
        f"unexpected response from {endpoint}: {why}",
        status=status,
        request_id=request_id,
        track_id=track_id,
    )
    error.endpoint = endpoint
    return error


def _loc(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(body)"


def parse_model(
    cls: type[M], data: Any, endpoint: str, *, what: str | None = None, track_id: str | None = None
) -> M:
    """Validate ``data`` as ``cls``; a mismatch names the endpoint and the first bad field.

    ``what`` prefixes the field path when the object sat inside the body (e.g. ``order``).
    """
    if not isinstance(data, dict):
        where = f"field {what}" if what else "the body"
        raise malformed(
            endpoint, f"{where} should be a JSON object, got {_kind(data)}", track_id=track_id
        )
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        path = _loc(tuple(first["loc"]))
        if what:
            path = f"{what}.{path}" if not path.startswith("[") else f"{what}{path}"
        got = _kind(first.get("input"))
        raise malformed(
            endpoint, f"field {path}: {first['msg']} (got {got})", track_id=track_id
        ) from None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def require(data: Any, key: str, kind: type, endpoint: str, *, optional: bool = False) -> Any:
    """``data[key]`` checked to be of ``kind`` (``None`` allowed when ``optional``)."""
    if not isinstance(data, dict):
        raise malformed(endpoint, f"the body should be a JSON object, got {_kind(data)}")
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        expected = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
        raise malformed(
            endpoint,
            f"field {key} should be {expected.get(kind, kind.__name__)}, got {_kind(value)}",
        )
    return value


def check_bulk_item(
    data: Any, list_key: str, item_id: str, endpoint: str, *, track_id: str | None = None
) -> None:
    """Raise the element's own error when a bulk call reports it failed.

    Bulk operations answer ``success: true`` at the top even when one element failed, so the
    element's ``success`` and ``reasons`` decide.
    """
    items = require(data, list_key, list, endpoint)
    for entry in items:
        if isinstance(entry, dict) and entry.get("id") in (item_id, None):
            if entry.get("success") is False:
                code, message = _reasons(entry)
                error = error_for(
                    message or f"{endpoint} refused {item_id}",
                    code=code,
                    request_id=entry.get("requestId")
                    if isinstance(entry.get("requestId"), str)
                    else None,
                    track_id=track_id or CURRENT_TRACK_ID.get(),
                )
                error.endpoint = endpoint
                raise error
            return
    raise malformed(endpoint, f"field {list_key} has no result for {item_id}", track_id=track_id)


#: One element of a bulk answer: (success, Zuora's code, Zuora's message).
BulkOutcome = tuple[bool, int | None, str | None]


def bulk_outcomes(
    data: Any, list_key: str, item_ids: list[str], endpoint: str
) -> dict[str, BulkOutcome]:
    """Each element's own outcome of a bulk call, by id (the top-level ``success`` says nothing).

    Elements are matched by ``id``; one without an id takes the position of the id sent in that
    place. An id the answer does not mention is missing from the result.
    """
    items = require(data, list_key, list, endpoint)
    outcomes: dict[str, BulkOutcome] = {}
    for position, entry in enumerate(items):
        if not isinstance(entry, dict):
            raise malformed(endpoint, f"field {list_key}[{position}] should be an object")
        item_id = entry.get("id")
        if not isinstance(item_id, str) or not item_id:
            if position >= len(item_ids):
                continue
            item_id = item_ids[position]
        if entry.get("success") is False:
            code, message = _reasons(entry)
            outcomes[item_id] = (False, code, message or f"{endpoint} refused {item_id}")
        else:
            outcomes[item_id] = (True, None, None)
    return outcomes
