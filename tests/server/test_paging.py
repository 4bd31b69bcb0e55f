"""Pagination exactly like Zuora's: v1 nextPage URLs, Object Query opaque cursors."""

from __future__ import annotations

import base64
import json

import httpx

from backends import jsoncodec

from .conftest import BASE, Api, body


async def test_v1_next_page_is_a_full_url_and_absent_on_the_last_page(api: Api) -> None:
    seen: list[str] = []
    url: str | None = f"{BASE}/v1/orders?page=1&pageSize=15"
    pages = 0
    while url is not None:
        r = await api.http.get(url, headers=api.headers())
        data = body(r)
        seen += [o["orderNumber"] for o in data["orders"]]
        url = data.get("nextPage")
        if url is not None:
            assert httpx.URL(url).host == "127.0.0.1" and "page=" in url
        pages += 1
    assert len(seen) == len(set(seen)) and pages == -(-len(seen) // 15)
    assert seen == sorted(seen)


async def test_v1_page_size_above_40_is_40_and_default_is_20(api: Api) -> None:
    r = await api.call("GET", "/v1/orders", params={"pageSize": 500})
    assert len(body(r)["orders"]) == 40 and "pageSize=40" in body(r)["nextPage"]
    r = await api.call("GET", "/v1/orders")
    assert len(body(r)["orders"]) == 20
    r = await api.call("GET", "/v1/orders", params={"page": 0})
    assert r.status_code == 400
    r = await api.call("GET", "/v1/orders", params={"page": 999})
    assert body(r)["orders"] == [] and "nextPage" not in body(r)


async def test_v1_next_page_keeps_the_callers_filters(api: Api) -> None:
    r = await api.call("GET", "/v1/orders", params={"pageSize": 5, "status": "all"})
    assert "status=all" in body(r)["nextPage"]


async def test_object_query_cursor_walks_every_row_once(api: Api) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params: list[tuple[str, str]] = [("pageSize", "7"), ("sort[]", "nextrundate.DESC")]
        if cursor:
            params.append(("cursor", cursor))
        data = body(await api.call("GET", "/object-query/invoice-schedules", params=params))
        seen += [s["number"] for s in data["data"]]
        cursor = data.get("nextPage")
        if cursor is None:
            break
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        assert decoded[0]["orderBy"] == {"field": "nextrundate", "order": "DESC"}
        assert decoded[-1]["orderBy"]["field"] == "id"
    assert len(seen) == len(set(seen)) and len(seen) >= 30


async def test_cursor_survives_a_new_row(api: Api) -> None:
    first = body(await api.call("GET", "/object-query/invoice-schedules", params={"pageSize": "5"}))
    await api.call(
        "POST",
        "/v1/invoice-schedules",
        {
            "accountKey": "A00000001",
            "orders": ["O-00000001"],
            "scheduleItems": [{"amount": 3000, "runDate": "2026-09-01"}],
        },
    )
    rest: list[str] = []
    cursor = first["nextPage"]
    while cursor:
        data = body(
            await api.call(
                "GET", "/object-query/invoice-schedules", params={"pageSize": "5", "cursor": cursor}
            )
        )
        rest += [s["number"] for s in data["data"]]
        cursor = data.get("nextPage")
    numbers = [s["number"] for s in first["data"]] + rest
    assert len(numbers) == len(set(numbers))


async def test_cursor_of_another_sort_is_refused(api: Api) -> None:
    data = body(await api.call("GET", "/object-query/invoice-schedules", params={"pageSize": "5"}))
    r = await api.call(
        "GET",
        "/object-query/invoice-schedules",
        params=[("pageSize", "5"), ("sort[]", "status.ASC"), ("cursor", data["nextPage"])],
    )
    assert r.status_code == 400 and "sort" in body(r)["reasons"][0]["message"]


async def test_filters_operators(api: Api) -> None:
    async def numbers(*filters: str) -> list[str]:
        params = [("pageSize", "99"), *[("filter[]", f) for f in filters]]
        rows = body(await api.call("GET", "/object-query/invoice-schedules", params=params))
        return [s["number"] for s in rows["data"]]

    assert await numbers("number.EQ:IS-00000002") == ["IS-00000002"]
    assert await numbers("number.IN:[IS-00000002,IS-00000003]") == ["IS-00000002", "IS-00000003"]
    assert "IS-00000002" not in await numbers("number.NE:IS-00000002")
    assert await numbers("number.LE:IS-00000002") == ["IS-00000001", "IS-00000002"]
    assert await numbers("nextrundate.EQ:null", "status.EQ:Pending") == []
    assert len(await numbers("status.SW:Partially")) >= 1
    assert jsoncodec.dumps(await numbers("number.GT:IS-99999999")) == "[]"
