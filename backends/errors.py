"""One error hierarchy for every backend.

Every ``Backend`` method raises only :class:`BackendError` subclasses. Each carries Zuora's 8-digit
code where one applies (6-digit resource part + 2-digit category), the HTTP status, the message
and Zuora's request id, so the console can show one clear notification and support can trace it.
The category (last two digits of the code) picks the subclass: see :func:`error_for`.
"""

from __future__ import annotations

__all__ = [
    "AuthenticationError",
    "BackendError",
    "BusinessRuleError",
    "ConflictError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ServerError",
    "UnavailableError",
    "ValidationError",
    "category_of",
    "error_for",
]


class BackendError(Exception):
    """Base of every error a backend raises.

    ``message`` says what was refused and why, in an operator's words; ``code`` is Zuora's
    8-digit code; ``status`` the HTTP status; ``request_id`` Zuora's ``Zuora-Request-Id`` (or the
    fake's); ``track_id`` the ``Zuora-Track-Id`` of the call, when the REST backend made one.
    """

    #: default category, used to build a code when a backend only knows the category
    category: int | None = None
    default_status: int | None = None
    #: the call that failed (``"PUT /v1/invoices/INV00000001/post"``), set by the REST backend
    endpoint: str | None = None
    #: set by the REST backend's transport on the error that ended a changing call after a reply
    #: to one of its attempts was lost: the change may have been applied all the same
    reply_lost: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status: int | None = None,
        request_id: str | None = None,
        track_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status if status is not None else self.default_status
        self.request_id = request_id
        self.track_id = track_id

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, code={self.code!r}, "
            f"status={self.status!r}, request_id={self.request_id!r})"
        )

    @property
    def detail(self) -> str:
        """The message with its code and request id, for notifications and logs."""
        parts = [self.message]
        extra = []
        if self.code is not None:
            extra.append(str(self.code))
        if self.status is not None:
            extra.append(f"HTTP {self.status}")
        if self.request_id:
            extra.append(f"request {self.request_id}")
        if extra:
            parts.append(f"({', '.join(extra)})")
        return " ".join(parts)


class PermissionDeniedError(BackendError):
    """Category 10: the credentials may not do this."""

    category = 10
    default_status = 403


class AuthenticationError(BackendError):
    """Category 11, or a gateway 401: the credentials or the token were refused."""

    category = 11
    default_status = 401


class ValidationError(BackendError):
    """Categories 20-23, 27 and 90: the request itself is malformed or names unknown fields."""

    category = 20
    default_status = 400


class BusinessRuleError(BackendError):
    """Category 30: the operation is not allowed in the object's current state."""

    category = 30
    default_status = 400


class NotFoundError(BackendError):
    """Category 40: no such object."""

    category = 40
    default_status = 404


class ConflictError(BackendError):
    """Category 50: lock contention, or an idempotent request with the same key still in flight."""

    category = 50
    default_status = 409


class ServerError(BackendError):
    """Categories 60, 61, 99 and any 5xx: something broke on the server's side."""

    category = 60
    default_status = 500

    @property
    def temporary(self) -> bool:
        return self.code is not None and self.code % 100 == 61


class RateLimitedError(BackendError):
    """Category 70 / HTTP 429: too many requests; ``retry_after`` is in seconds when known."""

    category = 70
    default_status = 429

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status: int | None = None,
        request_id: str | None = None,
        track_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message, code=code, status=status, request_id=request_id, track_id=track_id
        )
        self.retry_after = retry_after


class UnavailableError(BackendError):
    """No answer at all: connection refused or dropped, DNS failure, timeout, 502/503/504."""

    default_status = None


class OutcomeUnknownError(BackendError):
    """A state-changing call whose reply was lost, and reading the object back cannot tell whether
    it was applied. ``object_ref`` names what the operator should check (a number or an id)."""

    default_status = None

    def __init__(
        self,
        message: str,
        *,
        object_ref: str,
        code: int | None = None,
        status: int | None = None,
        request_id: str | None = None,
        track_id: str | None = None,
    ) -> None:
        super().__init__(
            message, code=code, status=status, request_id=request_id, track_id=track_id
        )
        self.object_ref = object_ref


_BY_CATEGORY: dict[int, type[BackendError]] = {
    10: PermissionDeniedError,
    11: AuthenticationError,
    20: ValidationError,
    21: ValidationError,
    22: ValidationError,
    23: ValidationError,
    27: ValidationError,
    30: BusinessRuleError,
    40: NotFoundError,
    45: ValidationError,
    50: ConflictError,
    60: ServerError,
    61: ServerError,
    70: RateLimitedError,
    90: ValidationError,
    99: ServerError,
}

_BY_STATUS: dict[int, type[BackendError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: ValidationError,
    406: ValidationError,
    409: ConflictError,
    415: ValidationError,
    422: ConflictError,
    429: RateLimitedError,
    502: UnavailableError,
    503: UnavailableError,
    504: UnavailableError,
}


def category_of(code: int | None) -> int | None:
    """The 2-digit category of an 8-digit Zuora code (``59210020`` -> ``20``)."""
    if code is None:
        return None
    return code % 100


def error_for(
    message: str,
    *,
    code: int | None = None,
    status: int | None = None,
    request_id: str | None = None,
    track_id: str | None = None,
    retry_after: float | None = None,
) -> BackendError:
    """Build the right subclass: the code's category wins, then the HTTP status."""
    cls: type[BackendError] = BackendError
    category = category_of(code)
    if category is not None and category in _BY_CATEGORY:
        cls = _BY_CATEGORY[category]
    elif status is not None:
        cls = _BY_STATUS.get(status, ServerError if status >= 500 else BackendError)
    if cls is RateLimitedError:
        return RateLimitedError(
            message,
            code=code,
            status=status,
            request_id=request_id,
            track_id=track_id,
            retry_after=retry_after,
        )
    return cls(message, code=code, status=status, request_id=request_id, track_id=track_id)
