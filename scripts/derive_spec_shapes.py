"""Derive the shapes of Zuora's published OpenAPI spec that this project relies on.

Reads Zuora's compact OpenAPI spec (development time only: the file lives outside the repo, in
``../shared/reference/zuora-openapi/``) and writes ``tests/spec/zuora_shapes.json``: for every
operation the REST backend calls or the fake server serves, its request body, query and path
parameters and, per response status, the response schema with ``$ref`` resolved and ``allOf``
merged into a compact form (types, formats, enums, required fields, nested objects and arrays);
and, under ``samples``, the field paths Zuora's documented response samples show (see
"Documented samples" below; the seeds and the reference are read from ``../shared`` too).

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


# --- Documented samples -------------------------------------------------------------------
#
# Zuora's spec marks almost nothing required, so what a tenant is sure to send is what Zuora's
# documented samples show. The file records, per operation and status, the field paths those
# samples show (``orders[].orderNumber``; ``[]`` for any array element), from three sources:
#
# * the seed pages (``../shared/reference/seeds/``): their JSON response samples, parsed;
# * the project's reference (``../shared/reference/zuora-api.md``): the JSON samples it
#   reconstructed from developer.zuora.com pages, parsed, per section;
# * developer.zuora.com's own response samples for the operations neither shows, transcribed
#   here as the field paths they show (only the paths, no values; the pages are the same
#   samples Zuora's Order-to-Cash spec carries as ``example``s).
#
# The spec's own ``example``s are read too; the compact spec has none (``spec_examples`` in the
# header counts them).

SEEDS_DIR = REPO / ".." / "shared" / "reference" / "seeds"
REFERENCE = REPO / ".." / "shared" / "reference" / "zuora-api.md"

_BILL_RUN_OPS = (
    "POST /v1/invoice-schedules/{scheduleKey}/execute",
    "POST /v1/bill-runs",
    "GET /v1/bill-runs/{billRunId}",
    "PUT /v1/bill-runs/{billRunId}/post",
    "PUT /v1/bill-runs/{billRunId}/cancel",
)
_SCHEDULE_OPS = (
    "GET /v1/invoice-schedules/{scheduleKey}",
    "POST /v1/invoice-schedules",
    "PUT /v1/invoice-schedules/{scheduleKey}",
    "PUT /v1/invoice-schedules/{scheduleKey}/pause",
    "PUT /v1/invoice-schedules/{scheduleKey}/resume",
)

#: Seed file, its title, and which of its JSON objects (by a key they carry) answer which
#: operations. The bill run object of seed "Execute invoice schedules" comes back from every
#: bill run operation (the same BillRun schema in the spec), so it stands for them all.
SEED_SAMPLES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("003_6f1047ced27a537b.txt", "Execute invoice schedules", "billRunNumber", _BILL_RUN_OPS),
)

#: zuora-api.md section heading (its start), and the operations its JSON samples answer.
REFERENCE_SAMPLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("### 3.3 Sample", _SCHEDULE_OPS),
    ("## 5. Execute", _BILL_RUN_OPS),
    ("### 7.1 Invoice", ("GET /v1/invoices/{invoiceKey}",)),
    ("### 8.3 Object Query invoice schedules", ("GET /object-query/invoice-schedules",)),
    ("### 9.2 OAuth", ("POST /oauth/token",)),
)

_DEV = "https://developer.zuora.com/v1-api-reference/api/operation/"
_ORDER_ACTION = (
    "customFields",
    "sequence",
    "triggerDates",
    "triggerDates[].name",
    "triggerDates[].triggerDate",
    "type",
    "createSubscription",
    "createSubscription.subscriptionOwnerAccountNumber",
    "createSubscription.terms",
    "updateProduct",
    "updateProduct.ratePlanId",
    "updateProduct.newRatePlanId",
    "resume",
    "termsAndConditions",
)
_V1_ORDER = (
    "createdBy",
    "createdDate",
    "currency",
    "customFields",
    "description",
    "existingAccountNumber",
    "orderDate",
    "orderLineItems",
    "orderNumber",
    "status",
    "subscriptions",
    "subscriptions[].baseVersion",
    "subscriptions[].customFields",
    "subscriptions[].newVersion",
    "subscriptions[].orderActions",
    *(f"subscriptions[].orderActions[].{p}" for p in _ORDER_ACTION),
    "subscriptions[].subscriptionNumber",
    "updatedBy",
    "updatedDate",
)
_ACCOUNT_ROW = (
    "accountNumber",
    "autoPay",
    "balance",
    "batch",
    "billCycleDay",
    "billToId",
    "createdById",
    "createdDate",
    "creditBalance",
    "currency",
    "id",
    "invoiceTemplateId",
    "lastInvoiceDate",
    "name",
    "partnerAccount",
    "paymentTerm",
    "soldToId",
    "status",
    "totalInvoiceBalance",
    "unappliedBalance",
    "updatedById",
    "updatedDate",
)
_CREDIT_MEMO = (
    "accountId",
    "accountNumber",
    "amount",
    "appliedAmount",
    "autoApplyUponPosting",
    "cancelledById",
    "cancelledOn",
    "comment",
    "createdById",
    "createdDate",
    "creditMemoDate",
    "currency",
    "id",
    "number",
    "postedById",
    "postedOn",
    "reasonCode",
    "referredInvoiceId",
    "refundAmount",
    "reversed",
    "source",
    "sourceId",
    "sourceType",
    "status",
    "success",
    "targetDate",
    "taxAmount",
    "unappliedAmount",
    "updatedById",
    "updatedDate",
)

_BILLING_RUN_ROW = (
    "accountId",
    "autoEmail",
    "autoPost",
    "autoRenewal",
    "billingRunNumber",
    "billingRunType",
    "createdById",
    "createdDate",
    "endDate",
    "executedDate",
    "id",
    "invoiceDate",
    "noEmailForZeroAmountInvoice",
    "numberOfAccounts",
    "numberOfCreditMemos",
    "numberOfInvoices",
    "startDate",
    "status",
    "targetDate",
    "targetType",
    "updatedById",
    "updatedDate",
)

#: developer.zuora.com response samples (page, field paths shown) for the 200 answers of the
#: operations the seeds and the reference show none of.
DEV_SAMPLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "GET /v1/orders": (
        "GET_AllOrders",
        ("orders", *(f"orders[].{p}" for p in _V1_ORDER), "orders[].success"),
    ),
    "GET /v1/orders/invoiceOwner/{accountNumber}": (
        "GET_OrdersByInvoiceOwner",
        ("orders", *(f"orders[].{p}" for p in _V1_ORDER), "orders[].invoiceScheduleId", "success"),
    ),
    "GET /v1/orders/{orderNumber}": (
        "GET_Order",
        (
            "order",
            *(f"order.{p}" for p in _V1_ORDER),
            "order.invoiceScheduleId",
            "order.existingAccountDetails",
            "order.existingAccountDetails.basicInfo",
            *(
                f"order.existingAccountDetails.basicInfo.{p}"
                for p in ("accountNumber", "batch", "id", "name", "status")
            ),
            "order.existingAccountDetails.billToContact",
            "order.subscriptions[].subscriptionOwnerAccountNumber",
            "order.subscriptions[].externallyManagedBy",
            "success",
        ),
    ),
    "GET /v1/credit-memos/{creditMemoKey}": ("GET_CreditMemo", _CREDIT_MEMO),
    "PUT /v1/credit-memos/{creditMemoKey}/post": ("PUT_PostCreditMemo", _CREDIT_MEMO),
    "GET /v1/invoices/{invoiceKey}/items": (
        "GET_InvoiceItems",
        (
            "invoiceItems",
            *(
                f"invoiceItems[].{p}"
                for p in (
                    "appliedToItemId",
                    "balance",
                    "chargeAmount",
                    "chargeDate",
                    "chargeDescription",
                    "chargeId",
                    "chargeName",
                    "chargeType",
                    "description",
                    "id",
                    "invoiceScheduleId",
                    "invoiceScheduleItemId",
                    "processingType",
                    "productName",
                    "quantity",
                    "serviceEndDate",
                    "serviceStartDate",
                    "sourceItemType",
                    "subscriptionId",
                    "subscriptionName",
                    "taxAmount",
                    "unitOfMeasure",
                    "unitPrice",
                )
            ),
            "success",
        ),
    ),
    "POST /v1/invoices/bulk-post": (
        "POST_PostInvoices",
        (
            "invoices",
            "invoices[].id",
            "invoices[].processId",
            "invoices[].reasons",
            "invoices[].reasons[].code",
            "invoices[].reasons[].message",
            "invoices[].success",
            "success",
        ),
    ),
    "PUT /v1/invoices/{invoiceKey}/reverse": (
        "PUT_ReverseInvoice",
        ("creditMemo", "creditMemo.id", "success"),
    ),
    "GET /object-query/accounts": (
        "queryAccounts",
        ("nextPage", "data", *(f"data[].{p}" for p in _ACCOUNT_ROW)),
    ),
    "GET /object-query/invoices": (
        "queryInvoices",
        (
            "nextPage",
            "data",
            *(
                f"data[].{p}"
                for p in (
                    "accountId",
                    "adjustmentAmount",
                    "amount",
                    "amountWithoutTax",
                    "autoPay",
                    "balance",
                    "billToContactId",
                    "comments",
                    "createdById",
                    "createdDate",
                    "creditMemoAmount",
                    "currency",
                    "dueDate",
                    "id",
                    "includesOneTime",
                    "includesRecurring",
                    "includesUsage",
                    "invoiceDate",
                    "invoiceNumber",
                    "paymentAmount",
                    "paymentTerm",
                    "postedBy",
                    "postedDate",
                    "refundAmount",
                    "reversed",
                    "source",
                    "sourceType",
                    "status",
                    "targetDate",
                    "taxAmount",
                    "updatedById",
                    "updatedDate",
                )
            ),
        ),
    ),
    "GET /object-query/credit-memos": (
        "queryCreditMemos",
        (
            "nextPage",
            "data",
            *(
                f"data[].{p}"
                for p in (
                    "accountId",
                    "appliedAmount",
                    "autoApplyUponPosting",
                    "balance",
                    "createdById",
                    "createdDate",
                    "currency",
                    "id",
                    "invoiceId",
                    "memoDate",
                    "memoNumber",
                    "postedById",
                    "postedOn",
                    "reasonCode",
                    "refundAmount",
                    "reversed",
                    "source",
                    "sourceType",
                    "status",
                    "taxAmount",
                    "totalAmount",
                    "totalAmountWithoutTax",
                    "updatedById",
                    "updatedDate",
                )
            ),
        ),
    ),
    "GET /object-query/orders": (
        "queryOrders",
        (
            "nextPage",
            "data",
            *(
                f"data[].{p}"
                for p in (
                    "id",
                    "createdById",
                    "createdDate",
                    "updatedById",
                    "updatedDate",
                    "description",
                    "orderDate",
                    "orderNumber",
                    "accountId",
                    "status",
                    "state",
                    "category",
                    "invoiceScheduleId",
                    "account",
                    *(f"account.{p}" for p in _ACCOUNT_ROW),
                )
            ),
        ),
    ),
    "GET /object-query/billing-runs": (
        "queryBillingRuns",
        ("nextPage", "data", *(f"data[].{p}" for p in _BILLING_RUN_ROW)),
    ),
    "GET /object-query/billing-runs/{key}": ("queryBillingRunByKey", _BILLING_RUN_ROW),
    "GET /object-query/accounts/{key}": ("queryAccountByKey", _ACCOUNT_ROW),
}


def sample_paths(value: Any, at: str = "", out: set[str] | None = None) -> set[str]:
    """Every field path of a JSON value: ``a``, ``a.b``, ``a[].c``."""
    out = set() if out is None else out
    if isinstance(value, Mapping):
        for key, sub in value.items():
            path = f"{at}.{key}" if at else str(key)
            out.add(path)
            sample_paths(sub, path, out)
    elif isinstance(value, list):
        for sub in value:
            sample_paths(sub, f"{at}[]", out)
    return out


def json_objects(text: str) -> list[Any]:
    """The top-level JSON objects in a text (a page with samples between prose)."""
    decoder = json.JSONDecoder()
    found: list[Any] = []
    index = 0
    while (start := text.find("{", index)) != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            index = start + 1
            continue
        if isinstance(value, dict) and value:
            found.append(value)
        index = end
    return found


def _section(markdown: str, heading: str) -> str:
    start = markdown.find("\n" + heading)
    if start == -1:
        raise SystemExit(f"zuora-api.md: no section {heading!r}")
    level = heading.split(" ", 1)[0]
    rest = markdown[start + 1 :]
    ends = [rest.find("\n" + h + " ", 1) for h in ("#" * n for n in range(1, len(level) + 1))]
    ends = [e for e in ends if e > 0]
    return rest[: min(ends)] if ends else rest


def _code_blocks(section: str) -> list[Any]:
    found: list[Any] = []
    for block in section.split("```")[1::2]:
        body = block.split("\n", 1)[1] if block.startswith("json") else ""
        found.extend(json_objects(body))
    return found


def spec_example_paths(spec: Mapping[str, Any], method: str, path: str) -> dict[str, set[str]]:
    """Field paths of the spec's own response examples for one operation (per status)."""
    op = ((spec.get("paths") or {}).get(path) or {}).get(method.lower()) or {}
    out: dict[str, set[str]] = {}
    for status, response in (op.get("responses") or {}).items():
        media = ((response or {}).get("content") or {}).get("application/json")
        if not isinstance(media, Mapping):
            continue
        values = [media["example"]] if "example" in media else []
        values += [e.get("value") for e in (media.get("examples") or {}).values()]
        for value in values:
            if value is not None:
                sample_paths(value, "", out.setdefault(str(status), set()))
    return out


def derive_samples(
    spec: Mapping[str, Any], operations: Iterable[tuple[str, str]]
) -> tuple[dict[str, Any], int]:
    """Per operation and status: the documented samples' sources and the field paths shown."""
    found: dict[str, dict[str, dict[str, Any]]] = {}

    def add(op: str, status: str, source: str, paths: Iterable[str]) -> None:
        entry = found.setdefault(op, {}).setdefault(status, {"paths": set(), "sources": set()})
        entry["paths"].update(paths)
        entry["sources"].add(source)

    for name, title, marker, ops in SEED_SAMPLES:
        text = (SEEDS_DIR / name).read_text(encoding="utf-8")
        for value in json_objects(text):
            if marker in value:
                for op in ops:
                    add(op, "200", f'seed {name} "{title}"', sample_paths(value))
    markdown = REFERENCE.read_text(encoding="utf-8")
    for heading, ops in REFERENCE_SAMPLES:
        for value in _code_blocks(_section(markdown, heading)):
            for op in ops:
                add(
                    op, "200", f"reference zuora-api.md {heading.lstrip('# ')}", sample_paths(value)
                )
    for op, (page, paths) in DEV_SAMPLES.items():
        add(op, "200", _DEV + page + "/", paths)
    examples = 0
    for method, path in operations:
        for status, paths in spec_example_paths(spec, method, path).items():
            examples += 1
            add(f"{method} {path}", status, "the spec's example", paths)
    out = {
        op: {
            status: {"paths": sorted(entry["paths"]), "sources": sorted(entry["sources"])}
            for status, entry in sorted(statuses.items())
        }
        for op, statuses in sorted(found.items())
    }
    return out, examples


def derive(spec: Mapping[str, Any], operations: Iterable[tuple[str, str]]) -> dict[str, Any]:
    operations = list(operations)
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
    samples, spec_examples = derive_samples(spec, operations)
    unknown = sorted(set(samples) - set(ops))
    if unknown:
        raise SystemExit(f"samples for operations the project neither calls nor serves: {unknown}")
    return {
        "header": {
            "info_version": info.get("version"),
            "info_title": info.get("title"),
            "source_file": SPEC_NAME,
            "provenance": PROVENANCE,
            "generated_by": "scripts/derive_spec_shapes.py",
            "max_depth": MAX_DEPTH,
            "samples_from": [
                "seeds: ../shared/reference/seeds/ (JSON response samples)",
                "reference: ../shared/reference/zuora-api.md (samples reconstructed from "
                "developer.zuora.com)",
                "developer.zuora.com operation pages (response samples; field paths only)",
                "the spec's own examples",
            ],
            "spec_examples": spec_examples,
        },
        "operations": ops,
        "samples": samples,
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
