"""Errors the engine raises: Zuora-shaped 8-digit codes and a request id from the seeded stream.

A code is a 6-digit resource part plus the 2-digit category (``error_for`` maps the category to
the class). Zuora documents no codes for invoice-schedule rule violations, so the resource parts
below are our own choice, except ``59210020`` (posting a non-Draft invoice), which is Zuora's real
code and therefore a :class:`ValidationError` (category 20), not a business-rule error.
"""

from __future__ import annotations

from backends.errors import BackendError, error_for
from backends.fake.engine.ids import Ids

__all__ = [
    "ACCOUNT",
    "BILL_RUN",
    "BUSINESS_RULE",
    "CLOCK",
    "CONFLICT",
    "CREDIT_MEMO",
    "GENERIC",
    "INVALID",
    "INVOICE",
    "MISSING",
    "NOT_FOUND",
    "ORDER",
    "SCHEDULE",
    "SUBSCRIPTION",
    "Refusals",
]

# resource parts (6 digits)
GENERIC = 500000
CLOCK = 500100
ACCOUNT = 501000
ORDER = 502000
SUBSCRIPTION = 503000
SCHEDULE = 538000
BILL_RUN = 590100
INVOICE = 592100
CREDIT_MEMO = 593100

# categories (2 digits)
INVALID = 20
MISSING = 22
BUSINESS_RULE = 30
NOT_FOUND = 40
CONFLICT = 50


class Refusals:
    """Builds the error for a refused call; the engine raises it before changing anything."""

    def __init__(self, ids: Ids) -> None:
        self._ids = ids

    def make(self, resource: int, category: int, message: str) -> BackendError:
        return error_for(message, code=resource * 100 + category, request_id=self._ids.request_id())

    def rule(self, resource: int, message: str) -> BackendError:
        return self.make(resource, BUSINESS_RULE, message)

    def not_found(self, resource: int, message: str) -> BackendError:
        return self.make(resource, NOT_FOUND, message)

    def invalid(self, resource: int, message: str) -> BackendError:
        return self.make(resource, INVALID, message)

    def missing(self, resource: int, message: str) -> BackendError:
        return self.make(resource, MISSING, message)

    def conflict(self, resource: int, message: str) -> BackendError:
        return self.make(resource, CONFLICT, message)
