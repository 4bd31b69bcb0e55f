"""The console's configuration: TOML profiles and a keymap under the platformdirs config dir.

``config.toml`` (``billing-tui config path`` prints where it lives)::

    default_profile = "demo"

    [keymap]                  # action id = key(s), for every profile
    generate = "G"

    [profiles.demo]           # the built-in demo, made explicit
    backend = "fake"
    progression = "realtime"

    [profiles.prod]
    backend = "rest"
    base_url = "https://rest.zuora.com"
    client_id = "..."                     # the secret comes from an env var or a 0600 file
    client_secret_env = "ZUORA_CLIENT_SECRET"
    read_only = true
    theme = "gruvbox"
    poll_interval = 5.0
    keymap = { post = "P" }               # overrides [keymap] for this profile

A profile table holds the console's own keys (``read_only``, ``theme``, ``poll_interval``,
``page_size``, ``keymap``) and every field of :class:`backends.profile.BackendProfile`. Anything
malformed raises :class:`ConfigError`, whose text names the file, the line and the key.
This module never imports Textual (``billing-tui config path`` stays instant).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from backends.profile import BackendProfile

__all__ = [
    "APP_NAME",
    "Config",
    "ConfigError",
    "ConsoleProfile",
    "config_path",
    "load_config",
    "state_dir",
]

APP_NAME = "billing-tui"
DEFAULT_PROFILE = "demo"
CONSOLE_KEYS = {"read_only", "theme", "poll_interval", "page_size", "keymap"}
TOP_LEVEL_KEYS = {"default_profile", "keymap", "profiles"}

EXAMPLE_CONFIG = """\
# billing-tui configuration
default_profile = "demo"

[keymap]                 # action id = key; see the Help screen (?) for every id
# generate = "G"

[profiles.demo]
backend = "fake"
progression = "realtime"   # bill runs finish by themselves, stage by stage
poll_interval = 1.0

[profiles.sandbox]
backend = "rest"
base_url = "https://rest.apisandbox.zuora.com"
client_id = "your-client-id"
client_secret_env = "ZUORA_CLIENT_SECRET"   # never put the secret itself here
read_only = true
theme = "gruvbox"
poll_interval = 5.0
keymap = { post = "P" }
"""


def config_path() -> Path:
    """Where the console reads ``config.toml`` (honours ``XDG_CONFIG_HOME`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def state_dir() -> Path:
    """Where the console writes its action log (honours ``XDG_STATE_HOME`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME))


class ConfigError(Exception):
    """A malformed config: ``str()`` reads ``<file>, line <n>, key '<key>': <problem>``."""

    def __init__(
        self, path: Path | None, message: str, *, line: int | None = None, key: str | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.key = key
        self.message = message
        where = [str(path) if path else "configuration"]
        if line is not None:
            where.append(f"line {line}")
        if key:
            where.append(f"key {key!r}")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class ConsoleProfile:
    """One profile, resolved: the backend's profile plus the console's own settings."""

    name: str
    backend: BackendProfile
    read_only: bool = False
    theme: str = "textual-dark"
    poll_interval: float = 1.0
    page_size: int = 50
    keymap: Mapping[str, str] = field(default_factory=dict)

    @property
    def environment_label(self) -> str:
        """How dialogs and the header name the environment: ``FAKE`` or the REST host."""
        if self.backend.backend == "fake":
            return "FAKE"
        return f"REST {self.backend.base_url or self.backend.environment or '?'}"


@dataclass
class Config:
    path: Path | None
    default_profile: str = DEFAULT_PROFILE
    keymap: dict[str, str] = field(default_factory=dict)
    profiles: dict[str, ConsoleProfile] = field(default_factory=dict)

    def profile(self, name: str | None = None) -> ConsoleProfile:
        wanted = name or self.default_profile
        if wanted in self.profiles:
            return self.profiles[wanted]
        if wanted == DEFAULT_PROFILE:
            return ConsoleProfile(
                name=DEFAULT_PROFILE, backend=BackendProfile(name="demo"), keymap=self.keymap
            )
        known = ", ".join(sorted({*self.profiles, DEFAULT_PROFILE}))
        raise ConfigError(self.path, f"no profile named {wanted!r} (known: {known})")


# --------------------------------------------------------------------------- loading


def load_config(path: Path | None = None) -> Config:
    """Read and validate the config file; a missing file gives the built-in demo profile."""
    path = path or config_path()
    if not path.exists():
        return Config(path=path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot read it: {exc}") from None
    return parse_config(text, path)


def parse_config(text: str, path: Path | None = None) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"line (\d+)", message)
        line = int(match.group(1)) if match else None
        key = _key_on_line(text, line) if line else None
        raise ConfigError(path, f"not valid TOML: {message}", line=line, key=key) from None

    locate = _Locator(text)

    def fail(message: str, table: tuple[str, ...], key: str | None) -> ConfigError:
        dotted = ".".join((*table, key) if key else table) or None
        return ConfigError(path, message, line=locate(table, key), key=dotted)

    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise fail(
                f"unknown setting (expected one of {', '.join(sorted(TOP_LEVEL_KEYS))})", (), key
            )
    default_profile = data.get("default_profile", DEFAULT_PROFILE)
    if not isinstance(default_profile, str):
        raise fail("must be a string", (), "default_profile")

    keymap = _keymap(data.get("keymap", {}), ("keymap",), fail)

    raw_profiles = data.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise fail("must be a table of [profiles.NAME]", (), "profiles")
    profiles: dict[str, ConsoleProfile] = {}
    for name, raw in raw_profiles.items():
        table = ("profiles", name)
        if not isinstance(raw, dict):
            raise fail("a profile must be a table", ("profiles",), name)
        profiles[name] = _profile(name, raw, keymap, table, fail)

    from tui.actions import keymap_problem

    problem = keymap_problem(keymap)
    if problem is not None:
        raise fail(problem[1], ("keymap",), problem[0])
    config = Config(path=path, default_profile=default_profile, keymap=keymap, profiles=profiles)
    if default_profile not in profiles and default_profile != DEFAULT_PROFILE:
        raise fail(f"no profile named {default_profile!r}", (), "default_profile")
    return config


def _keymap(raw: Any, table: tuple[str, ...], fail: Any) -> dict[str, str]:
    from tui.actions import REMAPPABLE_IDS

    if not isinstance(raw, dict):
        raise fail("must be a table of action id = key", table[:-1], table[-1])
    keymap: dict[str, str] = {}
    for action_id, keys in raw.items():
        if action_id not in REMAPPABLE_IDS:
            raise fail(
                f"unknown action id (known: {', '.join(sorted(REMAPPABLE_IDS))})", table, action_id
            )
        if not isinstance(keys, str) or not keys.strip():
            raise fail('must be a key name such as "G" or "ctrl+g"', table, action_id)
        keymap[action_id] = keys.strip()
    return keymap


def _profile(
    name: str, raw: dict[str, Any], keymap: dict[str, str], table: tuple[str, ...], fail: Any
) -> ConsoleProfile:
    console = {k: v for k, v in raw.items() if k in CONSOLE_KEYS}
    backend_fields = {k: v for k, v in raw.items() if k not in CONSOLE_KEYS}
    try:
        backend = BackendProfile(name=name, **backend_fields)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else None
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            known = sorted({*BackendProfile.model_fields, *CONSOLE_KEYS} - {"name"})
            message = f"unknown setting (known: {', '.join(known)})"
        raise fail(message, table, key) from None
    read_only = console.get("read_only", False)
    if not isinstance(read_only, bool):
        raise fail("must be true or false", table, "read_only")
    theme = console.get("theme", "textual-dark")
    from textual.theme import BUILTIN_THEMES

    if not isinstance(theme, str) or theme not in BUILTIN_THEMES:
        raise fail(f"unknown theme (choose from {', '.join(BUILTIN_THEMES)})", table, "theme")
    poll = console.get("poll_interval", 1.0)
    if isinstance(poll, bool) or not isinstance(poll, int | float) or not 0.05 <= poll <= 3600:
        raise fail("must be a number of seconds between 0.05 and 3600", table, "poll_interval")
    page_size = console.get("page_size", 50)
    if isinstance(page_size, bool) or not isinstance(page_size, int) or not 5 <= page_size <= 500:
        raise fail("must be a whole number between 5 and 500", table, "page_size")
    own_keymap = _keymap(console.get("keymap", {}), (*table, "keymap"), fail)
    merged = {**keymap, **own_keymap}
    from tui.actions import keymap_problem

    problem = keymap_problem(merged)
    if problem is not None:
        action_id, why = problem
        where = (*table, "keymap") if action_id in own_keymap else ("keymap",)
        raise fail(why, where, action_id)
    return ConsoleProfile(
        name=name,
        backend=backend,
        read_only=read_only,
        theme=theme,
        poll_interval=float(poll),
        page_size=page_size,
        keymap=merged,
    )


def _key_on_line(text: str, line: int) -> str | None:
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    content = lines[line - 1].strip()
    if content.startswith("["):
        return content.strip("[] ") or None
    if "=" in content:
        return content.split("=", 1)[0].strip().strip("\"'") or None
    return None


class _Locator:
    """Finds the line of ``key`` inside table ``[a.b]`` (or an inline table under it)."""

    _header = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
    _assign = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def __call__(self, table: tuple[str, ...], key: str | None) -> int | None:
        current: tuple[str, ...] = ()
        header_line: int | None = None
        for number, line in enumerate(self.lines, 1):
            header = self._header.match(line)
            if header:
                current = tuple(p.strip().strip("\"'") for p in header.group(1).split("."))
                if current == table:
                    header_line = number
                    if key is None:
                        return number
                continue
            assign = self._assign.match(line)
            if not assign:
                continue
            path = (*current, *(p.strip().strip("\"'") for p in assign.group(1).split(".")))
            if key is not None and path == (*table, key):
                return number
            # inline tables: profiles.x.keymap = { post = "P" } or keymap = {...}
            if key is not None and path == table and re.search(rf"\b{re.escape(key)}\s*=", line):
                return number
            if key is None and path == table:
                return number
        return header_line
