"""The one place that knows which backends exist. Imports each lazily to keep start-up lean."""

from __future__ import annotations

from backends.base import Backend
from backends.errors import ValidationError
from backends.profile import BackendProfile

__all__ = ["make_backend"]


def make_backend(profile: BackendProfile) -> Backend:
    """Build the backend a profile describes. Raises :class:`ValidationError` if it cannot."""
    if profile.backend == "fake":
        from backends.fake.backend import FakeBackend

        fake: Backend = FakeBackend.from_profile(profile)
        return fake
    if profile.backend == "rest":
        from backends.rest.backend import RestBackend

        rest: Backend = RestBackend.from_profile(profile)
        return rest
    raise ValidationError(f"unknown backend {profile.backend!r}: choose fake or rest")
