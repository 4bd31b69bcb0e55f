"""Command line: ``billing-tui [--profile NAME] [--read-only] [--backend fake|rest] [--base-url URL]
[--client-id ID]`` and ``billing-tui config path|example``.

No secret is ever taken on the command line: a REST profile names the environment variable or the
0600 file that holds it. Every problem before the console starts (a malformed config, an unknown
profile, a backend that cannot be built) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["build_parser", "main", "resolve_profile"]

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="billing-tui",
        description="Keyboard console for Zuora invoice schedules and bill runs. "
        "Without options it opens the fake demo tenant.",
        epilog="billing-tui config path   prints where config.toml is read from\n"
        "billing-tui config example   prints an example config.toml\n"
        "billing-tui fake-server ...  runs the fake Zuora server (see fake-server --help)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--profile", metavar="NAME", help="profile from config.toml")
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="hide and refuse generate, post, pause/resume, create bill run and clock advance",
    )
    parser.add_argument(
        "--backend", choices=("fake", "rest"), help="override the profile's backend"
    )
    parser.add_argument("--base-url", metavar="URL", help="override the profile's REST base URL")
    parser.add_argument(
        "--client-id",
        metavar="ID",
        help="override the profile's REST client id (not a secret; the secret comes from "
        "$ZUORA_CLIENT_SECRET or the profile's client_secret_env / client_secret_file)",
    )
    return parser


def _config_command(argv: Sequence[str]) -> int:
    from tui.config import EXAMPLE_CONFIG, config_path

    parser = argparse.ArgumentParser(prog="billing-tui config")
    parser.add_argument("what", choices=("path", "example"))
    args = parser.parse_args(argv)
    if args.what == "path":
        print(config_path())
    else:
        print(EXAMPLE_CONFIG, end="")
    return 0


def resolve_profile(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The profile to run: config profile, then ``--backend``/``--base-url``/``--client-id``/
    ``--read-only``."""
    from dataclasses import replace

    from backends.profile import BackendProfile
    from tui.config import load_config

    profile = load_config().profile(args.profile)
    updates: dict[str, object] = {}
    if args.backend:
        updates["backend"] = args.backend
    if args.base_url:
        updates["base_url"] = args.base_url
    if args.client_id:
        updates["client_id"] = args.client_id
    if updates:
        backend = BackendProfile(**{**profile.backend.model_dump(), **updates})
        profile = replace(profile, backend=backend)
    if args.read_only:
        profile = replace(profile, read_only=True)
    return profile


def _fail(message: str) -> int:
    print(f"billing-tui: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["config"]:
        return _config_command(argv[1:])
    args = build_parser().parse_args(argv)

    from pydantic import ValidationError as PydanticValidationError

    from backends.errors import BackendError
    from tui.config import ConfigError

    try:
        profile = resolve_profile(args)
    except ConfigError as exc:
        return _fail(str(exc))
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        return _fail(f"invalid option {'.'.join(map(str, first['loc']))}: {first['msg']}")

    from backends.factory import make_backend

    kind = profile.backend.backend
    try:
        backend = make_backend(profile.backend)
    except ImportError as exc:
        return _fail(
            f"the {kind.upper()} backend is not available in this installation ({exc}); "
            "use --backend fake"
        )
    except BackendError as exc:
        return _fail(f"cannot start the {kind.upper()} backend: {exc.detail}")
    except Exception as exc:  # a backend bug must not print a traceback at the operator
        return _fail(f"cannot start the {kind.upper()} backend: {type(exc).__name__}: {exc}")

    from tui.app import BillingApp

    app = BillingApp(backend=backend, profile=profile, own_backend=True)
    app.run()
    return app.return_code or 0
