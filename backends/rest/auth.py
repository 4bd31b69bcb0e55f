"""OAuth 2.0 client credentials: one cached bearer token per backend, renewed by one caller.

``POST /oauth/token`` with a form body (``client_id``, ``client_secret``,
``grant_type=client_credentials``) and no ``Authorization`` header. The token is reused until
``renew_margin`` seconds before ``expires_in`` runs out. Concurrent callers that find it stale
wait on one lock and share the single renewal. After a 401 the caller hands back the token that
was refused; it is renewed only if nobody renewed it meanwhile, so a burst of 401s costs one
token request, not one each.

The secret and the token are :class:`Secret` values from end to end (the form handed to the
poster holds the secret as one, and :meth:`TokenCache.token` returns one): the plain text exists
only while the request is encoded, so no repr, log line or traceback rendered with its locals
shows either.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from backends.errors import AuthenticationError, BackendError
from backends.rest.envelope import malformed
from backends.rest.secrets import Secret

__all__ = ["TOKEN_PATH", "TokenCache"]

log = logging.getLogger("backends.rest.auth")

TOKEN_PATH = "/oauth/token"

#: Posts the form to the token endpoint and returns the decoded JSON body (raising on errors);
#: a :class:`Secret` field is revealed only when the form is encoded.
FormPoster = Callable[[str, dict[str, str | Secret]], Awaitable[Any]]


@dataclass(frozen=True, repr=False)
class _Token:
    value: Secret
    expires_at: float

    def __repr__(self) -> str:
        return f"_Token(expires_at={self.expires_at})"


class TokenCache:
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: Secret,
        post_form: FormPoster,
        clock: Callable[[], float],
        renew_margin: float = 60.0,
    ) -> None:
        self._client_id = client_id
        self._secret = client_secret
        self._post_form = post_form
        self._clock = clock
        self._renew_margin = renew_margin
        self._token: _Token | None = None
        self._lock = asyncio.Lock()
        self.renewals = 0  #: token requests made, for tests and diagnostics

    def __repr__(self) -> str:
        return (
            f"TokenCache(client_id={self._client_id!r}, token={'set' if self._token else 'none'})"
        )

    def _fresh(self, token: _Token | None) -> bool:
        return token is not None and self._clock() < token.expires_at - self._renew_margin

    async def token(self) -> Secret:
        """A bearer token that is not about to expire."""
        current = self._token
        if current is not None and self._fresh(current):
            return current.value
        async with self._lock:
            if self._token is not None and self._fresh(self._token):
                return self._token.value
            return await self._renew()

    async def refused(self, token: Secret) -> Secret:
        """``token`` was answered with 401: renew it (once, however many callers saw it)."""
        async with self._lock:
            if self._token is not None and self._token.value != token:
                return self._token.value  # someone renewed while we waited
            self._token = None
            return await self._renew()

    def forget(self) -> None:
        self._token = None

    async def _renew(self) -> Secret:
        self.renewals += 1
        form: dict[str, str | Secret] = {
            "client_id": self._client_id,
            "client_secret": self._secret,
            "grant_type": "client_credentials",
        }
        started = self._clock()
        try:
            data = await self._post_form(TOKEN_PATH, form)
        except BackendError as exc:
            if exc.status in (400, 401, 403):
                raise AuthenticationError(
                    "Zuora refused the OAuth client credentials: check the client id and "
                    f"secret of this profile ({exc.message})",
                    code=exc.code,
                    status=exc.status,
                    request_id=exc.request_id,
                    track_id=exc.track_id,
                ) from None
            raise
        endpoint = f"POST {TOKEN_PATH}"
        if not isinstance(data, dict):
            raise malformed(endpoint, "the body should be a JSON object")
        # out of the body at once, so that no frame below holds the token as plain text
        raw = data.pop("access_token", None)
        data.pop("jti", None)  # Zuora's token id repeats the token
        if not isinstance(raw, str) or not raw:
            raise malformed(endpoint, "field access_token is missing or not a string")
        value = Secret(raw)
        del raw
        expires_in = data.get("expires_in", 3599)
        if isinstance(expires_in, bool) or not isinstance(expires_in, int | Decimal | str):
            raise malformed(endpoint, "field expires_in should be a number")
        try:
            seconds = float(expires_in)
        except ValueError:
            raise malformed(endpoint, "field expires_in should be a number") from None
        self._token = _Token(value, started + seconds)
        log.debug("obtained an OAuth token valid for %.0f s", seconds)
        return value
