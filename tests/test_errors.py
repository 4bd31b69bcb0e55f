import pytest

from backends.errors import (
    AuthenticationError,
    BackendError,
    BusinessRuleError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnavailableError,
    ValidationError,
    error_for,
)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (50000010, PermissionDeniedError),
        (90000011, AuthenticationError),
        (53100320, ValidationError),
        (53100321, ValidationError),
        (53100322, ValidationError),
        (59210030, BusinessRuleError),
        (50000040, NotFoundError),
        (50000050, ConflictError),
        (50000060, ServerError),
        (50000061, ServerError),
        (50000070, RateLimitedError),
        (50000090, ValidationError),
        (50000099, ServerError),
    ],
)
def test_category_picks_the_class(code: int, cls: type[BackendError]) -> None:
    err = error_for("refused", code=code, status=200, request_id="r-1")
    assert type(err) is cls
    assert (err.code, err.status, err.request_id) == (code, 200, "r-1")


@pytest.mark.parametrize(
    ("status", "cls"),
    [(404, NotFoundError), (429, RateLimitedError), (503, UnavailableError), (500, ServerError)],
)
def test_status_picks_the_class_without_a_code(status: int, cls: type[BackendError]) -> None:
    assert type(error_for("x", status=status)) is cls


def test_rate_limited_carries_retry_after_and_detail_names_code() -> None:
    err = error_for("slow down", code=50000070, status=429, retry_after=2.5, request_id="abc")
    assert isinstance(err, RateLimitedError) and err.retry_after == 2.5
    assert err.detail == "slow down (50000070, HTTP 429, request abc)"
    assert ServerError("x", code=50000061).temporary
