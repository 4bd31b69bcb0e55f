"""Zuora's pagination families, server side.

* Classic v1 lists: ``page`` (>= 1) and ``pageSize`` (anything above 40 is treated as 40);
  ``nextPage`` is the *full URL* of the next page and is absent on the last page.
* Object Query: ``pageSize`` 1..99 (default 10, outside the range a 400), ``filter[]``
  (``field.OP:value`` with OP in EQ NE LT GT LE GE SW IN, AND-ed), ``sort[]`` (``field.ASC|DESC``)
  and an opaque cursor: ``nextPage`` is URL-safe base64 of the JSON list of the last row's sort
  keys, ``[{"value": ..., "orderBy": {"field": ..., "order": ...}}]``, as Zuora's samples decode.
  The next page starts strictly after that key, so a cursor stays honest when rows change.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from backends import jsoncodec
from backends.errors import ValidationError

__all__ = [
    "OQ_DEFAULT_PAGE_SIZE",
    "OQ_MAX_PAGE_SIZE",
    "V1_MAX_PAGE_SIZE",
    "Filter",
    "OqQuery",
    "oq_page",
    "parse_oq_query",
    "v1_page",
]

V1_MAX_PAGE_SIZE = 40
OQ_MAX_PAGE_SIZE = 99
OQ_DEFAULT_PAGE_SIZE = 10
_OPS = ("EQ", "NE", "LT", "GT", "LE", "GE", "SW", "IN")

#: category 27: invalid Object Query parameter (Zuora added it with 2025-08-12)
OQ_INVALID = 50_000_027
#: category 20: invalid value (v1 query parameters)
V1_INVALID = 50_000_020


def _oq_error(message: str) -> ValidationError:
    return ValidationError(message, code=OQ_INVALID)


# --------------------------------------------------------------------------- v1


def _int_param(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(
            f"Invalid value for query parameter {name}: {raw!r} is not a whole number",
            code=V1_INVALID,
        ) from None
    if value < 1:
        raise ValidationError(
            f"Invalid value for query parameter {name}: it must be 1 or more", code=V1_INVALID
        )
    return value


def v1_page(
    rows: Sequence[Any],
    params: Mapping[str, str],
    url_of: Callable[[list[tuple[str, str]]], str],
    *,
    default_size: int = 20,
) -> tuple[list[Any], str | None]:
    """One page of ``rows`` and the ``nextPage`` URL (None on the last page).

    ``url_of`` builds the full URL of this endpoint for a query; the next page's query keeps
    every parameter the caller sent, with ``page`` moved on.
    """
    page = _int_param(params, "page", 1)
    size = min(_int_param(params, "pageSize", default_size), V1_MAX_PAGE_SIZE)
    start = (page - 1) * size
    chunk = list(rows[start : start + size])
    if start + size >= len(rows):
        return chunk, None
    query = [(k, v) for k, v in params.items() if k not in ("page", "pageSize")]
    query += [("page", str(page + 1)), ("pageSize", str(size))]
    return chunk, url_of(query)


def full_url(base: str, path: str, query: list[tuple[str, str]]) -> str:
    return f"{base.rstrip('/')}{path}?{urlencode(query)}"


# --------------------------------------------------------------------------- Object Query


@dataclass(frozen=True)
class Filter:
    field: str
    op: str
    values: tuple[str | None, ...]

    def test(self, row_value: Any) -> bool:
        if self.op == "IN":
            return any(_equal(row_value, v) for v in self.values)
        target = self.values[0]
        if self.op == "EQ":
            return _equal(row_value, target)
        if self.op == "NE":
            return not _equal(row_value, target)
        if row_value is None or target is None:
            return False
        if self.op == "SW":
            return str(row_value).startswith(target)
        left, right = _comparable(row_value, target)
        if self.op == "LT":
            return bool(left < right)
        if self.op == "GT":
            return bool(left > right)
        if self.op == "LE":
            return bool(left <= right)
        return bool(left >= right)


def _equal(row_value: Any, target: str | None) -> bool:
    if target is None:
        return row_value is None
    if row_value is None:
        return False
    if isinstance(row_value, bool):
        return str(row_value).lower() == target.lower()
    left, right = _comparable(row_value, target)
    return bool(left == right)


def _comparable(row_value: Any, target: str) -> tuple[Any, Any]:
    if isinstance(row_value, int | Decimal) and not isinstance(row_value, bool):
        try:
            return Decimal(row_value), Decimal(target)
        except InvalidOperation:
            return str(row_value), target
    return str(row_value), target


@dataclass(frozen=True)
class OqQuery:
    filters: tuple[Filter, ...]
    sort: tuple[tuple[str, bool], ...]  # (field, descending)
    expand: tuple[str, ...]
    page_size: int
    cursor: str | None


def _field_name(raw: str, allowed: Mapping[str, str], what: str) -> str:
    key = raw.strip().lower()
    if key not in allowed:
        names = ", ".join(sorted(allowed))
        raise _oq_error(f"Invalid {what} field {raw!r}: choose one of {names}")
    return key


def parse_oq_query(
    params: Sequence[tuple[str, str]],
    *,
    filterable: Mapping[str, str],
    expandable: Sequence[str],
    default_sort: tuple[tuple[str, bool], ...],
) -> OqQuery:
    """Read ``filter[]``, ``sort[]``, ``expand[]``, ``pageSize`` and ``cursor``.

    ``filterable`` maps a lower-case field name to the row key it reads (also the sort fields).
    """
    filters: list[Filter] = []
    sort: list[tuple[str, bool]] = []
    expand: list[str] = []
    page_size = OQ_DEFAULT_PAGE_SIZE
    cursor: str | None = None
    for name, value in params:
        if name in ("filter[]", "filter"):
            filters.append(_parse_filter(value, filterable))
        elif name in ("sort[]", "sort"):
            field, _, direction = value.rpartition(".")
            if not field or direction.upper() not in ("ASC", "DESC"):
                raise _oq_error(f"Invalid sort {value!r}: write field.ASC or field.DESC")
            sort.append((_field_name(field, filterable, "sort"), direction.upper() == "DESC"))
        elif name in ("expand[]", "expand"):
            token = value.strip().lower()
            if token not in expandable:
                raise _oq_error(f"Invalid expand {value!r}: choose one of {', '.join(expandable)}")
            expand.append(token)
        elif name == "pageSize":
            try:
                page_size = int(value)
            except ValueError:
                raise _oq_error(f"Invalid pageSize {value!r}: it must be a number") from None
            if not 1 <= page_size <= OQ_MAX_PAGE_SIZE:
                raise _oq_error(f"Invalid pageSize {page_size}: it must be between 1 and 99")
        elif name == "cursor":
            cursor = value or None
    if len(sort) > 1:
        raise _oq_error("Object Query sorts on one field only")
    return OqQuery(
        filters=tuple(filters),
        sort=tuple(sort) or default_sort,
        expand=tuple(expand),
        page_size=page_size,
        cursor=cursor,
    )


def _parse_filter(text: str, filterable: Mapping[str, str]) -> Filter:
    head, sep, value = text.partition(":")
    field, dot, op = head.rpartition(".")
    if not sep or not dot or op.upper() not in _OPS:
        raise _oq_error(
            f"Invalid filter {text!r}: write field.OP:value with OP one of {' '.join(_OPS)}"
        )
    key = _field_name(field, filterable, "filter")
    op = op.upper()
    if op == "IN":
        inner = value.strip()
        if not (inner.startswith("[") and inner.endswith("]")):
            raise _oq_error(f"Invalid filter {text!r}: IN takes a list such as [a,b]")
        values: tuple[str | None, ...] = tuple(
            v.strip().strip('"') for v in inner[1:-1].split(",") if v.strip()
        )
    else:
        values = (None if value == "null" else value,)
    return Filter(field=key, op=op, values=values)


def _cursor_key(
    row: Mapping[str, Any], sort: tuple[tuple[str, bool], ...], keys: Mapping[str, str]
) -> list[Any]:
    return [row.get(keys[field]) for field, _ in sort] + [row.get("id")]


def _order_value(value: Any) -> tuple[int, Any]:
    """None first; numbers by value; everything else as text."""
    if value is None:
        return (0, "")
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return (1, Decimal(value))
    return (2, str(value))


def _compare(a: list[Any], b: list[Any], descending: list[bool]) -> int:
    for x, y, desc in zip(a, b, descending, strict=True):
        ox, oy = _order_value(x), _order_value(y)
        if ox == oy:
            continue
        less = ox < oy
        return (-1 if less else 1) * (-1 if desc else 1)
    return 0


def encode_cursor(key: list[Any], sort: tuple[tuple[str, bool], ...]) -> str:
    fields = [(f, d) for f, d in sort] + [("id", False)]
    payload = [
        {"value": v, "orderBy": {"field": f, "order": "DESC" if d else "ASC"}}
        for v, (f, d) in zip(key, fields, strict=True)
    ]
    raw = jsoncodec.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: tuple[tuple[str, bool], ...]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = jsoncodec.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError, json.JSONDecodeError):
        raise _oq_error("Invalid cursor: pass back the nextPage value unchanged") from None
    fields = [(f, d) for f, d in sort] + [("id", False)]
    if not isinstance(payload, list) or len(payload) != len(fields):
        raise _oq_error("Invalid cursor: it was issued for another sort order")
    values = []
    for entry, (field, desc) in zip(payload, fields, strict=True):
        order_by = entry.get("orderBy") if isinstance(entry, dict) else None
        if (
            not isinstance(order_by, dict)
            or order_by.get("field") != field
            or order_by.get("order") != ("DESC" if desc else "ASC")
        ):
            raise _oq_error("Invalid cursor: it was issued for another sort order")
        values.append(entry.get("value"))
    return values


def oq_page(
    rows: Sequence[Mapping[str, Any]], query: OqQuery, keys: Mapping[str, str]
) -> tuple[list[Mapping[str, Any]], str | None]:
    """Filter, sort and cut one page; ``keys`` maps filter/sort fields to row keys."""
    kept = [r for r in rows if all(f.test(r.get(keys[f.field])) for f in query.filters)]
    descending = [d for _, d in query.sort] + [False]
    kept.sort(
        key=functools.cmp_to_key(
            lambda a, b: _compare(
                _cursor_key(a, query.sort, keys), _cursor_key(b, query.sort, keys), descending
            )
        )
    )
    if query.cursor is not None:
        after = decode_cursor(query.cursor, query.sort)
        kept = [
            r for r in kept if _compare(_cursor_key(r, query.sort, keys), after, descending) > 0
        ]
    page = kept[: query.page_size]
    if len(kept) <= query.page_size:
        return page, None
    return page, encode_cursor(_cursor_key(page[-1], query.sort, keys), query.sort)
