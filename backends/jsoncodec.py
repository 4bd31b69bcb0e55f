"""Exact JSON for money: numbers parse to ``Decimal`` and ``Decimal`` is written as a JSON number.

The standard library writes floats only, and pydantic's JSON mode writes ``Decimal`` as a string;
Zuora sends and expects plain numbers (``70200``, ``3.1``). ``dumps`` walks the structure itself
so a Decimal never passes through float.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

__all__ = ["dumps", "loads", "to_jsonable"]

_encode_str = json.encoder.encode_basestring_ascii


def loads(text: str | bytes) -> Any:
    """Parse JSON with every non-integer number as ``Decimal`` (integers stay ``int``)."""
    return json.loads(text, parse_float=Decimal)


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"cannot write {value} as a JSON number")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return str(int(value))
    return format(value, "f")


def _datetime_text(value: datetime) -> str:
    if value.tzinfo is None:
        return value.strftime("%Y-%m-%d %H:%M:%S")  # Zuora v1 style
    return value.isoformat()


def dumps(value: Any, *, indent: int | None = None) -> str:
    """Serialise ``value`` (dicts, lists, str, int, bool, None, Decimal, date, datetime, enums)."""
    parts: list[str] = []
    _write(value, parts, indent, 0)
    return "".join(parts)


def _write(value: Any, out: list[str], indent: int | None, level: int) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, Enum):
        _write(value.value, out, indent, level)
    elif isinstance(value, str):
        out.append(_encode_str(value))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, Decimal):
        out.append(_decimal_text(value))
    elif isinstance(value, float):
        raise TypeError("floats are not money: pass a Decimal")
    elif isinstance(value, datetime):
        out.append(_encode_str(_datetime_text(value)))
    elif isinstance(value, date):
        out.append(_encode_str(value.isoformat()))
    elif isinstance(value, Mapping):
        _write_mapping(value, out, indent, level)
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        _write_sequence(value, out, indent, level)
    else:
        raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


def _newline(indent: int | None, level: int) -> str:
    return "" if indent is None else "\n" + " " * (indent * level)


def _write_mapping(
    value: Mapping[Any, Any], out: list[str], indent: int | None, level: int
) -> None:
    if not value:
        out.append("{}")
        return
    out.append("{")
    sep = ": " if indent is not None else ":"
    for i, (key, item) in enumerate(value.items()):
        if i:
            out.append(",")
        out.append(_newline(indent, level + 1))
        out.append(_encode_str(str(key.value if isinstance(key, Enum) else key)))
        out.append(sep)
        _write(item, out, indent, level + 1)
    out.append(_newline(indent, level))
    out.append("}")


def _write_sequence(value: Sequence[Any], out: list[str], indent: int | None, level: int) -> None:
    if not value:
        out.append("[]")
        return
    out.append("[")
    for i, item in enumerate(value):
        if i:
            out.append(",")
        out.append(_newline(indent, level + 1))
        _write(item, out, indent, level + 1)
    out.append(_newline(indent, level))
    out.append("]")


def to_jsonable(value: Any) -> Any:
    """Round-trip through :func:`dumps`/:func:`loads`: plain JSON types, money still Decimal."""
    return loads(dumps(value))
