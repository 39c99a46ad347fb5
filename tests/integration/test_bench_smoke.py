"""The history-import benchmark runs end to end on a tiny shop and prints one JSON line (not timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
EXPECTED_KEYS = {
    "benchmark",
    "database",
    "size",
    "wall_seconds",
    "orders_per_s",
    "products_per_s",
    "pages_fetched",
    "peak_rss_mib",
    "orders_imported",
    "products_imported",
    "baseline_wall_seconds",
    "ratio_to_baseline",
    "task_state",
}


def test_history_import_benchmark_prints_one_json_line() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.history_import", "--size=smoke", "--database=sqlite"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1, completed.stdout
    figures = json.loads(lines[0])
    assert figures.keys() >= EXPECTED_KEYS
    assert figures["database"] == "sqlite"
    assert figures["task_state"] == "SUCCEEDED"
    assert figures["orders_imported"] > 0 and figures["products_imported"] > 0
