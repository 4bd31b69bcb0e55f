"""The state every engine room works on, passed explicitly (the engine keeps no global state)."""

from __future__ import annotations

from dataclasses import dataclass

from backends.fake.engine.clock import Clock
from backends.fake.engine.ids import Ids
from backends.fake.engine.refusals import Refusals
from backends.fake.engine.store import Store

__all__ = ["Core"]


@dataclass
class Core:
    store: Store
    clock: Clock
    ids: Ids
    refuse: Refusals
    #: the id written into ``createdById``/``updatedById``: the fake's one operator
    user_id: str

    @classmethod
    def new(cls, store: Store, clock: Clock, ids: Ids, user_id: str | None = None) -> Core:
        return cls(
            store=store,
            clock=clock,
            ids=ids,
            refuse=Refusals(ids),
            user_id=user_id if user_id is not None else ids.new_id(),
        )
