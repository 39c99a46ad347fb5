"""The suite's results file and the headline table in ``bench/README.md``.

Every headline figure is a ratio against a reference measured in the same run (machines are
noisy; ratios travel between them), with the absolute figures beside it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.support import REPOSITORY

RESULTS = REPOSITORY / "bench" / "results"
README = REPOSITORY / "bench" / "README.md"
START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"


@dataclass(frozen=True)
class Headline:
    figure: str
    measured: str
    reference: str
    ratio: float | None
    target: str = ""
    met: bool | None = None


def save_run(run: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = run["started_at"].replace(":", "").replace("-", "").replace("+0000", "Z")
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(run, indent=2) + "\n")
    return path


def latest_run(suite: str) -> dict[str, Any] | None:
    """The newest results file of the given suite (``full`` or ``quick``), with its file name."""
    for path in sorted(RESULTS.glob("*.json"), reverse=True):
        run: dict[str, Any] = json.loads(path.read_text())
        if run.get("suite") == suite:
            return run | {"file": path.name}
    return None


def merged_with_latest(run: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """A run of some benchmarks only, with the other benchmarks' figures from the newest run of the
    same suite, so the table stays whole; ``merged_from`` names where those come from."""
    earlier = latest_run(run["suite"])
    if earlier is None:
        return run
    ran = set(names)
    kept = [r for r in earlier["results"] if r.get("benchmark") not in ran]
    return run | {"results": kept + run["results"], "merged_from": earlier["file"], "ran": sorted(ran)}


def update_readme(run: dict[str, Any]) -> None:
    section = render(run)
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = f"{before}{section}{after}"
    else:
        title, _, body = text.partition("\n")
        text = f"{title}\n\n{section}\n{body}"
    README.write_text(text)


def render(run: dict[str, Any]) -> str:
    machine = run["machine"]
    lines = [
        START,
        f"## Latest run ({run['suite']} suite, {run['started_at']}, {run['wall_seconds']} s)",
        "",
        *(
            [
                f"Only {', '.join(run['ran'])} ran then; the other rows are from `{run['merged_from']}`.",
                "",
            ]
            if run.get("merged_from")
            else []
        ),
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"{machine['os']}; Python {machine['python']}, grpcio {machine['grpcio']}, "
        f"SQLAlchemy {machine['sqlalchemy']}, SQLite {machine['sqlite']}, "
        f"PostgreSQL {machine['postgresql'] or 'not reachable'}.",
        "",
        "| figure | measured | reference (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for headline in headlines(run["results"]):
        ratio = "-" if headline.ratio is None else f"{headline.ratio:.3g}"
        met = {True: "yes", False: "**no**", None: "-"}[headline.met]
        lines.append(
            f"| {headline.figure} | {headline.measured} | {headline.reference} | {ratio} | "
            f"{headline.target or '-'} | {met} |"
        )
    lines += ["", f"All figures: `bench/results/` (this run: `{_stamp_name(run)}`).", END]
    return "\n".join(lines)


def _stamp_name(run: dict[str, Any]) -> str:
    return run["started_at"].replace(":", "").replace("-", "").replace("+0000", "Z") + ".json"


def headlines(results: Iterable[dict[str, Any]]) -> list[Headline]:
    rows: list[Headline] = []
    results = list(results)
    for result in results:
        if "skipped" in result:
            rows.append(Headline(result.get("benchmark", "?"), f"skipped: {result['skipped']}", "", None))
            continue
        render_one = _RENDERERS.get(result.get("benchmark", ""), _generic)
        rows.extend(render_one(result))
    rows.extend(_scaling([r for r in results if r.get("benchmark") == "history_import"]))
    return rows


def _at_most(value: float, limit: float) -> bool:
    return value <= limit


def _at_least(value: float, limit: float) -> bool:
    return value >= limit


def _history_import(result: dict[str, Any]) -> list[Headline]:
    where = f"history import, {result['database']}, size {result['size']:g}"
    measured = (
        f"{result['orders_per_s']:,.0f} orders/s, {result['wall_seconds']} s, "
        f"{result['peak_rss_mib']} MiB peak"
    )
    rows = []
    if result.get("baseline_wall_seconds"):
        ratio = result["baseline_wall_seconds"] / result["wall_seconds"]
        rows.append(
            Headline(
                f"{where}: throughput vs raw copy",
                measured,
                f"raw read + bulk insert {result['baseline_wall_seconds']} s",
                ratio,
                ">= 0.5",
                _at_least(ratio, 0.5),
            )
        )
    if result.get("limit_bound_seconds"):
        ratio = result["ratio_to_limit_bound"]
        rows.append(
            Headline(
                f"{where}, {result['rate_limit_qps']:g} QPS: time vs limit-bound time",
                measured,
                f"{result['pages_fetched']:,} requests / {result['rate_limit_qps']:g} QPS = "
                f"{result['limit_bound_seconds']} s",
                ratio,
                "<= 1.15",
                _at_most(ratio, 1.15),
            )
        )
    return rows


def _scaling(results: list[dict[str, Any]]) -> list[Headline]:
    """Time per order and peak RSS of each larger unlimited run against the smallest one."""
    rows = []
    for database in sorted({r["database"] for r in results}):
        runs = sorted(
            (r for r in results if r["database"] == database and not r.get("rate_limit_qps")),
            key=lambda r: r["size"],
        )
        if len(runs) < 2:
            continue
        base = runs[0]
        for run in runs[1:]:
            factor = run["size"] / base["size"]
            time_ratio = run["wall_seconds"] / (base["wall_seconds"] * factor)
            rss_ratio = run["peak_rss_mib"] / base["peak_rss_mib"]
            label = f"scaling, {database}, {factor:g}x size {base['size']:g}"
            rows.append(
                Headline(
                    f"{label}: time / ({factor:g} x time at 1x)",
                    f"{run['wall_seconds']} s",
                    f"{base['wall_seconds']} s at 1x",
                    time_ratio,
                    "<= 1.15 (linear)",
                    _at_most(time_ratio, 1.15),
                )
            )
            rows.append(
                Headline(
                    f"{label}: peak RSS / RSS at 1x",
                    f"{run['peak_rss_mib']} MiB",
                    f"{base['peak_rss_mib']} MiB at 1x",
                    rss_ratio,
                    "<= 1.2 (flat)",
                    _at_most(rss_ratio, 1.2),
                )
            )
    return rows


def _grpc_overhead(result: dict[str, Any]) -> list[Headline]:
    rows = []
    for row in result["results"]:
        at_64 = row["concurrency"] == 64
        rows.append(
            Headline(
                f"gRPC {row['method']}, {result['database']}, concurrency {row['concurrency']}",
                f"{row['service_rps']:,.0f} calls/s, p50 {row['service_p50_ms']} ms, "
                f"p99 {row['service_p99_ms']} ms",
                f"bare grpc.aio {row['bare_rps']:,.0f} calls/s, p50 {row['bare_p50_ms']} ms, "
                f"p99 {row['bare_p99_ms']} ms",
                row["ratio"],
                ">= 0.5" if at_64 else "",
                _at_least(row["ratio"], 0.5) if at_64 else None,
            )
        )
    return rows


def _auth_cost(result: dict[str, Any]) -> list[Headline]:
    rows = []
    for row in result["results"]:
        at_64 = row["concurrency"] == 64
        rows.append(
            Headline(
                f"gRPC {row['method']} with API key authentication, {result['database']}, "
                f"concurrency {row['concurrency']}",
                f"{row['with_rps']:,.0f} calls/s, p50 {row['with_p50_ms']} ms, p99 {row['with_p99_ms']} ms"
                + (f"; the check alone {result['authenticate_us']} µs a call" if at_64 else ""),
                f"same server without the check {row['without_rps']:,.0f} calls/s, "
                f"p50 {row['without_p50_ms']} ms, p99 {row['without_p99_ms']} ms",
                row["ratio"],
                ">= 0.9" if at_64 else "",
                _at_least(row["ratio"], 0.9) if at_64 else None,
            )
        )
    return rows


def _hot_sku(result: dict[str, Any]) -> list[Headline]:
    ratio = result["covered_per_s"] / result["baseline_covered_per_s"]
    return [
        Headline(
            f"hot SKU, {result['database']}, {result['streams']} streams: covered reservations/s "
            "vs raw UPDATE loop",
            f"{result['covered_per_s']:,.1f}/s ({result['covered_reservations']:,} covered of "
            f"{result['stock']:,}, {result['oversold_recorded']} orders recorded as oversold)",
            f"single-statement UPDATE loop {result['baseline_covered_per_s']:,.1f}/s",
            ratio,
            "nothing oversold beyond stock",
            bool(result["nothing_oversold_beyond_stock"]),
        )
    ]


def _stock_propagation(result: dict[str, Any]) -> list[Headline]:
    limit = f", {result['rate_limit_qps']:g} QPS" if result.get("rate_limit_qps") else ""
    return [
        Headline(
            f"stock propagation, {result['database']}{limit}, {result['linked_skus']:,} linked SKUs: "
            "on-hand change to last SKU vs the same calls sent directly",
            f"p50 {result['to_last_p50_s']} s, p99 {result['to_last_p99_s']} s "
            f"({result['update_inventory_calls_per_round']:g} calls per change)",
            f"direct calls p50 {result['direct_to_last_p50_s']} s"
            if "direct_to_last_p50_s" in result
            else "",
            result.get("ratio_to_direct"),
            "every SKU shows it",
            bool(result["all_shown"]),
        )
    ]


def _analytics(result: dict[str, Any]) -> list[Headline]:
    orders = result["tiktok_orders"] + result["store_orders"]
    return [
        Headline(
            f"GetSalesSummary by {row['group_by']} ({row['time_zone']}), {result['database']}, "
            f"{orders:,} orders: gRPC p50 vs the same SQL run directly",
            f"p50 {row['grpc_p50_ms']:,} ms, p90 {row['grpc_p90_ms']:,} ms ({row['runs']} runs)",
            f"direct p50 {row['direct_p50_ms']:,} ms",
            row["ratio"],
        )
        for row in result["results"]
    ]


def _catalog(result: dict[str, Any]) -> list[Headline]:
    return [
        Headline(
            f"catalog, {result['database']}, {result['shop_skus']:,} SKUs: AutoLinkSkus vs history import "
            "of the same catalog",
            f"{result['auto_link_seconds']} s ({result['links_created']:,} links, "
            f"{result['ambiguous_skus']} ambiguous); SyncPrices {result['price_sync_seconds']} s "
            f"({result['prices_pushed']:,} prices)",
            f"history import {result['history_import_seconds']} s",
            result["ratio_auto_link_to_import"],
        )
    ]


def _webhooks(result: dict[str, Any]) -> list[Headline]:
    where = f"webhooks, {result['database']}"
    burst = result["burst"]
    all_200 = result["burst_statuses"] == {"200": burst} and result["burst_2x_all_200"]
    none_lost = (
        result["burst_inbox_rows"] == result["burst_unique_deliveries"] == result["burst_processed"]
        and result["burst_2x_inbox_rows_match"]
    )
    once = result["burst_processed_twice"] == 0
    return [
        Headline(
            f"{where}, {result['linked_skus']:,} linked SKUs: SHOPLINE stock webhook to the last SKU "
            "vs the same calls sent directly",
            f"p50 {result['stock_to_last_p50_s']} s, p99 {result['stock_to_last_p99_s']} s "
            f"({result['rounds']} rounds)",
            f"direct calls p50 {result['direct_to_last_p50_s']} s",
            result["stock_ratio_to_direct"],
            "p99 < 1 s",
            result["stock_to_last_p99_s"] < 1 and bool(result["stock_all_shown"]),
        ),
        Headline(
            f"{where}, {result['linked_skus']:,} linked SKUs: TikTok order webhook to every linked SKU's "
            "new quantity vs one order sync run",
            f"p50 {result['order_to_pushed_p50_s']} s, p99 {result['order_to_pushed_p99_s']} s",
            f"order sync run p50 {result['poll_to_pushed_p50_s']} s (plus the poll interval)",
            result["order_ratio_to_poll_run"],
            "p99 < 2 s",
            result["order_to_pushed_p99_s"] < 2 and bool(result["orders_all_pushed_and_imported"]),
        ),
        Headline(
            f"{where}: TikTok order webhook to the SHOPLINE import (auto-import on) vs one order sync run",
            f"p50 {result['order_to_imported_p50_s']} s, p99 {result['order_to_imported_p99_s']} s",
            f"order sync run p50 {result['poll_to_imported_p50_s']} s (plus the poll interval)",
            round(result["order_to_imported_p50_s"] / result["poll_to_imported_p50_s"], 2),
            "p99 < 5 s",
            result["order_to_imported_p99_s"] < 5 and bool(result["orders_all_pushed_and_imported"]),
        ),
        Headline(
            f"{where}: burst of {burst:,} signed deliveries, time to answer all vs a bare aiohttp handler",
            f"{result['burst_seconds']} s, answer p50 {result['burst_answer_p50_ms']:,} ms, "
            f"p99 {result['burst_answer_p99_ms']:,} ms; {result['burst_inbox_rows']:,} inbox rows for "
            f"{result['burst_unique_deliveries']:,} deliveries, {result['burst_processed_twice']} "
            f"processed twice, drained in {result['burst_drain_seconds']} s",
            f"bare {result['bare_seconds']} s, p99 {result['bare_answer_p99_ms']:,} ms",
            result["burst_ratio_to_bare"],
            "all 200, p99 < 1 s, none lost, none twice",
            all_200 and result["burst_answer_p99_ms"] < 1000 and none_lost and once,
        ),
        Headline(
            f"{where}: peak RSS after a burst of {2 * burst:,} / after {burst:,}",
            f"{result['rss_after_2x_mib']} MiB (answer p99 {result['burst_2x_answer_p99_ms']:,} ms, "
            f"drained in {result['burst_2x_drain_seconds']} s)",
            f"{result['rss_after_1x_mib']} MiB ({result['rss_before_burst_mib']} MiB before)",
            result["rss_ratio_2x_to_1x"],
            "<= 1.2 (flat)",
            _at_most(result["rss_ratio_2x_to_1x"], 1.2),
        ),
    ]


def _overload(result: dict[str, Any]) -> list[Headline]:
    codes = result["status_codes"]
    answered = ", ".join(f"{code} {count:,}" for code, count in codes.items())
    limit = result["max_inflight_rpcs"] or "none"
    honest = codes.get("INTERNAL", 0) == 0 and result["refusals_with_retry_info"] == result["refusals"]
    return [
        Headline(
            f"overload, {result['database']}: {result['calls']:,} concurrent ListOrders, "
            f"limit {limit}, deadline {result['deadline_s']:g} s: admitted p50 vs one at a time",
            f"{answered}; admitted p50 {result['admitted_p50_ms']} ms, p99 {result['admitted_p99_ms']} ms; "
            f"{result['access_logged']:,} in the access log; RSS {result['service_peak_rss_mib']} MiB",
            f"one at a time p50 {result['sequential_p50_ms']} ms",
            round(result["admitted_p50_ms"] / result["sequential_p50_ms"], 1)
            if result["admitted_p50_ms"] and result["sequential_p50_ms"]
            else None,
            "no INTERNAL; every refusal with RetryInfo",
            honest,
        )
    ]


def _generic(result: dict[str, Any]) -> list[Headline]:
    """A benchmark without its own renderer: every ratio it reports."""
    name = result.get("benchmark", "?")
    measured = ", ".join(
        f"{key} {value}"
        for key, value in result.items()
        if isinstance(value, int | float) and "ratio" not in key
    )
    return [
        Headline(f"{name}: {key}", measured, "see results file", float(value))
        for key, value in result.items()
        if "ratio" in key and isinstance(value, int | float)
    ] or [Headline(name, measured, "", None)]


_RENDERERS: dict[str, Callable[[dict[str, Any]], list[Headline]]] = {
    "history_import": _history_import,
    "grpc_overhead": _grpc_overhead,
    "auth_cost": _auth_cost,
    "hot_sku": _hot_sku,
    "stock_propagation": _stock_propagation,
    "analytics": _analytics,
    "catalog": _catalog,
    "webhooks": _webhooks,
    "overload": _overload,
}
