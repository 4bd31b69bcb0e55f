"""``billing-tui fake-server ...`` and ``python -m backends.server_cli ...``: the fake Zuora server.

A tiny public entry: the console's command line dispatches ``fake-server`` here, and the server
(Starlette, uvicorn: the ``server`` extra) is imported only when it is asked for.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the fake server with ``argv`` (without the program name); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        from backends.fake.server import cli
    except ImportError as exc:  # starlette or uvicorn missing
        if "--version" in argv:  # answerable without the extra
            from importlib.metadata import PackageNotFoundError, version

            try:
                number = version("billing-tui")
            except PackageNotFoundError:
                number = "unknown (the package is not installed)"
            print(f"billing-tui fake-server {number}")
            return 0
        print(
            f"billing-tui fake-server needs the 'server' extra ({exc.name} is not installed): "
            "pip install 'billing-tui[server]'",
            file=sys.stderr,
        )
        return 2
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
