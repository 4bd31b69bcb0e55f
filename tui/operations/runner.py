"""The one runner every operator action goes through.

read-only → target → double press → rule → (prepare in a worker → rule again) → inputs and
confirmation (one dialog) → worker: the backend call, with its track ids and recoveries
collected → action log → one notification → :class:`~tui.changes.BillingChanged` → watch.

Nothing a backend raises reaches Textual's crash handler: a :class:`BackendError` is one
notification naming the action and the object; an :class:`OutcomeUnknownError` (the reply was
lost and reading back could not tell) is shown as "outcome unknown: check <object>", logged as
``unknown``, and the object is read again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backends.errors import BackendError, OutcomeUnknownError
from backends.tracing import collect_recoveries, collect_track_ids
from tui import actions
from tui.changes import BillingChanged
from tui.operations import OPERATIONS
from tui.operations.base import Change, Context, Notice, Operation, Refused

if TYPE_CHECKING:
    from tui.app import BillingApp

__all__ = ["OperationRunner", "target_refs"]


def target_refs(target: Any) -> frozenset[str]:
    """Ids and numbers a target names (its document, schedule, bill run, related objects)."""
    refs: set[str] = set(getattr(target, "related", ()) or ())
    for name in ("key", "number"):
        value = getattr(target, name, None)
        if isinstance(value, str):
            refs.add(value)
    schedule = getattr(target, "schedule", None)
    if schedule is not None:
        refs |= {schedule.id, schedule.number}
    run = getattr(target, "run", None)
    if run is not None:
        refs |= {run.id, run.bill_run_number}
    return frozenset(refs)


class OperationRunner:
    def __init__(self, app: BillingApp) -> None:
        self.app = app
        #: guard keys of the operations between their first press and their answer
        self.in_flight = app.in_flight

    # ------------------------------------------------------------------ queries

    def verdict(self, op_id: str, screen: Any) -> str | None:
        """Why ``op_id`` would be refused on ``screen`` now (``None``: it would run). Pure: no
        notification, nothing logged (the palette and table hints use it)."""
        op = OPERATIONS[op_id]
        if not self.app.action_allowed(op_id):
            return "not available here"
        try:
            target = op.target(screen, self.app.keys)
        except Refused as refused:
            return refused.reason
        if op.guard_key(target) in self.in_flight:
            return "already in progress"
        return op.rule(target, self.app.keys)

    # ------------------------------------------------------------------ the path

    def start(self, op_id: str, screen: Any) -> None:
        """A key press (or the palette) asks for ``op_id`` on ``screen``."""
        app = self.app
        op = OPERATIONS[op_id]
        spec = actions.by_id(op.action_id)
        where = str(getattr(screen, "crumb", "") or op.action_id)
        if (spec.dangerous or spec.read_only_hidden) and app.read_only:
            app.refuse(op.action_id, where, f"read-only mode: {spec.label} is disabled")
            return
        try:
            target = op.target(screen, app.keys)
        except Refused as refused:
            app.refuse(op.action_id, refused.obj or where, refused.reason)
            return
        obj = op.obj(target)
        key = op.guard_key(target)
        if key in self.in_flight:
            app.notify(f"{op.label or spec.label} on {obj} is already in progress", timeout=3)
            return
        reason = op.rule(target, app.keys)
        if reason is not None:
            app.refuse(op.action_id, obj, reason)
            return
        if op.local is not None:
            op.local(screen, target)
            return
        self.in_flight.add(key)
        ctx: Context[Any] = Context(
            backend=app.backend,
            target=target,
            keys=app.keys,
            today=app.today(),
            environment=app.environment,
            screen=screen,
        )
        if op.prepare is not None:
            app.run_worker(
                self._prepare(op, ctx, key), group=f"op-{op.id}-prepare", exit_on_error=False
            )
        else:
            self._ask(op, ctx, key)

    async def _prepare(self, op: Operation[Any], ctx: Context[Any], key: str) -> None:
        app = self.app
        assert op.prepare is not None
        try:
            ctx.target = await op.prepare(ctx.backend, ctx.target)
        except Exception as exc:
            self.in_flight.discard(key)
            app.report_error(op.obj(ctx.target), exc)
            return
        reason = op.rule(ctx.target, app.keys)
        if reason is not None:
            self.in_flight.discard(key)
            app.refuse(op.action_id, op.obj(ctx.target), reason)
            return
        self._ask(op, ctx, key)

    def _ask(self, op: Operation[Any], ctx: Context[Any], key: str) -> None:
        if op.form is not None:
            self._fill(op, ctx, key)
        else:
            self._confirm(op, ctx, key)

    def _fill(self, op: Operation[Any], ctx: Context[Any], key: str) -> None:
        """The operation's form; its values, then the confirmation."""
        app = self.app
        assert op.form is not None

        def filled(values: dict[str, Any] | None) -> None:
            if values is None:
                self.in_flight.discard(key)
                app.action_log.record(op.action_id, op.obj(ctx.target), "cancelled", "form closed")
                return
            ctx.values = values
            self._confirm(op, ctx, key)

        self.in_flight.add(key)
        app.push_screen(op.form(ctx.target, ctx), filled)

    def _confirm(self, op: Operation[Any], ctx: Context[Any], key: str) -> None:
        app = self.app
        fields = tuple(op.inputs(ctx.target, ctx)) if op.inputs is not None else ()
        confirmation = op.confirm(ctx.target, ctx) if op.confirm is not None else None
        if not fields and confirmation is None:
            self._launch(op, ctx, key)
            return
        from tui.widgets.confirm import ConfirmDialog

        def answered(values: dict[str, Any] | None) -> None:
            if values is None and op.form is not None:
                ctx.values = {**ctx.values, "error": None}
                self._fill(op, ctx, key)  # back to the form, as typed
                return
            if values is None:
                self.in_flight.discard(key)
                app.action_log.record(
                    op.action_id, op.obj(ctx.target), "cancelled", "not confirmed"
                )
                return
            ctx.values = {**ctx.values, **values}
            self._launch(op, ctx, key)

        env = f"Environment: {app.environment} · profile {app.profile.name}"
        app.push_screen(ConfirmDialog.for_operation(confirmation, fields, env, app.keys), answered)

    def _launch(self, op: Operation[Any], ctx: Context[Any], key: str) -> None:
        self.app.run_worker(self._call(op, ctx, key), group=f"op-{op.id}", exit_on_error=False)

    async def _call(self, op: Operation[Any], ctx: Context[Any], key: str) -> None:
        app = self.app
        spec = actions.by_id(op.action_id)
        label = op.label or spec.label
        obj = op.obj(ctx.target)
        assert op.call is not None
        app.long_work.begin(key, label, obj)

        def progress(done: int, total: int, refused: int = 0) -> None:
            app.show_progress(label, done, total, refused)
            app.long_work.update(key, done, total, refused)

        ctx.progress = progress
        ctx.cancelled = lambda: app.long_work.stop_requested(key)
        app.busy_count += 1
        started = app.timer()
        try:
            with collect_track_ids() as track_ids, collect_recoveries() as recoveries:
                try:
                    result = await op.call(ctx)
                except OutcomeUnknownError as exc:
                    text = f"outcome unknown: check {exc.object_ref}"
                    app.action_log.record(
                        op.action_id,
                        obj,
                        "unknown",
                        f"{text} ({exc.detail})",
                        app.timer() - started,
                        track_ids,
                    )
                    app.notify(
                        f"{text}. The reply was lost and reading it back could not tell "
                        "whether it was done.",
                        title=f"{label}: {obj}",
                        severity="warning",
                        timeout=15,
                    )
                    self._post_change(op, ctx, None, unknown=exc.object_ref)
                    return
                except BackendError as exc:
                    app.action_log.record(
                        op.action_id, obj, "error", exc.detail, app.timer() - started, track_ids
                    )
                    app.notify(
                        exc.detail, title=f"{label} failed: {obj}", severity="error", timeout=10
                    )
                    if op.form is not None:  # the form again, as typed, with the refusal
                        ctx.values = {**ctx.values, "error": exc.detail}
                        app.call_next(self._fill, op, ctx, key)
                    return
                except Exception as exc:  # a backend bug must not take the console down
                    text = f"{type(exc).__name__}: {exc}"
                    app.action_log.record(
                        op.action_id, obj, "error", text, app.timer() - started, track_ids
                    )
                    app.notify(
                        text, title=f"{label} failed unexpectedly", severity="error", timeout=10
                    )
                    return
        finally:
            self.in_flight.discard(key)
            app.busy_count -= 1
            app.show_progress(label, 0, 0)
            app.long_work.end(key)
        notice = op.success(ctx, result) if op.success is not None else Notice(f"{label}: done")
        text = notice.text
        if recoveries:
            text += f" (recovered from a lost reply: {'; '.join(recoveries)})"
        app.action_log.record(op.action_id, obj, "ok", text, app.timer() - started, track_ids)
        for entry_obj, outcome, entry_text in notice.entries:
            app.action_log.record(op.action_id, entry_obj, outcome, entry_text)
        app.notify(
            text,
            title=notice.title or label,
            severity=notice.severity,
            timeout=12 if notice.severity != "information" or recoveries else 6,
        )
        if op.after is not None:
            op.after(ctx, result)
        self._post_change(op, ctx, result)
        if op.watch is not None:
            watch = op.watch(ctx, result)
            if watch is not None:
                app.watcher.watch(watch)

    def _post_change(
        self, op: Operation[Any], ctx: Context[Any], result: Any, unknown: str | None = None
    ) -> None:
        """Tell every screen; after an unknown outcome, whatever shows the object reads it."""
        if unknown is not None:
            change = Change(
                op.id, frozenset({unknown, op.obj(ctx.target)}) | target_refs(ctx.target)
            )
        elif op.changes is not None:
            change = op.changes(ctx, result)
        else:
            return
        self.app.post_message(BillingChanged(change))
