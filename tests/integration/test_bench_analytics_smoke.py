"""The analytics benchmark runs end to end on a tiny data set and prints one JSON line (not timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_analytics_benchmark_prints_one_json_line() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.analytics", "--size=smoke", "--database=sqlite", "--runs=2"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1, completed.stdout
    figures = json.loads(lines[0])
    assert figures["benchmark"] == "analytics"
    assert figures["tiktok_orders"] == 1_000 and figures["store_orders"] == 100
    assert [r["group_by"] for r in figures["results"]] == ["day", "channel"]
    # 90 days in two currencies, plus the days the range's ends touch in Singapore.
    assert figures["results"][0]["rows"] >= 180
    assert figures["results"][1]["rows"] == 3
