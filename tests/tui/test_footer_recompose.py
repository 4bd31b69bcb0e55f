"""The footer builds a pushed screen's keys once (Textual's footer composes empty, then once the
screen's bindings are known), and again only when a key it shows changes: not when focus moves
between widgets whose keys it does not show."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from tui.screens.order import OrderScreen
from tui.widgets.footer import ConsoleFooter

from .tui_helpers import make_app, settle


async def test_a_pushed_screen_footer_is_composed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    recomposed: list[Any] = []
    original = ConsoleFooter.recompose

    async def counting(self: ConsoleFooter) -> None:
        recomposed.append(self.screen)
        await original(self)

    monkeypatch.setattr(ConsoleFooter, "recompose", counting)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrderScreen) and screen.loaded_once
        footer = screen.query_one(ConsoleFooter)
        keys = list(footer.query(FooterKey))
        assert keys, "the footer shows the screen's keys"
        screen.set_focus(None)  # the table's (hidden) cursor keys leave the active bindings
        await settle(pilot)
        screen.query_one("#subscriptions").focus()
        await settle(pilot)
        assert [k for k in recomposed if k is screen] == [screen]
        assert list(footer.query(FooterKey)) == keys
