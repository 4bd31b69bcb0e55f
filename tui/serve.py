"""``billing-tui serve``: the console in a browser, one console process per browser tab.

textual-serve (the ``serve`` extra) answers each browser tab's websocket by starting a console,
``python -m tui.serve_tab`` with this command's profile options: no secret is ever on that
command line, the console finds its secret in the environment it inherits, as at a terminal.
This module only parses, checks and prints; aiohttp and textual-serve are imported by
:mod:`tui.serve_server` once the server is about to run, so neither is on the console's path.

What may be served: the fake demo tenant by default; a REST profile only with ``--allow-rest``,
and then read-only unless ``--allow-writes``. A fake profile's ``state_file`` is not used, so that
every tab has a tenant of its own instead of several consoles saving over one file.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import socket
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from tui.cli import CONSOLE_ENVIRONMENT, UsageError, add_console_options
from tui.version import VersionAction

__all__ = [
    "DEFAULT_PORT",
    "build_parser",
    "is_loopback",
    "main",
    "served_profile",
    "tab_arguments",
    "tab_command",
]

DEFAULT_PORT = 8000
DEFAULT_MAX_TABS = 8
EXIT_USAGE = 2

SERVE_EXIT_STATUSES = """\
exit status:
  0  stopped by Ctrl+C or SIGTERM (every tab's console is stopped with it)
  2  a usage or configuration error, a profile that may not be served, a missing
     'serve' extra, or an address that cannot be bound (one line on stderr)"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="billing-tui serve",
        description="Serve the console in a web browser (textual-serve): every browser tab gets\n"
        "its own console and, on the fake, its own demo tenant. Without options it serves\n"
        "the fake demo tenant on http://127.0.0.1:8000/.",
        epilog=f"{CONSOLE_ENVIRONMENT}\n"
        "  (each tab's console inherits this command's environment; secrets go there,\n"
        "  never on a command line)\n\n"
        f"{SERVE_EXIT_STATUSES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1, this machine only); anything else lets "
        "other machines open consoles",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, when it is not the bound one (a reverse proxy, https)",
    )
    parser.add_argument(
        "--max-tabs",
        type=int,
        default=DEFAULT_MAX_TABS,
        metavar="N",
        help=f"consoles running at once; more tabs are refused (default {DEFAULT_MAX_TABS})",
    )
    add_console_options(parser)
    parser.add_argument(
        "--allow-rest",
        action="store_true",
        help="serve a REST profile (refused without it); read-only unless --allow-writes",
    )
    parser.add_argument(
        "--allow-writes",
        action="store_true",
        help="let browser users of a REST profile generate, post, pause, create bill runs...",
    )
    return parser


def served_profile(profile: Any, *, allow_rest: bool, allow_writes: bool) -> Any:
    """The profile as a browser tab runs it; raises :class:`UsageError` if it may not be served.

    A REST profile needs ``allow_rest`` and is read-only unless ``allow_writes``. A fake profile
    loses its ``state_file``: each tab builds its own tenant from the seed, in memory.
    """
    backend = profile.backend
    if backend.backend == "rest":
        if not allow_rest:
            raise UsageError(
                f"profile {profile.name!r} is a REST profile ({profile.environment_label}); "
                "serving it to browsers needs --allow-rest (it is then read-only unless "
                "--allow-writes)"
            )
        return profile if allow_writes else replace(profile, read_only=True)
    if backend.state_file is not None:
        profile = replace(profile, backend=backend.model_copy(update={"state_file": None}))
    return profile


def tab_arguments(args: argparse.Namespace) -> list[str]:
    """The console options a tab's console is started with (never a secret)."""
    arguments = ["--profile", args.profile or "demo"]
    if args.backend:
        arguments += ["--backend", args.backend]
    if args.base_url:
        arguments += ["--base-url", args.base_url]
    if args.client_id:
        arguments += ["--client-id", args.client_id]
    for flag in ("read_only", "allow_rest", "allow_writes"):
        if getattr(args, flag):
            arguments.append("--" + flag.replace("_", "-"))
    return arguments


def tab_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve runs for each tab (``exec``: the shell becomes the
    console, so stopping the tab stops the console itself)."""
    return "exec " + shlex.join([sys.executable, "-m", "tui.serve_tab", *tab_arguments(args)])


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _url(host: str, port: int) -> str:
    if host in {"0.0.0.0", "::", ""}:
        host = socket.gethostname()  # no DNS lookup: this may run offline
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)  # browsers may connect as soon as the URL is printed
    except OSError:
        sock.close()
        raise
    return sock


def banner(url: str, host: str, profile: Any, *, dropped_state: Any, max_tabs: int) -> str:
    """What ``serve`` prints; ``dropped_state`` is the profile's unused state file, if any."""
    backend = profile.backend
    if backend.backend == "fake":
        what = f"the fake tenant (seed {backend.seed}); each tab gets its own, in memory"
    else:
        what = f"{profile.environment_label}; each tab gets its own console on that tenant"
    lines = [
        f"billing-tui serve: the console in a browser at {url}",
        "  bound to loopback only (use --host to expose it)"
        if is_loopback(host)
        else f"  WARNING: bound to {host}: anyone who can reach it can open a console",
        f"  profile {profile.name}: {what}",
    ]
    if dropped_state is not None:
        lines.append(
            f"  the profile's state_file ({dropped_state}) is not used: tabs never share it"
        )
    if profile.read_only:
        lines.append("  read-only: generate, post, pause/resume, bill runs and the clock are off")
    elif backend.backend == "rest":
        lines.append("  WARNING: writes allowed: browser users can change this tenant")
    lines.append(f"  at most {max_tabs} tabs at once; Ctrl+C stops it and every tab's console")
    return "\n".join(lines)


def _fail(message: str) -> int:
    print(f"billing-tui serve: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``billing-tui serve`` with ``argv`` (without ``serve``); returns the exit status."""
    args = build_parser().parse_args(argv)
    args.profile = args.profile or "demo"
    if args.max_tabs < 1:
        return _fail("--max-tabs must be at least 1")
    if not 0 <= args.port <= 65535:
        return _fail(f"--port must be between 0 and 65535 (not {args.port})")
    if args.public_url and not args.public_url.startswith(("http://", "https://")):
        return _fail(f"--public-url must start with http:// or https:// (not {args.public_url!r})")

    from pydantic import ValidationError as PydanticValidationError

    from tui.cli import resolve_profile
    from tui.config import ConfigError

    try:
        configured = resolve_profile(args)
        profile = served_profile(
            configured, allow_rest=args.allow_rest, allow_writes=args.allow_writes
        )
        _check_backend(profile)
    except (ConfigError, UsageError) as exc:
        return _fail(str(exc))
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        return _fail(f"invalid option {'.'.join(map(str, first['loc']))}: {first['msg']}")

    try:
        from tui import serve_server
    except ImportError as exc:
        return _fail(
            f"needs the 'serve' extra ({exc.name} is not installed): "
            "pip install 'billing-tui[serve]'"
        )
    try:
        sock = _bind(args.host, args.port)
    except OSError as exc:
        return _fail(f"cannot bind {args.host}:{args.port}: {exc}")
    port = int(sock.getsockname()[1])
    url = args.public_url or _url(args.host, port)
    text = banner(
        url,
        args.host,
        profile,
        dropped_state=configured.backend.state_file if profile.backend.state_file is None else None,
        max_tabs=args.max_tabs,
    )
    print(text, flush=True)
    serve_server.run(
        tab_command(args),
        sock,
        title=f"billing-tui · {profile.name} · {profile.environment_label}",
        public_url=args.public_url,
        loopback_only=is_loopback(args.host),
        max_tabs=args.max_tabs,
    )
    return 0


def _check_backend(profile: Any) -> None:
    """Build the profile's backend once, as each tab will, so that a missing secret or a bad
    base URL stops here with one line instead of in every browser tab."""
    import asyncio

    from tui.cli import build_backend

    backend = build_backend(profile)
    asyncio.run(backend.aclose())
