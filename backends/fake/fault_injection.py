"""Fault rules for the in-process fake: the same rules the fake server applies, one front door in.

``FakeBackend`` runs every call through :class:`FaultInjector`. A rule matches an in-process call
by Zuora's operationId (``POST_ExecuteInvoiceSchedule``), by HTTP method, or by a path glob of
``*`` (every call); concrete path globs only mean something to the HTTP server. Effects become the
``BackendError`` the REST backend would raise for the same failure on the wire, so the console
shows an operator exactly what a real tenant's bad day looks like:

* ``before`` rules fire before the engine runs, so nothing happened;
* ``after`` rules fire once the engine has done the work, so the change is made but the caller
  hears an error (a lost answer), the case that makes idempotency keys and refresh matter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TypeVar

from backends.errors import (
    BackendError,
    ConflictError,
    RateLimitedError,
    ServerError,
    UnavailableError,
    ValidationError,
)
from backends.fake.faults import FaultBook, FaultRule
from backends.models import FaultEffect, FaultRuleSpec

__all__ = ["OPERATIONS", "FaultInjector", "error_for_rule", "rule_from_spec", "spec_from_rule"]

T = TypeVar("T")

#: Backend method -> (HTTP method, Zuora operationId) of the call the REST backend would make.
OPERATIONS: dict[str, tuple[str, str]] = {
    "list_orders": ("GET", "GET_AllOrders"),
    "get_order": ("GET", "GET_Order"),
    "get_account": ("GET", "queryAccountByKey"),
    "list_invoice_schedules": ("GET", "queryInvoiceSchedules"),
    "get_invoice_schedule": ("GET", "GET_InvoiceSchedule"),
    "create_invoice_schedule": ("POST", "POST_CreateInvoiceSchedule"),
    "update_invoice_schedule": ("PUT", "PUT_UpdateInvoiceSchedule"),
    "delete_invoice_schedule": ("DELETE", "DELETE_InvoiceSchedule"),
    "execute_invoice_schedule": ("POST", "POST_ExecuteInvoiceSchedule"),
    "pause_invoice_schedule": ("PUT", "PUT_PauseInvoiceSchedule"),
    "resume_invoice_schedule": ("PUT", "PUT_ResumeInvoiceSchedule"),
    "detach_charges": ("PUT", "detachChargesFromInvoiceSchedule"),
    "attach_charges": ("PUT", "attachChargesToInvoiceSchedule"),
    "create_bill_run": ("POST", "POST_CreateBillRun"),
    "get_bill_run": ("GET", "GET_BillRun"),
    "post_bill_run": ("PUT", "PUT_PostBillRun"),
    "cancel_bill_run": ("PUT", "PUT_CancelBillRun"),
    "delete_bill_run": ("DELETE", "DELETE_DeleteBillRun"),
    "list_bill_runs": ("GET", "queryBillingRuns"),
    "list_bill_run_documents": ("GET", "queryInvoices"),
    "get_invoice": ("GET", "Get_GetInvoice"),
    "get_invoice_items": ("GET", "GET_InvoiceItems"),
    "post_invoice": ("PUT", "PUT_PostInvoice"),
    "post_invoices": ("POST", "POST_PostInvoices"),
    "unpost_invoice": ("PUT", "PUT_UnpostInvoice"),
    "cancel_invoice": ("PUT", "PUT_CancelInvoice"),
    "reverse_invoice": ("PUT", "PUT_ReverseInvoice"),
    "get_credit_memo": ("GET", "GET_CreditMemo"),
    "post_credit_memo": ("PUT", "PUT_PostCreditMemo"),
    "unpost_credit_memo": ("PUT", "PUT_UnpostCreditMemo"),
    "list_accounts_page": ("GET", "queryAccounts"),
    "generate_billing_documents": ("POST", "POST_GenerateBillingDocuments"),
    "get_bill_run_progress": ("GET", "queryBillingRunByKey"),
    "list_documents": ("GET", "queryInvoices"),
}


def rule_from_spec(spec: FaultRuleSpec) -> FaultRule:
    """The engine-side rule for a spec; raises :class:`ValidationError` for a bad one."""
    try:
        return FaultRule(
            effect=spec.effect.value,
            method=spec.method,
            path=spec.path,
            operation=spec.operation,
            times=spec.times,
            probability=float(spec.probability),
            latency_ms=spec.latency_ms,
            retry_after=spec.retry_after,
            phase=spec.phase,  # type: ignore[arg-type]
        )
    except ValueError as exc:
        raise ValidationError(f"Fault rule refused: {exc}", code=50000020) from exc


def spec_from_rule(rule: FaultRule) -> FaultRuleSpec:
    return FaultRuleSpec(
        id=rule.id,
        effect=FaultEffect(rule.effect),
        operation=rule.operation,
        method=rule.method,
        path=rule.path,
        times=rule.times,
        probability=Decimal(repr(rule.probability)),
        latency_ms=rule.latency_ms,
        retry_after=rule.retry_after,
        phase=rule.phase,
        fired=rule.fired,
    )


def error_for_rule(rule: FaultRule, operation: str) -> BackendError:
    """The error an operator would see on the wire for this fault."""
    why = f"(injected by fault rule {rule.id} on {operation})"
    if rule.effect == "rate_limit":
        return RateLimitedError(
            f"Too many requests: the tenant's request limit was exceeded {why}",
            code=50000070,
            status=429,
            retry_after=float(rule.retry_after),
        )
    if rule.effect == "lock":
        return ConflictError(
            f"Operation failed due to a lock competition, please retry later {why}",
            code=50000050,
            status=409,
        )
    if rule.effect == "temporary":
        return ServerError(f"Temporary error, please retry {why}", code=50000061, status=500)
    if rule.effect == "unavailable":
        return UnavailableError(f"Service unavailable (HTTP 503) {why}", status=503)
    if rule.effect == "timeout":
        return UnavailableError(f"Gateway timeout (HTTP 504) {why}", status=504)
    return UnavailableError(f"The connection dropped before an answer arrived {why}")


class FaultInjector:
    """Applies a :class:`FaultBook` around each in-process call."""

    def __init__(self, seed: int = 0) -> None:
        self.book = FaultBook(seed)

    def add(self, spec: FaultRuleSpec) -> FaultRuleSpec:
        return spec_from_rule(self.book.add(rule_from_spec(spec)))

    def rules(self) -> list[FaultRuleSpec]:
        return [spec_from_rule(r) for r in self.book.rules]

    async def run(self, name: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run ``call`` (the backend method ``name``) under the rules."""
        if not self.book.rules or name not in OPERATIONS:  # the clock and settle never fail
            return await call()
        method, operation = OPERATIONS[name]
        await self._apply(method, operation, "before")
        result = await call()
        await self._apply(method, operation, "after")
        return result

    async def _apply(self, method: str, operation: str, phase: str) -> None:
        """Delay or fail as the rule picked for this phase says (if one is picked)."""
        rule = self.book.pick(method, "", operation, phase)
        if rule is None:
            return
        if rule.effect != "latency":
            raise error_for_rule(rule, operation)
        await asyncio.sleep(rule.latency_ms / 1000)
