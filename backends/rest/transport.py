"""One logical call to Zuora: headers, auth, concurrency, retries, deadline, track id.

Retry policy (Zuora's error-handling guide, §9.4 of our reference):

* retried: HTTP 429, 409 and 502/503/504, categories 50 (lock contention), 61 (temporary) and 70
  (limit exceeded), and connection failures and timeouts;
* never retried: 400, 403, 404, 422, category 30 and anything else;
* a 401 (or category 11) renews the token once and repeats the request once, outside the retry
  budget, because the request was refused before it did anything;
* GET, PUT and DELETE are repeatable; a POST is retried only when it carries an
  ``Idempotency-Key``, which is then the same on every attempt so Zuora replays the first result
  instead of creating a second bill run. PUT never carries one (Zuora accepts the header on POST
  and PATCH only).

Backoff is exponential with full jitter (``uniform(0, min(cap, base * 2**n))``); a
``Retry-After`` header sets the wait instead. Every attempt must finish before the call's overall
deadline; a wait that would pass it ends the call with the last error.

A reply can be lost after the server applied the change: a dropped connection or a timeout once
the request was sent, a 5xx, or a 2xx whose body cannot be read. When that happened to an attempt
of a call that changes something (any method but GET) and the call then ends in an error (the
retry refused because the change is already there, or every retry lost too), the transport marks
that final error ``reply_lost``, so the backend reads the object back instead of reporting a
failure of something that happened. A call with an ``Idempotency-Key`` is marked only when its
last reply was lost: an answer that arrives on a retry is the replay of the first outcome.

Bodies are read as a stream and refused past :data:`MAX_BODY_BYTES` once decoded (a gzip bomb
stops there too); a body that claims an encoding it does not have is a :class:`MalformedResponse`.
Every error raised names its call in ``endpoint`` (``"PUT /v1/invoices/INV00000001/post"``).

Every logical call gets a fresh ``Zuora-Track-Id`` that its retries keep; it is put on every
error and on every :class:`RequestRecord` handed to the ``on_request`` hook (the action log).
Neither the secret nor the token is ever logged, recorded or put in an error.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from backends import jsoncodec
from backends.errors import (
    AuthenticationError,
    BackendError,
    ServerError,
    UnavailableError,
    category_of,
)
from backends.rest import envelope
from backends.rest.auth import TokenCache
from backends.rest.envelope import MalformedResponse
from backends.rest.secrets import Secret
from backends.tracing import report_track_id

__all__ = [
    "MAX_BODY_BYTES",
    "NoReplyError",
    "QueryParams",
    "RequestRecord",
    "Transport",
    "new_idempotency_key",
    "new_track_id",
]

log = logging.getLogger("backends.rest.transport")

QueryParams = Sequence[tuple[str, str]] | None

USER_AGENT = "billing-tui/0.1 (+httpx)"

_RETRY_CATEGORIES = {50, 61, 70}
_RETRY_STATUSES = {409, 429, 502, 503, 504}
_NEVER_STATUSES = {400, 401, 403, 404, 405, 406, 415, 422}
#: Categories of a server-side failure that may come after the change was made.
_MAYBE_APPLIED_CATEGORIES = {60, 61, 99}
#: Largest decoded body read (Zuora's largest answers, 99 expanded rows, are far below it).
MAX_BODY_BYTES = 32 * 1024 * 1024
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class NoReplyError(UnavailableError):
    """No answer came; ``maybe_sent`` when the request may have reached the server."""

    def __init__(self, message: str, *, maybe_sent: bool, track_id: str | None = None) -> None:
        super().__init__(message, track_id=track_id)
        self.maybe_sent = maybe_sent


def maybe_applied(error: BackendError) -> bool:
    """Whether the attempt that ended in ``error`` may have changed something on the server."""
    if isinstance(error, NoReplyError):
        return error.maybe_sent
    if isinstance(error, MalformedResponse):
        return True
    if error.status is not None and error.status >= 500:
        return True
    return category_of(error.code) in _MAYBE_APPLIED_CATEGORIES


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP exchange, for the console's action log. Carries no header values."""

    method: str
    path: str
    status: int | None
    elapsed: float
    track_id: str
    request_id: str | None
    attempt: int
    error: str | None = None


class _BodyRefused(Exception):
    """The answer's body was refused while reading it (too large, or not its claimed encoding)."""

    def __init__(self, response: httpx.Response, why: str) -> None:
        super().__init__(why)
        self.why = why
        self.status = response.status_code
        self.request_id = response.headers.get("zuora-request-id")


def new_track_id() -> str:
    """≤ 64 US-ASCII characters without ``:;"'``, as Zuora requires."""
    return f"btui-{uuid.uuid4().hex}"


def new_idempotency_key() -> str:
    return f"btui-{uuid.uuid4()}"


def is_retryable(error: BackendError) -> bool:
    category = category_of(error.code)
    if category == 30:
        return False
    if category in _RETRY_CATEGORIES:
        return True
    if error.status in _NEVER_STATUSES:
        return False
    if error.status in _RETRY_STATUSES:
        return True
    return isinstance(error, UnavailableError)


class Transport:
    """An ``httpx.AsyncClient`` that speaks Zuora: see the module docstring for the policy."""

    def __init__(
        self,
        base_url: str,
        *,
        client_id: str,
        client_secret: Secret,
        zuora_version: str,
        timeout: float,
        max_retries: int,
        max_concurrency: int,
        entity_ids: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[float, float], float] | None = None,
        deadline: float | None = None,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
    ) -> None:
        self.base_url = base_url
        self._timeout = timeout
        self._max_retries = max_retries
        self._deadline = deadline if deadline is not None else max(timeout * 4, 60.0)
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter or random.Random().uniform
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._zuora_version = zuora_version
        self._entity_ids = entity_ids
        # TLS verification stays at httpx's default (on); redirects are not followed so a
        # bearer token never travels to a host we were not configured for.
        self._client = httpx.AsyncClient(
            base_url=base_url,
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        self.auth = TokenCache(
            client_id=client_id,
            client_secret=client_secret,
            post_form=self._post_token_form,
            clock=clock,
        )
        self.on_request: Callable[[RequestRecord], None] | None = None
        self.in_flight = 0
        self.max_in_flight = 0  #: high-water mark, for tests and diagnostics

    def __repr__(self) -> str:
        return f"Transport({self.base_url!r})"

    async def aclose(self) -> None:
        await self._client.aclose()

    # ------------------------------------------------------------------ public calls

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """Send one logical call and return its decoded JSON body (``None`` when empty)."""
        if idempotency_key is not None and method not in {"POST", "PATCH"}:
            raise ValueError("Idempotency-Key is only sent on POST and PATCH")
        content = None if json is None else jsoncodec.dumps(json).encode("utf-8")
        return await self._call(
            method,
            path,
            params=params,
            content=content,
            idempotency_key=idempotency_key,
            authenticated=True,
            repeatable=method in {"GET", "PUT", "DELETE"} or idempotency_key is not None,
        )

    async def _post_token_form(self, path: str, form: dict[str, str | Secret]) -> Any:
        # Issuing a token changes nothing billable, so the token POST is safe to repeat.
        return await self._call(
            "POST",
            path,
            form=form,
            authenticated=False,
            repeatable=True,
        )

    # ------------------------------------------------------------------ the loop

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams = None,
        content: bytes | None = None,
        form: dict[str, str | Secret] | None = None,
        idempotency_key: str | None = None,
        authenticated: bool,
        repeatable: bool,
    ) -> Any:
        track_id = new_track_id()
        if authenticated:  # the token call is plumbing, not one of the operator's calls
            report_track_id(track_id)
        try:
            return await self._attempts(
                method,
                path,
                track_id,
                params=params,
                content=content,
                form=form,
                idempotency_key=idempotency_key,
                authenticated=authenticated,
                repeatable=repeatable,
            )
        finally:
            # set last, after any token call this one made, so it names *this* call
            envelope.CURRENT_TRACK_ID.set(track_id)
            envelope.CURRENT_ENDPOINT.set(f"{method} {path}")

    async def _attempts(
        self,
        method: str,
        path: str,
        track_id: str,
        *,
        params: QueryParams,
        content: bytes | None,
        form: dict[str, str | Secret] | None,
        idempotency_key: str | None,
        authenticated: bool,
        repeatable: bool,
    ) -> Any:
        endpoint = f"{method} {path}"
        try:
            return await self._attempts_of(
                method,
                path,
                endpoint,
                track_id,
                params=params,
                content=content,
                form=form,
                idempotency_key=idempotency_key,
                authenticated=authenticated,
                repeatable=repeatable,
            )
        except BackendError as exc:
            if exc.endpoint is None:
                exc.endpoint = endpoint
            raise

    async def _attempts_of(
        self,
        method: str,
        path: str,
        endpoint: str,
        track_id: str,
        *,
        params: QueryParams,
        content: bytes | None,
        form: dict[str, str | Secret] | None,
        idempotency_key: str | None,
        authenticated: bool,
        repeatable: bool,
    ) -> Any:
        deadline_at = self._clock() + self._deadline
        retries = 0
        attempt = 0
        renewed = False
        changes = authenticated and method != "GET"
        lost = False
        while True:
            attempt += 1
            token = await self.auth.token() if authenticated else None
            headers = self._headers(track_id, token, idempotency_key, content is not None)
            retry_after: float | None = None
            try:
                response = await self._send(
                    method,
                    path,
                    params=params,
                    content=content,
                    form=form,
                    headers=headers,
                    deadline_at=deadline_at,
                    track_id=track_id,
                    attempt=attempt,
                )
            except BackendError as exc:
                error = exc
            else:
                retry_after = envelope.parse_retry_after(response.headers.get("retry-after"))
                try:
                    return self._decode(response, endpoint, track_id)
                except BackendError as exc:
                    error = exc
            error.endpoint = endpoint
            if changes and maybe_applied(error):
                lost = True
            elif idempotency_key is not None:
                # With the key, any answer that does arrive is the first attempt's own outcome
                # (Zuora replays it), so only a lost last reply leaves the outcome open.
                lost = False
            if (
                authenticated
                and token is not None
                and not renewed
                and isinstance(error, AuthenticationError)
            ):
                renewed = True
                log.info("%s: token refused, renewing once (track %s)", endpoint, track_id)
                await self.auth.refused(token)
                continue
            if not repeatable or not is_retryable(error) or retries >= self._max_retries:
                error.reply_lost = lost
                raise error
            delay = self._backoff(retries, retry_after)
            if self._clock() + delay >= deadline_at:
                log.info("%s: giving up, the next try would pass the deadline", endpoint)
                error.reply_lost = lost
                raise error
            retries += 1
            log.info(
                "%s: %s, retry %d/%d in %.2f s (track %s)",
                endpoint,
                type(error).__name__,
                retries,
                self._max_retries,
                delay,
                track_id,
            )
            await self._sleep(delay)

    def _backoff(self, retries: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        return self._jitter(0.0, min(self._backoff_cap, self._backoff_base * 2**retries))

    def _headers(
        self, track_id: str, token: Secret | None, idempotency_key: str | None, has_json: bool
    ) -> httpx.Headers:
        # httpx.Headers, not a dict: its repr masks Authorization (tracebacks with locals)
        headers = httpx.Headers({"Zuora-Track-Id": track_id, "Zuora-Version": self._zuora_version})
        if self._entity_ids:
            headers["Zuora-Entity-Ids"] = self._entity_ids
        if token is not None:
            headers["Authorization"] = f"Bearer {token.reveal()}"
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        if has_json:
            headers["Content-Type"] = "application/json"
        return headers

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams,
        content: bytes | None,
        form: dict[str, str | Secret] | None,
        headers: httpx.Headers,
        deadline_at: float,
        track_id: str,
        attempt: int,
    ) -> httpx.Response:
        endpoint = f"{method} {path}"
        async with self._semaphore:
            remaining = deadline_at - self._clock()
            if remaining <= 0:
                raise UnavailableError(
                    f"{endpoint} ran out of time before Zuora answered", track_id=track_id
                )
            timeout = min(self._timeout, remaining)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            started = self._clock()
            try:
                response = await self._exchange(
                    method,
                    path,
                    params=tuple(params) if params else None,
                    content=content,
                    form=_revealed(form),
                    headers=headers,
                    timeout=timeout,
                )
            except httpx.TimeoutException as exc:
                self._record(method, path, None, started, track_id, None, attempt, "timeout")
                raise NoReplyError(
                    f"{endpoint} timed out after {timeout:g} s ({type(exc).__name__})",
                    maybe_sent=not isinstance(exc, _NOT_SENT),
                    track_id=track_id,
                ) from None
            except httpx.TransportError as exc:
                self._record(method, path, None, started, track_id, None, attempt, "network")
                raise NoReplyError(
                    f"could not reach Zuora for {endpoint} ({type(exc).__name__})",
                    maybe_sent=not isinstance(exc, _NOT_SENT),
                    track_id=track_id,
                ) from None
            except _BodyRefused as exc:
                self._record(method, path, exc.status, started, track_id, None, attempt, "body")
                raise MalformedResponse(
                    f"unexpected response from {endpoint}: {exc.why}",
                    status=exc.status if exc.status >= 400 else None,
                    request_id=exc.request_id,
                    track_id=track_id,
                ) from None
            except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL) as exc:
                self._record(method, path, None, started, track_id, None, attempt, "http")
                raise ServerError(
                    f"{endpoint} could not be exchanged with Zuora ({type(exc).__name__})",
                    track_id=track_id,
                ) from None
            finally:
                self.in_flight -= 1
        request_id = response.headers.get("zuora-request-id")
        self._record(
            method, path, response.status_code, started, track_id, request_id, attempt, None
        )
        return response

    async def _exchange(
        self,
        method: str,
        path: str,
        *,
        params: tuple[tuple[str, str], ...] | None,
        content: bytes | None,
        form: dict[str, str] | None,
        headers: httpx.Headers,
        timeout: float,  # noqa: ASYNC109 - httpx's per-request timeout, not a wait of ours
    ) -> httpx.Response:
        """Send, then read the body as a stream: decoded, at most :data:`MAX_BODY_BYTES`. The
        answer comes back as a plain response whose ``content`` is that decoded body."""
        request = self._client.build_request(
            method,
            path,
            params=params,
            content=content,
            data=form,
            headers=headers,
            timeout=timeout,
        )
        response = await self._client.send(request, stream=True)
        try:
            chunks: list[bytes] = []
            size = 0
            try:
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        raise _BodyRefused(
                            response,
                            f"a body larger than {MAX_BODY_BYTES // (1024 * 1024)} MB",
                        )
                    chunks.append(chunk)
            except httpx.DecodingError:
                encoding = response.headers.get("content-encoding", "?")
                raise _BodyRefused(
                    response, f"a body that is not the {encoding!r} encoding it claims"
                ) from None
        finally:
            await response.aclose()
        kept = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in {"content-encoding", "content-length", "transfer-encoding"}
        ]
        return httpx.Response(
            response.status_code, headers=kept, content=b"".join(chunks), request=request
        )

    def _decode(self, response: httpx.Response, endpoint: str, track_id: str) -> Any:
        if 300 <= response.status_code < 400:
            raise ServerError(
                f"{endpoint} was redirected (HTTP {response.status_code}); "
                "check the profile's base URL or environment",
                status=response.status_code,
                request_id=response.headers.get("zuora-request-id"),
                track_id=track_id,
            )
        return envelope.decode(response, endpoint, track_id=track_id)

    def _record(
        self,
        method: str,
        path: str,
        status: int | None,
        started: float,
        track_id: str,
        request_id: str | None,
        attempt: int,
        error: str | None,
    ) -> None:
        elapsed = max(0.0, self._clock() - started)
        log.debug(
            "%s %s -> %s in %.3f s (track %s, request %s, attempt %d)",
            method,
            path,
            status if status is not None else error,
            elapsed,
            track_id,
            request_id,
            attempt,
        )
        hook = self.on_request
        if hook is None:
            return
        try:
            hook(RequestRecord(method, path, status, elapsed, track_id, request_id, attempt, error))
        except Exception:  # the action log must never break a billing call
            log.exception("on_request hook failed")


def _revealed(form: dict[str, str | Secret] | None) -> dict[str, str] | None:
    """The form as httpx sends it: the one place a secret in it becomes text."""
    if form is None:
        return None
    return {k: v.reveal() if isinstance(v, Secret) else v for k, v in form.items()}
