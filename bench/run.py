"""``make bench``: every figure of issue 6 in one go; prints a table, writes bench/results.json.

Each figure runs in fresh child processes (``bench/startup.py``, ``bench/console.py``,
``bench/engine.py``, ``bench/rest.py``, ``bench/bulk_post.py``; figure 9 is the two forms'
opening time, ``bench/console.py forms``) so that one figure's imports
and caches never help another; start-up figures take the median of ``--runs`` processes. Every
timing is also given as a ratio to the baseline measured in this same run (a bare Textual app
showing one static DataTable of 50 rows, process start to first paint), because this
machine's speed drifts.

The project's own modules are byte-compiled first (:func:`compile_bytecode`), as an install
does: the baseline's Textual comes from site-packages with its ``.pyc`` files, and a shell
with ``PYTHONDONTWRITEBYTECODE=1`` would otherwise make every console start compile ``tui`` and
``backends`` from source (about 60 ms of figure 1 that no installed console pays).

    .venv/bin/python bench/run.py [--runs 7] [--orders 100000] [--only 1,2,5] [--quick]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import terminal

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
#: figure 8: the bill run posted over REST (seed bulk:N)
BULK_INVOICES = 10_000


def compile_bytecode() -> bool:
    """Write the ``.pyc`` of ``backends`` and ``tui`` (what ``pip install`` does); True if all did."""
    return all(compileall.compile_dir(ROOT / package, quiet=1) for package in ("backends", "tui"))


def child(script: str, *args: str, timeout: float = 600) -> dict[str, Any]:
    """Run ``bench/<script>`` in a fresh interpreter; it writes one JSON object to a file."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out = Path(tmp) / "result.json"
        env = {
            **os.environ,
            # no user config, no action log in the user's state dir
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
            "XDG_STATE_HOME": str(Path(tmp) / "state"),
            "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
            "TEXTUAL_ANIMATIONS": "none",
        }
        env.pop("NO_COLOR", None)
        t0 = time.monotonic()
        proc = subprocess.run(
            [sys.executable, str(BENCH / script), *args, repr(t0), str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0 or not out.exists():
            tail = (proc.stderr or proc.stdout)[-3000:]
            raise RuntimeError(f"{script} {' '.join(args)} failed ({proc.returncode}):\n{tail}")
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def quantiles(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
        "samples_ms": [round(v, 2) for v in values],
    }


def median_of(runs: int, script: str, *args: str) -> dict[str, Any]:
    samples = [child(script, *args) for _ in range(runs)]
    seconds = [s["seconds"] for s in samples]
    marks: dict[str, float] = {}
    for key in samples[0].get("marks", {}):
        marks[key] = statistics.median(s["marks"][key] for s in samples)
    return {
        "median_s": statistics.median(seconds),
        "min_s": min(seconds),
        "max_s": max(seconds),
        "samples_s": seconds,
        "marks_median_s": marks,
        "maxrss_mb": statistics.median(s["maxrss_mb"] for s in samples),
    }


def interleaved(runs: int, kinds: list[tuple[str, ...]]) -> dict[tuple[str, ...], dict[str, Any]]:
    """Start-up runs alternate between kinds, so that a drift of the machine hits all alike."""
    samples: dict[tuple[str, ...], list[dict[str, Any]]] = {k: [] for k in kinds}
    for _ in range(runs):
        for kind in kinds:
            samples[kind].append(child(*kind))
    out = {}
    for kind, got in samples.items():
        seconds = [s["seconds"] for s in got]
        marks = {
            key: statistics.median(s["marks"][key] for s in got) for key in got[0].get("marks", {})
        }
        out[kind] = {
            "median_s": statistics.median(seconds),
            "min_s": min(seconds),
            "max_s": max(seconds),
            "samples_s": [round(s, 4) for s in seconds],
            "marks_median_s": {k: round(v, 4) for k, v in marks.items()},
            "maxrss_mb": round(statistics.median(s["maxrss_mb"] for s in got), 1),
            # CPU seconds to the same moment: what a loaded machine moves least
            "cpu_median_s": round(statistics.median(s.get("cpu_s", 0.0) for s in got), 4),
        }
    return out


class Table:
    def __init__(self, baseline: float) -> None:
        self.baseline = baseline
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        figure: str,
        what: str,
        value: float | int | str,
        unit: str,
        target: str,
        met: bool | None,
        *,
        ratio: bool = True,
    ) -> None:
        r = None
        if ratio and isinstance(value, float) and unit in ("s", "ms"):
            seconds = value / 1000 if unit == "ms" else value
            r = seconds / self.baseline
        self.rows.append(
            {
                "figure": figure,
                "what": what,
                "value": value,
                "unit": unit,
                "x_baseline": None if r is None else round(r, 3),
                "target": target,
                "met": met,
            }
        )

    def print(self) -> None:
        print()
        head = f"{'fig':<4} {'what':<58} {'value':>12} {'x base':>7}  {'target':<26} met"
        print(head)
        print("-" * len(head))
        for row in self.rows:
            value = row["value"]
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            ratio = "" if row["x_baseline"] is None else f"{row['x_baseline']:.2f}"
            met = {True: "yes", False: "NO", None: "-"}[row["met"]]
            print(
                f"{row['figure']:<4} {row['what']:<58} {shown + ' ' + row['unit']:>12} "
                f"{ratio:>7}  {row['target']:<26} {met}"
            )
        print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per start-up figure")
    parser.add_argument("--orders", type=int, default=100_000, help="size of the large tenant")
    parser.add_argument("--only", default="", help="comma-separated figures, e.g. 1,2,5")
    parser.add_argument("--quick", action="store_true", help="fewer runs and samples")
    parser.add_argument("--out", type=Path, default=BENCH / "results.json")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    only = {s.strip() for s in args.only.split(",") if s.strip()}

    def wanted(figure: str) -> bool:
        return not only or figure in only

    big = f"generated:{args.orders}"
    started = time.monotonic()
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_avg": os.getloadavg(),
        },
        "runs": runs,
        "orders": args.orders,
        "figures": {},
    }

    results["bytecode_compiled"] = compile_bytecode()
    print(f"baseline and cold starts: {runs} interleaved processes each …", flush=True)
    kinds: list[tuple[str, ...]] = [("startup.py", "baseline")]
    if wanted("1"):
        kinds.append(("startup.py", "demo"))
    if wanted("2"):
        kinds.append(("startup.py", big))
    starts = interleaved(runs, kinds)
    base = starts[("startup.py", "baseline")]
    baseline = base["median_s"]
    results["baseline"] = {"what": "bare Textual app, one static DataTable of 50 rows", **base}
    table = Table(baseline)
    table.add(
        "base", "bare Textual app + 50-row DataTable: start to paint", baseline, "s", "", None
    )

    figs = results["figures"]
    if wanted("1"):
        demo = starts[("startup.py", "demo")]
        figs["1"] = demo
        ratio = demo["median_s"] / baseline
        table.add(
            "1", "cold start, demo tenant: start to first page painted", demo["median_s"], "s",
            "<= 1.5x baseline", ratio <= 1.5,
        )  # fmt: skip
        cpu_ratio = demo["cpu_median_s"] / max(base["cpu_median_s"], 1e-9)
        table.add(
            "1", f"  the same, CPU seconds ({cpu_ratio:.2f}x the baseline's CPU)",
            demo["cpu_median_s"], "s", "", None, ratio=False,
        )  # fmt: skip
    if wanted("2"):
        large = starts[("startup.py", big)]
        figs["2"] = large
        ref = figs["1"]["median_s"] if "1" in figs else None
        within = None if ref is None else large["median_s"] <= 1.1 * ref
        table.add(
            "2", f"cold start, {args.orders:,} orders: start to first page painted",
            large["median_s"], "s", "<= 1.1x figure 1", within,
        )  # fmt: skip
        if ref is not None:
            figs["2"]["vs_figure_1"] = round(large["median_s"] / ref, 3)

    if wanted("1") and terminal.available():
        print(f"figure 1 in tmux: {runs} interleaved starts each …", flush=True)
        tmux = terminal.interleaved_starts(runs)
        t_base = statistics.median(tmux["baseline"])
        t_ours = statistics.median(tmux["console"])
        figs["1-tmux"] = {
            "baseline_samples_s": [round(x, 4) for x in tmux["baseline"]],
            "console_samples_s": [round(x, 4) for x in tmux["console"]],
            "baseline_median_s": t_base,
            "console_median_s": t_ours,
            "ratio": round(t_ours / t_base, 3),
        }
        table.add(
            "1t", "tmux: bare Textual app, 50-row table on screen", t_base, "s", "", None,
            ratio=False,
        )  # fmt: skip
        table.add(
            "1t", f"tmux: console, first order on screen ({t_ours / t_base:.2f}x tmux base)",
            t_ours, "s", "<= 1.5x tmux baseline", t_ours / t_base <= 1.5, ratio=False,
        )  # fmt: skip

    if wanted("3"):
        print("figure 3: drill-down, alternated with the bare push baseline …", flush=True)
        rounds, per_round = (2, 6) if args.quick else (3, 10)
        push: list[float] = []
        push_cpu: list[float] = []
        for seed in ("demo", big):
            drill: dict[str, list[float]] = {"order": [], "schedule": []}
            drill_cpu: dict[str, list[float]] = {"order": [], "schedule": []}
            for _ in range(rounds):
                got = child("console.py", "drill", seed, str(per_round))
                for step in drill:
                    drill[step] += got[step]["samples_ms"]
                    drill_cpu[step] += got[step].get("cpu_samples_ms", [])
                pushed = child("push_baseline.py", str(per_round))
                push += pushed["samples_ms"]
                push_cpu += pushed.get("cpu_samples_ms", [])
            key = "3" if seed == "demo" else "3-large"
            figs[key] = {step: quantiles(values) for step, values in drill.items()}
            for step, values in drill_cpu.items():
                if values:
                    figs[key][step]["cpu_p50_ms"] = round(statistics.median(values), 2)
        base = quantiles(push)
        if push_cpu:
            base["cpu_p50_ms"] = round(statistics.median(push_cpu), 2)
        figs["3-baseline"] = base
        table.add(
            "3b", "bare Textual: key to pushed screen (Static + 10-row table) p50",
            base["p50_ms"], "ms", "", None,
        )  # fmt: skip
        table.add("3b", "  the same, p95", base["p95_ms"], "ms", "", None)
        for key, name in (("3", "demo"), ("3-large", "large")):
            for step, label in (("order", "Orders -> Order"), ("schedule", "Order -> Schedule")):
                got_q = figs[key][step]
                p50, p95 = got_q["p50_ms"], got_q["p95_ms"]
                table.add(
                    "3", f"{label} painted, {name} (p50, {p50 / base['p50_ms']:.2f}x push)",
                    p50, "ms", "p50 <= 1.25x push base", p50 <= 1.25 * base["p50_ms"],
                )  # fmt: skip
                table.add(
                    "3", f"{label} painted, {name} (p95, {p95 / base['p95_ms']:.2f}x push)",
                    p95, "ms", "p95 <= 2x push base", p95 <= 2 * base["p95_ms"],
                )  # fmt: skip
                if "cpu_p50_ms" in got_q and base.get("cpu_p50_ms"):
                    cpu = got_q["cpu_p50_ms"]
                    table.add(
                        "3", f"  the same, CPU p50 ({cpu / base['cpu_p50_ms']:.2f}x push CPU)",
                        cpu, "ms", "", None, ratio=False,
                    )  # fmt: skip

    if wanted("4"):
        print("figure 4: orders list on the large tenant …", flush=True)
        got = child("console.py", "list", big, "200" if args.quick else "1000")
        figs["4"] = got
        for step, label in (
            ("end", "jump to the end (ctrl+end) + next page"),
            ("search", "search by number (enter)"),
            ("clear", "clear the search (esc)"),
        ):
            ms = got[step]["ms"]
            table.add("4", label + " painted", ms, "ms", "< 100 ms", ms < 100)
        scroll = got["scroll"]
        table.add(
            "4", f"scroll {scroll['rows']} rows: slowest key to paint", scroll["max_ms"], "ms",
            "every key < 100 ms", scroll["max_ms"] < 100,
        )  # fmt: skip
        table.add(
            "4", f"scroll {scroll['rows']} rows: p95 key to paint", scroll["p95_ms"], "ms",
            "< 100 ms", scroll["p95_ms"] < 100,
        )  # fmt: skip
        table.add(
            "4", "peak memory (maxrss) of the console process", got["maxrss_mb"], "MB",
            "< 250 MB", got["maxrss_mb"] < 250, ratio=False,
        )  # fmt: skip

    if wanted("5"):
        print("figure 5: engine throughput …", flush=True)
        got5 = [child("engine.py", "10000") for _ in range(1 if args.quick else 3)]
        rates = [g["items_per_s"] for g in got5]
        figs["5"] = {"samples": got5, "median_items_per_s": statistics.median(rates)}
        rate = statistics.median(rates)
        table.add(
            "5", "execute + settle 10,000 schedule items", round(rate), "items/s",
            "> 5,000 items/s", rate > 5000, ratio=False,
        )  # fmt: skip
        seconds = statistics.median(g["seconds"] for g in got5)
        table.add("5", "  the same, wall time", seconds, "s", "", None)
        large5 = child("engine.py", "10000", big)
        figs["5-large"] = large5
        table.add(
            "5", f"  the same on the {args.orders:,}-order tenant", round(large5["items_per_s"]),
            "items/s", "> 5,000 items/s", large5["items_per_s"] > 5000, ratio=False,
        )  # fmt: skip

    if wanted("6"):
        print("figure 6: REST over the in-process fake server …", flush=True)
        try:
            got6 = child("rest.py", "asgi")
        except RuntimeError as exc:
            figs["6"] = {"error": str(exc)}
            table.add("6", "REST over ASGI: failed (see results.json)", "-", "", "", None)
        else:
            figs["6"] = got6
            nav = got6["navigation"]
            for step, label in (
                ("orders", "orders screen, first page (before navigating)"),
                ("order", "enter on an order: order screen"),
                ("schedule", "enter on its schedule: schedule screen"),
            ):
                table.add(
                    "6", f"HTTP requests, {label}", nav[step]["requests"], "req", "", None,
                    ratio=False,
                )  # fmt: skip
            total, repeated = nav["total"], nav["repeated"]
            table.add(
                "6", "HTTP requests, Orders -> Order -> Schedule (repeats)",
                f"{total} ({len(repeated)})", "req", "<= 3, none repeated",
                total <= 3 and not repeated, ratio=False,
            )  # fmt: skip
            table.add(
                "6", "generate -> Processed -> post round trip (p50)",
                got6["round_trip"]["p50_ms"], "ms", "", None,
            )  # fmt: skip

    if wanted("7"):
        print("figure 7: fake server on loopback …", flush=True)
        try:
            got7 = child("rest.py", "loopback", "3" if args.quick else "8")
        except RuntimeError as exc:
            figs["7"] = {"error": str(exc)}
            table.add("7", "loopback: failed (see results.json)", "-", "", "", None)
        else:
            figs["7"] = got7
            table.add(
                "7", f"GET schedule, 1 worker, {got7['concurrency']} clients: throughput",
                round(got7["rps"]), "req/s", "", None, ratio=False,
            )  # fmt: skip
            table.add("7", "  latency p50", got7["p50_ms"], "ms", "", None)
            table.add("7", "  latency p99", got7["p99_ms"], "ms", "", None)

    if wanted("8"):
        print("figure 8: bulk post of 10,000 invoices over REST on loopback …", flush=True)
        try:
            got8 = child("bulk_post.py", str(BULK_INVOICES))
        except RuntimeError as exc:
            figs["8"] = {"error": str(exc)}
            table.add("8", "bulk post over loopback: failed (see results.json)", "-", "", "", None)
        else:
            figs["8"] = got8
            rate, n = got8["invoices_per_s"], got8["invoices"]
            all_posted = got8["posted"] == n and got8["run_posted"]
            table.add(
                "8", f"post {n:,} invoices over REST on loopback, 4 batches in flight",
                round(rate), "inv/s", ">= 1,000 inv/s, all posted", rate >= 1000 and all_posted,
                ratio=False,
            )  # fmt: skip
            table.add("8", "  the same, wall time", got8["seconds"], "s", "", None, ratio=False)
            # two per batch (resolve the keys, post them), plus token renewals and their repeats
            batches = got8["batches"]
            table.add(
                "8", f"  HTTP requests, {batches} batches (retries, token renewals in)",
                got8["requests"], "req", f"<= 2 per batch + 5% ({round(2.1 * batches)})",
                got8["requests"] <= 2.1 * batches, ratio=False,
            )  # fmt: skip
            table.add(
                "8", "  most requests in flight at once", got8["peak_requests_in_flight"], "req",
                "<= 8 of Zuora's 40", got8["peak_requests_in_flight"] <= 8, ratio=False,
            )  # fmt: skip
            table.add(
                "8", "  peak RSS: console side (client) / fake server",
                f"{got8['client_maxrss_mb']:.0f} / {got8['server_maxrss_mb']:.0f}", "MB",
                "client < 250 MB", got8["client_maxrss_mb"] < 250, ratio=False,
            )  # fmt: skip
            for other in got8["compare"]:
                table.add(
                    "8", f"  for comparison: {other['in_flight']} batch(es) in flight",
                    round(other["invoices_per_s"]), "inv/s", "", None, ratio=False,
                )  # fmt: skip

    if wanted("9"):
        print("figure 9: the two forms' opening time, alternated with the push baseline …")
        rounds, per_round = (2, 5) if args.quick else (3, 10)
        forms: dict[str, list[float]] = {"schedule_form": [], "bill_run_form": []}
        pushes: list[float] = []
        for _ in range(rounds):
            got9 = child("console.py", "forms", "demo", str(per_round))
            for name in forms:
                forms[name] += got9[name]["samples_ms"]
            pushes += child("push_baseline.py", str(per_round))["samples_ms"]
        push9 = quantiles(pushes)
        figs["9"] = {name: quantiles(values) for name, values in forms.items()}
        figs["9-baseline"] = push9
        for name, label in (
            ("schedule_form", "n on an Order: schedule form painted"),
            ("bill_run_form", "n on Bill runs: new-bill-run form painted"),
        ):
            p50 = figs["9"][name]["p50_ms"]
            ratio9 = p50 / push9["p50_ms"]
            table.add(
                "9", f"{label} (p50, {ratio9:.2f}x push)", p50, "ms",
                "p50 <= 2x push base", ratio9 <= 2,
            )  # fmt: skip
            table.add("9", "  the same, p95", figs["9"][name]["p95_ms"], "ms", "", None)

    results["table"] = table.rows
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    table.print()
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
