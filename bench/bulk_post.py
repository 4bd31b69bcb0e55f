"""Child process of ``bench/run.py``: post a bill run's N Draft invoices over REST (figure 8).

``python bench/bulk_post.py N T0 OUT`` starts ``billing-tui fake-server --seed bulk:N``
(manual progression) under uvicorn in its own process on 127.0.0.1, then posts the bill run's
N Draft invoices (by number, as the seed numbers them) through the console's own
coordinator (:func:`tui.operations.bulk.post_in_batches`: bulk posts of 50, 4 in flight) and
the REST backend, no UI: the real code path of ``P`` on the bill run screen. It reports
invoices per second, the HTTP requests of the post (every exchange the transport made,
retries included), the most requests in flight at once, the peak RSS of this client process
and of the server, and checks that every invoice ended Posted. The same post is then repeated
on fresh tenants with 1 and 8 batches in flight, to show what the bound of 4 costs.
The first call of those tenants includes building the seed on the server (``first_call_s``).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


async def _wait_ready(base: str) -> None:
    import httpx

    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        while True:
            try:
                (await http.get("/_fake/openapi.json")).raise_for_status()
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)


async def _post_all(base: str, client_id: str, invoices: int, in_flight: int) -> dict[str, Any]:
    from backends.fake.server.tenants import DEMO_CLIENT_SECRET
    from backends.models import BillRunStatus, DocumentStatus
    from backends.rest.backend import RestBackend
    from tui.operations.bulk import post_in_batches

    backend = RestBackend(base, client_id=client_id, client_secret=DEMO_CLIENT_SECRET)
    requests: list[tuple[str, str, int | None]] = []
    backend.on_request = lambda r: requests.append((r.method, r.path, r.status))
    try:
        started = time.perf_counter()
        runs = await backend.list_bill_runs()  # the first call builds the tenant on the server
        first_call = time.perf_counter() - started
        run = runs.items[0]
        # The seed numbers its invoices INV00000001... (backends/fake/bulk.py); reading the
        # run's 10,000 documents over REST would measure the fake server's Object Query paging
        # (every page filters the whole run), not the post. Numbers are what a marked set
        # hands the backend too: it resolves them 50 at a time, as timed below.
        keys = [f"INV{n:08d}" for n in range(1, invoices + 1)]
        requests.clear()
        backend._http.max_in_flight = 0  # the high-water mark of the post alone
        started = time.perf_counter()
        report = await post_in_batches(backend, keys, in_flight=in_flight)
        seconds = time.perf_counter() - started
        post_requests = list(requests)
        peak = backend._http.max_in_flight
        after = await backend.get_bill_run(run.id)
        sample = [await backend.get_invoice(k) for k in (keys[0], keys[len(keys) // 2], keys[-1])]
    finally:
        await backend.aclose()
    by_endpoint: dict[str, int] = {}
    for method, path, _ in post_requests:
        kind = f"{method} {path.split('?')[0]}"
        by_endpoint[kind] = by_endpoint.get(kind, 0) + 1
    posted = report.count("posted")
    return {
        "in_flight": in_flight,
        "invoices": invoices,
        "posted": posted,
        "refused": report.count("refused"),
        "unknown": report.count("unknown"),
        "batches": report.batches,
        "seconds": round(seconds, 3),
        "invoices_per_s": round(posted / seconds, 1) if seconds else 0.0,
        "requests": len(post_requests),
        "requests_by_endpoint": by_endpoint,
        "non_2xx": sorted(
            f"{method} {path.split('?')[0]} -> {status}"
            for method, path, status in post_requests
            if status is None or status >= 300
        ),
        "peak_requests_in_flight": peak,
        "first_call_s": round(first_call, 2),
        "run_status_after": after.status.value,
        "run_posted": after.status is BillRunStatus.POSTED,
        "sample_posted": all(i.status is DocumentStatus.POSTED for i in sample),
    }


async def bench(invoices: int) -> dict[str, Any]:
    from backends.fake.server.tenants import DEMO_CLIENT_ID

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: ASYNC220 (started once, before the timed part)
        [
            sys.executable,
            "-m",
            "backends.server_cli",
            "--port",
            str(port),
            "--seed",
            f"bulk:{invoices}",
            "--progression",
            "manual",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        await _wait_ready(base)
        main = await _post_all(base, DEMO_CLIENT_ID, invoices, 4)  # built at server start
        others = [
            await _post_all(
                base, str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-bulk-{k}")), invoices, k
            )
            for k in (1, 8)
        ]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    return {
        **main,
        "compare": others,
        "client_maxrss_mb": _rss_mb(resource.RUSAGE_SELF),
        "server_maxrss_mb": _rss_mb(resource.RUSAGE_CHILDREN),
        "maxrss_mb": _rss_mb(resource.RUSAGE_SELF),
    }


def main() -> None:
    invoices = int(sys.argv[1])
    out = sys.argv[-1]
    result = asyncio.run(bench(invoices))
    Path(out).write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
