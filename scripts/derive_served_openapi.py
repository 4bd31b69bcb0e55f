"""Cut Zuora's OpenAPI spec down to the operations the fake server serves.

    python scripts/derive_served_openapi.py SPEC.yaml [OUT.json]

SPEC is Zuora's published compact spec (a development-time reference, not shipped); OUT
defaults to ``tests/spec/zuora_served_openapi.json``. The output is a standalone OpenAPI
document: each served operation as Zuora's spec describes it (matched by method and path
template), every component it references (transitively), and an ``x-derived`` header naming
the source, its date and the operations the server has that the spec lacks. Content maps that
the spec's compaction filled with stray example keys are reduced to real media types. The same
input always gives the same bytes, so the committed file changes only when the spec or the
server's routes do. The test suite runs Schemathesis from it against the server's ASGI app.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402  (PyYAML: installed with Schemathesis, the dev extra)

from backends.fake.server.api import ROUTES  # noqa: E402

DEFAULT_OUT = ROOT / "tests" / "spec" / "zuora_served_openapi.json"
#: Served outside ``ROUTES`` (the pipeline handles it itself).
EXTRA = [("POST", "/oauth/token")]


def _template(path: str) -> str:
    return re.sub(r"\{[^/}]+\}", "{}", path)


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            found.add(ref)
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _clean_content(node: Any) -> Any:
    """Drop the non-media-type keys the compaction leaked into ``content`` maps."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "content" and isinstance(value, dict):
                value = {k: v for k, v in value.items() if "/" in k}
            out[key] = _clean_content(value)
        return out
    if isinstance(node, list):
        return [_clean_content(v) for v in node]
    return node


def _resolve(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def derive(spec: dict[str, Any]) -> dict[str, Any]:
    by_template: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                by_template[(method.upper(), _template(path))] = (path, operation)
    served = [(r.method, r.path) for r in ROUTES] + EXTRA
    paths: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for method, path in served:
        hit = by_template.get((method, _template(path)))
        if hit is None:
            missing.append(f"{method} {path}")
            continue
        spec_path, operation = hit
        operation = {k: v for k, v in operation.items() if k != "x-code-samples"}
        paths.setdefault(spec_path, {})[method.lower()] = _clean_content(operation)
    wanted: set[str] = set()
    _refs(paths, wanted)
    components: dict[str, dict[str, Any]] = {}
    done: set[str] = set()
    while wanted - done:
        ref = sorted(wanted - done)[0]
        done.add(ref)
        _, _, kind, name = ref.split("/", 3)
        node = _clean_content(_resolve(spec, ref))
        components.setdefault(kind, {})[name] = node
        _refs(node, wanted)
    components["securitySchemes"] = spec["components"]["securitySchemes"]
    info = spec["info"]
    return {
        "openapi": spec["openapi"],
        "info": {
            "title": f"{info['title']}: the operations billing-tui's fake serves",
            "version": info["version"],
        },
        "x-derived": {
            "source": "Zuora's published OpenAPI spec, full compact "
            "(developer.zuora.com/yaml/apis/zuora-openapi-full-compact.yaml)",
            "sourceVersion": info["version"],
            "sourceCompactedAt": info.get("x-compacted", {}).get("compactedAt"),
            "by": "scripts/derive_served_openapi.py",
            "servedButNotInSpec": sorted(missing),
        },
        "security": spec.get("security", []),
        "paths": {p: paths[p] for p in sorted(paths)},
        "components": {k: dict(sorted(v.items())) for k, v in sorted(components.items())},
    }


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    spec = yaml.load(Path(argv[0]).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(derive(spec), indent=1, sort_keys=False, ensure_ascii=False, default=str)
    out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
