"""The burst sender of ``bench.webhooks`` and its reference, a bare aiohttp handler.

``python -m bench.webhook_burst send --url URL --secret S --handle H --count N --prefix P``
posts N signed SHOPLINE ``orders/paid`` deliveries at once (a tenth of them redeliveries of an
earlier one, with the same webhook id, as SHOPLINE retries do), at most ``--connections`` open
at a time, and prints the answers' statuses and times as one JSON line.
``python -m bench.webhook_burst bare`` serves ``POST /webhooks/shopline`` answering 200 after
reading the body, prints its port as one JSON line, and serves until SIGTERM.

Each runs in a process of its own, so the sender's CPU is counted neither as the service's nor
as the bare server's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import math
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

CONNECTIONS = 256
REDELIVERED_FRACTION = 0.1


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def unique_deliveries(count: int) -> int:
    """How many distinct deliveries a burst of ``count`` posts carries (the rest are redeliveries)."""
    return count - int(count * REDELIVERED_FRACTION)


def _deliveries(secret: str, handle: str, count: int, prefix: str) -> list[tuple[bytes, dict[str, str]]]:
    unique = unique_deliveries(count)
    deliveries = []
    for number in range(count):
        original = number if number < unique else (number - unique) * 7 % unique
        body = json.dumps(
            {"id": f"{prefix}{original}", "financial_status": "paid", "total_price": "19.90"},
            separators=(",", ":"),
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopline-Topic": "orders/paid",
            "X-Shopline-Hmac-Sha256": hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
            "X-Shopline-Shop-Domain": f"{handle}.myshopline.com",
            "X-Shopline-Webhook-Id": f"{prefix}{original}",
        }
        deliveries.append((body, headers))
    return deliveries


async def send(
    url: str, secret: str, handle: str, count: int, prefix: str, connections: int
) -> dict[str, Any]:
    import aiohttp

    deliveries = _deliveries(secret, handle, count, prefix)  # signed before the clock starts
    answers: list[float] = []
    statuses: Counter[str] = Counter()
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as http:
        slots = asyncio.Semaphore(connections)

        async def post(body: bytes, headers: dict[str, str]) -> None:
            async with slots:  # the answer time starts when the request goes out, not in the queue
                started = time.perf_counter()
                try:
                    async with http.post(url, data=body, headers=headers) as response:
                        await response.read()
                        statuses[str(response.status)] += 1
                except (aiohttp.ClientError, TimeoutError) as error:
                    statuses[type(error).__name__] += 1
                answers.append(time.perf_counter() - started)

        started_at = time.time()
        clock = time.perf_counter()
        await asyncio.gather(*(post(body, headers) for body, headers in deliveries))
        seconds = time.perf_counter() - clock
    return {
        "posted": count,
        "unique": unique_deliveries(count),
        "statuses": dict(statuses),
        "answer_p50_ms": round(percentile(answers, 0.5) * 1000, 2),
        "answer_p99_ms": round(percentile(answers, 0.99) * 1000, 2),
        "answer_max_ms": round(max(answers) * 1000, 2),
        "seconds": round(seconds, 3),
        "started_at": started_at,
    }


async def serve_bare() -> None:
    from aiohttp import web

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=200)

    app = web.Application(client_max_size=1 << 20)
    app.router.add_post("/webhooks/shopline", answer)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(json.dumps({"port": port}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


@contextlib.contextmanager
def bare_server() -> Iterator[str]:
    """The bare handler in a process of its own; yields its webhook URL."""
    from bench.support import REPOSITORY, child_environment

    process = subprocess.Popen(
        [sys.executable, "-m", "bench.webhook_burst", "bare"],
        stdout=subprocess.PIPE,
        env=child_environment(),
        cwd=REPOSITORY,
        text=True,
    )
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the bare server ended before it was ready")
        yield f"http://127.0.0.1:{json.loads(line)['port']}/webhooks/shopline"
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()


async def run_sender(url: str, secret: str, handle: str, count: int, prefix: str) -> dict[str, Any]:
    """Runs the sender in a process of its own (the caller's loop keeps serving meanwhile)."""
    from bench.support import REPOSITORY, child_environment

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.webhook_burst",
        "send",
        f"--url={url}",
        f"--secret={secret}",
        f"--handle={handle}",
        f"--count={count}",
        f"--prefix={prefix}",
        stdout=asyncio.subprocess.PIPE,
        env=child_environment(),
        cwd=REPOSITORY,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the burst sender exited with {process.returncode}")
    figures: dict[str, Any] = json.loads(output.decode().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.webhook_burst", description=__doc__)
    parser.add_argument("mode", choices=("send", "bare"))
    parser.add_argument("--url")
    parser.add_argument("--secret")
    parser.add_argument("--handle")
    parser.add_argument("--count", type=int)
    parser.add_argument("--prefix", default="burst-")
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    args = parser.parse_args(argv)
    if args.mode == "bare":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_bare())
        return 0
    figures = asyncio.run(send(args.url, args.secret, args.handle, args.count, args.prefix, args.connections))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
