"""GetSalesSummary over a large app: p50 through gRPC against the same SQL run directly.

``python -m bench.analytics --size 1 --database postgresql``

Size 1 is 1,000,000 TikTok orders over four shops (two in USD, two in GBP) and 100,000 store
orders, spread over 90 days, with cancelled and unpaid ones and 200,000 buyers (``--size smoke``
for a quick check). The rows are bulk-generated straight into the tables (COPY on PostgreSQL,
``executemany`` on SQLite), not through the domain. The service runs in this process (the
container of ``adapters.bootstrap``, background work off) and is called through its gRPC stub:
GetSalesSummary over the whole 90 days, grouped by day in Asia/Singapore, and by channel. The
reference is the very statement the service sends, run directly on a plain driver connection
(psycopg or sqlite3), alternating call by call with the gRPC calls. ``ratio`` is the gRPC p50 over
the direct p50: what the servicer, the use case, SQLAlchemy and the mapping add on top of the
database's own work. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.support import (
    TOKEN_KEY,
    add_size_and_database,
    admin_key_metadata,
    postgres_admin_url,
    postgres_available,
    throwaway_database,
)

FULL_ORDERS = 1_000_000
STORE_SHARE = 0.1
PRESETS = {"full": 1.0, "quick": 0.1, "smoke": 0.001}
DAYS = 90
SHOPS = (("bench-shop-1", "USD"), ("bench-shop-2", "USD"), ("bench-shop-3", "GBP"), ("bench-shop-4", "GBP"))
APP_ID = "bench-app"
BUYERS = 200_000
ZONE = "Asia/Singapore"
WARM_UP = 2
BATCH = 10_000
# Fixed, so that every run measures the same data.
END = datetime(2026, 11, 1, tzinfo=UTC)
START = END - timedelta(days=DAYS)


# --------------------------------------------------------------------------- bulk rows


def _template(table: Any, moment: datetime) -> dict[str, Any]:
    """A value for every column of ``table`` by its type, so the rows fit whatever the schema adds."""
    from sqlalchemy import JSON, BigInteger, Boolean, Integer

    from adapters.persistence.column_types import DecimalString, UtcDateTime

    row: dict[str, Any] = {}
    for column in table.columns:
        if column.nullable:
            row[column.name] = None
        elif isinstance(column.type, UtcDateTime):
            row[column.name] = moment
        elif isinstance(column.type, DecimalString):
            row[column.name] = "0"
        elif isinstance(column.type, Boolean):
            row[column.name] = False
        elif isinstance(column.type, Integer | BigInteger):
            row[column.name] = 0
        elif isinstance(column.type, JSON):
            row[column.name] = []
        else:
            row[column.name] = ""
    return row


def _orders(count: int, rng: random.Random) -> Any:
    from adapters.persistence.tables import orders

    template = _template(orders, START)
    span = int((END - START).total_seconds())
    for n in range(count):
        shop_id, currency = SHOPS[n % len(SHOPS)]
        created = START + timedelta(seconds=rng.randrange(span))
        roll = rng.random()
        status = "UNPAID" if roll < 0.05 else "CANCELLED" if roll < 0.13 else "COMPLETED"
        units = rng.choice((1, 1, 1, 2, 3))
        gross = rng.randrange(500, 20_000) * units * 100
        discount = gross // 10 if rng.random() < 0.3 else 0
        sku = f"sku-{rng.randrange(2_000)}"
        line = {
            "sku_id": sku,
            "product_id": f"p-{sku}",
            "seller_sku": sku.upper(),
            "title": f"Product {sku}",
            "quantity": units,
            "subtotal": f"{(gross - discount) / 10_000:.2f}",
            "currency": currency,
            "line_item_ids": [],
        }
        row = dict(template)
        row.update(
            shop_id=shop_id,
            id=f"{576_461_413_000_000_000 + n}",
            app_id=APP_ID,
            tiktok_shop_id=f"tt-{shop_id}",
            status=status,
            currency=currency,
            total_amount=f"{(gross - discount) / 10_000:.2f}",
            total_currency=currency,
            lines=[line],
            create_time=created,
            update_time=created + timedelta(hours=1),
            first_seen_at=created + timedelta(hours=1),
            unit_count=units,
            gross_e4=gross,
            discount_e4=discount,
            net_e4=gross - discount,
            buyer_key=f"buyer-{rng.randrange(BUYERS)}",
            paid_time=None if status == "UNPAID" else created + timedelta(minutes=1),
        )
        row.setdefault("cancellation_state", "NONE")
        yield row


def _store_orders(count: int, rng: random.Random) -> Any:
    span = int((END - START).total_seconds())
    for n in range(count):
        created = START + timedelta(seconds=rng.randrange(span))
        units = rng.choice((1, 1, 2))
        gross = rng.randrange(500, 20_000) * units * 100
        yield {
            "app_id": APP_ID,
            "order_id": f"21{n:018d}",
            "created_at": created,
            "updated_at": created + timedelta(hours=1),
            "currency": "USD",
            "cancelled": rng.random() < 0.05,
            "unit_count": units,
            "gross_e4": gross,
            "discount_e4": 0,
            "net_e4": gross,
            "buyer_key": f"id:{rng.randrange(BUYERS // 4)}",
        }


async def _prepare(url: str, size: float) -> dict[str, int]:
    from adapters.persistence.engine import create_engine
    from adapters.persistence.migrator import upgrade_to_head

    engine = create_engine(url)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()
    tiktok = max(len(SHOPS), round(FULL_ORDERS * size))
    store = max(1, round(tiktok * STORE_SHARE))
    rng = random.Random(20261124)
    started = time.perf_counter()
    if url.startswith("postgresql"):
        _load_postgres(url, tiktok, store, rng)
    else:
        _load_sqlite(url, tiktok, store, rng)
    return {
        "tiktok_orders": tiktok,
        "store_orders": store,
        "load_seconds": round(time.perf_counter() - started, 1),
    }


def _owners() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from adapters.persistence.tables import apps, shops

    app = _template(apps, START)
    app.update(id=APP_ID, store_handle="bench-store", import_scope="ONLY_LINKED", location_ids=[], version=1)
    rows = []
    for shop_id, _currency in SHOPS:
        shop = _template(shops, START)
        shop.update(
            id=shop_id,
            app_id=APP_ID,
            tiktok_shop_id=f"tt-{shop_id}",
            cipher=f"cipher-{shop_id}",
            region="US",
            seller_type="LOCAL",
            tiktok_name=shop_id,
            display_name=shop_id,
            status="ACTIVE",
            version=1,
        )
        rows.append(shop)
    return [app], rows


def _libpq(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _load_postgres(url: str, tiktok: int, store: int, rng: random.Random) -> None:
    import psycopg
    from psycopg.types.json import Json

    from adapters.persistence.tables import apps, orders, shops, store_orders

    app_rows, shop_rows = _owners()
    with psycopg.connect(_libpq(url)) as connection:
        for table, rows in ((apps, app_rows), (shops, shop_rows)):
            _copy_postgres(connection, table, rows, Json)
        _copy_postgres(connection, orders, _orders(tiktok, rng), Json)
        _copy_postgres(connection, store_orders, _store_orders(store, rng), Json)
        connection.commit()
        connection.execute("ANALYZE")
        connection.commit()


def _copy_postgres(connection: Any, table: Any, rows: Any, json_type: Any) -> None:
    from sqlalchemy import JSON

    names = [column.name for column in table.columns]
    json_columns = {column.name for column in table.columns if isinstance(column.type, JSON)}
    with connection.cursor().copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in json_columns else row[n] for n in names])


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _load_sqlite(url: str, tiktok: int, store: int, rng: random.Random) -> None:
    from adapters.persistence.tables import apps, orders, shops, store_orders

    app_rows, shop_rows = _owners()
    connection = sqlite3.connect(url.split("///", 1)[1])
    try:
        for table, rows in (
            (apps, app_rows),
            (shops, shop_rows),
            (orders, _orders(tiktok, rng)),
            (store_orders, _store_orders(store, rng)),
        ):
            names = [column.name for column in table.columns]
            statement = (
                f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            )
            batch: list[list[Any]] = []
            for row in rows:
                batch.append([_sqlite_value(row[n]) for n in names])
                if len(batch) >= BATCH:
                    connection.executemany(statement, batch)
                    batch = []
            if batch:
                connection.executemany(statement, batch)
            connection.commit()
        connection.execute("ANALYZE")
        connection.commit()
    finally:
        connection.close()


# --------------------------------------------------------------------------- measuring


def _direct_runner(url: str, sql: str, params: dict[str, Any]) -> Any:
    """A plain driver connection running ``sql``; returns (call, close)."""
    if url.startswith("postgresql"):
        import psycopg

        # Never prepared: every run is planned for its own parameters, as an ad-hoc query is.
        connection = psycopg.connect(_libpq(url), autocommit=True, prepare_threshold=None)
        text = re.sub(r"(?<!:):([a-z_0-9]+)", r"%(\1)s", sql)

        def run_postgres() -> int:
            return len(connection.execute(text, params).fetchall())

        return run_postgres, connection.close
    connection = sqlite3.connect(url.split("///", 1)[1], check_same_thread=False)
    values = {name: _sqlite_value(value) for name, value in params.items()}

    def run_sqlite() -> int:
        return len(connection.execute(sql, values).fetchall())

    return run_sqlite, connection.close


async def _timed(call: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    result = await call
    return result, (time.perf_counter() - began) * 1000


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _measure(url: str, runs: int) -> list[dict[str, Any]]:
    from google.protobuf.timestamp_pb2 import Timestamp
    from grpc import aio

    from adapters.bootstrap import build_container
    from adapters.lifecycle import start_service
    from adapters.settings import load_settings
    from domain.analytics import ReportRange, SalesGrouping
    from multichannel.v1 import analytics_pb2, analytics_pb2_grpc

    settings = load_settings(
        {
            "MCC_DATABASE_URL": url,
            "MCC_TOKEN_KEY": TOKEN_KEY,
            "MCC_LISTEN": "127.0.0.1:0",
            "MCC_HTTP_LISTEN": "127.0.0.1:0",
        }
    )
    container = build_container(settings)
    service = await start_service(container, background_work=False)
    metadata = await admin_key_metadata(container)
    channel = aio.insecure_channel(f"127.0.0.1:{service.port}")
    stub = analytics_pb2_grpc.AnalyticsServiceStub(channel)
    start, end = Timestamp(), Timestamp()
    start.FromDatetime(START)
    end.FromDatetime(END)
    results = []
    try:
        for group_by, grouping, zone in (
            (analytics_pb2.SALES_GROUP_BY_DAY, SalesGrouping.DAY, ZONE),
            (analytics_pb2.SALES_GROUP_BY_CHANNEL, SalesGrouping.CHANNEL, ""),
        ):
            request = analytics_pb2.GetSalesSummaryRequest(
                parent=f"apps/{APP_ID}", start_time=start, end_time=end, group_by=group_by, time_zone=zone
            )
            period = ReportRange(START, END)
            sql, extra = container.persistence.sales_reports().sales_summary_sql(
                period, grouping, zone or "UTC"
            )
            params = {"app_id": APP_ID, "start": START, "end": END, **extra}
            direct, close = _direct_runner(url, sql, params)
            grpc_ms: list[float] = []
            direct_ms: list[float] = []
            rows = 0
            try:
                for n in range(WARM_UP + runs):
                    # Which goes first alternates, so neither always follows the other's writes.
                    if n % 2:
                        direct_rows, took_direct = await _timed(asyncio.to_thread(direct))
                    response, took_grpc = await _timed(
                        stub.GetSalesSummary(request, timeout=600, metadata=metadata)
                    )
                    if not n % 2:
                        direct_rows, took_direct = await _timed(asyncio.to_thread(direct))
                    if n >= WARM_UP:
                        grpc_ms.append(took_grpc)
                        direct_ms.append(took_direct)
                    rows = len(response.rows)
                    if direct_rows != rows:
                        raise RuntimeError(f"gRPC answered {rows} rows, the direct statement {direct_rows}")
            finally:
                close()
            grpc_p50, direct_p50 = statistics.median(grpc_ms), statistics.median(direct_ms)
            results.append(
                {
                    "group_by": grouping.value.lower(),
                    "time_zone": zone or "UTC",
                    "rows": rows,
                    "runs": runs,
                    "grpc_p50_ms": round(grpc_p50, 1),
                    "grpc_p90_ms": round(_percentile(grpc_ms, 0.9), 1),
                    "direct_p50_ms": round(direct_p50, 1),
                    "direct_p90_ms": round(_percentile(direct_ms, 0.9), 1),
                    "ratio": round(grpc_p50 / direct_p50, 3),
                }
            )
    finally:
        await channel.close()
        await service.stop(0)
    return results


def measure(size: float, database: str, runs: int) -> dict[str, Any]:
    with throwaway_database(database) as url:
        loaded = asyncio.run(_prepare(url, size))
        results = asyncio.run(_measure(url, runs))
    by_day = results[0]
    return {
        "benchmark": "analytics",
        "database": database,
        "size": size,
        **loaded,
        "results": results,
        "grpc_p50_ms": by_day["grpc_p50_ms"],
        "direct_p50_ms": by_day["direct_p50_ms"],
        "ratio": by_day["ratio"],
    }


def suite(quick: bool) -> list[list[str]]:
    """The headline figure on PostgreSQL at full size; SQLite at a tenth of it (loading a million
    orders into SQLite alone takes longer than the whole suite may)."""
    if quick:
        return [[f"--size={PRESETS['quick']:g}", "--database=postgresql", "--runs=5"]]
    return [
        [f"--size={PRESETS['full']:g}", "--database=postgresql", "--runs=5"],
        [f"--size={PRESETS['full'] / 10:g}", "--database=sqlite", "--runs=5"],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.analytics",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_size_and_database(parser, PRESETS, "1,000,000 orders")
    parser.add_argument("--runs", type=int, default=15, help="measured calls of each kind per grouping")
    args = parser.parse_args(argv)
    if args.database == "postgresql" and not postgres_available(postgres_admin_url()):
        print(json.dumps({"benchmark": "analytics", "skipped": "PostgreSQL is not reachable"}))
        return 0
    print(json.dumps(measure(args.size, args.database, args.runs)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
