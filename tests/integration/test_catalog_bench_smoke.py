"""The catalog benchmark runs end to end on a tiny shop and prints one JSON line (not timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_catalog_benchmark_prints_one_json_line() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.catalog", "--size=smoke", "--database=sqlite"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    lines = [line for line in completed.stdout.strip().splitlines() if line.startswith("{")]
    assert len(lines) == 1, completed.stdout
    figures = json.loads(lines[0])
    assert figures["benchmark"] == "catalog" and figures["task_states"] == ["SUCCEEDED", "SUCCEEDED"]
    assert figures["shop_skus"] == 30 and figures["links_created"] > 0 and figures["prices_pushed"] > 0
