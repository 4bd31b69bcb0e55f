"""Command line: ``billing-tui [--profile NAME] [--read-only] [--backend fake|rest] [--base-url URL]
[--client-id ID]``, ``billing-tui config path|example`` and ``billing-tui serve ...``.

No secret is ever taken on the command line: a REST profile names the environment variable or the
0600 file that holds it. Every problem before the console starts (a malformed config, an unknown
profile, a backend that cannot be built) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from tui.version import VersionAction

__all__ = [
    "CONSOLE_ENVIRONMENT",
    "EXIT_STATUSES",
    "UsageError",
    "add_console_options",
    "build_backend",
    "build_parser",
    "main",
    "resolve_profile",
    "run_console",
    "start_console",
]

EXIT_USAGE = 2

CONFIG_ENVIRONMENT = """\
  XDG_CONFIG_HOME       config.toml is $XDG_CONFIG_HOME/billing-tui/config.toml
                        (default ~/.config)"""

CONSOLE_ENVIRONMENT = f"""\
environment:
  ZUORA_CLIENT_SECRET   the REST client secret (a profile may name another variable
                        with client_secret_env, or a 0600 file with client_secret_file)
  ZUORA_CLIENT_ID       the REST client id when neither the profile nor --client-id gives one
{CONFIG_ENVIRONMENT}
  XDG_STATE_HOME        the action log is $XDG_STATE_HOME/billing-tui/actions.jsonl
                        (default ~/.local/state)"""

EXIT_STATUSES = """\
exit status:
  0  the console was quit
  1  the console stopped on an unexpected error (a bug: it prints the traceback)
  2  a usage or configuration error, before the console starts (one line on stderr)"""


def add_console_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose what the console opens: shared by ``billing-tui`` and ``serve``."""
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="billing-tui",
        description="Keyboard console for Zuora invoice schedules and bill runs.\n"
        "Without options it opens the fake demo tenant.",
        epilog="commands:\n"
        "  billing-tui config path      prints where config.toml is read from\n"
        "  billing-tui config example   prints an example config.toml\n"
        "  billing-tui fake-server ...  runs the fake Zuora server (see fake-server --help)\n"
        "  billing-tui serve ...        serves the console in a browser (see serve --help)\n\n"
        f"{CONSOLE_ENVIRONMENT}\n\n{EXIT_STATUSES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=VersionAction)
    add_console_options(parser)
    return parser


def build_config_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="billing-tui config",
        description="Where the console's config.toml lives, and an example to start from.",
        epilog=f"environment:\n{CONFIG_ENVIRONMENT}\n\n"
        "exit status:\n  0  printed\n  2  a usage error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument(
        "what",
        choices=("path", "example"),
        help="path: where config.toml is read from; example: a starting config.toml",
    )
    return parser


def _config_command(argv: Sequence[str]) -> int:
    from tui.config import EXAMPLE_CONFIG, config_path

    args = build_config_parser().parse_args(argv)
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


class UsageError(Exception):
    """A command line that cannot be carried out: one line on stderr, exit status 2."""


def _fail(message: str) -> int:
    print(f"billing-tui: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["config"]:
        return _config_command(argv[1:])
    if argv[:1] == ["serve"]:
        from tui.serve import main as serve_main

        return serve_main(argv[1:])
    return start_console(build_parser().parse_args(argv))


def start_console(args: argparse.Namespace, adjust: Callable[[Any], Any] | None = None) -> int:
    """Resolve the profile ``args`` name, pass it through ``adjust`` (which may raise
    :class:`UsageError` to refuse it), then run the console on it."""
    from pydantic import ValidationError as PydanticValidationError

    from tui.config import ConfigError

    try:
        profile = resolve_profile(args)
        if adjust is not None:
            profile = adjust(profile)
    except (ConfigError, UsageError) as exc:
        return _fail(str(exc))
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        return _fail(f"invalid option {'.'.join(map(str, first['loc']))}: {first['msg']}")
    return run_console(profile)


def build_backend(profile: Any) -> Any:
    """The profile's backend; raises :class:`UsageError` (with the operator's one line) if it
    cannot be built."""
    from backends.errors import BackendError
    from backends.factory import make_backend

    kind = profile.backend.backend.upper()
    try:
        return make_backend(profile.backend)
    except ImportError as exc:
        raise UsageError(
            f"the {kind} backend is not available in this installation ({exc}); use --backend fake"
        ) from exc
    except BackendError as exc:
        raise UsageError(f"cannot start the {kind} backend: {exc.detail}") from exc
    except Exception as exc:  # a backend bug must not print a traceback at the operator
        raise UsageError(f"cannot start the {kind} backend: {type(exc).__name__}: {exc}") from exc


def run_console(profile: Any) -> int:
    """Build the profile's backend and run the console on it; returns the exit status."""
    try:
        backend = build_backend(profile)
    except UsageError as exc:
        return _fail(str(exc))

    from tui.app import BillingApp

    app = BillingApp(backend=backend, profile=profile, own_backend=True)
    app.run()
    return app.return_code or 0
