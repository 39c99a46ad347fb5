"""Each benchmark script runs end to end at a tiny size and prints one JSON line (nothing timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]
HISTORY_IMPORT_KEYS = {
    "benchmark",
    "database",
    "size",
    "wall_seconds",
    "orders_per_s",
    "products_per_s",
    "pages_fetched",
    "peak_rss_mib",
    "cpu_seconds",
    "sandbox_cpu_seconds",
    "orders_imported",
    "products_imported",
    "baseline_wall_seconds",
    "ratio_to_baseline",
    "task_state",
}


def figures_of(module: str, *arguments: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, completed.stdout
    figures: dict[str, Any] = json.loads(lines[0])
    return figures


def test_history_import() -> None:
    figures = figures_of("bench.history_import", "--size=smoke", "--database=sqlite")
    assert figures.keys() >= HISTORY_IMPORT_KEYS
    assert figures["database"] == "sqlite" and figures["task_state"] == "SUCCEEDED"
    assert figures["orders_imported"] > 0 and figures["products_imported"] > 0


def test_grpc_overhead_compares_both_methods_at_three_concurrencies() -> None:
    figures = figures_of("bench.grpc_overhead", "--size=smoke", "--database=sqlite")
    rows = {(row["method"], row["concurrency"]) for row in figures["results"]}
    assert rows == {(method, n) for method in ("GetShop", "ListOrders") for n in (1, 16, 64)}
    assert all(row["service_rps"] > 0 and row["bare_rps"] > 0 for row in figures["results"])
    assert figures["response_bytes"]["ListOrders"] > figures["response_bytes"]["GetShop"] > 0


def test_auth_cost_compares_get_shop_with_and_without_the_key_check() -> None:
    figures = figures_of("bench.auth_cost", "--size=smoke", "--database=sqlite")
    assert [row["concurrency"] for row in figures["results"]] == [1, 16, 64]
    assert all(row["with_rps"] > 0 and row["without_rps"] > 0 for row in figures["results"])
    assert figures["ratio_at_64"] == figures["results"][-1]["ratio"]


def test_hot_sku_covers_exactly_the_stock() -> None:
    figures = figures_of("bench.hot_sku", "--size=smoke", "--database=sqlite", "--streams=8")
    assert figures["stock"] == figures["covered_reservations"] == figures["baseline_covered"] == 20
    assert figures["nothing_oversold_beyond_stock"] is True


def test_stock_propagation_shows_the_change_on_every_sku() -> None:
    figures = figures_of("bench.stock_propagation", "--size=smoke", "--rounds=2", "--database=sqlite")
    assert figures["all_shown"] is True and figures["linked_skus"] == 12
    assert figures["direct_to_last_p50_s"] > 0 and figures["ratio_to_direct"] > 0


def test_analytics() -> None:
    figures = figures_of("bench.analytics", "--size=smoke", "--database=sqlite", "--runs=2")
    assert figures["benchmark"] == "analytics"
    assert figures["tiktok_orders"] == 1_000 and figures["store_orders"] == 100
    assert [r["group_by"] for r in figures["results"]] == ["day", "channel"]
    # 90 days in two currencies, plus the days the range's ends touch in Singapore.
    assert figures["results"][0]["rows"] >= 180
    assert figures["results"][1]["rows"] == 3


def test_catalog() -> None:
    figures = figures_of("bench.catalog", "--size=smoke", "--database=sqlite")
    assert figures["benchmark"] == "catalog" and figures["task_states"] == ["SUCCEEDED", "SUCCEEDED"]
    assert figures["shop_skus"] == 30 and figures["links_created"] > 0 and figures["prices_pushed"] > 0


def test_webhooks_reach_the_other_channel_and_a_burst_is_stored_once() -> None:
    figures = figures_of("bench.webhooks", "--size=smoke", "--rounds=2", "--database=sqlite")
    assert figures["benchmark"] == "webhooks" and figures["linked_skus"] == 12
    assert figures["stock_all_shown"] is True and figures["orders_all_pushed_and_imported"] is True
    assert figures["burst_statuses"] == {"200": figures["burst"]} and figures["burst_2x_all_200"] is True
    assert figures["burst_inbox_rows"] == figures["burst_unique_deliveries"] == figures["burst_processed"]
    assert figures["burst_2x_inbox_rows_match"] is True and figures["burst_processed_twice"] == 0
    assert figures["stock_ratio_to_direct"] > 0 and figures["burst_ratio_to_bare"] > 0


def test_overload_answers_every_call_of_a_burst_with_a_status_and_no_internal() -> None:
    figures = figures_of("bench.overload", "--size=smoke", "--database=sqlite", "--limit=1")
    codes = figures["status_codes"]
    assert sum(codes.values()) == figures["calls"] and "INTERNAL" not in codes
    assert codes.get("OK", 0) > 0 and figures["max_inflight_rpcs"] == 1
    assert figures["refusals_with_retry_info"] == figures["refusals"]
    assert figures["service_peak_rss_mib"] > 0 and figures["access_logged"] > 0
