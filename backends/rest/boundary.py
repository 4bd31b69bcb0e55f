"""The REST backend's last line: whatever a server sends, a call ends in a model or a BackendError.

Every parsing path checks what it reads and raises :class:`MalformedResponse` naming the field;
:func:`guarded` is the net under them. Any other exception escaping a public coroutine of the
backend becomes a :class:`ServerError` naming the call whose answer was being read, and is logged
with its traceback, because it is a parsing bug to fix. Cancellation passes through untouched.
Tests set :data:`STRICT` so the net re-raises instead and a missed case fails loudly.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from backends.errors import BackendError, ServerError
from backends.rest.envelope import CURRENT_ENDPOINT, CURRENT_TRACK_ID

__all__ = ["STRICT", "guarded"]

log = logging.getLogger("backends.rest.boundary")

#: Re-raise instead of converting (tests: a property test must see the original exception).
STRICT = False

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=type)


def _guard(name: str, method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except BackendError:
            raise
        except Exception as exc:
            if STRICT:
                raise
            endpoint = CURRENT_ENDPOINT.get() or name
            log.error("%s: answer could not be read", endpoint, exc_info=True)
            error = ServerError(
                f"unexpected response from {endpoint}: it could not be read ({type(exc).__name__})",
                track_id=CURRENT_TRACK_ID.get(),
            )
            error.endpoint = endpoint
            raise error from None

    return call


def guarded(cls: C) -> C:
    """Wrap every public coroutine method of ``cls``, its mix-ins' included (see the module
    docstring)."""
    seen: set[str] = set()
    for klass in cls.__mro__[:-1]:
        for name, member in list(vars(klass).items()):
            if name in seen:
                continue
            seen.add(name)
            if name.startswith("_") or not inspect.iscoroutinefunction(member):
                continue
            setattr(cls, name, _guard(name, member))
    return cls
