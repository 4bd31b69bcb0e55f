"""``billing-tui fake-server``: the fake Zuora under uvicorn.

Binds to 127.0.0.1 unless ``--host`` says otherwise (and warns when it does), prints the client
id, where the client secret comes from (never a secret taken from the environment) and how to
point the console at it, and with ``--state FILE`` continues from
that file and saves every tenant back to it atomically on shutdown (and on
``POST /_fake/state/save``).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import uvicorn

from backends.errors import BackendError
from backends.rest.secrets import Secret

__all__ = ["CliError", "Prepared", "banner", "build_parser", "main", "prepare"]


EPILOG = """\
environment:
  the variable named by --client-secret-env holds the demo client secret
  (without that option the secret is the built-in demo one, printed at start)

exit status:
  0    --help, --version
  2    a usage error, an unreadable state file, an unknown seed, an empty secret
       variable or a port that cannot be bound (one line on stderr)
  130  stopped by Ctrl+C, 143 by SIGTERM: the server ends on the signal once it has
       saved --state FILE"""


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("billing-tui")
    except PackageNotFoundError:
        return "unknown (the package is not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="billing-tui fake-server",
        description="A stateful, time-travelling fake Zuora tenant over HTTP (Zuora's wire "
        "format, with a /_fake/ control plane for the clock, faults and the request journal).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_package_version()}")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 = any)")
    parser.add_argument(
        "--seed",
        default="demo",
        help=(
            "seed tenant: demo (default), empty, generated:N (N generated orders), or bulk:N "
            "(one bill run of N Draft invoices, N up to 20,000)"
        ),
    )
    parser.add_argument("--state", type=Path, metavar="FILE", help="load from and save to FILE")
    parser.add_argument(
        "--progression",
        choices=("realtime", "manual"),
        default="realtime",
        help="bill runs advance by themselves (realtime, default) or only on /_fake/ settle",
    )
    parser.add_argument(
        "--stage-seconds", type=float, default=1.0, help="seconds per bill-run stage (realtime)"
    )
    parser.add_argument(
        "--zuora-version",
        default="2025-08-12",
        help="the tenant's default Zuora-Version (errors before 2024-05-20 are HTTP 200)",
    )
    parser.add_argument("--client-id", default=None, help="the demo client id to print")
    parser.add_argument(
        "--client-secret-env",
        default=None,
        metavar="VAR",
        help="take the client secret from this environment variable instead of the default",
    )
    return parser


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def banner(
    host: str,
    port: int,
    client_id: str,
    secret_env: str | None,
    seed: str,
    state: Path | None,
    *,
    demo_secret: str = "",
) -> str:
    """What the server prints on start-up. It says where the client secret comes from and
    never prints a secret from the environment: only the built-in demo secret, which is public
    (it is in the README), is shown as a value."""
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}"
    if secret_env is None:
        secret_line = f"    client_secret = {demo_secret}   (the public demo secret)"
        env_prefix = f"ZUORA_CLIENT_SECRET={demo_secret} "
    else:
        secret_line = f"    client_secret = the value of ${secret_env} (not shown)"
        env_prefix = (
            "" if secret_env == "ZUORA_CLIENT_SECRET" else f'ZUORA_CLIENT_SECRET="${secret_env}" '
        )
    lines = [
        f"billing-tui fake Zuora server (seed {seed}) listening on {url}",
        "  bound to loopback only (use --host to expose it)"
        if _is_loopback(host)
        else f"  WARNING: bound to {host}, reachable from other machines; it has no real security",
        "  client credentials:",
        f"    client_id     = {client_id}",
        secret_line,
        "  console profile (config.toml):",
        '    backend = "rest"',
        f'    base_url = "{url}"',
        f'    client_id = "{client_id}"',
        f'    client_secret_env = "{secret_env or "ZUORA_CLIENT_SECRET"}"',
        f"  then: {env_prefix}billing-tui --backend rest --base-url {url} --client-id {client_id}",
        f"  control plane: {url}/_fake/health (described at {url}/_fake/openapi.json)",
        f"  state: {state} (saved on shutdown and on POST /_fake/state/save)"
        if state
        else "  state: in memory only (use --state FILE to keep it)",
    ]
    return "\n".join(lines)


class Prepared:
    """A server ready to run: the bound socket, the uvicorn server and what to print."""

    def __init__(self, server: uvicorn.Server, sock: socket.socket, text: str) -> None:
        self.server = server
        self.sock = sock
        self.banner = text

    def run(self) -> None:
        self.server.run(sockets=[self.sock])


def prepare(argv: Sequence[str] | None = None) -> Prepared:
    """Parse ``argv``, build the tenants and bind the socket; raise :class:`CliError` on any
    problem (bad seed, unreadable state file, port in use)."""
    from backends.fake.server.app import create_app
    from backends.fake.server.pipeline import Settings
    from backends.fake.server.tenants import (
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        TenantRegistry,
    )

    args = build_parser().parse_args(argv)
    secret = Secret(DEMO_CLIENT_SECRET)
    if args.client_secret_env:
        secret = Secret(os.environ.get(args.client_secret_env, "").strip())
        if not secret:
            raise CliError(f"${args.client_secret_env} is empty or not set")
    client_id = args.client_id or DEMO_CLIENT_ID
    try:
        registry = TenantRegistry(
            seed=args.seed,
            client_secret=secret,
            demo_client_id=client_id,
            progression=args.progression,
            stage_seconds=args.stage_seconds,
            state_file=args.state,
        )
    except BackendError as exc:
        raise CliError(exc.message) from exc
    registry.get(client_id)  # the demo tenant exists from the start
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    # proto=IPPROTO_TCP so that asyncio sets TCP_NODELAY on accepted connections (it checks
    # the protocol number; with 0, keep-alive responses wait ~40 ms on delayed ACKs).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        sock.close()
        raise CliError(f"cannot bind {args.host}:{args.port}: {exc}") from exc
    port = int(sock.getsockname()[1])
    app = create_app(registry, settings=Settings(default_version=args.zuora_version))
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    text = banner(
        args.host,
        port,
        client_id,
        args.client_secret_env,
        args.seed,
        args.state,
        demo_secret=DEMO_CLIENT_SECRET,
    )
    return Prepared(uvicorn.Server(config), sock, text)


class CliError(Exception):
    """A problem before the server starts: one line on stderr, exit status 2."""


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    stream = out or sys.stdout
    try:
        prepared = prepare(argv)
    except CliError as exc:
        print(f"billing-tui fake-server: {exc}", file=sys.stderr)
        return 2
    print(prepared.banner, file=stream)
    stream.flush()
    prepared.run()
    return 0
