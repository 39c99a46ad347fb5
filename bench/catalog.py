"""AutoLinkSkus and SyncPrices over one sandbox shop: wall time and SKUs/s, against the history
import of the same catalog.

``python -m bench.catalog --size 1 --database postgresql``

Size 1 is 2,000 products x 3 SKUs (``--size smoke`` for a smoke run); the SHOPLINE store has 100
products x 3 variants, 80 % of the TikTok SKUs carry one of their codes. The runs go through the
real service in a fresh child process (the container of ``adapters.bootstrap``, the job runner and
the task handlers, the sandbox over loopback with no rate limit): install, authorize, history import
(timed: the reference, it reads and writes the same catalog once), then auto-link of the whole shop
and a price sync pushing a 10 % markup to every linked SKU. The stock pushes the new links wake run
alongside the auto-link (they are part of what linking costs) and are waited for before the price
sync starts. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from decimal import Decimal
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

FULL_PRODUCTS = 2_000
SKUS_PER_PRODUCT = 3
ORDERS = 1
UNLIMITED_SANDBOX_QPS = 1_000_000
PRESETS = {"full": 1.0, "quick": 0.25, "smoke": 0.005}


def measure(size: float, database: str) -> dict[str, Any]:
    products = max(1, round(FULL_PRODUCTS * size))
    with sandbox_process(products, SKUS_PER_PRODUCT, ORDERS) as sandbox, throwaway_database(database) as url:
        run = run_child(
            "bench.catalog", ["--child", f"--database-url={url}", f"--sandbox={json.dumps(sandbox)}"]
        )
    figures = run.figures
    skus = figures["skus"]
    return {
        "benchmark": "catalog",
        "database": database,
        "size": size,
        "shop_skus": skus,
        "history_import_seconds": round(figures["import_seconds"], 2),
        "auto_link_seconds": round(figures["auto_link_seconds"], 2),
        "auto_link_skus_per_s": round(skus / figures["auto_link_seconds"], 1),
        "links_created": figures["links_created"],
        "ambiguous_skus": figures["ambiguous"],
        "price_sync_seconds": round(figures["price_sync_seconds"], 2),
        "price_sync_skus_per_s": round(figures["linked"] / figures["price_sync_seconds"], 1),
        "prices_pushed": figures["prices_pushed"],
        "ratio_auto_link_to_import": round(figures["auto_link_seconds"] / figures["import_seconds"], 3),
        "peak_rss_mib": run.peak_rss_mib,
        "task_states": figures["task_states"],
    }


async def child(sandbox: dict[str, Any], database_url: str) -> dict[str, Any]:
    import httpx

    from adapters.bootstrap import build_container
    from adapters.lifecycle import shutdown_resources
    from adapters.persistence.engine import create_engine
    from adapters.persistence.migrator import upgrade_to_head
    from services.catalog.products import PriceRuleChanges, PriceRules
    from services.catalog.tasks import CatalogTasks
    from services.catalog.variants import VariantRefresh

    settings = sandbox_settings(sandbox, database_url).with_overrides(tiktok_rate_limit_qps=0)
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    await engine.dispose()
    container = build_container(settings)
    await container.init_resources()
    try:
        async with httpx.AsyncClient(timeout=30.0) as control:
            await sandbox_control(
                control,
                sandbox,
                "set_rate_limit",
                partner="tiktok",
                rate=UNLIMITED_SANDBOX_QPS,
                burst=UNLIMITED_SANDBOX_QPS,
            )
            outcome = await install_and_authorize(container, control, sandbox)
        shop = outcome.linked[0].view.shop
        runner = container.jobs.job_runner()
        uow, clock = container.persistence.unit_of_work, container.core.clock()
        tasks = CatalogTasks(uow, clock, container.core.id_generator(), runner)

        started = time.perf_counter()
        await runner.run_until_idle()
        import_seconds = time.perf_counter() - started

        started = time.perf_counter()
        auto_link = await tasks.start_auto_link(shop.app_id, shop.id)
        await runner.run_until_idle()
        auto_link_seconds = time.perf_counter() - started
        pusher = container.jobs.stock_pusher()
        await pusher.idle()  # the stock pushes the links woke, before the next phase

        rules = PriceRules(uow, clock, VariantRefresh(uow, container.partners.shopline_api(), clock))
        await rules.update(shop.app_id, shop.id, PriceRuleChanges(markup=Decimal("0.1")), ["markup"])
        started = time.perf_counter()
        price_sync = await tasks.start_price_sync(shop.app_id, shop.id)
        await runner.run_until_idle()
        price_sync_seconds = time.perf_counter() - started
        await pusher.idle()

        async with container.persistence.unit_of_work() as work:
            linked_task = await work.tasks.get(auto_link.id)
            pushed_task = await work.tasks.get(price_sync.id)
            counts = await work.channel_products.count_for_shop(shop.id)
        return {
            "skus": counts.skus,
            "linked": counts.linked_skus,
            "import_seconds": import_seconds,
            "auto_link_seconds": auto_link_seconds,
            "links_created": linked_task.counts.created,
            "ambiguous": linked_task.counts.failed,
            "price_sync_seconds": price_sync_seconds,
            "prices_pushed": pushed_task.counts.updated,
            "task_states": [linked_task.state.value, pushed_task.state.value],
        }
    finally:
        await shutdown_resources(container)


def suite(quick: bool) -> list[list[str]]:
    """PostgreSQL only, at half the size in the full suite, so the whole suite fits in ten minutes."""
    size = PRESETS["quick"] if quick else PRESETS["full"] / 2
    return [[f"--size={size:g}", "--database=postgresql"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.catalog",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_size_and_database(parser, PRESETS, "2,000 products", database="sqlite")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(asyncio.run(child(json.loads(args.sandbox), args.database_url))), flush=True)
        return 0
    if args.database == "postgresql" and not postgres_available(postgres_admin_url()):
        print(json.dumps({"benchmark": "catalog", "skipped": "PostgreSQL is not reachable"}))
        return 0
    print(json.dumps(measure(args.size, args.database)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
