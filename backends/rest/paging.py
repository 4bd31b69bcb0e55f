"""Both of Zuora's pagination families behind one opaque ``Page.next_cursor``.

* Classic v1 lists (``/v1/orders``…) take ``page``/``pageSize`` (at most 40) and answer with
  ``nextPage``, a *full URL*. We never follow that URL as given: only its query parameters are
  kept, and the next request goes to our own base URL and the path the listing started on. A
  cursor therefore cannot send the bearer token to another host or another endpoint.
* Object Query lists answer with ``nextPage``, an opaque token passed back as ``cursor``.

A cursor is URL-safe base64 of a small JSON object: ``k`` names the listing it belongs to (a
cursor from one listing is refused by another) and the rest is whatever that listing needs to
fetch its next page (for v1 the path and query; for Object Query the token and the filters).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

import httpx

from backends.errors import ValidationError

__all__ = [
    "OQ_MAX_PAGE_SIZE",
    "V1_MAX_PAGE_SIZE",
    "decode_cursor",
    "encode_cursor",
    "oq_cursor",
    "oq_page_size",
    "v1_cursor",
    "v1_page_size",
    "v1_request",
]

V1_MAX_PAGE_SIZE = 40
OQ_MAX_PAGE_SIZE = 99


def v1_page_size(page_size: int) -> int:
    """Zuora treats anything above 40 as 40 on classic lists; ask for what we will get."""
    return max(1, min(page_size, V1_MAX_PAGE_SIZE))


def oq_page_size(page_size: int) -> int:
    """Object Query answers 400 outside 1..99."""
    return max(1, min(page_size, OQ_MAX_PAGE_SIZE))


def encode_cursor(kind: str, state: Mapping[str, Any]) -> str:
    payload = {"k": kind, **state}
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: set[str] | str) -> dict[str, Any]:
    """The state inside ``cursor``; :class:`ValidationError` if it is not one of ``kinds``."""
    allowed = {kinds} if isinstance(kinds, str) else kinds
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise ValidationError("invalid page cursor: start the list again") from exc
    if not isinstance(data, dict) or data.get("k") not in allowed:
        raise ValidationError("page cursor belongs to another list: start the list again")
    return data


def v1_cursor(kind: str, path: str, next_page: object) -> str | None:
    """A cursor for the v1 page after this one, from the response's ``nextPage`` URL.

    Only the query of ``nextPage`` survives (``page``, ``pageSize`` and any filters Zuora
    echoes); ``path`` is the endpoint the listing started on.
    """
    if not isinstance(next_page, str) or not next_page.strip():
        return None
    try:
        url = httpx.URL(next_page.strip())
    except httpx.InvalidURL:
        return None
    params = [[k, v] for k, v in url.params.multi_items()]
    if not any(k == "page" for k, _ in params):
        return None
    return encode_cursor(kind, {"p": path, "q": params})


def v1_request(state: Mapping[str, Any], expected_path: str) -> list[tuple[str, str]]:
    """The query to send for a decoded v1 cursor, checking it targets ``expected_path``."""
    if state.get("p") != expected_path:
        raise ValidationError("page cursor belongs to another list: start the list again")
    query = state.get("q")
    if not isinstance(query, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
        for pair in query
    ):
        raise ValidationError("invalid page cursor: start the list again")
    return [(k, v) for k, v in query]


def oq_cursor(kind: str, next_page: object, **state: Any) -> str | None:
    """A cursor for the Object Query page after this one (``None`` on the last page)."""
    if not isinstance(next_page, str) or not next_page:
        return None
    return encode_cursor(kind, {"c": next_page, **state})
