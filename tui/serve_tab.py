"""``python -m tui.serve_tab``: the console as ``billing-tui serve`` starts it for one browser tab.

The same options as ``billing-tui``, plus the serve command's ``--allow-rest`` and
``--allow-writes``: the tab re-reads the profile and applies the same rule as the server
(:func:`tui.serve.served_profile`), so a config edited while serving cannot widen what a tab may do.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tui.cli import add_console_options, start_console
from tui.serve import served_profile

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="billing-tui serve (tab)", description="One browser tab's console."
    )
    add_console_options(parser)
    parser.add_argument("--allow-rest", action="store_true")
    parser.add_argument("--allow-writes", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return start_console(
        args,
        adjust=lambda profile: served_profile(
            profile, allow_rest=args.allow_rest, allow_writes=args.allow_writes
        ),
    )


if __name__ == "__main__":
    sys.exit(main())
