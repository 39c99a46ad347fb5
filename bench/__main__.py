"""Benchmark suite entry point (`make bench`, `make bench-quick`).

Each benchmark prints its figures as one JSON line, with ratios against a reference measured in
the same run. A registered module provides ``suite(quick)`` (the argument lists of its runs) and
``main(argv)``; every run is a process of its own. The suite writes all figures, headed by the
machine, to ``bench/results/<timestamp>.json`` and regenerates the table in ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench.machine import describe_machine
from bench.report import merged_with_latest, save_run, update_readme
from bench.support import REPOSITORY

BENCHMARKS: dict[str, str] = {
    "history_import": "bench.history_import",
    "grpc_overhead": "bench.grpc_overhead",
    "auth_cost": "bench.auth_cost",
    "hot_sku": "bench.hot_sku",
    "stock_propagation": "bench.stock_propagation",
    "analytics": "bench.analytics",
    "catalog": "bench.catalog",
    "webhooks": "bench.webhooks",
    "overload": "bench.overload",
}


def _run(module: str, arguments: list[str]) -> dict[str, Any] | None:
    """One benchmark run in a process of its own; its last JSON line, echoed as it comes."""
    command = [sys.executable, "-m", module, *arguments]
    print(f"# {' '.join(command[2:])}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=REPOSITORY, check=False)
    seconds = round(time.perf_counter() - started, 1)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        print(f"# failed with exit code {completed.returncode}", file=sys.stderr, flush=True)
        return None
    print(lines[-1], flush=True)
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["arguments"] = arguments
    figures["run_seconds"] = seconds  # the whole run: set-up, reference and measurement
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a run under two minutes")
    parser.add_argument(
        "--no-report", action="store_true", help="print the figures only; write no results file or table"
    )
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {sorted(BENCHMARKS)})")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmarks {unknown}; known: {sorted(BENCHMARKS)}")
    started = datetime.now(UTC)
    clock = time.perf_counter()
    results: list[dict[str, Any]] = []
    failed = 0
    for name in args.names or list(BENCHMARKS):
        module = importlib.import_module(BENCHMARKS[name])
        for arguments in module.suite(args.quick):
            figures = _run(BENCHMARKS[name], arguments)
            if figures is None:
                failed += 1
            else:
                results.append(figures)
    if not args.no_report:
        run = {
            "started_at": started.isoformat(timespec="seconds"),
            "wall_seconds": round(time.perf_counter() - clock, 1),
            "suite": "quick" if args.quick else "full",
            "machine": describe_machine(),
            "results": results,
        }
        if args.names:  # some benchmarks only: the other rows come from the newest run of the suite
            run = merged_with_latest(run, args.names)
        saved = save_run(run)
        update_readme(run)
        print(f"# figures saved to {saved}; the table in bench/README.md is updated", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
