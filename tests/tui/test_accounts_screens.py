"""The Accounts list and the account screen on the in-process fake: search, open, the sections
and their rows, generate billing documents by account (the demo's paused schedule), its rule,
read-only, and a failing section."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.widgets import Input, OptionList

from backends.errors import BackendError, ServerError
from backends.fake.backend import FakeBackend
from backends.models import (
    ChargeType,
    DocumentStatus,
    GenerateBillingDocumentsRequest,
    ScheduleItemStatus,
)
from tui.commands import parse_object_number
from tui.operations.accounts import EXCLUSIONS, POST_THEM, generate_documents_refusal
from tui.screens.account import AccountScreen
from tui.screens.accounts import AccountsScreen
from tui.screens.invoice import InvoiceScreen
from tui.screens.schedule import ScheduleScreen
from tui.widgets.confirm import ConfirmDialog
from tui.widgets.paged_table import PagedTable

from .tui_helpers import Spy, demo_backend, make_app, messages, settle


async def open_account(pilot: Any, number: str) -> AccountScreen:
    pilot.app.open_object("account", number)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountScreen) and screen.account is not None
    return screen


def section(screen: AccountScreen, table_id: str) -> PagedTable[Any]:
    return screen.query_one(f"#{table_id}", PagedTable)


def title(screen: AccountScreen, table_id: str) -> str:
    return str(screen.query_one(f"#{table_id}-title").content)


async def generate(pilot: Any, target: str | None = None, **choices: str) -> ConfirmDialog:
    """``G``, the target date typed (when given) and choices picked; answers nothing yet."""
    await pilot.press("G")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmDialog)
    if target is not None:
        dialog.query_one("#field-target_date", Input).value = target
    for name, choice in choices.items():
        options = dialog.query_one(f"#field-{name}", OptionList)
        field = next(f for f in dialog.fields if f.name == name)
        options.highlighted = field.choices.index(choice)
    return dialog


async def test_search_open_an_account_open_its_invoice_and_back() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        accounts = app.screen
        assert isinstance(accounts, AccountsScreen)
        assert len(accounts.table.items) == 12
        await pilot.press("slash", *"ini", "enter")  # a name start, any case, on the backend
        await settle(pilot)
        assert [a.account_number for a in accounts.table.items] == ["A00000003"]
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountScreen) and screen.bill_run_account is not None
        assert screen.bill_run_account.account_number == "A00000003"
        assert screen.crumbs() == ["Orders", "Accounts", "A00000003"]
        await pilot.press("tab", "tab")  # orders → schedules → invoices
        assert app.focused is section(screen, "invoices")
        await pilot.press("enter")
        await settle(pilot)
        invoice = app.screen
        assert isinstance(invoice, InvoiceScreen) and invoice.document is not None
        assert invoice.document.invoice_number == "INV00000002"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is accounts and accounts.search == "ini"  # the search is kept


async def test_the_account_screen_shows_the_account_and_its_five_sections() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_account(pilot, "A00000003")
        info = screen.query_one("#info").plain  # type: ignore[attr-defined]
        for line in (
            "Name: Initech GmbH",
            "Bill to: Bill Lumbergh",
            "Currency: EUR",
            "Batch: Batch1",
            "Bill cycle day: 1",
            "Payment term: Net 30",
            "Balance: 3,000.00 EUR",
        ):
            assert line in info
        assert [o.order_number for o in section(screen, "orders").items] == ["O-00000003"]
        assert [s.number for s in section(screen, "schedules").items] == ["IS-00000003"]
        assert [d.number for d in section(screen, "invoices").items] == ["INV00000002"]
        assert section(screen, "memos").items == []
        assert title(screen, "memos") == "Credit memos · none"
        assert [r.bill_run_number for r in section(screen, "runs").items] == ["BR-00000002"]
        # each row opens its screen
        screen.query_one("#schedules", PagedTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        await pilot.press("escape")
        screen.query_one("#runs", PagedTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.crumb == "BR-00000002"


async def test_generate_by_account_bills_the_paused_schedule_and_every_screen_follows() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_object("schedule", "IS-00000003")  # below, it must follow
        await settle(pilot)
        schedule_screen = app.screen
        assert isinstance(schedule_screen, ScheduleScreen)
        screen = await open_account(pilot, "A00000003")
        dialog = await generate(pilot, "2026-05-15")
        body = str(dialog.body)
        assert "A00000003 · Initech GmbH" in body and "IS-00000003" in body  # paused, named
        assert "Environment: FAKE" in str(dialog.query_one("#environment").content)
        await pilot.press("y")
        await settle(pilot)
        said = messages(app)[-1]
        assert said.startswith("A00000003: invoice INV")
        assert "(3,000.00 EUR, Draft) generated (up to 2026-05-15)" in said
        # the account screen read itself again: two invoices now, one Draft
        assert len(section(screen, "invoices").items) == 2
        assert title(screen, "invoices") == "Invoices · 2 · 1 Draft"
        entry = app.action_log.entries[-1]
        assert entry.action == "generate_documents" and entry.outcome == "ok"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is schedule_screen and schedule_screen.schedule is not None
        second = schedule_screen.schedule.schedule_items[1]
        assert second.status is ScheduleItemStatus.PROCESSED and second.invoice_number


async def test_generate_sends_the_dates_exclusions_and_auto_post_chosen() -> None:
    backend = demo_backend()
    spy = Spy(backend, "generate_billing_documents")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_account(pilot, "A00000003")
        dialog = await generate(
            pilot, "2026-05-15", exclude="Recurring + Usage", auto_post=POST_THEM
        )
        dialog.query_one("#field-document_date", Input).value = "2026-05-01"
        await pilot.press("y")
        await settle(pilot)
        (key, request), kwargs = spy.calls[0], spy.kwargs[0]
        account = await app.backend.get_account("A00000003")
        assert key == account.id  # by id, as Zuora's path takes it
        assert isinstance(request, GenerateBillingDocumentsRequest) and not kwargs
        assert request.target_date == date(2026, 5, 15)
        assert request.effective_date == date(2026, 5, 1)
        assert request.charge_type_to_exclude == [ChargeType.RECURRING, ChargeType.USAGE]
        assert request.auto_post is True
        # the analytics seats are recurring: excluded, nothing is left to bill
        assert "nothing was due up to 2026-05-15" in messages(app)[-1]


async def test_generate_with_nothing_due_says_so() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_account(pilot, "A00000003")
        await generate(pilot)  # the default target date: today
        await pilot.press("y")
        await settle(pilot)
        assert messages(app)[-1] == (
            "A00000003: nothing was due up to 2026-03-02; no document generated"
        )


async def test_generate_is_refused_while_a_bill_run_bills_the_account() -> None:
    backend = demo_backend()
    spy = Spy(backend, "generate_billing_documents")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_account(pilot, "A00000007")  # its bill run is still Processing
        await pilot.press("G")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert messages(app)[-1] == (
            "A00000007 has bill run BR-00000007 Processing: wait for it to finish, two bill "
            "runs on one account at the same time conflict"
        )
        assert spy.calls == []


async def test_the_generate_rule_agrees_with_the_engine_for_every_demo_account() -> None:
    backend = FakeBackend.demo(progression="manual")
    verdicts: list[bool] = []
    for account in (await backend.list_accounts(page_size=50)).items:
        runs = (await backend.list_bill_runs(account_id=account.id, page_size=50)).items
        console = generate_documents_refusal(account.account_number, runs) is None
        try:
            await backend.generate_billing_documents(
                account.id, GenerateBillingDocumentsRequest(target_date=date(2026, 5, 15))
            )
            engine = True
        except BackendError:
            engine = False
        assert console == engine, account.account_number
        verdicts.append(engine)
    assert True in verdicts and False in verdicts  # both cases were met


def test_every_exclusion_choice_leaves_something_to_bill() -> None:
    assert all(len(types) < len(ChargeType) for types in EXCLUSIONS.values())
    assert len(EXCLUSIONS) == 7  # none, each one, each pair


async def test_a_failing_section_is_one_notification_and_the_screen_goes_back() -> None:
    backend = demo_backend()

    async def fail(**kwargs: Any) -> Any:
        raise ServerError("the bill runs are unreachable")

    backend.list_bill_runs = fail
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)  # never showed: back where it was
        failures = [n for n in app._notifications if n.title.startswith("Could not load")]
        assert len(failures) == 1
        assert failures[0].title == "Could not load account A00000001"
        assert "unreachable" in failures[0].message


async def test_a_post_elsewhere_reloads_the_account_screen_below() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_account(pilot, "A00000002")
        invoices = section(screen, "invoices")
        draft = next(d for d in invoices.items if d.status is DocumentStatus.DRAFT)
        balance = screen.account.balance  # type: ignore[union-attr]
        app.open_object("invoice", draft.id)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        row = next(d for d in section(screen, "invoices").items if d.id == draft.id)
        assert row.status is DocumentStatus.POSTED
        assert screen.account is not None and screen.account.balance == balance + draft.amount


async def test_read_only_keeps_the_screens_and_removes_generate() -> None:
    backend = demo_backend()
    spy = Spy(backend, "generate_billing_documents")
    app = make_app(backend, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)
        screen = await open_account(pilot, "A00000003")
        footer = {b.action for (_, b, enabled, _) in screen.active_bindings.values() if enabled}
        assert "op('generate_documents')" not in footer
        assert "G generates" not in str(screen.query_one("#status").content)
        await pilot.press("G")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog) and spy.calls == []
        assert screen.tables()["invoices"].items  # the lists stay


def test_the_palette_jumps_to_an_account_by_number() -> None:
    assert parse_object_number("a00000003") == ("account", "account", "A00000003")
