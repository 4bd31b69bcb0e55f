"""Derive the shapes of Zuora's published OpenAPI spec that this project relies on.

Reads Zuora's compact OpenAPI spec (development time only: the file lives outside the repo, in
``../shared/reference/zuora-openapi/``) and writes ``tests/spec/zuora_shapes.json``: for every
operation the REST backend calls or the fake server serves, its request body, query and path
parameters and, per response status, the response schema with ``$ref`` resolved and ``allOf``
merged into a compact form (types, formats, enums, required fields, nested objects and arrays).

The output is deterministic (sorted keys, no timestamps): rerunning on the same spec gives the
same bytes. Usage::

    python scripts/derive_spec_shapes.py [--spec PATH] [--out PATH] [--check]

``--check`` compares instead of writing and exits 1 when the committed file is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SPEC_NAME = "zuora-openapi-full-compact_2026-05-01.yaml"
DEFAULT_SPEC = REPO / ".." / "shared" / "reference" / "zuora-openapi" / SPEC_NAME
DEFAULT_OUT = REPO / "tests" / "spec" / "zuora_shapes.json"

#: Where the spec file came from (the reference folder's README says so).
PROVENANCE = {
    "publisher": "Zuora",
    "official_url": "https://developer.zuora.com/yaml/apis/zuora-openapi-full-compact.yaml",
    "copied_from": "github.com/bharathan1993/APIStudio zuora_openapi.yaml "
    "at commit 1fbe372b6ccd0b8cc93ac1e5e9f9d3d340c24ea0 (2026-05-20), byte-for-byte",
    "note": "facts about field names, types and enums only; descriptions are not copied",
}

#: Operations outside the fake server's route table that the project still calls or serves.
EXTRA_OPERATIONS: tuple[tuple[str, str], ...] = (("POST", "/oauth/token"),)

#: How deep nested schemas are expanded; deeper (or recursive) parts become ``{"recursive": name}``.
MAX_DEPTH = 10

_SCALAR_KEYS = (
    "type",
    "format",
    "enum",
    "nullable",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "pattern",
)


def project_operations() -> list[tuple[str, str]]:
    """Method and path template of every operation the fake serves or the REST backend calls."""
    sys.path.insert(0, str(REPO))
    from backends.fake.server.api import ROUTES

    ops = {(route.method, route.path) for route in ROUTES}
    ops.update(EXTRA_OPERATIONS)
    return sorted(ops, key=lambda op: (op[1], op[0]))


def load_spec(path: Path) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as handle:
        spec = yaml.load(handle, Loader=loader)
    if not isinstance(spec, dict):
        raise SystemExit(f"{path}: not an OpenAPI document")
    return spec


class Resolver:
    """Turns spec schemas into the compact form, resolving ``$ref`` and merging ``allOf``."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec

    def ref(self, pointer: str) -> Any:
        if not pointer.startswith("#/"):
            raise ValueError(f"external $ref not supported: {pointer}")
        node: Any = self.spec
        for part in pointer[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def compact(self, schema: Any, stack: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(schema, Mapping):
            return {}
        name: str | None = None
        while "$ref" in schema:
            pointer = schema["$ref"]
            if not pointer.startswith("#/"):
                # The compact spec keeps a few references to files it does not ship.
                return {"unresolved": pointer}
            name = pointer.rsplit("/", 1)[-1]
            if name in stack or len(stack) >= MAX_DEPTH:
                return {"recursive": name}
            stack = (*stack, name)
            schema = self.ref(pointer)
        if len(stack) > MAX_DEPTH:
            return {"recursive": name or "?"}
        if "allOf" in schema:
            merged = self._merge([self.compact(part, stack) for part in schema["allOf"]])
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            if rest:
                merged = self._merge([merged, self.compact(rest, stack)])
            if name:
                merged["schema"] = name
            return merged
        out: dict[str, Any] = {}
        for key in _SCALAR_KEYS:
            if key in schema:
                out[key] = schema[key]
        for key in ("oneOf", "anyOf"):
            if key in schema:
                out[key] = [self.compact(part, stack) for part in schema[key]]
        if "properties" in schema or schema.get("type") == "object":
            out.setdefault("type", "object")
            props = schema.get("properties") or {}
            out["properties"] = {
                str(prop): self.compact(sub, (*stack, f"{name or ''}.{prop}"))
                for prop, sub in props.items()
            }
            required = schema.get("required")
            if required:
                out["required"] = sorted(set(required))
        title = str(schema.get("title", ""))
        if schema.get("additionalProperties") == {} and (
            "CustomFields" in (name or "") or title.endswith("FieldsCustom")
        ):
            # Custom-field slots: Zuora names custom fields ``<name>__c`` (``__NS`` for NetSuite).
            out["customFields"] = True
        elif "additionalProperties" in schema:
            extra = schema["additionalProperties"]
            out["additionalProperties"] = (
                extra if isinstance(extra, bool) else self.compact(extra, stack)
            )
        if "items" in schema:
            out.setdefault("type", "array")
            out["items"] = self.compact(schema["items"], stack)
        if name:
            out["schema"] = name
        return out

    @staticmethod
    def _merge(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for part in parts:
            for key, value in part.items():
                if key == "properties":
                    merged.setdefault("properties", {}).update(value)
                elif key == "required":
                    merged["required"] = sorted(set(merged.get("required", [])) | set(value))
                elif key == "schema":
                    continue
                elif key == "additionalProperties" and key in merged:
                    merged[key] = merged[key] if merged[key] is False else value
                else:
                    merged[key] = value
        if "properties" in merged:
            merged.setdefault("type", "object")
        return merged


def _parameters(resolver: Resolver, path_item: Mapping[str, Any], op: Mapping[str, Any]) -> Any:
    params: dict[str, Any] = {}
    for raw in [*path_item.get("parameters", []), *op.get("parameters", [])]:
        param = resolver.ref(raw["$ref"]) if "$ref" in raw else raw
        where = param.get("in")
        if where not in ("query", "path"):
            continue
        entry = {"in": where, "schema": resolver.compact(param.get("schema", {}))}
        if param.get("required"):
            entry["required"] = True
        params[str(param["name"])] = entry
    return params


def _body(resolver: Resolver, op: Mapping[str, Any]) -> Any:
    raw = op.get("requestBody")
    if raw is None:
        return None
    body = resolver.ref(raw["$ref"]) if "$ref" in raw else raw
    content = body.get("content") or {}
    for media in ("application/json", "application/x-www-form-urlencoded", "multipart/form-data"):
        if media in content and isinstance(content[media], Mapping):
            return {
                "contentType": media,
                "required": bool(body.get("required", False)),
                "schema": resolver.compact(content[media].get("schema", {})),
            }
    return None


def _responses(resolver: Resolver, op: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, raw in (op.get("responses") or {}).items():
        response = resolver.ref(raw["$ref"]) if "$ref" in raw else raw
        # Compaction leaked sample keys into some ``content`` maps; only media types count.
        content = response.get("content") or {}
        media = content.get("application/json")
        if isinstance(media, Mapping) and "schema" in media:
            out[str(status)] = resolver.compact(media["schema"])
        else:
            out[str(status)] = None
    return out


def derive(spec: Mapping[str, Any], operations: Iterable[tuple[str, str]]) -> dict[str, Any]:
    resolver = Resolver(spec)
    info = spec.get("info") or {}
    ops: dict[str, Any] = {}
    for method, path in operations:
        path_item = (spec.get("paths") or {}).get(path) or {}
        op = path_item.get(method.lower())
        key = f"{method} {path}"
        if op is None:
            ops[key] = {"inSpec": False}
            continue
        entry: dict[str, Any] = {
            "inSpec": True,
            "operationId": op.get("operationId"),
            "parameters": _parameters(resolver, path_item, op),
            "responses": _responses(resolver, op),
        }
        body = _body(resolver, op)
        if body is not None:
            entry["requestBody"] = body
        ops[key] = entry
    return {
        "header": {
            "info_version": info.get("version"),
            "info_title": info.get("title"),
            "source_file": SPEC_NAME,
            "provenance": PROVENANCE,
            "generated_by": "scripts/derive_spec_shapes.py",
            "max_depth": MAX_DEPTH,
        },
        "operations": ops,
    }


def render(data: Mapping[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    text = render(derive(load_spec(args.spec), project_operations()))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale: rerun scripts/derive_spec_shapes.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
