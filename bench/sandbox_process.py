"""The partner sandbox with one shop of a chosen size, for benchmarks (``bench.support.sandbox_process``).

Prints one JSON line once the shop's data is generated (so generation is not timed), then
serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys

from sandbox.datagen import DatasetSpec
from sandbox.runner import start_sandbox

STORE_PRODUCTS = 100
"""The SHOPLINE store is not read by a history import; a small one keeps start-up short."""


async def serve(products: int, skus_per_product: int, orders: int) -> None:
    spec = DatasetSpec(
        shops=1,
        products_per_shop=products,
        skus_per_product=skus_per_product,
        orders_per_shop=orders,
        shopline_products=STORE_PRODUCTS,
        multi_warehouse_shops=0,
    )
    sandbox = await start_sandbox(size=spec, deliver_webhooks_in_background=False)
    try:
        shop_ids = list(sandbox.control.tiktok.shops)
        for shop_id in shop_ids:
            sandbox.control.tiktok.data(shop_id)  # generated on first access: do it before the clock runs
        summary = sandbox.describe()
        summary["shop_ids"] = shop_ids
        summary["pid"] = os.getpid()  # lets a benchmark read the sandbox's CPU time
        print(json.dumps(summary), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        await sandbox.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sandbox_process", description=__doc__)
    parser.add_argument("--products", type=int, required=True)
    parser.add_argument("--skus", type=int, default=3)
    parser.add_argument("--orders", type=int, required=True)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.products, args.skus, args.orders))
    return 0


if __name__ == "__main__":
    sys.exit(main())
