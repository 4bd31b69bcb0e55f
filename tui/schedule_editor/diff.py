"""What an update changes: items added, changed (old → new), deleted; orders added, removed.

The confirmation shows it before anything is sent; an empty diff sends nothing.
:func:`apply` rebuilds the new plan from the old one and the diff (tested as an invariant).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.schedule_editor.plan import ItemPlan, SchedulePlan, SpecKey

__all__ = ["ItemChange", "ScheduleDiff", "apply", "diff"]


@dataclass(frozen=True)
class ItemChange:
    old: ItemPlan
    new: ItemPlan

    def fields(self) -> list[tuple[str, str, str]]:
        """(field, old, new) for every field that changed."""
        out: list[tuple[str, str, str]] = []
        if self.old.name != self.new.name:
            out.append(("name", self.old.name or "—", self.new.name or "—"))
        if self.old.run_date != self.new.run_date:
            out.append(("run date", _day(self.old), _day(self.new)))
        if (self.old.amount, self.old.percentage) != (self.new.amount, self.new.percentage):
            out.append(("value", _value(self.old), _value(self.new)))
        return out


@dataclass(frozen=True)
class ScheduleDiff:
    #: (position in the new list, item)
    items_added: tuple[tuple[int, ItemPlan], ...] = ()
    items_changed: tuple[ItemChange, ...] = ()
    items_deleted: tuple[ItemPlan, ...] = ()
    #: the kept items' ids in their new order, when that order differs from the old one
    reordered: tuple[str, ...] | None = None
    orders_added: tuple[str, ...] = ()
    orders_removed: tuple[str, ...] = ()
    #: the new order list when only its order changed (or to place the added ones)
    orders: tuple[str, ...] | None = None
    notes: tuple[str, str] | None = None
    invoice_separately: tuple[bool, bool] | None = None
    specific_subscriptions: SpecKey | None = None
    #: (order, subscription) named as specific subscriptions now and not before, and the reverse
    subscriptions_added: tuple[tuple[str, str], ...] = ()
    subscriptions_removed: tuple[tuple[str, str], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.items_added
            or self.items_changed
            or self.items_deleted
            or self.reordered is not None
            or self.orders is not None
            or self.notes is not None
            or self.invoice_separately is not None
            or self.specific_subscriptions is not None
        )

    def lines(self, currency: str = "") -> list[str]:
        """The confirmation's list, one line per change, deletions marked loudly."""
        out: list[str] = []
        for order in self.orders_added:
            out.append(f"+ order {order} added")
        for order in self.orders_removed:
            out.append(f"- order {order} removed")
        for order, subscription in self.subscriptions_added:
            out.append(f"+ subscription {subscription} ({order}) added")
        for order, subscription in self.subscriptions_removed:
            out.append(f"- subscription {subscription} ({order}) removed")
        if self.specific_subscriptions == () and self.subscriptions_removed:
            out[-1] += ": none specific left, every subscription of the orders counts"
        if self.specific_subscriptions is not None and not (
            self.subscriptions_added or self.subscriptions_removed
        ):
            out.append("~ specific subscriptions' charges changed")
        for position, item in self.items_added:
            out.append(
                f"+ item {position + 1} added: {item.name or 'unnamed'} · {_day(item)} · "
                f"{_value(item, currency)}"
            )
        for change in self.items_changed:
            parts = "; ".join(f"{f} {old} → {new}" for f, old, new in change.fields())
            out.append(f"~ {change.old.name or 'item'} changed: {parts}")
        for item in self.items_deleted:
            out.append(f"- DELETED {item.name or 'item'} · {_day(item)} · {_value(item, currency)}")
        if self.reordered is not None:
            out.append("~ items reordered")
        if self.notes is not None:
            out.append(f"~ notes {self.notes[0] or '—'!r} → {self.notes[1] or '—'!r}")
        if self.invoice_separately is not None:
            old, new = self.invoice_separately
            out.append(f"~ invoice separately {_yes(old)} → {_yes(new)}")
        return out


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _day(item: ItemPlan) -> str:
    return item.run_date.isoformat() if item.run_date else "no run date"


def _value(item: ItemPlan, currency: str = "") -> str:
    if item.percentage is not None:
        return f"{item.percentage.normalize():f}%"
    if item.amount is None:
        return "—"
    text = f"{item.amount:,}"
    return f"{text} {currency}" if currency else text


def diff(old: SchedulePlan, new: SchedulePlan) -> ScheduleDiff:
    old_by_id = {i.id: i for i in old.items if i.id is not None}
    new_ids = [i.id for i in new.items if i.id is not None and i.id in old_by_id]
    added = tuple(
        (n, item) for n, item in enumerate(new.items) if item.id is None or item.id not in old_by_id
    )
    changed = tuple(
        ItemChange(old_by_id[i.id], i)
        for i in new.items
        if i.id is not None and i.id in old_by_id and not old_by_id[i.id].same_values(i)
    )
    kept = set(new_ids)
    deleted = tuple(i for i in old.items if i.id not in kept)
    old_order = [i.id for i in old.items if i.id in kept]
    reordered = tuple(str(i) for i in new_ids) if old_order != new_ids else None
    orders_added = tuple(o for o in new.orders if o not in old.orders)
    orders_removed = tuple(o for o in old.orders if o not in new.orders)
    old_subs = [(o, s) for o, s, _ in old.specific_subscriptions]
    new_subs = [(o, s) for o, s, _ in new.specific_subscriptions]
    return ScheduleDiff(
        items_added=added,
        items_changed=changed,
        items_deleted=deleted,
        reordered=reordered,
        orders_added=orders_added,
        orders_removed=orders_removed,
        orders=new.orders if new.orders != old.orders else None,
        notes=(old.notes, new.notes) if old.notes != new.notes else None,
        invoice_separately=(
            (old.invoice_separately, new.invoice_separately)
            if old.invoice_separately != new.invoice_separately
            else None
        ),
        specific_subscriptions=(
            new.specific_subscriptions
            if new.specific_subscriptions != old.specific_subscriptions
            else None
        ),
        subscriptions_added=tuple(p for p in new_subs if p not in old_subs),
        subscriptions_removed=tuple(p for p in old_subs if p not in new_subs),
    )


def apply(old: SchedulePlan, change: ScheduleDiff) -> SchedulePlan:
    """``old`` with ``change`` made: ``apply(old, diff(old, new)) == new``."""
    deleted = {i.id for i in change.items_deleted}
    updated = {c.old.id: c.new for c in change.items_changed}
    kept = [updated.get(i.id, i) for i in old.items if i.id not in deleted]
    if change.reordered is not None:
        by_id = {i.id: i for i in kept}
        kept = [by_id[i] for i in change.reordered]
    items = list(kept)
    for position, item in change.items_added:  # ascending positions
        items.insert(position, item)
    return replace(
        old,
        orders=change.orders if change.orders is not None else old.orders,
        items=tuple(items),
        notes=change.notes[1] if change.notes is not None else old.notes,
        invoice_separately=(
            change.invoice_separately[1]
            if change.invoice_separately is not None
            else old.invoice_separately
        ),
        specific_subscriptions=(
            change.specific_subscriptions
            if change.specific_subscriptions is not None
            else old.specific_subscriptions
        ),
    )
