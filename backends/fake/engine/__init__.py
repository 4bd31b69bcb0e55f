"""The fake Zuora billing engine: pure, synchronous domain code (see :mod:`backends.fake`)."""

from backends.fake.engine.engine import DEFAULT_TODAY, Engine
from backends.fake.engine.orders import ChargeSpec, SubscriptionSpec
from backends.fake.engine.state import StateError

__all__ = ["DEFAULT_TODAY", "ChargeSpec", "Engine", "StateError", "SubscriptionSpec"]
