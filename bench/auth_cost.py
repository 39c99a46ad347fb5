"""The cost of authentication: GetShop with an API key against the same server without the check.

``python -m bench.auth_cost --size 1 --database postgresql``

One child process runs the service (a sandbox shop authorized and imported) and serves the same
servicers twice: on one port as ``mcc serve`` does (API key checked, principal bound, audit and
app-scope checks), on another without the access interceptors. One client in this process calls
``GetShop`` on both in eight alternating rounds at each concurrency (1, 16, 64);
``ratio`` is the throughput with authentication over the throughput without; ``authenticate_us``
is what checking one call's (cached) key costs in the service process. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable
from typing import Any

from bench.grpc_overhead import _load, _server, _until_terminated
from bench.support import (
    add_size_and_database,
    admin_key_metadata,
    install_and_authorize,
    postgres_admin_url,
    postgres_available,
    sandbox_process,
    sandbox_settings,
    throwaway_database,
)

CONCURRENCY = (1, 16, 64)
PRESETS = {"full": 1.0, "quick": 0.1, "smoke": 0.02}
REQUESTS_AT_FULL_SIZE = 4_000
"""Calls per (server, concurrency) at size 1, in ROUNDS alternating rounds."""
ROUNDS = 8
GET_SHOP = "/multichannel.v1.ShopService/GetShop"


def measure(size: float, database: str) -> dict[str, Any]:
    requests = max(50, int(REQUESTS_AT_FULL_SIZE * size))
    with (
        sandbox_process(20, 1, 20) as sandbox,
        throwaway_database(database) as url,
        _server(
            ["--child=service", f"--database-url={url}", f"--sandbox={json.dumps(sandbox)}"],
            "bench.auth_cost",
        ) as service,
    ):
        rows = asyncio.run(_compare(service, requests))
    return {
        "benchmark": "auth_cost",
        "database": database,
        "size": size,
        "requests_per_run": requests,
        "results": rows,
        "ratio_at_64": next(row["ratio"] for row in rows if row["concurrency"] == 64),
        "authenticate_us": service["authenticate_us"],
    }


async def _compare(service: dict[str, Any], requests: int) -> list[dict[str, Any]]:
    import grpc

    from multichannel.v1 import shop_pb2

    body = shop_pb2.GetShopRequest(name=service["shop"]).SerializeToString()
    metadata = tuple((name, value) for name, value in service["metadata"])
    rows = []
    async with (
        grpc.aio.insecure_channel(f"127.0.0.1:{service['port']}") as checked,
        grpc.aio.insecure_channel(f"127.0.0.1:{service['open_port']}") as unchecked,
    ):
        calls = {
            "with": checked.unary_unary(GET_SHOP, response_deserializer=shop_pb2.GetShopResponse.FromString),
            "without": unchecked.unary_unary(
                GET_SHOP, response_deserializer=shop_pb2.GetShopResponse.FromString
            ),
        }

        def once(name: str) -> Awaitable[object]:
            # Both get the key, so both receive the same bytes; only one checks it.
            return calls[name](body, metadata=metadata)  # type: ignore[no-any-return]

        for concurrency in CONCURRENCY:
            for name in calls:
                await _load(lambda name=name: once(name), concurrency, min(requests, 200))  # warm-up
            # Many short alternating rounds, so a change in the machine's load hits both alike.
            parts: dict[str, list[dict[str, float]]] = {"with": [], "without": []}
            for round_number in range(ROUNDS):
                order = ("with", "without") if round_number % 2 == 0 else ("without", "with")
                for name in order:
                    parts[name].append(
                        await _load(lambda name=name: once(name), concurrency, requests // ROUNDS)
                    )
            figures = {name: _combined(measured) for name, measured in parts.items()}
            rows.append(
                {
                    "method": "GetShop",
                    "concurrency": concurrency,
                    "with_rps": figures["with"]["rps"],
                    "with_p50_ms": figures["with"]["p50_ms"],
                    "with_p99_ms": figures["with"]["p99_ms"],
                    "without_rps": figures["without"]["rps"],
                    "without_p50_ms": figures["without"]["p50_ms"],
                    "without_p99_ms": figures["without"]["p99_ms"],
                    "ratio": round(figures["with"]["rps"] / figures["without"]["rps"], 3),
                }
            )
    return rows


def _combined(parts: list[dict[str, float]]) -> dict[str, float]:
    """Equal rounds of one measurement: throughput over all of them, the median round's percentiles."""
    seconds = sum(1 / part["rps"] for part in parts)
    middle = len(parts) // 2
    return {
        "rps": round(len(parts) / seconds, 1),
        "p50_ms": sorted(part["p50_ms"] for part in parts)[middle],
        "p99_ms": sorted(part["p99_ms"] for part in parts)[middle],
    }


async def authentication_us(authenticator: Any, key: str, calls: int = 20_000) -> float:
    """What authenticating one call costs in this process once its key is cached (microseconds)."""
    await authenticator.bearer(key)
    started = time.perf_counter()
    for _ in range(calls):
        await authenticator.bearer(key)
    return round((time.perf_counter() - started) / calls * 1e6, 2)


async def child_service(sandbox: dict[str, Any], database_url: str) -> None:
    import httpx
    from grpc import aio

    from adapters.bootstrap import build_container
    from adapters.grpc.interceptors import AccessLogInterceptor, ErrorTranslationInterceptor
    from adapters.grpc.server import server_options
    from adapters.lifecycle import start_service
    from adapters.persistence.engine import create_engine
    from adapters.persistence.migrator import upgrade_to_head

    settings = sandbox_settings(sandbox, database_url).with_overrides(
        listen="127.0.0.1:0", http_listen="127.0.0.1:0"
    )
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    await engine.dispose()
    container = build_container(settings)
    await container.init_resources()
    async with httpx.AsyncClient(timeout=30.0) as http:
        outcome = await install_and_authorize(container, http, sandbox)
    await container.jobs.job_runner().run_until_idle()
    service = await start_service(container, background_work=False)
    # The same servicers behind the interceptors the server had before callers were checked.
    unchecked = aio.server(
        interceptors=[AccessLogInterceptor(), ErrorTranslationInterceptor()],
        options=server_options(settings.max_message_bytes),
    )
    for binding in container.api.service_bindings():
        binding.register(unchecked)
    open_port = unchecked.add_insecure_port("127.0.0.1:0")
    await unchecked.start()
    shop = outcome.linked[0].view.shop
    metadata = await admin_key_metadata(container)
    key = metadata[0][1].removeprefix("Bearer ")
    print(
        json.dumps(
            {
                "port": service.port,
                "open_port": open_port,
                "shop": f"apps/{shop.app_id}/shops/{shop.id}",
                "metadata": metadata,
                "authenticate_us": await authentication_us(container.api.authenticator(), key),
            }
        ),
        flush=True,
    )
    try:
        await _until_terminated()
    finally:
        await unchecked.stop(0)
        await service.stop(0)


def suite(quick: bool) -> list[list[str]]:
    return [[f"--size={'quick' if quick else 'full'}", "--database=postgresql"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.auth_cost",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_size_and_database(parser, PRESETS, f"{REQUESTS_AT_FULL_SIZE:,} calls per run", database="sqlite")
    parser.add_argument("--child", choices=("service",), help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "service":
        asyncio.run(child_service(json.loads(args.sandbox), args.database_url))
        return 0
    if args.database == "postgresql" and not postgres_available(postgres_admin_url()):
        print(json.dumps({"benchmark": "auth_cost", "skipped": "PostgreSQL is not reachable"}))
        return 0
    print(json.dumps(measure(args.size, args.database)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
