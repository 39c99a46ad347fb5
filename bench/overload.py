"""Overload: a burst of concurrent ListOrders against a populated service, and how it answers.

``python -m bench.overload --size 1 --database postgresql [--limit N] [--deadline 10]``

The service runs in a child process (a sandbox shop authorized and its history imported). This
process opens 2,000 ListOrders calls at once (at size 1), each with the same deadline, and
counts the status codes; the latency percentiles are those of the admitted (OK) calls. The child
counts its access-log lines by code and reports its peak RSS when it stops, so the figures show
whether every call reached the access log, and the lag of its event loop (a call waits in gRPC
until that loop picks it up; one the loop cannot reach before its deadline is cancelled by gRPC
without the service ever seeing it). ``--limit`` sets ``MCC_MAX_INFLIGHT_RPCS`` (default:
the service's own default); ``--limit 0`` lifts it, as the service was before it had one. The
reference is the same burst's calls sent one at a time (sequential p50). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
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

PRESETS = {"full": 1.0, "quick": 0.25, "smoke": 0.01}
CALLS_AT_FULL_SIZE = 2_000
SHOP_PRODUCTS = 50
SHOP_ORDERS = 200
PAGE_SIZE = 50
SEQUENTIAL_CALLS = 50
UNLIMITED = 1_000_000
LIST_ORDERS = "/multichannel.v1.OrderService/ListOrders"


# --------------------------------------------------------------------------- the parent


def measure(size: float, database: str, limit: int | None, deadline: float) -> dict[str, Any]:
    calls = max(20, int(CALLS_AT_FULL_SIZE * size))
    child = ["--child", *([] if limit is None else [f"--limit={limit}"])]
    with (
        sandbox_process(SHOP_PRODUCTS, 3, SHOP_ORDERS) as sandbox,
        throwaway_database(database) as url,
        _service([*child, f"--database-url={url}", f"--sandbox={json.dumps(sandbox)}"]) as service,
    ):
        burst = asyncio.run(_burst(service["ready"], calls, deadline))
    served = service["stopped"]
    logged = Counter(served["access_log_codes"])
    logged["OK"] -= SEQUENTIAL_CALLS  # the reference calls made before the burst
    return {
        "benchmark": "overload",
        "database": database,
        "size": size,
        "calls": calls,
        "deadline_s": deadline,
        "max_inflight_rpcs": served["max_inflight_rpcs"],
        "max_queued_rpcs": served["max_queued_rpcs"],
        **burst,
        "access_log_codes": dict(sorted((+logged).items())),
        "access_logged": sum(logged.values()),
        "service_peak_rss_mib": served["peak_rss_mib"],
        "loop_lag_p50_ms": served.get("loop_lag_p50_ms"),
        "loop_lag_max_ms": served.get("loop_lag_max_ms"),
    }


@contextmanager
def _service(arguments: list[str]) -> Iterator[dict[str, Any]]:
    """The service child; yields a dict with its first JSON line ("ready") and, once the block
    ends and the child has stopped, its last one ("stopped")."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.overload", *arguments],
        stdout=subprocess.PIPE,
        env=child_environment(),
        cwd=REPOSITORY,
        text=True,
    )
    assert process.stdout is not None
    lines: dict[str, Any] = {}
    try:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the service ended before it listened")
        lines["ready"] = json.loads(line)
        yield lines
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            rest, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            rest, _ = process.communicate()
        stopped = [json.loads(text) for text in rest.splitlines() if text.startswith("{")]
        lines["stopped"] = stopped[-1] if stopped else {}


async def _burst(service: dict[str, Any], calls: int, deadline: float) -> dict[str, Any]:
    import grpc

    from multichannel.v1 import order_pb2

    request = order_pb2.ListOrdersRequest(parent=service["shop"], page_size=PAGE_SIZE).SerializeToString()
    metadata = tuple(tuple(pair) for pair in service["metadata"])
    async with grpc.aio.insecure_channel(f"127.0.0.1:{service['port']}") as channel:
        unary = channel.unary_unary(LIST_ORDERS)

        def call(request: bytes, timeout: float) -> Any:
            return unary(request, timeout=timeout, metadata=metadata)

        sequential = []
        for _ in range(SEQUENTIAL_CALLS):
            started = time.perf_counter()
            await call(request, timeout=deadline)
            sequential.append(time.perf_counter() - started)

        samples: dict[str, str] = {}

        async def one() -> tuple[str, float, bool]:
            started = time.perf_counter()
            try:
                await call(request, timeout=deadline)
            except grpc.aio.AioRpcError as error:
                samples.setdefault(error.code().name, str(error.details())[:120])
                return error.code().name, time.perf_counter() - started, _has_retry_info(error)
            return "OK", time.perf_counter() - started, False

        started = time.perf_counter()
        outcomes = await asyncio.gather(*(one() for _ in range(calls)))
        wall = time.perf_counter() - started
    codes = Counter(code for code, _, _ in outcomes)
    admitted = sorted(seconds for code, seconds, _ in outcomes if code == "OK")
    refused = [retry for code, _, retry in outcomes if code in ("RESOURCE_EXHAUSTED", "UNAVAILABLE")]
    return {
        "status_codes": dict(sorted(codes.items())),
        "refusals_with_retry_info": sum(refused),
        "refusals": len(refused),
        "admitted_p50_ms": _percentile_ms(admitted, 0.5),
        "admitted_p99_ms": _percentile_ms(admitted, 0.99),
        "refused_p99_ms": _percentile_ms(
            sorted(seconds for code, seconds, _ in outcomes if code == "RESOURCE_EXHAUSTED"), 0.99
        ),
        "burst_wall_s": round(wall, 2),
        "sample_messages": samples,
        "sequential_p50_ms": _percentile_ms(sorted(sequential), 0.5),
    }


def _has_retry_info(error: Any) -> bool:
    from google.rpc import error_details_pb2
    from grpc_status import rpc_status

    status = rpc_status.from_call(error)
    return status is not None and any(
        detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR) for detail in status.details
    )


def _percentile_ms(sorted_seconds: list[float], fraction: float) -> float | None:
    if not sorted_seconds:
        return None
    index = min(len(sorted_seconds) - 1, int(len(sorted_seconds) * fraction))
    return round(sorted_seconds[index] * 1000, 1)


# --------------------------------------------------------------------------- the child


class _AccessCodes(logging.Handler):
    """Counts the service's access-log lines by status code."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if f"method={LIST_ORDERS} " in message:
            self.codes[message.split(" code=", 1)[1].split(" ", 1)[0]] += 1


def _peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def child_service(sandbox: dict[str, Any], database_url: str, limit: int | None) -> None:
    import httpx

    from adapters.bootstrap import build_container
    from adapters.lifecycle import start_service
    from adapters.persistence.engine import create_engine
    from adapters.persistence.migrator import upgrade_to_head

    settings = sandbox_settings(sandbox, database_url).with_overrides(
        listen="127.0.0.1:0", http_listen="127.0.0.1:0"
    )
    if limit is not None and hasattr(settings, "max_inflight_rpcs"):
        settings = settings.with_overrides(max_inflight_rpcs=limit or UNLIMITED)
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    await engine.dispose()
    container = build_container(settings)
    await container.init_resources()
    async with httpx.AsyncClient(timeout=30.0) as http:
        outcome = await install_and_authorize(container, http, sandbox)
    await container.jobs.job_runner().run_until_idle()  # the history import fills the shop's orders
    access = _AccessCodes()
    logging.getLogger("mcc.access").addHandler(access)
    logging.getLogger("mcc.access").setLevel(logging.INFO)
    metadata = await admin_key_metadata(container)  # every API call needs a key
    service = await start_service(container, background_work=False)
    shop = outcome.linked[0].view.shop
    ready = {"port": service.port, "shop": f"apps/{shop.app_id}/shops/{shop.id}", "metadata": metadata}
    print(json.dumps(ready), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    lags: list[float] = []

    async def probe() -> None:
        while True:
            started = loop.time()
            await asyncio.sleep(0.01)
            lags.append(loop.time() - started - 0.01)

    prober = asyncio.ensure_future(probe())
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        prober.cancel()
        await service.stop(1)
    lags.sort()
    print(
        json.dumps(
            {
                "access_log_codes": dict(sorted(access.codes.items())),
                "peak_rss_mib": _peak_rss_mib(),
                "loop_lag_p50_ms": round(lags[len(lags) // 2] * 1000, 1) if lags else None,
                "loop_lag_max_ms": round(lags[-1] * 1000, 1) if lags else None,
                "max_inflight_rpcs": getattr(settings, "max_inflight_rpcs", None),
                "max_queued_rpcs": getattr(settings, "max_queued_rpcs", None),
            }
        ),
        flush=True,
    )


# --------------------------------------------------------------------------- entry point


def suite(quick: bool) -> list[list[str]]:
    size = "quick" if quick else "full"
    return [[f"--size={size}", "--database=postgresql"], [f"--size={size}", "--database=sqlite"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.overload",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_size_and_database(parser, PRESETS, f"{CALLS_AT_FULL_SIZE:,} concurrent calls")
    parser.add_argument(
        "--limit", type=int, default=None, help="MCC_MAX_INFLIGHT_RPCS for the service (0: no limit)"
    )
    parser.add_argument("--deadline", type=float, default=10.0, help="each call's deadline in seconds")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        asyncio.run(child_service(json.loads(args.sandbox), args.database_url, args.limit))
        return 0
    if args.database == "postgresql" and not postgres_available(postgres_admin_url()):
        print(json.dumps({"benchmark": "overload", "skipped": "PostgreSQL is not reachable"}))
        return 0
    print(json.dumps(measure(args.size, args.database, args.limit, args.deadline)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
