"""A tenant no more generous than Zuora's spec: the fake server's answers with every field the
derived spec file does not name for that operation removed (recursively; custom fields ``__c``
stay where the spec allows them). The REST backend must work against it.

This is the spec-*bounded* tenant; stripping further, to the fields the spec requires plus those
Zuora's documented samples show, is not built yet.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from backends import jsoncodec
from tests.spec.shapes import operation_key, shapes

__all__ = ["SpecBoundedTransport", "strip"]

_CUSTOM = re.compile(r"^\w+__(c|NS)$")


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


class SpecBoundedTransport(httpx.AsyncBaseTransport):
    """Wraps a transport into the fake server; strips its 2xx JSON answers to the spec."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.stripped: set[str] = set()  #: fields removed, "OPERATION path" (for assertions)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        key = operation_key(request.method, request.url.path)
        if key is None or not 200 <= response.status_code < 300:
            return response
        node = shapes()["operations"][key].get("responses", {}).get(str(response.status_code))
        body = await response.aread()
        if not isinstance(node, dict) or not body:
            return httpx.Response(response.status_code, headers=_plain(response), content=body)
        data = jsoncodec.loads(body)
        removed: set[str] = set()
        kept = strip(data, node, removed)
        self.stripped.update(f"{key} {path}" for path in removed)
        return httpx.Response(
            response.status_code,
            headers=_plain(response),
            content=jsoncodec.dumps(kept).encode(),
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


def _plain(response: httpx.Response) -> list[tuple[str, str]]:
    return [
        (k, v)
        for k, v in response.headers.multi_items()
        if k.lower() not in {"content-length", "content-encoding", "transfer-encoding"}
    ]
