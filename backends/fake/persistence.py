"""Save and load a fake tenant: the engine's exported state as exact, versioned JSON.

Writes are atomic: the text goes to a temporary file in the same directory, is flushed to disk,
and then renamed over the target, so a crash never leaves half a file. A missing, corrupt or newer
file raises :class:`~backends.fake.engine.StateError` (a ``ValidationError``) naming the path.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from backends import jsoncodec
from backends.fake.engine import Engine, StateError

__all__ = ["load", "save", "write_atomic"]


def save(engine: Engine, path: Path | str) -> None:
    write_atomic(Path(path), jsoncodec.dumps(engine.export_state(), indent=1) + "\n")


def write_atomic(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` so that a crash leaves the old file or the new, never half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def load(path: Path | str) -> Engine:
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise StateError(f"No saved fake state at {source}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"Cannot read the saved fake state {source}: {exc}") from exc
    try:
        data = jsoncodec.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(
            f"{source} is not valid JSON (line {exc.lineno}): the saved fake state is corrupt"
        ) from exc
    try:
        return Engine.import_state(data)
    except StateError as exc:
        raise StateError(f"{source}: {exc.message}") from exc
