"""The fake Zuora billing engine and the ``FakeBackend`` that serves it to the console.

Layout (one job per file):

* ``engine/``: the pure, synchronous domain. ``engine.py`` (the ``Engine`` facade: one method
  per operation), ``store.py`` (objects, indexes, private bookkeeping), ``schedules.py`` (invoice
  schedule rules and amounts), ``bill_runs.py`` (execute, ad hoc runs, stages, post, cancel),
  ``documents.py`` (invoices, credit memos), ``orders.py`` (accounts, orders, subscriptions),
  ``scheduler.py`` (the clock advance and the Zuora Scheduler), ``pricing.py`` (money),
  ``views.py`` (copies with derived fields, cursor paging), ``state.py`` (export/import),
  ``clock.py`` (simulated time), ``ids.py`` (the one seeded generator), ``refusals.py`` (errors).
* ``tenants.py``: seed tenants (``demo()``), built by driving the engine's own operations.
* ``persistence.py``: atomic save/load of the exported state.
* ``progression.py``: the realtime driver (wall-clock stages) used by the adapter.
* ``backend.py``: ``FakeBackend``, the thin async adapter (a lock, one engine call per method).

Choices where Zuora's documentation is silent or "inferred" (reference ``zuora-api.md``):

1. Amounts follow the documented definitions, not the contradictory samples (§3.3): an item's
   ``amount`` is the plan, ``actualAmount`` what will really be billed; ``billedAmount`` is what
   processed items billed net of credit memos; ``unbilledAmount`` is the rest;
   ``actualAmount = billed + unbilled``. No amount is ever negative: when cancelling a subscription
   or removing a product leaves the schedule worth less than it billed, the difference is a
   *credit due* that the credit bill run (execute with no item on a FullyProcessed schedule)
   turns into a Draft credit memo recorded as ``creditMemoId`` on the schedule's **last** item.
   Until then ``nextRunDate`` shows the date the credit became due (§3.1).
2. Item amounts (and percentages of the total) must add up exactly to the schedule's total,
   which is what its orders' one-time and recurring charges are worth (usage is excluded);
   rounding of percentage items goes to the last percentage item. Recurring charges are worth
   ``price * quantity * periods``, a part month prorated by its days.
3. Execute with no item runs the earliest Pending item (the seed samples), dated at its run date;
   bill runs of executed items have target date = invoice date = the item's run date (today for a
   blank run date and for credit runs); ``chargeTypeToExclude`` is ``["Usage"]``. The run's
   ``InvoiceSchedule`` filter names the item only when the request did: with an empty body its
   ``invoiceScheduleItemId`` is null, as in the seed's "Not specifying item ID" sample; the
   schedule shows which item runs (Executing, with the run's id).
4. Pause is refused on an already Paused schedule; resume on one that is not Paused (§12.7).
   Resume restores the status the items give, which is the status held before the pause.
5. Update: orders/specific subscriptions change only on a Pending schedule; items only while
   Pending; items with an ``id`` may omit ``amount``/``percentage``/``name`` to keep them, while
   ``runDate`` is taken as sent (blank = not auto-executed).
6. A charge belongs to at most one schedule at a time; a second schedule over it is refused.
7. Cancelling a Draft invoice (or a Completed bill run) puts its item back to Pending and the
   schedule's status follows, FullyProcessed back to PartiallyProcessed included (§4.1, inferred).
8. A bill run's status follows its documents: Posted when all are posted, back to Completed when
   one is unposted (the documented rule, made symmetric). Post is synchronous (no
   ``PostInProgress``). Cancelling a Completed run with a Posted document is refused.
9. Two bill runs may not be unfinished on one account at once: the second is a ConflictError
   (category 50) rather than Zuora's undefined "conflicts and errors" (§11).
10. The Zuora Scheduler runs only when the clock moves: for the current day and each later day on
    which something falls due; it skips Paused schedules and items with a blank run date, and
    never creates credit runs on its own. It also starts scheduled bill runs: a scheduled run
    fires when the clock reaches its day (whatever its ``runTime``), bills with target date =
    day + ``targetDateOffset`` and invoice date = day + ``invoiceDateOffset`` (0 by default),
    and leaves a new waiting run for the next occurrence (Daily, Weekly on ``weeklyOnDay``,
    Monthly on ``repeatFrom``'s day or the end of month, until ``repeatTo``).
11. Error codes: 6-digit resource part of our own choice + Zuora's category; posting a non-Draft
    invoice uses Zuora's real ``59210020`` (a ValidationError, category 20). Request ids are
    UUID-shaped and come from their own seeded stream, so a refused call does not shift the ids
    of later objects.
12. Idempotency keys replay the stored result of a successful call (§12.9: the "replay" reading);
    the same key with a different request is a ConflictError. Failed calls are not stored.
13. ``list_orders`` is ascending by order number (the demo's scenarios come first), not newest
    first as the protocol's docstring says; ``search`` (case-insensitive) matches an order
    number by prefix (``O-0000012``; digits also without prefix and zeros: ``12``), or an
    account number or name by substring, through indexes (the cost of a page does not grow
    with the tenant). ``generated.py`` builds tenants of any size for the benchmarks.
14. One invoice per executed item (``invoiceSeparately`` is stored but every item is billed on its
    own invoice); no tax; Net 30 due dates; an account's ``balance`` is the sum of its posted
    invoices (credit memos are not applied).
15. A saved state (``state_file``) is loaded instead of the seed when it exists and written back
    on ``aclose()``.
16. Reversing a Posted invoice with nothing paid creates a Posted credit memo of its amount
    (reason "Correcting invoice error", source ``API``, dated ``memo_date`` or today and never
    before the invoice date), applied to the invoice at once: the invoice keeps its status with
    ``reversed`` true and a zero balance, the memo is fully applied and belongs to no bill run
    (so the invoice's run keeps its status), and the item goes back to Pending (§4.1).
17. Unposting is refused for a document that is not Posted, for an invoice that is reversed or
    has anything applied, for a credit memo that is applied (the reversal's), and for an invoice
    generated before charges were last detached from its schedule, even once they are attached
    again (§4.3). Credit-memo unpost is reversible like the invoice's: a Posted run goes back to
    Completed.
18. Deleting a bill run (Canceled or Error only) removes it and its documents; a Draft one puts
    its item back to Pending first. Items that named the run name their invoice's run instead.
19. Bill runs list newest first (by number, which follows creation); ``account_id`` keeps the
    runs that billed that account. An invoice has one line, naming the schedule, the schedule
    item, and the schedule's first charge and its subscription. Bulk post posts up to 50
    invoices one by one; a key naming an invoice already named earlier gets that result.
20. ``chargeTypeToExclude`` is honoured when a run bills an item: the item is invoiced less
    the share of the schedule's charges of the excluded types, by their value (Zuora does not
    say how an item's amount divides among its charges), and that share stays due: the later
    Pending items absorb it (the last one, as any surplus), and when no Pending item is left
    the schedule holds it by charge type as unbilled until a run that does not exclude that
    type bills it on an invoice of its own (execute with no item, or an account / subscription
    run), recorded on the last item. Usage is worth nothing to a schedule either way.
21. Who a bill run bills (``engine/billing.py``): ``billRunFilters`` xor ``batches``
    (``Batch1``...``Batch50`` or ``AllBatches``); ``billCycleDay`` (``1``-``31`` or
    ``AllBillCycleDays``) only with ``batches``; neither: every account. Only invoice schedules
    are billed (the fake models no charges outside them): per selected account, the Pending
    items whose run date is on or before the target date. A Paused schedule is billed only
    when the target date is after its next run date (Zuora's documented way to bill a paused
    schedule) or by generate by account; the scheduler and execute never bill it. An account
    an unfinished run holds refuses the second run (category 50).
22. Generate billing documents by account bills that account at once (paused schedules
    included) and is recorded as a Completed bill run named ``Generate billing documents:
    A…`` (Zuora creates none) so its documents name their source.
23. Accounts have a batch (``Batch1`` by default, as Zuora's), ``Net 30`` payment term and a
    bill-to contact; the demo tenant puts A00000001-4 in Batch1, A00000005-8 in Batch2,
    A00000009-12 in Batch3, and A00000002, A00000006, A00000010 on bill cycle day 15.
24. Bill run progress: a run of several accounts stays Processing for one stage per account
    but the last, billing one account per stage, so accounts processed and the documents so
    far grow while it runs. The documents list (invoices and credit memos) is
    newest date first, invoices before credit memos on a date, then by number; it scans the
    tenant's documents per page.
"""

from backends.fake.backend import FakeBackend

__all__ = ["FakeBackend"]
