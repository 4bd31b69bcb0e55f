"""The simulated Zuora Scheduler and the clock advance that drives it (Stripe's test clocks).

Moving the clock first finishes every queued bill run, then runs the Scheduler for the current
day and for each later day on which something falls due, up to the target: every schedule that is
not Paused and whose next item's run date (or explicit ``nextRunDate``) is on or before that day
gets an ad hoc bill run for that item, which completes at once. Days where nothing is due are
skipped without a scan, so a long advance over a large tenant stays cheap. Items with a blank run
date are never picked; credits due on a fully processed schedule wait for a manual execute.
"""

from __future__ import annotations

from datetime import date

from backends.fake.engine import bill_runs, billing, schedules, views
from backends.fake.engine.core import Core
from backends.fake.engine.refusals import CLOCK
from backends.models import BillRun, ClockAdvance, ExecutedItem

__all__ = ["advance", "advance_to_next_run_date", "earliest_due", "run_scheduler"]

SCHEDULER_RUN_NAME = "Zuora Scheduler: {number}"


def earliest_due(core: Core) -> date | None:
    """The next day anything falls due: a schedule item or a scheduled bill run."""
    days = [d for d in (core.store.earliest_due(), billing.next_scheduled_day(core)) if d]
    return min(days) if days else None


def run_scheduler(
    core: Core, day: date, started_runs: list[BillRun] | None = None
) -> list[ExecutedItem]:
    """Execute everything due on ``day`` (run date on or before it) and finish those runs;
    scheduled bill runs due by then start and finish too (appended to ``started_runs``)."""
    st = core.store
    executed: list[ExecutedItem] = []
    while True:
        bill_runs.run_pending(core)
        started = billing.fire_due(core, day)
        for run in started:
            bill_runs.finish(core, run.id)
            if started_runs is not None:
                started_runs.append(views.bill_run_view(run))
        due = st.take_due(day)
        if not due:
            return executed
        for sid in due:
            schedule = st.schedules[sid]
            item = schedules.first_pending(schedule)
            if item is None or bill_runs.busy_run(core, schedule.account_id) is not None:
                # cannot run now (an account busy with a run of this same pass): next pass
                st.set_due(schedule, schedules.due_date(core, schedule))
                continue
            run = bill_runs.execute(
                core,
                schedule.id,
                item.id,
                name=SCHEDULER_RUN_NAME.format(number=schedule.number),
            )
            executed.append(
                ExecutedItem(
                    schedule_number=schedule.number,
                    schedule_item_id=item.id,
                    run_date=run.target_date or day,
                    bill_run_id=run.id,
                    bill_run_number=run.bill_run_number,
                )
            )


def advance(core: Core, to: date) -> ClockAdvance:
    start = core.clock.today
    if to < start:
        raise core.refuse.invalid(
            CLOCK, f"The clock only moves forward: it is {start}, so it cannot go to {to}"
        )
    executed: list[ExecutedItem] = []
    started: list[BillRun] = []
    day = start
    while True:
        core.clock.move_to(day)
        executed.extend(run_scheduler(core, day, started))
        nxt = earliest_due(core)
        # after a scheduler pass nothing is due on or before ``day`` any more
        if nxt is None or nxt > to or nxt <= day:
            break
        day = nxt
    core.clock.move_to(to)
    return ClockAdvance(from_date=start, to_date=to, executed=executed, started_bill_runs=started)


def advance_to_next_run_date(core: Core) -> ClockAdvance:
    """Move to the earliest run date of a Pending item of a schedule that is not Paused."""
    today = core.clock.today
    nxt = earliest_due(core)
    if nxt is None:
        return ClockAdvance(from_date=today, to_date=today, executed=[])
    return advance(core, max(nxt, today))
