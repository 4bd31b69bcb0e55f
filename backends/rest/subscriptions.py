"""Subscriptions over Zuora's REST API: :class:`SubscriptionCalls`, mixed into ``RestBackend``.

===================  ===========================================================================
method               requests
===================  ===========================================================================
get_subscription     1  ``GET /v1/subscriptions/{subscription-key}`` (Zuora's default view: the
                        latest version, every rate plan with its charges' last segment)
===================  ===========================================================================

Zuora's spec marks no field of the answer as required. The backend requires what the contract
promises: ``subscriptionNumber``, and each charge's ``number``; everything else is read when it
is there and left unset when it is not (a missing ``id`` is the number, as for v1 orders; a
status outside the contract's list is left unset rather than refusing the whole answer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from backends.errors import ValidationError
from backends.models import Subscription, SubscriptionStatus
from backends.rest.envelope import malformed, parse_model, require

if TYPE_CHECKING:
    from backends.rest.transport import Transport

__all__ = ["SubscriptionCalls", "v1_subscription"]

_STATUSES = {s.value for s in SubscriptionStatus}


def _object(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if v is not None}


def v1_subscription(raw: dict[str, Any], endpoint: str) -> dict[str, Any]:
    """The answer in the contract's terms; raises naming the first field the contract needs
    that is missing or of the wrong type."""
    body = _object(raw)
    number = require(body, "subscriptionNumber", str, endpoint)
    body.setdefault("id", number)
    body.pop("invoiceScheduleId", None)  # the spec types it an integer; charges say it per charge
    if body.get("status") not in _STATUSES:
        body["status"] = None
    plans = require(body, "ratePlans", list, endpoint, optional=True) or []
    out_plans: list[dict[str, Any]] = []
    for p, plan in enumerate(plans):
        if not isinstance(plan, dict):
            raise malformed(endpoint, f"field ratePlans[{p}] should be an object")
        plan = _object(plan)
        charges = plan.get("ratePlanCharges")
        if charges is None:
            charges = []
        if not isinstance(charges, list):
            raise malformed(endpoint, f"field ratePlans[{p}].ratePlanCharges should be an array")
        out_charges = []
        for c, charge in enumerate(charges):
            where = f"ratePlans[{p}].ratePlanCharges[{c}]"
            if not isinstance(charge, dict):
                raise malformed(endpoint, f"field {where} should be an object")
            charge = _object(charge)
            if not isinstance(charge.get("number"), str) or not charge["number"]:
                raise malformed(endpoint, f"field {where}.number should be a string")
            if "invoiceScheduleId" in charge:
                value = charge["invoiceScheduleId"]
                if isinstance(value, int) and not isinstance(value, bool):
                    charge["invoiceScheduleId"] = str(value)
                elif value == "":
                    del charge["invoiceScheduleId"]
            if charge.get("type") not in ("OneTime", "Recurring", "Usage"):
                charge.pop("type", None)
            out_charges.append(charge)
        plan["ratePlanCharges"] = out_charges
        out_plans.append(plan)
    body["ratePlans"] = out_plans
    return body


class SubscriptionCalls:
    """The methods; ``RestBackend`` provides ``_http``."""

    _http: Transport

    async def get_subscription(self, key: str) -> Subscription:
        text = key.strip() if key else ""
        if not text:
            raise ValidationError("an empty key names no subscription")
        path = f"/v1/subscriptions/{quote(text, safe='')}"
        endpoint = f"GET {path}"
        data = await self._http.request("GET", path)
        if not isinstance(data, dict):
            raise malformed(endpoint, "the body should be a JSON object")
        return parse_model(Subscription, v1_subscription(data, endpoint), endpoint)
