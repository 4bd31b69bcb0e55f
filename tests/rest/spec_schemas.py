"""Bodies in the shape of Zuora's spec, from the derived spec file (tests/spec), for hypothesis.

The derived file is close to JSON Schema; this turns it into the standard dialect: ``nullable``
becomes a ``null`` type, only the ``date``/``date-time`` formats are kept (a decimal-format
string gets a numeric pattern), the file's own markers (``customFields``, ``recursive``,
``unresolved``) are dropped, and arrays hold at most :data:`MAX_ITEMS` elements so generated
bodies stay small. Objects stay open or closed as the spec says.

:func:`answers` draws an operation's answers from such a schema with schemathesis' own data
generation (a dev dependency; its JSON Schema engine runs on the hypothesis this project pins):
the schema becomes the body of a one-operation OpenAPI document and
``APIOperation.as_strategy`` draws from it. Valid answers come from its positive mode (every
field the spec does not require may be absent, open objects take extra fields); with ``mutate``
half the answers come from its negative mode (a value of the wrong type, a violated enum,
pattern or format). Draws stay bounded and deterministic under the suite's ``fast`` profile.

Why not hypothesis-jsonschema: 0.23.1 (Feb 2024) is its newest release, and it calls
``hypothesis.internal.conjecture.utils.many.more()``, which hypothesis removed in 6.170.10
(``many`` became an iterator); with hypothesis 6.170.17 every object schema fails in
``hypothesis_jsonschema/_from_schema.py`` line 688, ``while elements.more():`` with
``AttributeError: 'many' object has no attribute 'more'``. It runs under hypothesis 6.170.9, but
pinning hypothesis below the current release for an unmaintained plugin is not worth it when
schemathesis (maintained, already here) generates from the same schemas.
"""

from __future__ import annotations

import functools
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode

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


_PATH = "/answer"


def bodies(schema: dict[str, Any], *, mutate: bool) -> st.SearchStrategy[Any]:
    """Answers in ``schema``'s shape (schemathesis' positive mode); with ``mutate``, half of them
    violate it (its negative mode: wrong types, values outside enums, patterns and formats)."""
    document = {
        "openapi": "3.0.3",
        "info": {"title": "one answer of Zuora's spec", "version": "1"},
        "paths": {
            _PATH: {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": schema}},
                    },
                    "responses": {"200": {"description": "the answer"}},
                }
            }
        },
    }
    operation = schemathesis.openapi.from_dict(document)[_PATH]["POST"]

    def body(mode: GenerationMode) -> st.SearchStrategy[Any]:
        return operation.as_strategy(generation_mode=mode).map(lambda case: case.body)

    valid = body(GenerationMode.POSITIVE)
    return st.one_of(valid, body(GenerationMode.NEGATIVE)) if mutate else valid


@functools.cache
def _answers(key: str, mutate: bool) -> st.SearchStrategy[Any] | None:
    schema = _by_key(key, "200")
    return None if schema is None else bodies(schema, mutate=mutate)


def answers(method: str, path: str, *, mutate: bool) -> st.SearchStrategy[Any] | None:
    """:func:`bodies` for ``method path``'s 200 answer (built once per operation)."""
    key = operation_key(method, path)
    return None if key is None else _answers(key, mutate)
