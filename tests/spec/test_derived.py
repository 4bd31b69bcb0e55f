"""The derived spec file: its header, its coverage of the project's operations, its determinism,
and the checker that judges wire bodies by it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from backends.fake.server.api import ROUTES
from tests.spec.shapes import SHAPES_FILE, check_request, check_response, header, operation_key

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / ".." / "shared" / "reference"
SPEC = REFERENCE / "zuora-openapi"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "derive_spec_shapes", REPO / "scripts" / "derive_spec_shapes.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("derive_spec_shapes", module)
    spec.loader.exec_module(module)
    return module


def test_header_names_the_spec_its_date_and_where_it_came_from() -> None:
    head = header()
    assert head["info_version"] == "2026-05-01"
    assert head["source_file"] == "zuora-openapi-full-compact_2026-05-01.yaml"
    assert "developer.zuora.com" in head["provenance"]["official_url"]
    assert "1fbe372b6ccd0b8cc93ac1e5e9f9d3d340c24ea0" in head["provenance"]["copied_from"]


def test_every_served_operation_and_the_token_call_are_in_the_file() -> None:
    for route in ROUTES:
        assert operation_key(route.method, route.path) == f"{route.method} {route.path}"
    assert operation_key("POST", "/oauth/token") == "POST /oauth/token"


@pytest.mark.skipif(
    not (
        SPEC.is_dir() and (REFERENCE / "seeds").is_dir() and (REFERENCE / "zuora-api.md").exists()
    ),
    reason="Zuora's spec, the seeds and the reference (../shared) are not on this machine",
)
def test_the_committed_file_is_what_the_script_derives_and_rerunning_gives_the_same_bytes() -> None:
    script = _script()
    spec = script.load_spec(SPEC / script.SPEC_NAME)
    first = script.render(script.derive(spec, script.project_operations()))
    second = script.render(script.derive(spec, script.project_operations()))
    assert first == second
    assert SHAPES_FILE.read_text(encoding="utf-8") == first, "rerun scripts/derive_spec_shapes.py"


def test_the_checker_names_unknown_fields_wrong_types_enums_and_dates() -> None:
    problems = check_response(
        "GET",
        "/v1/orders",
        200,
        {
            "orders": [{"id": "x", "orderNumber": 7, "orderDate": "2026-13-01", "status": "Bogus"}],
            "success": True,
        },
    )
    assert problems == [
        "GET /v1/orders 200: orders[0].id: a field the spec does not have",
        "GET /v1/orders 200: orders[0].orderNumber: integer 7, the spec says string",
        "GET /v1/orders 200: orders[0].orderDate: '2026-13-01' is not a date",
        "GET /v1/orders 200: orders[0].status: 'Bogus' is not one of the spec's "
        "['Draft', 'Pending', 'Completed', 'Cancelled', 'Scheduled', 'Executing', 'Failed']",
    ]


def test_a_conforming_body_passes_and_custom_fields_need_their_suffix() -> None:
    body = {"id": "a" * 32, "invoiceNumber": "INV00000001", "amount": 10.5, "Region__c": "EU"}
    assert check_response("GET", "/v1/invoices/INV00000001", 200, body) == []
    assert check_response("GET", "/v1/invoices/INV00000001", 200, {"region": "EU"}) == [
        "GET /v1/invoices/{invoiceKey} 200: region: a field the spec does not have"
    ]


def test_static_segments_win_over_keys_and_unknown_operations_are_named() -> None:
    assert operation_key("POST", "/v1/invoices/bulk-post") == "POST /v1/invoices/bulk-post"
    assert operation_key("GET", "/v1/invoices/INV1/items") == "GET /v1/invoices/{invoiceKey}/items"
    assert check_response("GET", "/v1/nothing", 200, {}) == [
        "GET /v1/nothing: operation not in the derived spec file"
    ]


def test_nulls_need_nullable_and_request_bodies_are_checked_too() -> None:
    assert check_response("GET", "/v1/orders/O-1", 200, {"order": {"orderNumber": None}}) == [
        "GET /v1/orders/{orderNumber} 200: order.orderNumber: null, the spec does not say nullable"
    ]
    assert check_request("POST", "/v1/invoice-schedules/IS-1/execute", {"itemId": "x"}) == [
        "POST /v1/invoice-schedules/{scheduleKey}/execute request: itemId: "
        "a field the spec does not have"
    ]


def test_samples_name_their_sources_and_cover_what_the_console_reads() -> None:
    from tests.spec.shapes import shapes

    data = shapes()
    assert data["header"]["spec_examples"] == 0  # the compact spec carries none
    assert len(data["header"]["samples_from"]) == 4
    samples = data["samples"]
    assert set(samples) <= set(data["operations"])
    # the operations the console reads all have a documented sample
    for key in (
        "GET /v1/orders",
        "GET /v1/orders/{orderNumber}",
        "GET /v1/invoice-schedules/{scheduleKey}",
        "POST /v1/invoice-schedules/{scheduleKey}/execute",
        "GET /v1/invoices/{invoiceKey}",
        "GET /v1/invoices/{invoiceKey}/items",
        "GET /v1/credit-memos/{creditMemoKey}",
        "GET /object-query/invoices",
        "GET /object-query/billing-runs",
    ):
        entry = samples[key]["200"]
        assert entry["paths"] == sorted(entry["paths"]) and entry["sources"], key
    seed = samples["POST /v1/invoice-schedules/{scheduleKey}/execute"]["200"]
    assert 'seed 003_6f1047ced27a537b.txt "Execute invoice schedules"' in seed["sources"]
    assert "billRunFilters[].invoiceScheduleItemId" in seed["paths"]
    # v1 orders: no sample shows an id (nor does the spec)
    assert "orders[].id" not in samples["GET /v1/orders"]["200"]["paths"]
