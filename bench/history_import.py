"""History import of one sandbox shop: wall time, orders/s, peak RSS, against a raw-copy baseline.

``python -m bench.history_import --size 1 --database postgresql [--rate-limit 50]``

Size 1 is 10,000 products x 3 SKUs and 100,000 orders (``--size 0.01`` for a smoke run).
The sandbox runs in a process of its own. The import runs in a fresh child process through the
real service: the container of ``adapters.bootstrap`` (SQLAlchemy persistence, the TikTok client
over loopback with its rate limiter, the job runner and the ``HISTORY_IMPORT`` handler), started
the way a merchant starts it (SHOPLINE installation, then TikTok authorization). The baseline,
in another fresh child on another fresh database, reads the same search and detail pages through
the same signed transport and inserts them as raw JSON rows, with no mapping and no domain logic.
It searches as many windows side by side and keeps as many detail reads in flight as the import.
``ratio_to_baseline`` is what the domain and the repositories cost on top of moving the bytes.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.support import (
    add_size_and_database,
    install_and_authorize,
    postgres_admin_url,
    postgres_available,
    process_cpu_seconds,
    run_child,
    sandbox_control,
    sandbox_process,
    sandbox_settings,
    throwaway_database,
)

FULL_PRODUCTS = 10_000
FULL_ORDERS = 100_000
SKUS_PER_PRODUCT = 3
UNLIMITED_SANDBOX_QPS = 1_000_000
PRESETS = {"full": 1.0, "quick": 0.05, "smoke": 0.002}
RAW_BATCH_ROWS = 500


def shop_size(size: float) -> tuple[int, int]:
    return max(1, round(FULL_PRODUCTS * size)), max(1, round(FULL_ORDERS * size))


# --------------------------------------------------------------------------- the parent


def measure(size: float, database: str, rate_limit: float, *, baseline: bool = True) -> dict[str, Any]:
    products, orders = shop_size(size)
    with sandbox_process(products, SKUS_PER_PRODUCT, orders) as sandbox:
        arguments = [f"--sandbox={json.dumps(sandbox)}", f"--rate-limit={rate_limit}"]
        with throwaway_database(database) as url:
            imported = run_child(
                "bench.history_import", ["--child=import", f"--database-url={url}", *arguments]
            )
        raw = None
        if baseline:
            with throwaway_database(database) as url:
                raw = run_child(
                    "bench.history_import", ["--child=baseline", f"--database-url={url}", *arguments]
                )
    figures = imported.figures
    wall = figures["wall_seconds"]
    result: dict[str, Any] = {
        "benchmark": "history_import",
        "database": database,
        "size": size,
        "shop_products": products,
        "shop_skus": products * SKUS_PER_PRODUCT,
        "shop_orders": orders,
        "orders_imported": figures["orders"],
        "products_imported": figures["products"],
        "wall_seconds": round(wall, 2),
        "orders_per_s": round(figures["orders"] / wall, 1),
        "products_per_s": round(figures["products"] / wall, 1),
        "pages_fetched": figures["requests"],
        "peak_rss_mib": imported.peak_rss_mib,
        "cpu_seconds": round(figures["cpu_seconds"], 2),
        "sandbox_cpu_seconds": round(figures["sandbox_cpu_seconds"], 2),
        "rate_limit_qps": rate_limit or None,
        "task_state": figures["task_state"],
    }
    if rate_limit:
        bound = figures["requests"] / rate_limit
        result["limit_bound_seconds"] = round(bound, 2)
        result["ratio_to_limit_bound"] = round(wall / bound, 3)
    if raw is not None:
        result["baseline_wall_seconds"] = round(raw.figures["wall_seconds"], 2)
        result["baseline_pages_fetched"] = raw.figures["requests"]
        result["baseline_peak_rss_mib"] = raw.peak_rss_mib
        result["baseline_cpu_seconds"] = round(raw.figures["cpu_seconds"], 2)
        result["baseline_sandbox_cpu_seconds"] = round(raw.figures["sandbox_cpu_seconds"], 2)
        result["ratio_to_baseline"] = round(wall / raw.figures["wall_seconds"], 2)
    return result


# --------------------------------------------------------------------------- the children


async def _prepare_sandbox(http: Any, sandbox: dict[str, Any], rate_limit: float) -> None:
    # The sandbox limits each (shop, endpoint) like TikTok does; without a client limit it must
    # not be the bottleneck, with one it stays at TikTok's own default.
    if not rate_limit:
        await sandbox_control(
            http,
            sandbox,
            "set_rate_limit",
            partner="tiktok",
            rate=UNLIMITED_SANDBOX_QPS,
            burst=UNLIMITED_SANDBOX_QPS,
        )


def _count_requests_to(http: Any, base_url: str) -> list[int]:
    counter = [0]

    async def count(request: Any) -> None:
        if str(request.url).startswith(base_url):
            counter[0] += 1

    hooks = http.event_hooks
    hooks["request"] = [*hooks["request"], count]
    http.event_hooks = hooks
    return counter


async def child_import(sandbox: dict[str, Any], database_url: str, rate_limit: float) -> dict[str, Any]:
    import httpx
    from sqlalchemy import func, select

    from adapters.bootstrap import build_container
    from adapters.lifecycle import shutdown_resources
    from adapters.persistence.engine import create_engine
    from adapters.persistence.migrator import upgrade_to_head
    from adapters.persistence.tables import channel_products, orders

    settings = sandbox_settings(sandbox, database_url).with_overrides(tiktok_rate_limit_qps=rate_limit)
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    await engine.dispose()
    container = build_container(settings)
    await container.init_resources()
    try:
        async with httpx.AsyncClient(timeout=30.0) as control:
            await _prepare_sandbox(control, sandbox, rate_limit)
            outcome = await install_and_authorize(container, control, sandbox)
        (task_id,) = outcome.history_import_tasks
        requests = _count_requests_to(container.partners.tiktok_http(), settings.tiktok_api_url)
        runner = container.jobs.job_runner()
        sandbox_cpu = process_cpu_seconds(sandbox["pid"])
        cpu = time.process_time()
        started_at = time.perf_counter()
        await runner.run_until_idle()
        wall = time.perf_counter() - started_at
        cpu = time.process_time() - cpu
        sandbox_cpu = process_cpu_seconds(sandbox["pid"]) - sandbox_cpu
        async with container.persistence.unit_of_work() as uow:
            task = await uow.tasks.get(task_id)
            session = uow.session
            order_count = (await session.execute(select(func.count()).select_from(orders))).scalar_one()
            product_count = (
                await session.execute(select(func.count()).select_from(channel_products))
            ).scalar_one()
        return {
            "wall_seconds": wall,
            "cpu_seconds": cpu,
            "sandbox_cpu_seconds": sandbox_cpu,
            "orders": order_count,
            "products": product_count,
            "requests": requests[0],
            "task_state": task.state.value,
            "failure_reason": task.failure_reason,
        }
    finally:
        await shutdown_resources(container)


class _FixedToken:
    def __init__(self, token: str) -> None:
        self._token = token

    async def access_token(self) -> str:
        return self._token

    async def refresh(self, rejected_token: str) -> str | None:
        return None


async def child_baseline(sandbox: dict[str, Any], database_url: str, rate_limit: float) -> dict[str, Any]:
    """Reads the pages the import reads and stores them raw: the floor for moving the same data.

    It runs with the service's garbage collector thresholds, so the two differ only in their work.
    """
    from contextlib import contextmanager

    from adapters.gc_tuning import tuned_garbage_collector

    with contextmanager(tuned_garbage_collector)():
        return await _copy_raw(sandbox, database_url, rate_limit)


async def _copy_raw(sandbox: dict[str, Any], database_url: str, rate_limit: float) -> dict[str, Any]:
    from contextlib import aclosing

    import httpx
    from sqlalchemy import Column, MetaData, String, Table, Text, insert

    from adapters.http.ratelimit import KeyedRateLimiter
    from adapters.persistence.engine import create_engine
    from adapters.tiktok import mapping, orders, products
    from adapters.tiktok.client import TikTokChannelClient
    from services.shops.history_import import HISTORY_DAYS, PAGES_IN_FLIGHT, PRODUCTS_SINCE, WINDOWS_IN_FLIGHT

    metadata = MetaData()
    # No keys: an order updated while the import runs may show up in two windows; raw rows keep both.
    raw_products = Table("raw_products", metadata, Column("id", String), Column("data", Text))
    raw_orders = Table("raw_orders", metadata, Column("id", String), Column("data", Text))
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    settings = sandbox_settings(sandbox, database_url)
    async with httpx.AsyncClient(timeout=30.0) as http:
        await _prepare_sandbox(http, sandbox, rate_limit)
        client = TikTokChannelClient(
            http,
            api_url=settings.tiktok_api_url,
            auth_url=settings.tiktok_auth_url,
            app_key=settings.tiktok_app_key,
            app_secret=settings.tiktok_app_secret,
            service_id=settings.tiktok_service_id,
            rate_limiter=KeyedRateLimiter(rate_limit or None),
        )
        code = (await sandbox_control(http, sandbox, "grant_authorization"))["code"]
        grant = await client.exchange_code(code)
        (shop,) = await client.authorized_shops(grant.access_token)
        tokens = _FixedToken(grant.access_token.reveal())
        transport = client.transport
        requests = _count_requests_to(http, settings.tiktok_api_url)
        pending: dict[Any, list[dict[str, str]]] = {raw_products: [], raw_orders: []}

        async def store(table: Table, rows: list[dict[str, str]], *, flush: bool = False) -> None:
            pending[table].extend(rows)
            if len(pending[table]) >= RAW_BATCH_ROWS or (flush and pending[table]):
                batch, pending[table] = pending[table], []  # windows go on adding while this is written
                async with engine.begin() as connection:
                    await connection.execute(insert(table), batch)

        sandbox_cpu = process_cpu_seconds(sandbox["pid"])
        cpu = time.process_time()
        started_at = time.perf_counter()
        cutoff = datetime.now(UTC)
        product_pages = products.search_products(
            transport,
            tokens,
            shop.cipher,
            mapping.unix_seconds(PRODUCTS_SINCE),
            mapping.unix_seconds_ceil(cutoff) - 1,
        )
        async with aclosing(product_pages) as pages:
            async for data in pages:
                found = data.get("products") or []
                await store(raw_products, [{"id": item["id"], "data": json.dumps(item)} for item in found])
        await store(raw_products, [], flush=True)
        # As the import does: day windows searched side by side, each with detail reads in flight.
        windows = asyncio.Semaphore(WINDOWS_IN_FLIGHT)

        async def store_details(reading: asyncio.Task[list[dict[str, Any]]]) -> None:
            await store(raw_orders, [{"id": item["id"], "data": json.dumps(item)} for item in await reading])

        async def copy_window(start: datetime, end: datetime) -> None:
            async with windows:
                order_pages = orders.search_orders(
                    transport,
                    tokens,
                    shop.cipher,
                    mapping.unix_seconds(start),
                    mapping.unix_seconds_ceil(end),
                )
                in_flight: deque[asyncio.Task[list[dict[str, Any]]]] = deque()
                try:
                    async with aclosing(order_pages) as pages:
                        async for data in pages:
                            ids = [item["id"] for item in data.get("orders") or []]
                            details = orders.get_order_details(transport, tokens, shop.cipher, ids)
                            in_flight.append(asyncio.ensure_future(details))
                            if len(in_flight) >= PAGES_IN_FLIGHT:
                                await store_details(in_flight.popleft())
                    while in_flight:
                        await store_details(in_flight.popleft())
                finally:
                    for reading in in_flight:
                        reading.cancel()

        first_day = cutoff - timedelta(days=HISTORY_DAYS)
        days = [first_day + timedelta(days=n) for n in range(HISTORY_DAYS)]
        await asyncio.gather(*(copy_window(day, min(day + timedelta(days=1), cutoff)) for day in days))
        await store(raw_orders, [], flush=True)
        wall = time.perf_counter() - started_at
        cpu = time.process_time() - cpu
        sandbox_cpu = process_cpu_seconds(sandbox["pid"]) - sandbox_cpu
    await engine.dispose()
    return {
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "sandbox_cpu_seconds": sandbox_cpu,
        "requests": requests[0],
    }


# --------------------------------------------------------------------------- entry point


def suite(quick: bool) -> list[list[str]]:
    """The runs of ``make bench`` and ``make bench-quick``: both databases against the raw-copy
    baseline, PostgreSQL under a 50 QPS limit, and PostgreSQL at a quarter and a half of the size
    for the scaling figure (1x, 2x, 4x)."""
    size = PRESETS["quick"] if quick else PRESETS["full"]
    runs = [[f"--size={size:g}", f"--database={database}"] for database in ("sqlite", "postgresql")]
    runs.append([f"--size={size:g}", "--database=postgresql", "--rate-limit=50", "--no-baseline"])
    runs += [[f"--size={size * part:g}", "--database=postgresql", "--no-baseline"] for part in (0.25, 0.5)]
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.history_import",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_size_and_database(parser, PRESETS, "10,000 products / 100,000 orders", database="sqlite")
    parser.add_argument(
        "--rate-limit", type=float, default=0.0, help="client-side TikTok QPS per shop; 0 = off"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the raw-copy baseline run")
    parser.add_argument("--child", choices=("import", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run = child_import if args.child == "import" else child_baseline
        figures = asyncio.run(run(json.loads(args.sandbox), args.database_url, args.rate_limit))
        print(json.dumps(figures), flush=True)
        return 0
    if args.database == "postgresql" and not postgres_available(postgres_admin_url()):
        print(json.dumps({"benchmark": "history_import", "skipped": "PostgreSQL is not reachable"}))
        return 0
    print(
        json.dumps(measure(args.size, args.database, args.rate_limit, baseline=not args.no_baseline)),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
