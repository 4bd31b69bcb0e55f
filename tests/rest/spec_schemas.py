"""Bodies in the shape of Zuora's spec, from the derived spec file (tests/spec), for hypothesis.

The derived file is close to JSON Schema; this turns it into the standard dialect: ``nullable``
becomes a ``null`` type, only the ``date``/``date-time`` formats are kept (a decimal-format
string gets a numeric pattern), the file's own markers (``customFields``, ``recursive``,
``unresolved``) are dropped, and arrays hold at most :data:`MAX_ITEMS` elements so generated
bodies stay small. Objects stay open or closed as the spec says.

:func:`bodies` draws answers from such a schema: valid ones, and ones with fields missing (every
field the spec does not require may be absent), extra (a field the spec does not name) or of the
wrong type (any value replaced by one of another JSON type). hypothesis-jsonschema 0.23 cannot
run with the hypothesis this project pins (it calls an internal API hypothesis has renamed), so
the generator is this small one, over the same standard dialect.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from tests.spec.shapes import operation_key, shapes

__all__ = ["MAX_ITEMS", "answers", "bodies", "response_schema"]

MAX_ITEMS = 2
_FORMATS = {"date", "date-time"}
_KEEP = {"type", "enum", "minimum", "maximum", "minLength", "maxLength", "required"}


def _convert(node: Any) -> dict[str, Any]:
    if not isinstance(node, dict):
        return {}
    out: dict[str, Any] = {k: v for k, v in node.items() if k in _KEEP}
    fmt = node.get("format")
    if fmt in _FORMATS:
        out["format"] = fmt
    elif fmt == "decimal" and node.get("type") == "string":
        out["pattern"] = r"^-?[0-9]{1,9}(\.[0-9]{1,2})?$"
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: _convert(v) for k, v in node["properties"].items()}
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        out["additionalProperties"] = _convert(extra)
    elif extra is False:
        out["additionalProperties"] = False
    if isinstance(node.get("items"), dict):
        out["items"] = _convert(node["items"])
        out["maxItems"] = MAX_ITEMS
    if node.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


@functools.cache
def _by_key(key: str, status: str) -> dict[str, Any] | None:
    responses = shapes()["operations"].get(key, {}).get("responses", {})
    node = responses.get(status)
    if not isinstance(node, dict):
        return None
    schema = _convert(node)
    if "type" not in schema and "properties" in schema:
        schema["type"] = "object"
    return schema


def response_schema(method: str, path: str, status: str = "200") -> dict[str, Any] | None:
    """The JSON Schema of ``method path``'s ``status`` answer, or None if the file lacks it."""
    key = operation_key(method, path)
    return None if key is None else _by_key(key, status)


_ALPHABET = "abcAB01-_ é"
_WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**12),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.text(max_size=4),
    st.just([]),
    st.just({}),
)


def _valid(schema: dict[str, Any], mutate: bool, depth: int) -> st.SearchStrategy[Any]:
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kinds = schema.get("type")
    if isinstance(kinds, list):
        return st.one_of(*[_valid({**schema, "type": k}, mutate, depth) for k in kinds])
    if kinds == "null":
        return st.none()
    if kinds == "boolean":
        return st.booleans()
    if kinds == "integer":
        return st.integers(-(10**6), 10**9)
    if kinds == "number":
        return st.one_of(st.integers(0, 10**7), st.decimals(0, 10**7, allow_nan=False, places=2))
    if kinds == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return st.dates().map(lambda d: d.isoformat())
        if fmt == "date-time":
            return st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S"))
        if "pattern" in schema:
            return st.decimals(-(10**6), 10**6, places=2).map(str)
        return st.text(_ALPHABET, max_size=min(int(schema.get("maxLength", 8)), 8))
    if kinds == "array":
        return st.lists(_body(schema.get("items", {}), mutate, depth + 1), max_size=MAX_ITEMS)
    if kinds == "object" or "properties" in schema:
        if depth > 4:
            return st.just({})
        props = schema.get("properties", {})
        required = set(schema.get("required", ()))
        base = st.fixed_dictionaries(
            {k: _body(v, mutate, depth + 1) for k, v in props.items() if k in required},
            optional={
                k: _body(v, mutate, depth + 1) for k, v in props.items() if k not in required
            },
        )
        if not mutate:
            return base
        extra = st.dictionaries(st.sampled_from(["zzExtra", "Extra__c"]), _WRONG, max_size=1)
        return st.tuples(base, extra).map(lambda pair: {**pair[0], **pair[1]})
    return _WRONG


def _body(schema: dict[str, Any], mutate: bool, depth: int) -> st.SearchStrategy[Any]:
    valid = _valid(schema, mutate, depth)
    if not mutate:
        return valid
    return st.one_of(valid, valid, valid, _WRONG)  # mostly right, sometimes of another type


def bodies(schema: dict[str, Any], *, mutate: bool) -> st.SearchStrategy[Any]:
    """Answers in ``schema``'s shape; with ``mutate``, also extra fields and wrong types."""
    return _valid(schema, mutate, 0)


_ = Decimal  # money arrives as Decimal from the codec; the strategies draw Decimal too


@functools.cache
def _answers(key: str, mutate: bool) -> st.SearchStrategy[Any] | None:
    schema = _by_key(key, "200")
    return None if schema is None else bodies(schema, mutate=mutate)


def answers(method: str, path: str, *, mutate: bool) -> st.SearchStrategy[Any] | None:
    """:func:`bodies` for ``method path``'s 200 answer (built once per operation)."""
    key = operation_key(method, path)
    return None if key is None else _answers(key, mutate)
