"""Load ``zuora_shapes.json`` and check a request or response body against it.

``check_response(method, path, status, body)`` lists every way ``body`` is more than Zuora's
published spec allows for that operation and status: a field the schema does not name, a value
of the wrong JSON type, an enum value the spec does not list, a date or date-time in another
format, a ``null`` where the spec does not say ``nullable``. Objects are closed unless the spec
gives ``additionalProperties``; custom-field slots
(``customFields`` in the derived file) take only names ending ``__c`` or ``__NS``. Documented samples that go beyond the spec are honoured through
:mod:`tests.spec.allowances`, the one allow-list.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.spec.allowances import OFF_SPEC_OPERATIONS, Allowance, allowance_for

SHAPES_FILE = Path(__file__).with_name("zuora_shapes.json")

_CUSTOM_FIELD = re.compile(r"^\w+__(c|NS)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")


@functools.cache
def shapes() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHAPES_FILE.read_text(encoding="utf-8"))
    return data


def header() -> dict[str, Any]:
    result: dict[str, Any] = shapes()["header"]
    return result


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str, str, int]]:
    out = []
    for key in shapes()["operations"]:
        method, template = key.split(" ", 1)
        regex = re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$")
        out.append((regex, method, template, template.count("{")))
    # Static segments win: /v1/invoices/bulk-post before /v1/invoices/{invoiceKey}.
    out.sort(key=lambda t: (t[3], t[2]))
    return out


def operation_key(method: str, path: str) -> str | None:
    """``"GET /v1/orders/{orderNumber}"`` for ``("GET", "/v1/orders/O-1")``; None if unknown."""
    path = path.split("?", 1)[0]
    for regex, m, template, _ in _templates():
        if m == method.upper() and regex.match(path):
            return f"{m} {template}"
    return None


def operation(method: str, path: str) -> dict[str, Any] | None:
    key = operation_key(method, path)
    if key is None:
        return None
    result: dict[str, Any] = shapes()["operations"][key]
    return result


def response_schema(key: str, status: int) -> dict[str, Any] | None:
    """The schema the spec documents for ``status`` (exact, then ``4XX``-style, then default)."""
    op = shapes()["operations"][key]
    if not op.get("inSpec"):
        off = OFF_SPEC_OPERATIONS.get(key)
        if off is None:
            return None
        responses = off.responses
    else:
        responses = op["responses"]
    for candidate in (str(status), f"{str(status)[0]}XX", "default"):
        if candidate in responses:
            schema: dict[str, Any] | None = responses[candidate]
            return schema
    return None


def check_response(method: str, path: str, status: int, body: Any) -> list[str]:
    """Violations of Zuora's spec in one response body; empty when it conforms."""
    key = operation_key(method, path)
    if key is None:
        return [f"{method} {path}: operation not in the derived spec file"]
    op = shapes()["operations"][key]
    if not op.get("inSpec") and key not in OFF_SPEC_OPERATIONS:
        return [f"{key}: not in Zuora's spec and not in the allow-list"]
    schema = response_schema(key, status)
    if 200 <= status < 300 and isinstance(body, Mapping) and body.get("success") is False:
        # Before Zuora-Version 2024-05-20 errors come back as HTTP 200 in the error envelope.
        schema = response_schema(key, 400) or schema
    if schema is None:
        return []  # the spec documents no body for this status
    problems: list[str] = []
    _check(_Ctx(key, status), schema, body, "", problems)
    return [f"{key} {status}: {p}" for p in problems]


def check_request(method: str, path: str, body: Any) -> list[str]:
    """Violations of the spec's request body schema (fields Zuora would not take)."""
    key = operation_key(method, path)
    if key is None:
        return [f"{method} {path}: operation not in the derived spec file"]
    op = shapes()["operations"][key]
    spec_body = op.get("requestBody")
    if spec_body is None:
        if body in (None, {}):
            return []
        return [f"{key}: the spec documents no request body"]
    problems: list[str] = []
    _check(_Ctx(key, None), spec_body["schema"], body, "", problems)
    return [f"{key} request: {p}" for p in problems]


def _pointer(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def _type_ok(expected: str, actual: str) -> bool:
    return expected == actual or (expected == "number" and actual == "integer")


def _format_ok(fmt: str, value: str) -> bool:
    if fmt == "date":
        if not _DATE.match(value):
            return False
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    if fmt in ("date-time", "datetime"):
        return bool(_DATETIME.match(value))
    return True


@dataclass(frozen=True)
class _Ctx:
    key: str
    status: int | None  # None for a request body

    def allowed(self, where: str, kind: str) -> Allowance | None:
        return allowance_for(self.key, where, kind, self.status)


def _check(
    ctx: _Ctx, schema: Mapping[str, Any], value: Any, where: str, problems: list[str]
) -> None:
    if not schema or "recursive" in schema or "unresolved" in schema:
        return  # the spec says nothing here (or the file stops expanding)
    label = where or "(body)"
    actual = _json_type(value)
    if value is None:
        if schema.get("nullable") or ctx.allowed(where, "null"):
            return
        problems.append(f"{label}: null, the spec does not say nullable")
        return
    for combinator in ("oneOf", "anyOf"):
        options = schema.get(combinator)
        if options:
            if not any(not _collect(ctx, o, value, where) for o in options):
                problems.append(f"{label}: matches none of the spec's {combinator} shapes")
            return
    expected = schema.get("type")
    if expected is not None and not _type_ok(expected, actual):
        allowed = ctx.allowed(where, "type")
        if allowed is None or actual not in allowed.types:
            problems.append(f"{label}: {actual} {value!r:.40}, the spec says {expected}")
        return
    if actual == "string":
        fmt = schema.get("format")
        if fmt and not _format_ok(fmt, value):
            problems.append(f"{label}: {value!r} is not a {fmt}")
        enum = schema.get("enum")
        if enum and value not in enum:
            problems.append(f"{label}: {value!r} is not one of the spec's {enum}")
    elif actual in ("integer", "number"):
        enum = schema.get("enum")
        if enum and value not in enum:
            problems.append(f"{label}: {value!r} is not one of the spec's {enum}")
    elif actual == "array":
        items = schema.get("items") or {}
        for index, item in enumerate(value):
            _check(ctx, items, item, f"{where}[{index}]", problems)
    elif actual == "object":
        props: Mapping[str, Any] = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for name, sub in value.items():
            child = _pointer(where, str(name))
            if name in props:
                _check(ctx, props[name], sub, child, problems)
            elif isinstance(extra, Mapping):
                wrong = _collect(ctx, extra, sub, child)
                if wrong and ctx.allowed(child, "field") is None:
                    expected = extra.get("type")
                    if expected and not _type_ok(expected, _json_type(sub)):
                        problems.append(
                            f"{child}: a field the spec does not have "
                            f"(extra fields here must be {expected}s: expansions)"
                        )
                    else:
                        problems.extend(wrong)
            elif schema.get("customFields") and _CUSTOM_FIELD.match(str(name)):
                continue
            elif extra is True or (not props and "type" in schema and extra is None):
                continue  # an open object, or a free-form one
            elif ctx.allowed(child, "field"):
                continue
            else:
                problems.append(f"{child}: a field the spec does not have")


def _collect(ctx: _Ctx, schema: Mapping[str, Any], value: Any, where: str) -> list[str]:
    found: list[str] = []
    _check(ctx, schema, value, where, found)
    return found
