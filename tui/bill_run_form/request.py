"""The ``POST /v1/bill-runs`` request of a sound form.

Who: one Account filter per account (by id: the operation reads each account first), or
``batches`` with an optional ``billCycleDay``, or neither (every account). When: ad hoc with
``targetDate`` and ``invoiceDate``, or ``schedule`` with ``targetDateOffset`` and
``invoiceDateOffset`` (days after each run's date).
"""

from __future__ import annotations

from collections.abc import Sequence

from backends.models import BillRunFilter, BillRunFilterType, CreateBillRunRequest
from tui.bill_run_form.validate import BillRunPlan

__all__ = ["create_request"]


def create_request(plan: BillRunPlan, account_ids: Sequence[str] = ()) -> CreateBillRunRequest:
    """``account_ids``: the ids of ``plan.account_numbers``, in order (by-account runs)."""
    filters = [
        BillRunFilter(filter_type=BillRunFilterType.ACCOUNT, account_id=account_id)
        for account_id in account_ids
    ]
    return CreateBillRunRequest(
        name=plan.name,
        target_date=plan.target_date,
        invoice_date=plan.invoice_date,
        bill_run_filters=filters,
        batches=list(plan.batches) if plan.batches is not None else None,
        bill_cycle_day=plan.bill_cycle_day,
        charge_type_to_exclude=list(plan.exclude),
        auto_post=plan.auto_post,
        auto_email=plan.auto_email,
        no_email_for_zero_amount_invoice=plan.no_email_for_zero,
        schedule=plan.schedule,
        target_date_offset=plan.target_offset if plan.schedule is not None else None,
        invoice_date_offset=plan.invoice_offset if plan.schedule is not None else None,
    )
