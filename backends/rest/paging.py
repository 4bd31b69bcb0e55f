"""Both of Zuora's pagination families behind one opaque ``Page.next_cursor``.

* Classic v1 lists (``/v1/orders``…) take ``page``/``pageSize`` (at most 40) and answer with
  ``nextPage``, a *full URL*. We never follow that URL as given: only its query parameters are
  kept, and the next request goes to our own base URL and the path the listing started on. A
  cursor therefore cannot send the bearer token to another host or another endpoint.
* Object Query lists answer with ``nextPage``, an opaque token passed back as ``cursor``.

A listing the backend reads to its end by itself (:class:`PageGuard`) stops at a token it has seen
before, and refuses with a clear error past :data:`MAX_PAGES` pages or :data:`MAX_ROWS` rows: a
server that names a new ``nextPage`` forever cannot keep a call running. A listing the console
pages through gets no cursor for a ``nextPage`` that repeats the one it was asked with.

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

from backends.errors import ServerError, ValidationError

__all__ = [
    "MAX_PAGES",
    "MAX_ROWS",
    "OQ_MAX_PAGE_SIZE",
    "V1_MAX_PAGE_SIZE",
    "PageGuard",
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
#: Pages one call reads at most when it follows ``nextPage`` itself (100 pages of up to 99 rows).
MAX_PAGES = 100
#: Rows one call collects at most that way (an invoice's 20,000 charge lines fit).
MAX_ROWS = 20_000


class PageGuard:
    """Bounds one call's walk over a listing's pages; see the module docstring."""

    def __init__(
        self, endpoint: str, *, max_pages: int = MAX_PAGES, max_rows: int = MAX_ROWS
    ) -> None:
        self.endpoint = endpoint
        self.max_pages = max_pages
        self.max_rows = max_rows
        self.pages = 0
        self.rows = 0
        self._seen: set[str] = set()

    def _refuse(self, what: str) -> ServerError:
        error = ServerError(
            f"{self.endpoint} kept naming further pages past {what}; stopped reading: "
            "narrow the search or ask Zuora support"
        )
        error.endpoint = self.endpoint
        return error

    def page(self, rows: int) -> None:
        """Count one page of ``rows`` rows; raise past the bounds."""
        self.pages += 1
        self.rows += rows
        if self.rows > self.max_rows:
            raise self._refuse(f"{self.max_rows} rows")

    def follow(self, token: object) -> str | None:
        """The next page's token, or ``None`` at the end: no token, or one already followed."""
        if not isinstance(token, str) or not token.strip() or token in self._seen:
            return None
        if self.pages >= self.max_pages:
            raise self._refuse(f"{self.max_pages} pages")
        self._seen.add(token)
        return token


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


def v1_cursor(
    kind: str, path: str, next_page: object, *, current_page: str | None = None
) -> str | None:
    """A cursor for the v1 page after this one, from the response's ``nextPage`` URL.

    Only the query of ``nextPage`` survives (``page``, ``pageSize`` and any filters Zuora
    echoes); ``path`` is the endpoint the listing started on. A ``nextPage`` naming the page
    just read (``current_page``) again ends the listing.
    """
    if not isinstance(next_page, str) or not next_page.strip():
        return None
    try:
        url = httpx.URL(next_page.strip())
    except httpx.InvalidURL:
        return None
    params = [[k, v] for k, v in url.params.multi_items()]
    pages = [v for k, v in params if k == "page"]
    if not pages or (current_page is not None and pages[0] == current_page):
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


def oq_cursor(
    kind: str, next_page: object, *, current: str | None = None, **state: Any
) -> str | None:
    """A cursor for the Object Query page after this one (``None`` on the last page, and when
    ``nextPage`` repeats ``current``, the token this page was asked with)."""
    if not isinstance(next_page, str) or not next_page or next_page == current:
        return None
    return encode_cursor(kind, {"c": next_page, **state})
