"""Request bodies checked the way Zuora checks them, with Zuora's error categories.

* a body larger than :data:`MAX_BODY_BYTES`: HTTP 413 (checked before anything is parsed);
* a body that is not JSON: category 90 (malformed JSON);
* JSON nested deeper than :data:`MAX_DEPTH` levels: category 20 (no Zuora request nests so
  deep; checked before decoding, so a hostile body cannot exhaust the decoder's recursion);
* a field the endpoint does not know, at any depth: category 21 (unknown field);
* a required field left out: category 22 (missing required field);
* a value of the wrong type or format: category 20 (invalid value).

Bodies are described by pydantic models (the contract's request models, or small ones here for
endpoints whose body the contract does not model); the unknown-field walk follows the models'
camelCase aliases through nested models and lists.
"""

from __future__ import annotations

import json
import re
import types
import typing
from datetime import date
from typing import Any, TypeVar, Union

import pydantic
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from starlette.requests import Request

from backends import jsoncodec
from backends.errors import ValidationError

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_DEPTH",
    "BodyTooLarge",
    "BulkPostBody",
    "CancelBillRunBody",
    "ChargesBody",
    "EmptyBody",
    "ExecuteBody",
    "PostBody",
    "ReverseBody",
    "nested_deeper_than",
    "parse_json",
    "read_body",
    "validate_body",
]

M = TypeVar("M", bound=BaseModel)

#: The largest request body the API routes and ``/oauth/token`` accept (1 MiB): Zuora's own
#: requests for these operations are a few kilobytes (a bulk post of 50 invoices is ~3 KB).
MAX_BODY_BYTES = 1024 * 1024
#: The deepest JSON nesting accepted (objects and arrays); Zuora's deepest request nests ~6.
MAX_DEPTH = 64

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class BodyTooLarge(Exception):
    """The request body is over the route's limit (answered with HTTP 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes: send a smaller one")
        self.limit = limit


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole body, or :class:`BodyTooLarge` as soon as it passes ``limit`` bytes (a
    ``Content-Length`` over the limit is refused before a byte is read)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def nested_deeper_than(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """True when the JSON text opens more than ``limit`` arrays/objects at once.

    Works on the text (strings removed), so it is safe on bodies that would overflow the
    decoder's recursion, and linear in the body's size."""
    depth = 0
    for char in _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS):
        if char in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


MALFORMED = 90
UNKNOWN = 21
MISSING = 22
INVALID = 20


class _Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class EmptyBody(_Body):
    """Endpoints that take no body: none, or ``{}``."""


class ExecuteBody(_Body):
    schedule_item_id: str | None = None


class PostBody(_Body):
    """``PUT /v1/bill-runs/{id}/post`` and ``PUT /v1/invoices/{key}/post``."""

    invoice_date: date | None = None


class ReverseBody(_Body):
    """``PUT /v1/invoices/{key}/reverse``."""

    memo_date: date | None = None
    apply_effective_date: date | None = None


class CancelBillRunBody(_Body):
    cancel_once: bool | None = None


class _SpecificSubscription(_Body):
    order_key: str
    subscription_key: str
    charge_numbers: list[str] = Field(default_factory=list)


class ChargesBody(_Body):
    specific_subscriptions: list[_SpecificSubscription]


class _BulkInvoice(_Body):
    id: str
    invoice_date: date | None = None


class BulkPostBody(_Body):
    invoices: list[_BulkInvoice]


def parse_json(raw: bytes, resource: int) -> Any:
    """The body as JSON (``None`` when empty); category 90 when it is not JSON."""
    if not raw.strip():
        return None
    if nested_deeper_than(raw):
        raise ValidationError(
            f"The request body nests deeper than {MAX_DEPTH} levels: no request of this API "
            "does; send a flatter body",
            code=resource * 100 + INVALID,
        )
    try:
        return jsoncodec.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        where = (
            f" at line {exc.lineno} column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise ValidationError(
            f"Malformed JSON in the request body{where}: send a JSON object",
            code=resource * 100 + MALFORMED,
        ) from None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The model classes an annotation may hold (through Optional, list, unions)."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, list, tuple, set):
        found: list[type[BaseModel]] = []
        for arg in typing.get_args(annotation):
            found.extend(_models_in(arg))
        return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _unknown_field(model: type[BaseModel], data: Any, path: str) -> str | None:
    if not isinstance(data, dict):
        return None
    by_alias = {(info.alias or name): info for name, info in model.model_fields.items()}
    for key, value in data.items():
        found_info = by_alias.get(key)
        where = f"{path}.{key}" if path else key
        if found_info is None:
            return where
        for inner in _models_in(found_info.annotation):
            items = value if isinstance(value, list) else [value]
            for i, element in enumerate(items):
                sub = f"{where}[{i}]" if isinstance(value, list) else where
                found = _unknown_field(inner, element, sub)
                if found is not None:
                    return found
    return None


def _loc(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def validate_body(model: type[M], data: Any, resource: int, *, allow_empty: bool = False) -> M:
    """``data`` as ``model``, or the Zuora-categorised :class:`ValidationError`."""
    if data is None:
        if allow_empty:
            data = {}
        else:
            raise ValidationError(
                "The request body is empty: send a JSON object", code=resource * 100 + MISSING
            )
    if not isinstance(data, dict):
        raise ValidationError(
            "The request body must be a JSON object", code=resource * 100 + INVALID
        )
    unknown = _unknown_field(model, data, "")
    if unknown is not None:
        raise ValidationError(
            f"'{unknown}' is not a field of this request: remove it",
            code=resource * 100 + UNKNOWN,
        )
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = _loc(tuple(first["loc"]))
        if first["type"] == "missing":
            raise ValidationError(f"'{field}' is required", code=resource * 100 + MISSING) from None
        raise ValidationError(
            f"Invalid value for '{field}': {first['msg']}", code=resource * 100 + INVALID
        ) from None
