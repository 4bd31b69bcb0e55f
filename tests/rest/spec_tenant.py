"""Tenants that answer no more than Zuora promises, built from the derived spec file
(``tests/spec/zuora_shapes.json``) over the fake server's own answers.

* :class:`SpecBoundedTransport`: every field the spec does not name for that operation removed
  (recursively; custom fields ``__c`` stay where the spec allows them).
* :class:`SpecMinimalTransport`: the spec-*minimal* tenant. Of what the bounded tenant sends it
  keeps only the fields the spec marks required and those Zuora's documented samples show (the
  file's ``samples``: seeds, the reference's samples, developer.zuora.com's samples and the
  spec's examples). An operation with no sample and no required field answers ``{}``; a listed
  field whose sample shows no sub-field keeps its contents (the sample shows it whole). Money the
  spec types as a string with a decimal (or number) format arrives as a numeric string in every
  other answer and as a JSON number in the rest.

Error answers (4xx/5xx, or a 200 with ``success: false``) pass unchanged: their envelope is the
checker's business (``tests/spec/conformance.py``), not this tenant's.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import httpx

from backends import jsoncodec
from tests.spec.shapes import operation_key, response_schema, shapes

__all__ = ["SpecBoundedTransport", "SpecMinimalTransport", "minimal", "outside", "strip"]

_CUSTOM = re.compile(r"^\w+__(c|NS)$")
_MONEY_FORMATS = {"decimal", "number", "double", "float"}


def strip(value: Any, schema: Any, removed: set[str] | None = None, at: str = "") -> Any:
    """``value`` without the fields ``schema`` (a derived-file node) does not name; their paths
    (``orders[].id``) are added to ``removed``."""
    if not isinstance(schema, dict):
        return value
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [strip(v, schema["items"], removed, f"{at}[]") for v in value]
    props = schema.get("properties")
    if isinstance(value, dict) and isinstance(props, dict):
        if schema.get("additionalProperties") not in (None, False):
            return value
        custom = bool(schema.get("customFields"))
        kept = {}
        for k, v in value.items():
            if k in props:
                kept[k] = strip(v, props[k], removed, f"{at}.{k}" if at else k)
            elif custom and _CUSTOM.match(k):
                kept[k] = v
            elif removed is not None:
                removed.add(f"{at}.{k}" if at else k)
        return kept
    return value


def _required(schema: Any, at: str, out: set[str]) -> set[str]:
    """The field paths ``schema`` marks required, at every depth."""
    if not isinstance(schema, Mapping):
        return out
    if isinstance(schema.get("items"), Mapping):
        return _required(schema["items"], f"{at}[]", out)
    for name in schema.get("required", ()):
        out.add(f"{at}.{name}" if at else name)
    for name, sub in (schema.get("properties") or {}).items():
        _required(sub, f"{at}.{name}" if at else name, out)
    return out


def _money_paths(schema: Any, at: str, out: set[str]) -> set[str]:
    """Paths the spec types as a string with a decimal or number format."""
    if not isinstance(schema, Mapping):
        return out
    if schema.get("type") == "string" and schema.get("format") in _MONEY_FORMATS:
        out.add(at)
    if isinstance(schema.get("items"), Mapping):
        _money_paths(schema["items"], f"{at}[]", out)
    for name, sub in (schema.get("properties") or {}).items():
        _money_paths(sub, f"{at}.{name}" if at else name, out)
    return out


def minimal(value: Any, keep: frozenset[str], removed: set[str] | None = None, at: str = "") -> Any:
    """``value`` with only the fields whose paths are in ``keep`` (and their containers)."""
    if isinstance(value, list):
        return [minimal(v, keep, removed, f"{at}[]") for v in value]
    if not isinstance(value, dict):
        return value
    kept: dict[str, Any] = {}
    for name, sub in value.items():
        path = f"{at}.{name}" if at else name
        if path not in keep:
            if removed is not None:
                removed.add(path)
            continue
        inner = (f"{path}.", f"{path}[]")
        if any(p.startswith(inner) for p in keep):
            kept[name] = minimal(sub, keep, removed, path)
        else:
            kept[name] = sub  # the sample shows it without its parts: as a whole
    return kept


def outside(value: Any, keep: frozenset[str], at: str = "") -> set[str]:
    """The field paths of ``value`` that ``keep`` does not allow (for :func:`minimal`'s output:
    nothing; a field kept whole allows everything below it)."""
    found: set[str] = set()
    if isinstance(value, list):
        for v in value:
            found |= outside(v, keep, f"{at}[]")
    elif isinstance(value, dict):
        for name, sub in value.items():
            path = f"{at}.{name}" if at else name
            if path not in keep:
                found.add(path)
            elif any(p.startswith((f"{path}.", f"{path}[]")) for p in keep):
                found |= outside(sub, keep, path)
    return found


def _as_strings(value: Any, money: frozenset[str], at: str = "") -> Any:
    if isinstance(value, list):
        return [_as_strings(v, money, f"{at}[]") for v in value]
    if isinstance(value, dict):
        out = {}
        for name, sub in value.items():
            path = f"{at}.{name}" if at else name
            if path in money and isinstance(sub, (int, Decimal)) and not isinstance(sub, bool):
                out[name] = str(sub)
            else:
                out[name] = _as_strings(sub, money, path)
        return out
    return value


class _Rewriting(httpx.AsyncBaseTransport):
    """Wraps a transport into the fake server; rewrites its 2xx JSON answers."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.stripped: set[str] = set()  #: fields removed, "OPERATION path" (for assertions)

    def rewrite(
        self, key: str, status: int, data: Any, removed: set[str], request: httpx.Request
    ) -> Any:
        raise NotImplementedError

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        key = operation_key(request.method, request.url.path)
        body = await response.aread()
        if key is None or not 200 <= response.status_code < 300 or not body:
            return httpx.Response(response.status_code, headers=_plain(response), content=body)
        data = jsoncodec.loads(body)
        if isinstance(data, dict) and data.get("success") is False:
            return httpx.Response(response.status_code, headers=_plain(response), content=body)
        removed: set[str] = set()
        kept = self.rewrite(key, response.status_code, data, removed, request)
        self.stripped.update(f"{key} {path}" for path in removed)
        return httpx.Response(
            response.status_code,
            headers=_plain(response),
            content=jsoncodec.dumps(kept).encode(),
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


class SpecBoundedTransport(_Rewriting):
    """Strips the fake server's 2xx JSON answers to the fields the spec names."""

    def rewrite(
        self, key: str, status: int, data: Any, removed: set[str], request: httpx.Request
    ) -> Any:
        node = shapes()["operations"][key].get("responses", {}).get(str(status))
        return strip(data, node, removed) if isinstance(node, dict) else data


class SpecMinimalTransport(_Rewriting):
    """The spec-minimal tenant: required fields and the documented samples' fields only; money
    the spec types as decimal strings alternates between numeric strings and numbers."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, *, strings: Callable[[], bool] | None = None
    ) -> None:
        super().__init__(inner)
        turns = itertools.cycle((True, False))
        self.strings = strings or (lambda: next(turns))
        self.money_as_strings = 0  #: answers whose money fields were sent as strings
        #: every answer sent: operation, body, and the paths it was allowed (for assertions)
        self.answers: list[tuple[str, Any, frozenset[str]]] = []

    def rewrite(
        self, key: str, status: int, data: Any, removed: set[str], request: httpx.Request
    ) -> Any:
        schema = response_schema(key, status)
        bounded = strip(data, schema) if isinstance(schema, dict) else data
        keep = keep_paths(key, status) | expansions(schema, request.url.params.get_list("expand[]"))
        kept = minimal(bounded, keep, removed)
        self.answers.append((key, kept, keep))
        money = money_paths(key, status)
        if money and self.strings():
            self.money_as_strings += 1
            return _as_strings(kept, money)
        return kept


def keep_paths(key: str, status: int) -> frozenset[str]:
    """What the minimal tenant keeps for ``key``'s ``status`` answer: required and sample paths."""
    schema = response_schema(key, status)
    sample = shapes().get("samples", {}).get(key, {}).get(str(status), {})
    return frozenset(_required(schema, "", set()) | set(sample.get("paths", ())))


def expansions(schema: Any, names: list[str]) -> frozenset[str]:
    """The paths of the Object Query expansions a request asked for (``expand[]=account``):
    Zuora documents them as sent when asked, and no sample shows one expanded, so they arrive as
    the spec bounds them (kept whole). Rows are ``data[]`` in a list, the body for one object."""
    if not isinstance(schema, Mapping):
        return frozenset()
    props = schema.get("properties") or {}
    root, at = schema, ""
    data = props.get("data")
    if isinstance(data, Mapping) and isinstance(data.get("items"), Mapping):
        root, at = data["items"], "data[]"
    out: set[str] = set()
    for name in names:
        node, path = root, at
        for part in name.split("."):
            if isinstance(node, Mapping) and isinstance(node.get("items"), Mapping):
                node, path = node["items"], f"{path}[]"
            fields = node.get("properties") if isinstance(node, Mapping) else None
            match = next((f for f in fields or {} if f.lower() == part.lower()), None)
            if match is None:
                break
            node, path = fields[match], f"{path}.{match}" if path else match  # type: ignore[index]
        else:
            out.add(path)
    return frozenset(out)


def money_paths(key: str, status: int) -> frozenset[str]:
    return frozenset(_money_paths(response_schema(key, status), "", set()))


def _plain(response: httpx.Response) -> list[tuple[str, str]]:
    return [
        (k, v)
        for k, v in response.headers.multi_items()
        if k.lower() not in {"content-length", "content-encoding", "transfer-encoding"}
    ]
