"""The fault rules the fault panel offers (``a``), as (label, rule) presets."""

from __future__ import annotations

from decimal import Decimal

from backends.models import FaultEffect, FaultRuleSpec

#: (label, rule) the ``a`` key offers
PRESETS: tuple[tuple[str, FaultRuleSpec], ...] = (
    (
        "30% rate limits on every call",
        FaultRuleSpec(effect=FaultEffect.RATE_LIMIT, probability=Decimal("0.3")),
    ),
    (
        "next generate hits lock contention",
        FaultRuleSpec(effect=FaultEffect.LOCK, operation="POST_ExecuteInvoiceSchedule", times=1),
    ),
    (
        "next post drops after the engine ran",
        FaultRuleSpec(effect=FaultEffect.DROP, operation="PUT_PostInvoice", times=1, phase="after"),
    ),
    (
        "next bulk post times out after the engine ran",
        FaultRuleSpec(
            effect=FaultEffect.TIMEOUT, operation="POST_PostInvoices", times=1, phase="after"
        ),
    ),
    (
        "next bill run read: service unavailable",
        FaultRuleSpec(effect=FaultEffect.UNAVAILABLE, operation="GET_BillRun", times=1),
    ),
    (
        "every call 800 ms late",
        FaultRuleSpec(effect=FaultEffect.LATENCY, latency_ms=800),
    ),
)
