"""Child process of ``bench/run.py``: the REST backend against the fake server (6, 7).

``python bench/rest.py asgi T0 OUT`` (figure 6): the console itself, headless, over
``RestBackend`` → ``FakeServerTransport`` → the fake server's ASGI app in this process. It counts
the HTTP requests of the navigation Orders → Order → Schedule (the backend's ``on_request`` hook
sees every exchange, retries included), then times generate → Processed → post round trips
through the REST backend (execute an item, settle the run on the control plane, read the
schedule until the item is Processed, post its invoice).

``python bench/rest.py loopback SECONDS T0 OUT`` (figure 7): ``billing-tui fake-server`` under
uvicorn (one worker, manual progression) in its own process on 127.0.0.1; this process keeps
``CONCURRENCY`` keep-alive clients busy with ``GET /v1/invoice-schedules/IS-00000002`` for
``SECONDS`` and reports requests per second and latency quantiles.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

SIZE = (120, 40)
LOOPBACK = "http://127.0.0.1:8080"
CONCURRENCY = 8


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values) * 1000, 2),
        "p95_ms": round(pick(0.95) * 1000, 2),
        "p99_ms": round(pick(0.99) * 1000, 2),
        "max_ms": round(max(values) * 1000, 2),
    }


async def asgi() -> dict[str, Any]:
    import httpx

    from backends.fake.server.app import create_app
    from backends.fake.server.tenants import DEMO_CLIENT_SECRET, TenantRegistry
    from backends.fake.server.transport import FakeServerTransport
    from backends.models import ScheduleItemStatus
    from backends.rest.backend import RestBackend
    from tui.app import BillingApp
    from tui.screens.order import OrderScreen
    from tui.screens.schedule import ScheduleScreen

    app = create_app(TenantRegistry(), save_on_shutdown=False)
    client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "billing-tui/bench-asgi"))  # Zuora-shaped

    def rest() -> RestBackend:
        return RestBackend(
            LOOPBACK,
            client_id=client_id,
            client_secret=DEMO_CLIENT_SECRET,
            transport=FakeServerTransport(app),
        )

    # ---------------------------------------------------------------- requests per navigation
    backend = rest()
    seen: list[tuple[str, str]] = []
    backend.on_request = lambda record: seen.append((record.method, record.path))

    class Bench(BillingApp):
        CSS_PATH = str(
            Path(sys.modules[BillingApp.__module__].__file__ or "").with_name("app.tcss")
        )

    console = Bench(backend=backend, action_log_path=None, own_backend=False)
    steps: dict[str, list[tuple[str, str]]] = {}
    async with console.run_test(size=SIZE) as pilot:
        await console.workers.wait_for_complete()
        await pilot.pause()
        steps["orders"] = list(seen)
        seen.clear()
        await pilot.press("enter")
        await console.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(console.screen, OrderScreen), console.screen
        steps["order"] = list(seen)
        seen.clear()
        await pilot.press("enter")
        await console.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(console.screen, ScheduleScreen), console.screen
        steps["schedule"] = list(seen)
        seen.clear()
    await backend.aclose()
    # the navigation is the two key presses (Orders -> Order -> Schedule); the orders list
    # on screen before them is counted on its own
    every = [r for step in ("order", "schedule") for r in steps[step] if r[1] != "/oauth/token"]
    navigation: dict[str, Any] = {
        step: {"requests": len([r for r in rs if r[1] != "/oauth/token"]), "calls": rs}
        for step, rs in steps.items()
    }
    navigation["total"] = len(every)
    navigation["repeated"] = sorted({f"{m} {p}" for m, p in every if every.count((m, p)) > 1})
    navigation["token_requests"] = sum(
        1 for r in steps.values() for x in r if x[1] == "/oauth/token"
    )

    # ---------------------------------------------------------------- generate -> post
    backend = rest()
    trips: list[float] = []
    async with (
        backend,
        httpx.AsyncClient(transport=FakeServerTransport(app), base_url=LOOPBACK) as control,
    ):
        await backend.list_orders(page_size=1)  # token and caches warm, as in a session
        settle = f"/_fake/tenants/{client_id}/clock/settle"
        for number in ("IS-00000001", "IS-00000006", "IS-00000001", "IS-00000006"):
            schedule = await backend.get_invoice_schedule(number)
            item = schedule.earliest_pending_item
            if item is None:
                continue
            started = time.perf_counter()
            await backend.execute_invoice_schedule(number, item.id)
            (await control.post(settle)).raise_for_status()
            while True:
                schedule = await backend.get_invoice_schedule(number)
                done = schedule.item(item.id)
                if done is not None and done.status is ScheduleItemStatus.PROCESSED:
                    break
            if done.invoice_id is not None:
                await backend.post_invoice(done.invoice_id)
            trips.append(time.perf_counter() - started)
    return {
        "navigation": navigation,
        "round_trip": {**_ms(trips), "samples_ms": [round(t * 1000, 2) for t in trips]},
        "seconds": 0.0,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def loopback(seconds: float) -> dict[str, Any]:
    import httpx

    from backends.fake.server.tenants import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: ASYNC220 (started once, before the timed part)
        [
            sys.executable,
            "-m",
            "backends.server_cli",
            "--port",
            str(port),
            "--progression",
            "manual",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    token = await http.post(
                        "/oauth/token",
                        data={
                            "client_id": DEMO_CLIENT_ID,
                            "client_secret": DEMO_CLIENT_SECRET,
                            "grant_type": "client_credentials",
                        },
                    )
                    token.raise_for_status()
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.1)
            bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
            path = "/v1/invoice-schedules/IS-00000002"
            (await http.get(path, headers=bearer)).raise_for_status()
            latencies: list[float] = []
            errors = 0
            stop = time.monotonic() + seconds

            async def worker() -> None:
                nonlocal errors
                async with httpx.AsyncClient(base_url=base, timeout=10) as client:
                    while time.monotonic() < stop:
                        started = time.perf_counter()
                        response = await client.get(path, headers=bearer)
                        latencies.append(time.perf_counter() - started)
                        if response.status_code != 200:
                            errors += 1

            began = time.monotonic()
            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
            elapsed = time.monotonic() - began
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    quantiles = _ms(latencies)
    return {
        "concurrency": CONCURRENCY,
        "duration_s": round(elapsed, 2),
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        **quantiles,
        "seconds": elapsed,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    mode = sys.argv[1]
    out = sys.argv[-1]
    result = asyncio.run(asgi() if mode == "asgi" else loopback(float(sys.argv[2])))
    Path(out).write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
