"""The one allow-list: where the fake server may go beyond Zuora's published spec, and why.

Every entry names the documented sample (a seed page in ``../shared/reference/seeds/``, quoted
by its title and section, or Zuora's own SDK ``zuora-sdk`` for operations the spec leaves out)
that shows Zuora sending it. Nothing goes in here because the fake happens to send it.

``pointer`` is a field path in the body with ``[]`` for any array index (``orders[].status``);
``operation`` is ``"METHOD /path/template"`` as in ``zuora_shapes.json``, or ``"*"`` for every
operation.
"""

from __future__ import annotations

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


ALLOWANCES: tuple[Allowance, ...] = ()


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


def allowance_for(operation: str, pointer: str, kind: str) -> Allowance | None:
    """The entry that lets ``pointer`` of ``operation`` go beyond the spec, if there is one."""
    general = _INDEX.sub("[]", pointer)
    for entry in ALLOWANCES:
        if entry.kind == kind and entry.pointer == general and entry.operation in ("*", operation):
            return entry
    return None
