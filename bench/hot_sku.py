"""One hot SKU: covered reservations per second on one pool, against a raw single-statement loop.

``python -m bench.hot_sku --size 1 --database postgresql [--streams 64]``

Size 1 is a pool of 2,000 units (``--size smoke`` 20). ``--streams`` order streams (64 by default)
each reserve one unit per order through ``StockEffects`` in a unit of work of their own, the way
the order sync does, until the pool is sold out: every order waits for the pool's row lock, so the
covered reservations are exactly the stock. The baseline, on a fresh database in the same run,
has the same streams run ``UPDATE stock SET held = held + 1 WHERE held < on_hand`` in a
transaction each until no row is updated: the floor for one hot row. Both end by checking that
exactly the stock was covered (nothing oversold beyond stock; the orders already in flight when
the stock ran out are recorded as oversold, as the channel sold them). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench.support import add_size_and_database, postgres_admin_url, postgres_available, throwaway_database

FULL_STOCK = 2_000
PRESETS = {"full": 1.0, "quick": 0.25, "smoke": 0.01}


async def _service_run(url: str, stock: int, streams: int) -> dict[str, Any]:
    from sqlalchemy import select

    from adapters.persistence.engine import session_factory
    from adapters.persistence.migrator import upgrade_to_head
    from adapters.persistence.tables import inventory_pools
    from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
    from domain.app import App
    from domain.events import LineQuantity, OrderLinesReserved
    from domain.ids import (
        AppId,
        ChannelProductId,
        ChannelSkuId,
        OrderId,
        PoolId,
        ShopId,
        ShoplineVariantId,
        TikTokShopId,
    )
    from domain.inventory_pool import InventoryPool, OnHandObservation
    from domain.shop import Region, SellerType, Shop, ShopIdentity
    from services.inventory.stock_effects import StockEffects

    class Clock:
        def now(self) -> datetime:
            return datetime.now(UTC)

    class Ids:
        def new_id(self) -> str:
            return "unused"

    engine = _engine(url)
    await upgrade_to_head(engine)
    sessions = session_factory(engine)
    app_id, shop_id, pool_id = AppId("bench-app"), ShopId("bench-shop"), PoolId("hot-pool")
    sku = ChannelSkuId("1729592969712207013")
    now = datetime.now(UTC)
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        await uow.apps.add(App.install(app_id, "bench-store", now))
        identity = ShopIdentity(
            TikTokShopId("7000000000000000001"), "cipher", Region.US, SellerType.LOCAL, "Bench"
        )
        await uow.shops.add(Shop.authorize(shop_id, app_id, identity, now))
        pool = InventoryPool.open(pool_id, app_id, ShoplineVariantId("hot-variant"))
        pool.observe_on_hand(OnHandObservation(stock, now))
        pool.link_sku(sku, shop_id, product_id=ChannelProductId("1729592969712207008"))
        await uow.inventory_pools.add(pool)
        await uow.commit()
    effects = StockEffects(Clock(), Ids())
    numbers = iter(range(10**9))
    sold_out = asyncio.Event()

    async def stream() -> None:
        while not sold_out.is_set():
            event = OrderLinesReserved(
                app_id, shop_id, OrderId(f"{next(numbers):012d}"), (LineQuantity(sku, 1),)
            )
            async with SqlAlchemyUnitOfWork(sessions) as uow:
                await effects.apply(uow, [event])
                await uow.commit()
                left = await uow.session.execute(
                    select(inventory_pools.c.available).where(inventory_pools.c.id == pool_id)
                )
                if left.scalar_one() == 0:
                    sold_out.set()

    started = time.perf_counter()
    await asyncio.gather(*(stream() for _ in range(streams)))
    wall = time.perf_counter() - started
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        final = await uow.inventory_pools.get(pool_id)
    await engine.dispose()
    covered = final.held - final.oversold
    return {"wall": wall, "covered": covered, "orders": final.held, "oversold": final.oversold}


async def _baseline_run(url: str, stock: int, streams: int) -> dict[str, Any]:
    from sqlalchemy import text

    engine = _engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE stock (id INTEGER PRIMARY KEY, on_hand INTEGER, held INTEGER)"))
        await conn.execute(text("INSERT INTO stock VALUES (1, :stock, 0)"), {"stock": stock})
    claim = text("UPDATE stock SET held = held + 1 WHERE id = 1 AND held < on_hand")
    attempts = [0]

    async def stream() -> None:
        while True:
            async with engine.begin() as conn:
                attempts[0] += 1
                if (await conn.execute(claim)).rowcount == 0:
                    return

    started = time.perf_counter()
    await asyncio.gather(*(stream() for _ in range(streams)))
    wall = time.perf_counter() - started
    async with engine.connect() as conn:
        held = (await conn.execute(text("SELECT held FROM stock WHERE id = 1"))).scalar_one()
    await engine.dispose()
    return {"wall": wall, "covered": held, "attempts": attempts[0]}


def _engine(url: str) -> Any:
    """The service's engine, except that a stream may wait as long as it takes for a connection:
    64 streams share 20 connections, and asyncio hands a freed one to whoever asks first."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from adapters.persistence.engine import create_engine, is_sqlite

    if is_sqlite(url):
        return create_engine(url)
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_timeout=3600)


def measure(size: float, database: str, streams: int) -> dict[str, Any]:
    stock = max(1, round(FULL_STOCK * size))
    with throwaway_database(database) as url:
        service = asyncio.run(_service_run(url, stock, streams))
    with throwaway_database(database) as url:
        baseline = asyncio.run(_baseline_run(url, stock, streams))
    covered_per_s = service["covered"] / service["wall"]
    baseline_per_s = baseline["covered"] / baseline["wall"]
    return {
        "benchmark": "hot_sku",
        "database": database,
        "size": size,
        "stock": stock,
        "streams": streams,
        "wall_seconds": round(service["wall"], 2),
        "covered_reservations": service["covered"],
        "covered_per_s": round(covered_per_s, 1),
        "orders_reserved": service["orders"],
        "oversold_recorded": service["oversold"],
        "baseline_wall_seconds": round(baseline["wall"], 2),
        "baseline_covered": baseline["covered"],
        "baseline_covered_per_s": round(baseline_per_s, 1),
        "ratio_to_baseline": round(baseline_per_s / covered_per_s, 2),
        "nothing_oversold_beyond_stock": service["covered"] == stock and baseline["covered"] == stock,
    }


def suite(quick: bool) -> list[list[str]]:
    return [[f"--size={'quick' if quick else 'full'}", "--database=postgresql"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hot_sku", description=__doc__)
    add_size_and_database(parser, PRESETS, "2,000 units of stock")
    parser.add_argument("--streams", type=int, default=64)
    args = parser.parse_args(argv)
    if args.database == "postgresql" and not postgres_available(postgres_admin_url()):
        print(
            json.dumps(
                {"benchmark": "hot_sku", "database": args.database, "skipped": "PostgreSQL unreachable"}
            )
        )
        return 0
    print(json.dumps(measure(args.size, args.database, args.streams)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
