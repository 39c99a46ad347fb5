"""gRPC overhead: the service's GetShop and ListOrders against a bare server with canned answers.

``python -m bench.grpc_overhead --size 1 --database sqlite``

The service runs in a child process (the container of ``adapters.bootstrap``, a sandbox shop
authorized and imported). The bare server, in another child, is a plain ``grpc.aio`` server that
answers the same methods with the service's own serialized responses, so both send the same bytes.
One client in this process calls both, alternating server by server at concurrency 1, 16 and 64;
``ratio`` is the service's throughput over the bare server's. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.support import (
    REPOSITORY,
    add_size_and_database,
    admin_key_metadata,
    child_environment,
    install_and_authorize,
    postgres_admin_url,
    postgres_available,
    sandbox_process,
    sandbox_settings,
    throwaway_database,
)

CONCURRENCY = (1, 16, 64)
PRESETS = {"full": 1.0, "quick": 0.1, "smoke": 0.02}
REQUESTS_AT_FULL_SIZE = 2_000
"""Calls per (server, method, concurrency) at size 1."""
SHOP_PRODUCTS = 50
SHOP_ORDERS = 200
PAGE_SIZE = 50
GET_SHOP = "/multichannel.v1.ShopService/GetShop"
LIST_ORDERS = "/multichannel.v1.OrderService/ListOrders"


# --------------------------------------------------------------------------- the parent


def measure(size: float, database: str) -> dict[str, Any]:
    requests = max(50, int(REQUESTS_AT_FULL_SIZE * size))
    with (
        sandbox_process(SHOP_PRODUCTS, 3, SHOP_ORDERS) as sandbox,
        throwaway_database(database) as url,
        _server(["--child=service", f"--database-url={url}", f"--sandbox={json.dumps(sandbox)}"]) as service,
    ):
        answers = asyncio.run(_capture(service))
        with tempfile.NamedTemporaryFile("w", suffix=".json") as canned:
            json.dump({method: body.hex() for method, body in answers.items()}, canned)
            canned.flush()
            with _server(["--child=bare", f"--canned={canned.name}"]) as bare:
                rows = asyncio.run(_compare(service, bare, requests))
    return {
        "benchmark": "grpc_overhead",
        "database": database,
        "size": size,
        "requests_per_run": requests,
        "response_bytes": {_short(method): len(body) for method, body in answers.items()},
        "results": rows,
        "ratio_at_64": {row["method"]: row["ratio"] for row in rows if row["concurrency"] == 64},
    }


@contextmanager
def _server(arguments: list[str], module: str = "bench.grpc_overhead") -> Iterator[dict[str, Any]]:
    """A server child of ``module``; yields the JSON line it prints once it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *arguments],
        stdout=subprocess.PIPE,
        env=child_environment(),
        cwd=REPOSITORY,
        text=True,
    )
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {arguments[0]} server ended before it listened")
        yield json.loads(line)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def _requests(server: dict[str, Any]) -> dict[str, bytes]:
    from multichannel.v1 import order_pb2, shop_pb2

    return {
        GET_SHOP: shop_pb2.GetShopRequest(name=server["shop"]).SerializeToString(),
        LIST_ORDERS: order_pb2.ListOrdersRequest(
            parent=server["shop"], page_size=PAGE_SIZE
        ).SerializeToString(),
    }


def _short(method: str) -> str:
    return method.rsplit("/", 1)[1]


def _metadata(service: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The service's API key; the bare server is sent it too, so both get the same bytes."""
    return tuple((name, value) for name, value in service["metadata"])


async def _capture(service: dict[str, Any]) -> dict[str, bytes]:
    """The service's serialized answers, which the bare server sends back verbatim."""
    import grpc

    async with grpc.aio.insecure_channel(f"127.0.0.1:{service['port']}") as channel:
        answers = {}
        for method, request in _requests(service).items():
            call = channel.unary_unary(method)
            answers[method] = await call(request, metadata=_metadata(service))
    return answers


async def _compare(service: dict[str, Any], bare: dict[str, Any], requests: int) -> list[dict[str, Any]]:
    import grpc

    from multichannel.v1 import order_pb2, shop_pb2

    parse = {
        GET_SHOP: shop_pb2.GetShopResponse.FromString,
        LIST_ORDERS: order_pb2.ListOrdersResponse.FromString,
    }
    bodies = _requests(service)
    metadata = _metadata(service)
    rows = []
    async with (
        grpc.aio.insecure_channel(f"127.0.0.1:{service['port']}") as to_service,
        grpc.aio.insecure_channel(f"127.0.0.1:{bare['port']}") as to_bare,
    ):
        for method, body in bodies.items():
            calls = {
                name: channel.unary_unary(method, response_deserializer=parse[method])
                for name, channel in (("service", to_service), ("bare", to_bare))
            }
            for concurrency in CONCURRENCY:
                figures = {}
                for name, call in calls.items():

                    def once(call: Any = call, body: bytes = body) -> Awaitable[object]:
                        return call(body, metadata=metadata)  # type: ignore[no-any-return]

                    await _load(once, concurrency, min(requests, 200))  # warm-up
                    figures[name] = await _load(once, concurrency, requests)
                rows.append(
                    {
                        "method": _short(method),
                        "concurrency": concurrency,
                        "service_rps": figures["service"]["rps"],
                        "service_p50_ms": figures["service"]["p50_ms"],
                        "service_p99_ms": figures["service"]["p99_ms"],
                        "bare_rps": figures["bare"]["rps"],
                        "bare_p50_ms": figures["bare"]["p50_ms"],
                        "bare_p99_ms": figures["bare"]["p99_ms"],
                        "ratio": round(figures["service"]["rps"] / figures["bare"]["rps"], 3),
                    }
                )
    return rows


async def _load(call: Callable[[], Awaitable[object]], concurrency: int, requests: int) -> dict[str, float]:
    """``requests`` calls from ``concurrency`` callers: throughput and latency percentiles."""
    latencies: list[float] = []
    remaining = [requests]

    async def caller() -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            started = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 2),
    }


# --------------------------------------------------------------------------- the children


async def _until_terminated() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


async def child_service(sandbox: dict[str, Any], database_url: str) -> None:
    import httpx

    from adapters.bootstrap import build_container
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
    await container.jobs.job_runner().run_until_idle()  # the history import fills the shop's orders
    service = await start_service(container, background_work=False)
    shop = outcome.linked[0].view.shop
    metadata = await admin_key_metadata(container)
    print(
        json.dumps(
            {"port": service.port, "shop": f"apps/{shop.app_id}/shops/{shop.id}", "metadata": metadata}
        ),
        flush=True,
    )
    try:
        await _until_terminated()
    finally:
        await service.stop(0)


async def child_bare(canned: dict[str, bytes]) -> None:
    import grpc

    services: dict[str, dict[str, grpc.RpcMethodHandler]] = {}
    for method, body in canned.items():
        service_name, method_name = method.strip("/").split("/")

        async def answer(request: bytes, context: object, body: bytes = body) -> bytes:
            return body

        services.setdefault(service_name, {})[method_name] = grpc.unary_unary_rpc_method_handler(answer)
    server = grpc.aio.server()
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler(name, handlers) for name, handlers in services.items()]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print(json.dumps({"port": port}), flush=True)
    try:
        await _until_terminated()
    finally:
        await server.stop(0)


# --------------------------------------------------------------------------- entry point


def suite(quick: bool) -> list[list[str]]:
    return [[f"--size={'quick' if quick else 'full'}", "--database=postgresql"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.grpc_overhead",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_size_and_database(parser, PRESETS, f"{REQUESTS_AT_FULL_SIZE:,} calls per run", database="sqlite")
    parser.add_argument("--child", choices=("service", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    parser.add_argument("--canned", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "service":
        asyncio.run(child_service(json.loads(args.sandbox), args.database_url))
        return 0
    if args.child == "bare":
        saved = json.loads(Path(args.canned).read_text())
        asyncio.run(child_bare({method: bytes.fromhex(body) for method, body in saved.items()}))
        return 0
    if args.database == "postgresql" and not postgres_available(postgres_admin_url()):
        print(json.dumps({"benchmark": "grpc_overhead", "skipped": "PostgreSQL is not reachable"}))
        return 0
    print(json.dumps(measure(args.size, args.database)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
