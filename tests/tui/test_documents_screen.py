"""The Documents list on the in-process fake: filters (each asks the backend), paging, opening
a row, marks and the bulk post, the credit memo refusal, read-only, and reloads after changes
made elsewhere."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.widgets import Input

from backends.models import DocumentStatus, DocumentType
from tui.screens.documents_list import DocumentsScreen
from tui.screens.invoice import CreditMemoScreen, InvoiceScreen
from tui.widgets.confirm import ConfirmDialog

from .tui_helpers import Spy, demo_backend, make_app, messages, open_schedule, settle


async def open_documents(pilot: Any) -> DocumentsScreen:
    await pilot.press("I")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DocumentsScreen)
    return screen


async def filter_by(pilot: Any, screen: DocumentsScreen, **values: str) -> None:
    """``/``, the inputs typed (``account``, ``from_``, ``to``), ``enter``."""
    await pilot.press("slash")
    for name, value in values.items():
        screen.query_one(f"#{name.rstrip('_')}", Input).value = value
    await pilot.press("enter")
    await settle(pilot)


def numbers(screen: DocumentsScreen) -> list[str]:
    return [d.number for d in screen.table.items]


async def test_filter_draft_and_an_account_mark_two_and_post_them() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_documents(pilot)
        assert len(screen.table.items) == 26
        await pilot.press("f")  # Draft
        await settle(pilot)
        assert screen.status_filter is DocumentStatus.DRAFT
        assert {d.status for d in screen.table.items} == {DocumentStatus.DRAFT}
        await filter_by(pilot, screen, account="A00000011")
        assert screen.account_filter is not None
        assert screen.account_filter.account_number == "A00000011"
        assert numbers(screen) == ["INV00000008", "INV00000013", "INV00000018", "INV00000023"]
        assert "Draft · account A00000011" in str(screen.query_one("#filter").content)
        await pilot.press("space", "space")
        assert list(m.number for m in screen.marked.values()) == ["INV00000008", "INV00000013"]
        assert "2 marked: M posts them" in str(screen.query_one("#status").content)
        await pilot.press("M")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog) and dialog.title_text == "Post 2 marked invoices?"
        await pilot.press("y")
        await settle(pilot)
        assert messages(app)[-1] == "2 posted, 0 refused"
        # the list asked the backend again: still Draft only, the two are gone, marks spent
        assert numbers(screen) == ["INV00000018", "INV00000023"]
        assert screen.marked == {}
        posted = await app.backend.get_invoice("INV00000008")
        assert posted.status is DocumentStatus.POSTED


async def test_a_credit_memo_cannot_be_marked_and_the_reason_says_why() -> None:
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_schedule(pilot, "IS-00000004")
        await pilot.press("b", "y")  # a credit bill run: a credit memo
        await settle(pilot)
        await backend.settle()
        screen = await open_documents(pilot)
        await pilot.press("k", "k")  # credit memos
        await settle(pilot)
        assert screen.type_filter is DocumentType.CREDIT_MEMO
        assert [d.document_type for d in screen.table.items] == [DocumentType.CREDIT_MEMO]
        await pilot.press("space")
        assert screen.marked == {}
        said = messages(app)[-1]
        assert "is a credit memo: Zuora's bulk post takes invoices only" in said
        assert "p posts it there" in said
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CreditMemoScreen)


async def test_type_status_and_date_filters_ask_the_backend() -> None:
    backend = demo_backend()
    spy = Spy(backend, "list_documents")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_documents(pilot)
        await pilot.press("k")
        await settle(pilot)
        await filter_by(pilot, screen, from_="2025-07-01", to="2025-09-30")
        dates = {d.document_date for d in screen.table.items}
        assert dates and all(date(2025, 7, 1) <= d <= date(2025, 9, 30) for d in dates)
        listed = [d.document_date for d in screen.table.items]
        assert listed == sorted(listed, reverse=True)  # newest first, as the backend sorts
        last = spy.kwargs[-1]
        assert last["document_type"] is DocumentType.INVOICE
        assert (last["date_from"], last["date_to"]) == (date(2025, 7, 1), date(2025, 9, 30))
        assert len(spy.calls) == 3  # first paint, the type, the dates


async def test_bad_filters_are_refused_and_the_list_stays() -> None:
    backend = demo_backend()
    spy = Spy(backend, "list_documents")
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_documents(pilot)
        await filter_by(pilot, screen, from_="2025-13-01")
        assert messages(app)[-1] == "From: '2025-13-01' is not a date (YYYY-MM-DD)"
        assert app.focused is screen.query_one("#from")  # still editing
        await pilot.press("escape")  # leaves the filters as they were
        assert app.focused is screen.table
        assert screen.query_one("#from", Input).value == ""
        await filter_by(pilot, screen, from_="2026-01-01", to="2025-01-01")
        assert messages(app)[-1] == "From 2026-01-01 is after To 2025-01-01"
        await pilot.press("escape")
        await filter_by(pilot, screen, account="A99999999")
        assert messages(app)[-1] == "No account A99999999: the filter stays as it was"
        assert screen.account_filter is None and screen.query_one("#account", Input).value == ""
        assert len(spy.calls) == 1  # nothing asked again
        await pilot.press("escape")  # on the table: back
        await settle(pilot)
        assert not isinstance(app.screen, DocumentsScreen)


async def test_pages_in_more_as_the_cursor_nears_the_end() -> None:
    app = make_app(page_size=10)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_documents(pilot)
        assert len(screen.table.items) == 10 and screen.table.has_more
        assert "more available" in str(screen.query_one("#status").content)
        screen.table.move_cursor(row=9)
        await settle(pilot)
        assert len(screen.table.items) == 20


async def test_a_mark_goes_when_its_invoice_is_filtered_out() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_documents(pilot)
        assert screen.table.items[0].status is DocumentStatus.DRAFT
        await pilot.press("space")
        assert len(screen.marked) == 1
        await pilot.press("f", "f")  # Posted: the marked Draft is not listed any more
        await settle(pilot)
        assert screen.marked == {}
        await pilot.press("M")  # out of the footer, and does nothing, while nothing is marked
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        shown = {b.id for (_, b, enabled, _) in screen.active_bindings.values() if enabled}
        assert "post_marked" not in shown


async def test_a_post_from_the_invoice_screen_reloads_the_list_below() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_documents(pilot)
        await pilot.press("f")  # Draft
        await settle(pilot)
        first = screen.table.items[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert first.number not in numbers(screen)


async def test_read_only_keeps_the_list_and_removes_mark_and_post() -> None:
    backend = demo_backend()
    spy = Spy(backend, "post_invoices")
    app = make_app(backend, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_documents(pilot)
        assert screen.table.items
        shown = {b.id for (_, b, enabled, _) in screen.active_bindings.values() if enabled}
        assert "mark" not in shown and "post_marked" not in shown
        await pilot.press("space", "M")
        await settle(pilot)
        assert screen.marked == {} and spy.calls == []
        await pilot.press("f")  # filters stay
        await settle(pilot)
        assert screen.status_filter is DocumentStatus.DRAFT
