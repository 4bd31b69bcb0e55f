"""``python -m tui`` and the ``billing-tui`` console script.

``billing-tui fake-server ...`` runs the fake Zuora server (:mod:`backends.server_cli`, imported
only then); everything else is the console's own command line (:mod:`tui.cli`), which also
dispatches ``config`` and ``serve`` (the console in a browser, :mod:`tui.serve`).
"""

from __future__ import annotations

import sys


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["fake-server"]:
        from backends.server_cli import main as server_main

        sys.exit(server_main(argv[1:]))
    from tui.cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
