"""The inventory benchmarks run end to end at a tiny size and print one JSON line (not timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def _figures(*arguments: str) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-m", *arguments],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    lines = completed.stdout.strip().splitlines()
    assert len(lines) == 1, completed.stdout
    figures: dict[str, object] = json.loads(lines[0])
    return figures


def test_hot_sku_benchmark_covers_exactly_the_stock() -> None:
    figures = _figures("bench.hot_sku", "--size=smoke", "--database=sqlite", "--streams=8")
    assert figures["stock"] == figures["covered_reservations"] == figures["baseline_covered"] == 20
    assert figures["nothing_oversold_beyond_stock"] is True


def test_stock_propagation_benchmark_shows_the_change_on_every_sku() -> None:
    figures = _figures("bench.stock_propagation", "--size=smoke", "--rounds=2", "--database=sqlite")
    assert figures["all_shown"] is True
    assert figures["linked_skus"] == 12
