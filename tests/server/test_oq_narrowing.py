"""Object Query invoices narrowed by key (``id``/``invoicenumber`` EQ and IN, ``sourceid`` EQ)
answer exactly what the whole-tenant scan answers: the narrowing only skips copying invoices
the filter cannot keep (a bulk post resolves 50 keys of a 10,000-invoice tenant)."""

from __future__ import annotations

from typing import Any

from .conftest import Api, body


async def rows(api: Api, *filters: str) -> list[dict[str, Any]]:
    """Every row of the listing, following ``nextPage``."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = [("pageSize", "7"), *[("filter[]", f) for f in filters]]
        if cursor:
            params.append(("cursor", cursor))
        response = await api.call("GET", "/object-query/invoices", params=params)
        assert response.status_code == 200, response.text
        data = body(response)
        found += data["data"]
        cursor = data.get("nextPage")
        if not cursor:
            return found


async def test_narrowed_listings_agree_with_the_full_scan(api: Api) -> None:
    everything = await rows(api, "status.NE:Nonexistent")  # a filter that narrows nothing
    assert len(everything) > 10
    numbers = [r["invoiceNumber"] for r in everything]
    ids = [r["id"] for r in everything]

    picked = [numbers[0], numbers[3], "INV99999999", numbers[-1]]
    got = await rows(api, f"invoicenumber.IN:[{','.join(picked)}]")
    assert [r["invoiceNumber"] for r in got] == sorted({numbers[0], numbers[3], numbers[-1]})
    assert got == [r for r in everything if r["invoiceNumber"] in picked]

    got = await rows(api, f"id.IN:[{ids[1]},{ids[2]}]", "status.EQ:Posted")
    assert got == [r for r in everything if r["id"] in ids[1:3] and r["status"] == "Posted"]
    assert await rows(api, f"id.EQ:{numbers[0]}") == []  # a number is not an id

    sources = sorted({r["sourceId"] for r in everything if r.get("sourceId")})
    assert len(sources) > 3
    for source in sources:
        got = await rows(api, f"sourceid.EQ:{source}")
        assert got == [r for r in everything if r.get("sourceId") == source], source
