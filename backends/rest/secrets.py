"""The OAuth client secret: where it may come from, and a wrapper that never shows it.

A profile names an environment variable (default ``ZUORA_CLIENT_SECRET``) or a file. A file must
not be readable or writable by group or others, as ssh insists for private keys: a secret that
every local user can read is not a secret.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from backends.errors import ValidationError

__all__ = ["Secret", "read_client_secret"]


class Secret:
    """A string that does not print itself. ``reveal()`` is the one way to get the text."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:  # no pickling the secret into a state file
        raise TypeError("a Secret cannot be pickled")


def read_client_secret(
    env_var: str = "ZUORA_CLIENT_SECRET",
    file: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Secret:
    """Read the secret from ``file`` when the profile names one, else from ``env_var``.

    Raises :class:`ValidationError` with a message saying how to fix the problem; the message
    never contains the secret.
    """
    if file is not None:
        return _read_secret_file(Path(file).expanduser())
    env = os.environ if environ is None else environ
    value = env.get(env_var, "").strip()
    if not value:
        raise ValidationError(
            f"no Zuora client secret: set the environment variable {env_var} "
            "or name a file with `client_secret_file` in the profile"
        )
    return Secret(value)


def _read_secret_file(path: Path) -> Secret:
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise ValidationError(f"client secret file {path} does not exist") from exc
    except OSError as exc:
        raise ValidationError(f"cannot read client secret file {path}: {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise ValidationError(f"client secret file {path} is not a regular file")
    if info.st_mode & 0o077:
        mode = stat.S_IMODE(info.st_mode)
        raise ValidationError(
            f"client secret file {path} is accessible by group or others (mode {mode:04o}); "
            f"restrict it with: chmod 600 {path}"
        )
    try:
        value = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"cannot read client secret file {path}") from exc
    if not value:
        raise ValidationError(f"client secret file {path} is empty")
    return Secret(value)
