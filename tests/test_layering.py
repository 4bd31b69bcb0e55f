"""The layering rules, checked in fresh interpreters so import caching cannot hide a violation."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imported_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_backends_never_import_textual() -> None:
    modules = _imported_after(
        "import backends, backends.models, backends.errors, backends.base, backends.factory"
    )
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}
    assert "tui" not in modules


def test_tui_sources_never_import_httpx_or_engine_internals() -> None:
    offenders = []
    for path in (ROOT / "tui").rglob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if not stripped.startswith(("import ", "from ")):
                continue
            words = stripped.replace(",", " ").split()
            module = words[1]
            if module.split(".")[0] in {"httpx", "starlette", "uvicorn"} or module.startswith(
                ("backends.fake", "backends.rest")
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []
