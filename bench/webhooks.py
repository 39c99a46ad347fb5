"""Webhooks: how fast a partner's webhook reaches the other channel, and a burst of them.

``python -m bench.webhooks --size 1 --database postgresql [--rounds 10]``

The sandbox runs in a process of its own with one TikTok shop (3 SKUs per product); a fresh
child runs the real service container with its HTTP edge on a free loopback port (no gRPC, no
timers: the inbox drain and the stock pusher run as in ``mcc serve``, woken by what they take).
It installs the app with automatic import on, authorizes the shop, imports its products and links
``--skus`` SKUs to one SHOPLINE variant. The sandbox delivers its own signed webhooks to the edge
(``configure_webhooks``, then ``deliver_webhooks`` right after each change, so no pump interval
is counted).

* ``stock``: each round changes the variant's on-hand in the sandbox's SHOPLINE store; the time
  runs from the change to the last linked SKU's accepted push (``inventory_levels/update`` →
  inbox → drain → on-hand read → push rows → pusher). Reference: the same ``inventory/update``
  calls sent straight through the TikTok client (``bench.stock_propagation.direct_pushes``).
* ``order``: each round creates a paid TikTok order for one linked SKU; the times run from the
  order's creation to the last linked SKU's push of the lowered quantity (``order_to_pushed``)
  and to its SHOPLINE import (``order_to_imported``). Reference: the same path through one order
  sync run started at once (what a poll does, without the up to 5 minutes a poll waits first), so
  the ratio is what taking the order from a webhook costs against taking it from a search.
* ``burst``: ``--burst`` signed SHOPLINE deliveries posted at once from another process (a tenth
  redeliveries), then twice as many: every answer's status and time, the inbox rows against the
  distinct deliveries, how often the reaction ran per delivery, the time until the inbox is
  drained, and the child's peak RSS after each. Reference: a bare aiohttp handler answering 200,
  in a process of its own, taking the same burst.

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
from typing import Any

from bench.support import (
    add_size_and_database,
    postgres_admin_url,
    postgres_available,
    run_child,
    sandbox_process,
    throwaway_database,
)
from bench.webhook_burst import bare_server, percentile

SKUS_PER_PRODUCT = 3
FULL_SKUS = 1_000
FULL_BURST = 10_000
PRESETS = {"full": 1.0, "quick": 0.1, "smoke": 0.012}


def _p50_p99(values: list[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(values), 3), "p99": round(percentile(values, 0.99), 3)}


def measure(skus: int, burst: int, database: str, rounds: int, rate_limit: float) -> dict[str, Any]:
    products = math.ceil(skus * 1.25 / SKUS_PER_PRODUCT)  # a margin for products TikTok froze
    with (
        sandbox_process(products, SKUS_PER_PRODUCT, 1) as sandbox,
        throwaway_database(database) as url,
        bare_server() as bare_url,
    ):
        child = run_child(
            "bench.webhooks",
            [
                "--child",
                f"--sandbox={json.dumps(sandbox)}",
                f"--database-url={url}",
                f"--skus={skus}",
                f"--burst={burst}",
                f"--rounds={rounds}",
                f"--bare-url={bare_url}",
                f"--rate-limit={rate_limit}",
            ],
        )
    f = child.figures
    stock, direct = _p50_p99(f["stock"]), _p50_p99(f["direct"])
    pushed, imported = _p50_p99(f["order_to_pushed"]), _p50_p99(f["order_to_imported"])
    poll_pushed, poll_imported = _p50_p99(f["poll_to_pushed"]), _p50_p99(f["poll_to_imported"])
    first, second, bare = f["burst_1x"], f["burst_2x"], f["bare"]
    return {
        "benchmark": "webhooks",
        "database": database,
        "linked_skus": f["linked_skus"],
        "rounds": rounds,
        "rate_limit_qps": rate_limit or None,
        "stock_to_last_p50_s": stock["p50"],
        "stock_to_last_p99_s": stock["p99"],
        "stock_all_shown": f["stock_all_shown"],
        "direct_to_last_p50_s": direct["p50"],
        "stock_ratio_to_direct": round(stock["p50"] / direct["p50"], 2),
        "order_to_pushed_p50_s": pushed["p50"],
        "order_to_pushed_p99_s": pushed["p99"],
        "order_to_imported_p50_s": imported["p50"],
        "order_to_imported_p99_s": imported["p99"],
        "orders_all_pushed_and_imported": f["orders_ok"],
        "poll_to_pushed_p50_s": poll_pushed["p50"],
        "poll_to_imported_p50_s": poll_imported["p50"],
        "order_ratio_to_poll_run": round(pushed["p50"] / poll_pushed["p50"], 2),
        "burst": first["posted"],
        "burst_statuses": first["statuses"],
        "burst_answer_p50_ms": first["answer_p50_ms"],
        "burst_answer_p99_ms": first["answer_p99_ms"],
        "burst_seconds": first["seconds"],
        "burst_inbox_rows": first["inbox_rows"],
        "burst_unique_deliveries": first["unique"],
        "burst_processed": first["processed"],
        "burst_processed_twice": first["processed_twice"] + second["processed_twice"],
        "burst_drain_seconds": first["drain_seconds"],
        "burst_2x_answer_p99_ms": second["answer_p99_ms"],
        "burst_2x_all_200": second["statuses"] == {"200": second["posted"]},
        "burst_2x_inbox_rows_match": second["inbox_rows"] == second["unique"],
        "burst_2x_drain_seconds": second["drain_seconds"],
        "bare_answer_p50_ms": bare["answer_p50_ms"],
        "bare_answer_p99_ms": bare["answer_p99_ms"],
        "bare_seconds": bare["seconds"],
        "burst_ratio_to_bare": round(first["seconds"] / bare["seconds"], 2),
        "rss_before_burst_mib": f["rss_before_burst_mib"],
        "rss_after_1x_mib": first["peak_rss_mib"],
        "rss_after_2x_mib": second["peak_rss_mib"],
        "rss_ratio_2x_to_1x": round(second["peak_rss_mib"] / first["peak_rss_mib"], 3),
        "peak_rss_mib": child.peak_rss_mib,
    }


def suite(quick: bool) -> list[list[str]]:
    return [
        [f"--size={'quick' if quick else 'full'}", "--database=postgresql", f"--rounds={3 if quick else 10}"]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description=__doc__)
    add_size_and_database(parser, PRESETS, f"{FULL_SKUS:,} linked SKUs and a burst of {FULL_BURST:,}")
    parser.add_argument("--skus", type=int, help="linked SKUs, instead of --size")
    parser.add_argument("--burst", type=int, help="deliveries in the burst, instead of --size")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--rate-limit", type=float, default=0.0, help="the client's TikTok calls per second")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--bare-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    skus = args.skus or max(1, round(FULL_SKUS * args.size))
    burst = args.burst or max(10, round(FULL_BURST * args.size))
    if args.child:
        from bench.webhook_service import child

        figures = asyncio.run(
            child(
                json.loads(args.sandbox),
                args.database_url,
                skus,
                burst,
                args.rounds,
                args.bare_url,
                args.rate_limit,
            )
        )
        print(json.dumps(figures))
        return 0
    if args.database == "postgresql" and not postgres_available(postgres_admin_url()):
        print(json.dumps({"benchmark": "webhooks", "skipped": "PostgreSQL unreachable"}))
        return 0
    print(json.dumps(measure(skus, burst, args.database, args.rounds, args.rate_limit)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
