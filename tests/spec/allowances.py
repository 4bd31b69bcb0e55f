"""The one allow-list: where the fake server may go beyond Zuora's published spec, and why.

Every entry names the documented sample (a seed page in ``../shared/reference/seeds/``, quoted
by its title and section, or Zuora's own SDK ``zuora-sdk`` for operations the spec leaves out)
that shows Zuora sending it. Nothing goes in here because the fake happens to send it.

``pointer`` is a field path in the body with ``[]`` for any array index (``orders[].status``);
``operation`` is ``"METHOD /path/template"`` as in ``zuora_shapes.json``, or ``"*"`` for every
operation, or a glob over those (``"* /v1/*"``).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ALLOWANCES", "OFF_SPEC_OPERATIONS", "Allowance", "OffSpec", "allowance_for"]


@dataclass(frozen=True)
class Allowance:
    operation: str
    pointer: str
    kind: str  # "field" (the spec lacks it), "null" (not nullable in the spec), "type"
    sample: str  # the documented sample that shows it
    types: tuple[str, ...] = ()  # for "type": the JSON types allowed besides the spec's
    statuses: tuple[int, ...] = ()  # only for these HTTP statuses (all when empty)


_SEED_EXECUTE = (
    'seed "Execute invoice schedules" (REST API samples "Specifying item ID" and '
    '"Not specifying item ID"): the bill run object'
)
_SCHEDULE_SAMPLE = (
    "Zuora's GET_InvoiceSchedule / PUT_PauseInvoiceSchedule samples on developer.zuora.com "
    "(reference zuora-api.md section 3.3)"
)
_BILL_RUN_RETURNING = (
    "POST /v1/invoice-schedules/{scheduleKey}/execute",
    "POST /v1/bill-runs",
    "GET /v1/bill-runs/{billRunId}",
    "PUT /v1/bill-runs/{billRunId}/post",
    "PUT /v1/bill-runs/{billRunId}/cancel",
    "DELETE /v1/bill-runs/{billRunId}",
)
_SCHEDULE_RETURNING = (
    "GET /v1/invoice-schedules/{scheduleKey}",
    "POST /v1/invoice-schedules",
    "PUT /v1/invoice-schedules/{scheduleKey}",
    "PUT /v1/invoice-schedules/{scheduleKey}/pause",
    "PUT /v1/invoice-schedules/{scheduleKey}/resume",
)


def _each(operations: tuple[str, ...], pointer: str, kind: str, sample: str, **kw: Any) -> list:
    return [Allowance(op, pointer, kind, sample, **kw) for op in operations]


ALLOWANCES: tuple[Allowance, ...] = (
    # Error codes: the spec types reasons[].code as a string; Zuora's samples send 8-digit
    # integers (bulk post sample 59210020 on POST_PostInvoices; the error-code guide's
    # 53100320; reference zuora-api.md sections 7.4 and 9.4).
    Allowance(
        "*",
        "reasons[].code",
        "type",
        "POST_PostInvoices / error-code guide samples",
        types=("integer",),
    ),
    Allowance(
        "*", "invoices[].reasons[].code", "type", "POST_PostInvoices sample", types=("integer",)
    ),
    # Bulk post: a refused invoice carries its own processId and reasons in Zuora's sample
    # (developer.zuora.com POST_PostInvoices, reference zuora-api.md section 7.4).
    Allowance(
        "POST /v1/invoices/bulk-post", "invoices[].processId", "field", "POST_PostInvoices sample"
    ),
    Allowance(
        "POST /v1/invoices/bulk-post", "invoices[].reasons", "field", "POST_PostInvoices sample"
    ),
    # v1 errors at 500 carry the whole v1 envelope (error-code guide sample, section 9.4);
    # the spec's 500 schema lists reasons only.
    *[
        Allowance(
            "* /v1/*", field, "field", "error-code guide sample (v1 envelope)", statuses=(500,)
        )
        for field in ("success", "processId", "requestId")
    ],
    # The gateway's 401 for a missing or expired token: {"message": "Authentication error"}
    # (zuora-sdk ProxyUnauthorizedResponse; reference zuora-api.md section 9.4).
    Allowance("*", "message", "field", "zuora-sdk ProxyUnauthorizedResponse", statuses=(401,)),
    # The bill run object as seed "Execute invoice schedules" shows it: success, the filter's
    # schedule and item ids, and these nulls. The same object comes back from the bill run
    # operations, so the sample stands for them too.
    *_each(_BILL_RUN_RETURNING, "success", "field", _SEED_EXECUTE),
    *_each(_BILL_RUN_RETURNING, "schedule", "field", _SEED_EXECUTE),
    *_each(_BILL_RUN_RETURNING, "billRunFilters[].invoiceScheduleId", "field", _SEED_EXECUTE),
    *_each(_BILL_RUN_RETURNING, "billRunFilters[].invoiceScheduleItemId", "field", _SEED_EXECUTE),
    *[
        entry
        for pointer in (
            "billCycleDay",
            "targetDateOffset",
            "invoiceDateOffset",
            "scheduledExecutionTime",
            "batches",
            "schedule",
            "billRunFilters[].subscriptionId",
            "billRunFilters[].invoiceScheduleItemId",
        )
        for entry in _each(_BILL_RUN_RETURNING, pointer, "null", _SEED_EXECUTE)
    ],
    # The invoice schedule as Zuora's samples show it: success: true, and item amounts as
    # JSON numbers ("amount": 50000) where the spec says a decimal string.
    *_each(_SCHEDULE_RETURNING, "success", "field", _SCHEDULE_SAMPLE),
    *_each(
        _SCHEDULE_RETURNING,
        "scheduleItems[].amount",
        "type",
        _SCHEDULE_SAMPLE,
        types=("integer", "number"),
    ),
    *_each(
        _SCHEDULE_RETURNING,
        "scheduleItems[].actualAmount",
        "type",
        _SCHEDULE_SAMPLE,
        types=("integer", "number"),
    ),
    # Object Query expansions: expand[]=invoiceschedulebookings.order is documented on
    # developer.zuora.com queryInvoiceSchedules (reference zuora-api.md section 8.3), but the
    # spec's booking schema has no "order".
    Allowance(
        "GET /object-query/invoice-schedules*",
        "invoiceScheduleBookings[].order",
        "field",
        "developer.zuora.com queryInvoiceSchedules expand[] list",
    ),
    Allowance(
        "GET /object-query/invoice-schedules*",
        "data[].invoiceScheduleBookings[].order",
        "field",
        "developer.zuora.com queryInvoiceSchedules expand[] list",
    ),
    # An order's invoiceScheduleId: the spec says integer, but schedule ids are 32-hex strings
    # (seed "Execute invoice schedules": "invoiceScheduleId": "e717da75dae645bdb63723d364e8547d";
    # zuora-sdk Order.invoice_schedule_id is a StrictStr).
    *[
        Allowance(
            op,
            pointer,
            "type",
            'seed "Execute invoice schedules"; zuora-sdk Order',
            types=("string",),
        )
        for op, pointer in (
            ("GET /v1/orders", "orders[].invoiceScheduleId"),
            ("GET /v1/orders/invoiceOwner/{accountNumber}", "orders[].invoiceScheduleId"),
            ("GET /v1/orders/{orderNumber}", "order.invoiceScheduleId"),
        )
    ],
)


@dataclass(frozen=True)
class OffSpec:
    """An operation Zuora serves that the compact spec omits, shaped from Zuora's SDK."""

    source: str
    responses: Mapping[str, Any]


_REASONS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
    },
}
_ENVELOPE = {
    "processId": {"type": "string"},
    "requestId": {"type": "string"},
    "reasons": _REASONS,
    "success": {"type": "boolean"},
}
_JOB_STATUS = {"type": "string", "enum": ["Pending", "Processing", "Failed", "Completed"]}
_ASYNC_OPERATION = {
    "type": "object",
    "schema": "AsyncOperationResponse (zuora-sdk)",
    "properties": {
        **_ENVELOPE,
        "id": {"type": "string"},
        "jobId": {"type": "string"},
        "jobStatus": _JOB_STATUS,
    },
}
_ERROR = {"type": "object", "schema": "CommonResponse", "properties": dict(_ENVELOPE)}


def _unpost_response() -> dict[str, Any]:
    from tests.spec.shapes import shapes

    invoice = shapes()["operations"]["GET /v1/invoices/{invoiceKey}"]["responses"]["200"]
    return {
        "type": "object",
        "schema": "UnpostInvoiceResponse (zuora-sdk)",
        "properties": {
            **_ENVELOPE,
            "jobId": {"type": "string"},
            "jobStatus": _JOB_STATUS,
            "invoice": invoice,
        },
    }


class _LazyResponses(Mapping[str, Any]):
    """Responses built on first use (the unpost shape reuses the spec's invoice)."""

    def __init__(self, build: Any) -> None:
        self._build = build
        self._value: dict[str, Any] | None = None

    def _get(self) -> dict[str, Any]:
        if self._value is None:
            self._value = self._build()
        return self._value

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def __iter__(self) -> Any:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


OFF_SPEC_OPERATIONS: dict[str, OffSpec] = {
    "PUT /v1/invoices/{invoiceKey}/post": OffSpec(
        "zuora-sdk 3.21.0 InvoicesApi.post_invoice: 200 AsyncOperationResponse",
        {"200": _ASYNC_OPERATION, "4XX": _ERROR},
    ),
    "PUT /v1/invoices/{invoiceKey}/cancel": OffSpec(
        "zuora-sdk 3.21.0 InvoicesApi.cancel_invoice: 200 AsyncOperationResponse",
        {"200": _ASYNC_OPERATION, "4XX": _ERROR},
    ),
    "PUT /v1/invoices/{invoiceKey}/unpost": OffSpec(
        "zuora-sdk 3.21.0 InvoicesApi.unpost_invoice: 200 UnpostInvoiceResponse",
        _LazyResponses(lambda: {"200": _unpost_response(), "4XX": _ERROR}),
    ),
}

_INDEX = re.compile(r"\[\d+\]")


def allowance_for(
    operation: str, pointer: str, kind: str, status: int | None = None
) -> Allowance | None:
    """The entry that lets ``pointer`` of ``operation`` go beyond the spec, if there is one."""
    general = _INDEX.sub("[]", pointer)
    for entry in ALLOWANCES:
        if (
            entry.kind == kind
            and entry.pointer == general
            and fnmatch.fnmatchcase(operation, entry.operation)
            and (not entry.statuses or status in entry.statuses)
        ):
            return entry
    return None
