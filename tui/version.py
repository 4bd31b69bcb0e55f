"""``--version`` for every command: the installed package's version, looked up only when asked.

``importlib.metadata`` costs tens of milliseconds to import, so the lookup waits for the flag
instead of slowing every start of the console.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

__all__ = ["DISTRIBUTION", "VersionAction", "package_version"]

DISTRIBUTION = "billing-tui"


def package_version() -> str:
    """The version recorded in the installed package's metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown (the package is not installed)"


class VersionAction(argparse.Action):
    """``--version``: print ``<prog> <version>`` on stdout and exit 0, as argparse's own does."""

    def __init__(
        self,
        option_strings: Sequence[str],
        dest: str = argparse.SUPPRESS,
        default: Any = argparse.SUPPRESS,
        help: str = "print the version and exit",
    ) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        import sys

        print(f"{parser.prog} {package_version()}", file=sys.stdout)
        parser.exit()
