"""Measures how many orders per second the sandbox serves through TikTok order search.

Starts the sandbox in-process with one shop of `--orders` orders, authorizes it, then walks the
whole result with `page_size=100` over loopback with httpx (`--workers` walkers, each over its own
`update_time` window), signing every request as a real client would. Prints one JSON line.
The client shares the process, so the figure is a lower bound for the server alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx

from sandbox.datagen import DatasetSpec
from sandbox.runner import RunningSandbox, start_sandbox
from sandbox.signing import compact_json, signed_tiktok_query

SEARCH = "/order/202309/orders/search"


async def _authorize(sandbox: RunningSandbox, http: httpx.AsyncClient) -> tuple[str, str]:
    creds = sandbox.credentials
    code = sandbox.control.grant_authorization()["code"]
    token_response = await http.get(
        f"{sandbox.tiktok_auth_url}/api/v2/token/get",
        params={"app_key": creds.tiktok_app_key, "app_secret": creds.tiktok_app_secret, "auth_code": code,
                "grant_type": "authorized_code"},
    )  # fmt: skip
    access_token = token_response.json()["data"]["access_token"]
    return access_token, sandbox.control.shops()[0]["cipher"]


async def _walk(sandbox: RunningSandbox, http: httpx.AsyncClient, token: str, cipher: str,
                window: tuple[int, int]) -> int:  # fmt: skip
    creds = sandbox.credentials
    body = compact_json({"update_time_ge": window[0], "update_time_lt": window[1]})
    page_token, served = "", 0
    while True:
        params = {"page_size": "100", "sort_field": "update_time", "sort_order": "ASC"}
        if page_token:
            params["page_token"] = page_token
        pairs = signed_tiktok_query(creds.tiktok_app_key, creds.tiktok_app_secret, SEARCH, params,
                                    timestamp=int(time.time()), body=body, shop_cipher=cipher)  # fmt: skip
        response = await http.post(
            f"{sandbox.tiktok_api_url}{SEARCH}?{urlencode(pairs)}",
            content=body,
            headers={"x-tts-access-token": token, "content-type": "application/json"},
        )
        payload = response.json()
        if payload["code"] != 0:
            raise RuntimeError(f"order search failed: {payload}")
        served += len(payload["data"]["orders"])
        page_token = payload["data"]["next_page_token"]
        if not page_token:
            return served


async def measure(orders: int, workers: int, rounds: int) -> dict[str, Any]:
    spec = DatasetSpec(shops=1, products_per_shop=1_000, skus_per_product=3, orders_per_shop=orders,
                       multi_warehouse_shops=0)  # fmt: skip
    sandbox = await start_sandbox(size=spec, deliver_webhooks_in_background=False)
    try:
        sandbox.control.set_rate_limit("tiktok", rate=1_000_000, burst=1_000_000)
        async with httpx.AsyncClient(timeout=30.0) as http:
            token, cipher = await _authorize(sandbox, http)
            now = sandbox.control.clock.now_s() + 1
            start = now - 31 * 86_400
            step = (now - start) // workers + 1
            windows = [(start + i * step, min(now, start + (i + 1) * step)) for i in range(workers)]
            await _walk(sandbox, http, token, cipher, windows[0])  # warm the search cache and connections
            started = time.perf_counter()
            served = 0
            for _ in range(rounds):
                counts = await asyncio.gather(*(_walk(sandbox, http, token, cipher, w) for w in windows))
                served += sum(counts)
            elapsed = time.perf_counter() - started
    finally:
        await sandbox.close()
    return {
        "metric": "sandbox_order_search_throughput",
        "orders_served": served,
        "seconds": round(elapsed, 3),
        "orders_per_second": round(served / elapsed, 1),
        "page_size": 100,
        "workers": workers,
        "orders_in_shop": orders,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(measure(args.orders, args.workers, args.rounds))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
