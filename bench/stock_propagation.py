"""Stock propagation: a SHOPLINE on-hand change until the last of N linked TikTok SKUs shows it.

``python -m bench.stock_propagation --size 1 --database postgresql [--rounds 10] [--rate-limit 50]``

The sandbox runs in a process of its own with one TikTok shop of ``--skus`` SKUs (3 per
product). A fresh child process runs the real service container (SQLAlchemy persistence, the
TikTok and SHOPLINE clients over loopback, the event-driven pusher): it installs the app,
authorizes the shop, imports its products, and links every SKU to one SHOPLINE variant. Each round
changes the variant's on-hand in the sandbox's SHOPLINE store, then starts the on-hand refresh (the
periodic job, or a webhook, would) and waits until every SKU shows the new quantity in the
sandbox's TikTok shop. ``to_last`` is the time from the change to the last SKU's accepted push
(the pusher records it after TikTok answered); it is checked against the sandbox after each round.
``per_sku`` takes every SKU's own latency over all rounds. The reference, in the same child, sends
the same ``update_inventory`` calls straight through the TikTok client (``direct_to_last``), and
``ratio_to_direct`` is what the on-hand read, the pools, the push rows and the pusher add to the
partner calls themselves. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
import time
from typing import Any

from bench.support import (
    add_size_and_database,
    install_and_authorize,
    postgres_admin_url,
    postgres_available,
    run_child,
    sandbox_control,
    sandbox_process,
    sandbox_settings,
    throwaway_database,
)

SKUS_PER_PRODUCT = 3
FULL_SKUS = 1_000
PRESETS = {"full": 1.0, "quick": 0.1, "smoke": 0.012}
UNLIMITED_SANDBOX_QPS = 1_000_000
PUSHER_CONCURRENCY = 16
"""``StockPusher``'s default number of calls in flight, which the direct reference uses too."""
DIRECT_ROUNDS = 3


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def measure(skus: int, database: str, rounds: int, rate_limit: float) -> dict[str, Any]:
    # Some generated products are not ACTIVATE (TikTok refuses their stock updates): a margin.
    products = math.ceil(skus * 1.25 / SKUS_PER_PRODUCT)
    with sandbox_process(products, SKUS_PER_PRODUCT, 1) as sandbox, throwaway_database(database) as url:
        child = run_child(
            "bench.stock_propagation",
            [
                "--child",
                f"--sandbox={json.dumps(sandbox)}",
                f"--database-url={url}",
                f"--skus={skus}",
                f"--rounds={rounds}",
                f"--rate-limit={rate_limit}",
            ],
        )
    figures = child.figures
    to_last = figures["to_last"]
    per_sku = figures["per_sku"]
    return {
        "benchmark": "stock_propagation",
        "database": database,
        "linked_skus": figures["linked_skus"],
        "rounds": rounds,
        "rate_limit_qps": rate_limit or None,
        "to_last_p50_s": round(statistics.median(to_last), 3),
        "to_last_p99_s": round(_percentile(to_last, 0.99), 3),
        "per_sku_p50_s": round(statistics.median(per_sku), 3),
        "per_sku_p99_s": round(_percentile(per_sku, 0.99), 3),
        "update_inventory_calls_per_round": round(figures["calls"] / rounds, 1),
        "skus_per_s": round(figures["linked_skus"] / statistics.median(to_last), 1),
        "all_shown": figures["all_shown"],
        "direct_to_last_p50_s": round(statistics.median(figures["direct"]), 3),
        "ratio_to_direct": round(statistics.median(to_last) / statistics.median(figures["direct"]), 2),
        "peak_rss_mib": child.peak_rss_mib,
    }


async def child(
    sandbox: dict[str, Any], database_url: str, skus: int, rounds: int, rate_limit: float
) -> dict[str, Any]:
    import httpx

    from adapters.bootstrap import build_container
    from adapters.lifecycle import shutdown_resources
    from adapters.persistence.engine import create_engine
    from adapters.persistence.migrator import upgrade_to_head
    from domain.ids import PoolId, ShoplineVariantId
    from domain.inventory_pool import InventoryPool

    settings = sandbox_settings(sandbox, database_url).with_overrides(tiktok_rate_limit_qps=rate_limit)
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    await engine.dispose()
    container = build_container(settings)
    await container.init_resources()
    try:
        async with httpx.AsyncClient(timeout=30.0) as control:
            if not rate_limit:
                await sandbox_control(
                    control,
                    sandbox,
                    "set_rate_limit",
                    partner="tiktok",
                    rate=UNLIMITED_SANDBOX_QPS,
                    burst=UNLIMITED_SANDBOX_QPS,
                )
            outcome = await install_and_authorize(container, control, sandbox)
            await container.jobs.job_runner().run_until_idle()  # the history import: products and SKUs
            shop = outcome.linked[0].view.shop
            app_id = shop.app_id
            await container.jobs.variant_refresh().refresh(app_id, full=True)
            async with container.persistence.unit_of_work() as uow:
                app = await uow.apps.get(app_id)
                handle = app.store_handle
                variants = await uow.shopline_variants.list(app_id, page_size=1, after=None)
                variant_id = ShoplineVariantId(variants.items[0].variant_id)
                pool = InventoryPool.open(PoolId("bench-pool"), app_id, variant_id)
                after = None
                while True:
                    page = await uow.channel_products.list(shop.id, page_size=100, after=after)
                    for product in page.items:
                        if product.status != "ACTIVATE":
                            continue  # TikTok refuses stock updates of frozen or deleted products
                        for sku in product.skus:
                            if len(pool.linked_skus) < skus:
                                pool.link_sku(sku.sku_id, shop.id, product_id=product.id)
                    if page.next_cursor is None or len(pool.linked_skus) >= skus:
                        break
                    after = page.next_cursor
                await uow.inventory_pools.add(pool)
                await uow.commit()
            linked = sorted(pool.linked_skus)
            pusher = container.jobs.stock_pusher()
            refresh = container.jobs.on_hand_refresh()
            calls = _count_calls(container.partners.tiktok_http(), "/inventory/update")

            async def change(quantity: int) -> float:
                await sandbox_control(control, sandbox, "advance_clock", seconds=2)
                await sandbox_control(
                    control,
                    sandbox,
                    "set_shopline_inventory",
                    handle=handle,
                    variant_id=variant_id,
                    available=quantity,
                )
                started = time.time()
                await refresh.refresh_app(app_id)
                await pusher.idle()
                return started

            await change(500)  # the first full push, not measured
            calls[0] = 0
            to_last: list[float] = []
            per_sku: list[float] = []
            all_shown = True
            for round_number in range(rounds):
                quantity = 400 - round_number
                started = await change(quantity)
                async with container.persistence.unit_of_work() as uow:
                    states = await uow.push_states.for_pool(pool.id)
                done = [
                    s.pushed_at.timestamp() - started for s in states if s.pushed == quantity and s.pushed_at
                ]
                shown = await sandbox_control(
                    control, sandbox, "sample_skus", shop_id=sandbox["shop_ids"][0], limit=1_000_000
                )
                visible = {s["id"] for s in shown if sum(s["inventory"].values()) == quantity}
                all_shown = all_shown and set(linked) <= visible and len(done) == len(linked)
                to_last.append(max(done))
                per_sku.extend(done)
            pusher_calls = calls[0]
            direct = await direct_pushes(container, shop, linked, rounds)
        return {
            "linked_skus": len(linked),
            "to_last": to_last,
            "per_sku": per_sku,
            "calls": pusher_calls,
            "all_shown": all_shown,
            "direct": direct,
        }
    finally:
        await shutdown_resources(container)


async def direct_pushes(container: Any, shop: Any, linked: list[Any], rounds: int) -> list[float]:
    """The reference: the same ``update_inventory`` calls (a product's SKUs in one call, as many
    in flight as the pusher allows) sent straight through the TikTok client, with the warehouses
    known beforehand: no database, no on-hand read, no push rows. Seconds per round."""
    from domain.channel import ShopCredentials
    from domain.stock_push import inventory_update

    async with container.persistence.unit_of_work() as uow:
        stored = await uow.shops.get(shop.id)
        token = await uow.tokens.get_tiktok(shop.id)
        credentials = ShopCredentials(stored.cipher, token.access_token)
        by_product: dict[Any, list[Any]] = {}
        wanted = set(linked)
        after = None
        while True:
            page = await uow.channel_products.list(shop.id, page_size=100, after=after)
            for product in page.items:
                for sku in product.skus:
                    if sku.sku_id in wanted:
                        warehouses = [q.warehouse_id for q in sku.inventory]
                        by_product.setdefault(product.id, []).append((sku.sku_id, warehouses))
            if page.next_cursor is None:
                break
            after = page.next_cursor
    tiktok = container.partners.tiktok_api()
    slots = asyncio.Semaphore(PUSHER_CONCURRENCY)
    seconds = []
    for round_number in range(min(rounds, DIRECT_ROUNDS)):
        quantity = 300 - round_number

        async def push(product_id: Any, skus: list[Any], quantity: int = quantity) -> None:
            async with slots:
                updates = [inventory_update(sku_id, warehouses, quantity) for sku_id, warehouses in skus]
                failures = await tiktok.update_inventory(credentials, product_id, updates)
                if failures:
                    raise RuntimeError(f"the direct push was refused: {failures[0]}")

        started = time.perf_counter()
        await asyncio.gather(*(push(product_id, skus) for product_id, skus in by_product.items()))
        seconds.append(time.perf_counter() - started)
    return seconds


def _count_calls(http: Any, path_part: str) -> list[int]:
    counter = [0]

    async def count(request: Any) -> None:
        if path_part in str(request.url):
            counter[0] += 1

    hooks = http.event_hooks
    hooks["request"] = [*hooks["request"], count]
    http.event_hooks = hooks
    return counter


def suite(quick: bool) -> list[list[str]]:
    return [
        [f"--size={'quick' if quick else 'full'}", "--database=postgresql", f"--rounds={3 if quick else 10}"]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stock_propagation", description=__doc__)
    add_size_and_database(parser, PRESETS, f"{FULL_SKUS:,} linked SKUs")
    parser.add_argument("--skus", type=int, help="linked SKUs, instead of --size")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--rate-limit", type=float, default=0.0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    skus = args.skus or max(1, round(FULL_SKUS * args.size))
    if args.child:
        figures = asyncio.run(
            child(json.loads(args.sandbox), args.database_url, skus, args.rounds, args.rate_limit)
        )
        print(json.dumps(figures))
        return 0
    if args.database == "postgresql" and not postgres_available(postgres_admin_url()):
        print(json.dumps({"benchmark": "stock_propagation", "skipped": "PostgreSQL unreachable"}))
        return 0
    print(json.dumps(measure(skus, args.database, args.rounds, args.rate_limit)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
