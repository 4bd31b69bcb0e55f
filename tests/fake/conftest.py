"""Fixtures for the adapter tests: a demo FakeBackend, closed after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from backends.fake import FakeBackend


@pytest.fixture
async def fake() -> AsyncIterator[FakeBackend]:
    backend = FakeBackend.demo()
    yield backend
    await backend.aclose()
