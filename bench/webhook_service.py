"""The child of ``bench.webhooks``: the service with its HTTP edge, and the measured rounds."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.stock_propagation import UNLIMITED_SANDBOX_QPS, direct_pushes
from bench.support import install_and_authorize, sandbox_control, sandbox_settings
from bench.webhook_burst import run_sender

SETTLE_TIMEOUT_S = 60.0
DIRECT_ROUNDS = 3


class CountingHandler:
    """The service's webhook reactions, counting how often each delivery was processed."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.processed: Counter[str] = Counter()

    async def handle(self, delivery: Any) -> None:
        await self._inner.handle(delivery)
        self.processed[delivery.delivery_key] += 1


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _count_the_reactions(container: Any) -> Any:
    """The inbox drain built with a counting handler (before anything builds the real one)."""
    from dependency_injector import providers

    from services.webhooks.inbox import InboxDrain

    jobs = container.jobs
    counting = providers.Singleton(CountingHandler, jobs.webhook_handler)
    jobs.inbox_drain.override(providers.Singleton(InboxDrain, jobs.unit_of_work, counting, jobs.clock))
    return counting


async def child(
    sandbox: dict[str, Any],
    database_url: str,
    skus: int,
    burst: int,
    rounds: int,
    bare_url: str,
    rate_limit: float = 0.0,
) -> dict[str, Any]:
    import httpx

    from adapters.bootstrap import build_container
    from adapters.lifecycle import shutdown_resources
    from adapters.persistence.engine import create_engine
    from adapters.persistence.migrator import upgrade_to_head

    # As in stock propagation: the client's own limit off unless asked for (at the default 10
    # calls per second, 1,000 SKUs alone take 33 s), the sandbox's raised out of the way.
    settings = sandbox_settings(sandbox, database_url).with_overrides(
        http_listen="127.0.0.1:0", tiktok_rate_limit_qps=rate_limit
    )
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    await engine.dispose()
    container = build_container(settings)
    counting = _count_the_reactions(container)
    await container.init_resources()
    edge = await container.http.http_edge()
    try:
        async with httpx.AsyncClient(timeout=60.0) as control:
            bench = _Bench(container, control, sandbox, f"http://127.0.0.1:{edge.port}")
            await bench.set_up(skus)
            figures = await bench.orders(rounds)
            figures |= await bench.stock(rounds)
            figures["rss_before_burst_mib"] = peak_rss_mib()
            secret = settings.shopline_app_secret or ""
            figures["burst_1x"] = await bench.burst(secret, burst, "b1-", counting())
            figures["burst_2x"] = await bench.burst(secret, 2 * burst, "b2-", counting())
            figures["bare"] = await run_sender(bare_url, secret, bench.handle, burst, "bare-")
        return figures
    finally:
        await edge.stop()
        await shutdown_resources(container)


class _Bench:
    def __init__(self, container: Any, control: Any, sandbox: dict[str, Any], base_url: str) -> None:
        self.container = container
        self.control = control
        self.sandbox_info = sandbox
        self.base_url = base_url
        self.drain = container.jobs.inbox_drain()
        self.pusher = container.jobs.stock_pusher()
        self.handle = ""
        self.sent: list[tuple[float, str, int]] = []
        _record_inventory_sends(container.partners.tiktok_http(), self.sent)

    async def call(self, operation: str, **arguments: Any) -> Any:
        return await sandbox_control(self.control, self.sandbox_info, operation, **arguments)

    async def webhooks_to(self, *, tiktok: bool, shopline: bool) -> None:
        await self.call(
            "configure_webhooks",
            tiktok_url=f"{self.base_url}/webhooks/tiktok" if tiktok else "",
            shopline_url=f"{self.base_url}/webhooks/shopline" if shopline else "",
            handle=self.handle,
        )

    # --- set-up -------------------------------------------------------------------------------

    async def set_up(self, skus: int) -> None:
        from domain.ids import PoolId, ShoplineVariantId
        from domain.inventory_pool import InventoryPool

        container = self.container
        await self.call(
            "set_rate_limit", partner="tiktok", rate=UNLIMITED_SANDBOX_QPS, burst=UNLIMITED_SANDBOX_QPS
        )
        outcome = await install_and_authorize(container, self.control, self.sandbox_info)
        await container.jobs.job_runner().run_until_idle()  # the history import: products and SKUs
        self.shop = outcome.linked[0].view.shop
        self.app_id = self.shop.app_id
        await container.jobs.variant_refresh().refresh(self.app_id, full=True)
        async with container.persistence.unit_of_work() as uow:
            app = await uow.apps.get(self.app_id)
            now = container.core.clock().now()
            app.set_auto_import(True, now)
            # Sandbox orders ship with TikTok's logistics and hide the buyer's email.
            app.change_settings(replace(app.settings, default_email="orders@bench-store.example"), now)
            await uow.apps.update(app)
            self.handle = app.store_handle
            variants = await uow.shopline_variants.list(self.app_id, page_size=1, after=None)
            self.variant_id = ShoplineVariantId(variants.items[0].variant_id)
            pool = InventoryPool.open(PoolId("bench-pool"), self.app_id, self.variant_id)
            after = None
            while len(pool.linked_skus) < skus:
                page = await uow.channel_products.list(self.shop.id, page_size=100, after=after)
                for product in page.items:
                    if product.status != "ACTIVATE":
                        continue  # TikTok refuses stock updates of frozen or deleted products
                    linked_here = [sku.sku_id for sku in product.skus][: skus - len(pool.linked_skus)]
                    for sku_id in linked_here:
                        pool.link_sku(sku_id, self.shop.id, product_id=product.id)
                        product.link_sku(sku_id, self.variant_id, now)  # what an order import reads
                    if linked_here:
                        await uow.channel_products.update(product)
                if page.next_cursor is None:
                    break
                after = page.next_cursor
            await uow.inventory_pools.add(pool)
            await uow.commit()
        self.pool_id = pool.id
        self.linked = sorted(pool.linked_skus)
        await self.webhooks_to(tiktok=False, shopline=True)
        # The first full push, through a webhook, not measured. The sandbox clock stays on time
        # until the order rounds are done: the order sync searches up to the service's now.
        await self.change_on_hand(500, advance=False)
        self.pushed = await self.settle(lambda states, _: _uniform(states, 500))

    async def change_on_hand(self, quantity: int, *, advance: bool = True) -> float:
        if advance:  # the on-hand read ignores a level no newer than the one held
            await self.call("advance_clock", seconds=2)
        started = time.time()
        await self.call(
            "set_shopline_inventory", handle=self.handle, variant_id=self.variant_id, available=quantity
        )
        await self.call("deliver_webhooks")
        return started

    async def settle(self, done: Callable[[list[Any], Any], bool], order_id: Any = None) -> Any:
        """Waits until the inbox and the pusher are idle and ``done`` holds for the push rows (and
        the order); returns the push rows."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while True:
            await self.drain.idle()
            await self.pusher.idle()
            async with self.container.persistence.unit_of_work() as uow:
                states = await uow.push_states.for_pool(self.pool_id)
                order = await uow.orders.find(self.shop.id, order_id) if order_id is not None else None
            if done(states, order):
                return states
            if time.monotonic() > deadline:
                pushed = sorted(Counter(s.pushed for s in states).items(), key=str)
                imported = None if order is None else order.import_status
                raise RuntimeError(
                    f"not settled in time: pushed {pushed}, order {order_id} import {imported}"
                )
            await asyncio.sleep(0.01)

    # --- stock: SHOPLINE on-hand → every linked TikTok SKU ------------------------------------

    async def stock(self, rounds: int) -> dict[str, Any]:
        to_last, all_shown = [], True
        held = await self._held()
        for round_number in range(rounds):
            quantity = 400 - round_number
            started = await self.change_on_hand(quantity)
            states = await self.settle(lambda s, _, q=quantity - held: _uniform(s, q))
            to_last.append(max(s.pushed_at.timestamp() for s in states) - started)
            shown = await self.call("sample_skus", shop_id=self.sandbox_info["shop_ids"][0], limit=1_000_000)
            visible = {s["id"] for s in shown if sum(s["inventory"].values()) == quantity - held}
            all_shown = all_shown and set(self.linked) <= visible
        direct = await direct_pushes(self.container, self.shop, self.linked, DIRECT_ROUNDS)
        return {
            "linked_skus": len(self.linked),
            "stock": to_last,
            "stock_all_shown": all_shown,
            "direct": direct,
        }

    async def _held(self) -> int:
        async with self.container.persistence.unit_of_work() as uow:
            pool = await uow.inventory_pools.get(self.pool_id)
        return int(pool.held)

    # --- orders: a TikTok order → reserved, pushed, imported ----------------------------------

    async def orders(self, rounds: int) -> dict[str, Any]:
        """The poll-based rounds first (the search windows then hold only their own order), then
        the webhook rounds."""
        figures: dict[str, Any] = {}
        ok = True
        for path in ("poll", "order"):
            await self.webhooks_to(tiktok=path == "order", shopline=False)
            pushed, imported = [], []
            for _ in range(rounds):
                run = self._through_sync if path == "poll" else self._through_webhook
                to_pushed, to_imported, round_ok = await self._order_round(run)
                pushed.append(to_pushed)
                imported.append(to_imported)
                ok = ok and round_ok
            figures[f"{path}_to_pushed"], figures[f"{path}_to_imported"] = pushed, imported
        figures["orders_ok"] = ok
        await self.webhooks_to(tiktok=False, shopline=True)
        return figures

    async def _order_round(self, run: Callable[[], Awaitable[None]]) -> tuple[float, float, bool]:
        """Done when every linked SKU was sent the lowered quantity, the order is in SHOPLINE, and
        the push rows agree again (the import hands the unit to SHOPLINE's own on-hand, which the
        pool may read back later: the quantity sent next is not this round's business)."""
        from domain.ids import OrderId
        from domain.order.imports import ImportState

        lowered = self.pushed[0].pushed - 1
        shop_id = self.sandbox_info["shop_ids"][0]
        self.sent.clear()
        started = time.time()
        order = await self.call(
            "create_order", shop_id=shop_id, lines=[[self.linked[0], 1]], status="AWAITING_SHIPMENT"
        )
        await run()
        order_id = OrderId(order["id"])

        def first_sent() -> dict[str, float]:
            times: dict[str, float] = {}
            for at, sku_id, quantity in self.sent:
                if quantity == lowered:
                    times.setdefault(sku_id, at)
            return times

        def done(states: list[Any], held: Any) -> bool:
            return (
                len(first_sent()) == len(self.linked)
                and held is not None
                and held.import_status.state is ImportState.IMPORTED
                and len({s.pushed for s in states}) == 1
            )

        self.pushed = await self.settle(done, order_id)
        async with self.container.persistence.unit_of_work() as uow:
            held = await uow.orders.find(self.shop.id, order_id)
        to_pushed = max(first_sent().values()) - started
        to_imported = held.import_status.attempted_at.timestamp() - started
        return to_pushed, to_imported, True

    async def _through_webhook(self) -> None:
        await self.call("deliver_webhooks")

    async def _through_sync(self) -> None:
        await self.container.jobs.order_syncs().start(self.app_id, self.shop.id)
        await self.container.jobs.job_runner().run_until_idle()

    # --- burst ----------------------------------------------------------------------------------

    async def burst(self, secret: str, count: int, prefix: str, counting: CountingHandler) -> dict[str, Any]:
        from sqlalchemy import text

        await self.webhooks_to(tiktok=False, shopline=False)
        figures = await run_sender(f"{self.base_url}/webhooks/shopline", secret, self.handle, count, prefix)
        engine = self.container.persistence.engine()
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while True:
            await self.drain.idle()
            async with engine.connect() as connection:
                rows, pending = (
                    await connection.execute(
                        text(
                            "SELECT count(*), count(*) - count(processed_at) FROM webhook_inbox "
                            "WHERE delivery_key LIKE :prefix"
                        ),
                        {"prefix": f"{prefix}%"},
                    )
                ).one()
            if not pending:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the inbox was not drained in time")
            await asyncio.sleep(0.02)
        figures["drain_seconds"] = round(time.time() - figures["started_at"], 3)
        figures["inbox_rows"] = rows
        figures["processed"] = sum(1 for key in counting.processed if key.startswith(prefix))
        figures["processed_twice"] = sum(
            1 for key, times in counting.processed.items() if key.startswith(prefix) and times > 1
        )
        figures["peak_rss_mib"] = peak_rss_mib()
        return figures


def _uniform(states: list[Any], quantity: int) -> bool:
    return bool(states) and all(s.pushed == quantity and s.pushed_at is not None for s in states)


def _record_inventory_sends(http: Any, sent: list[tuple[float, str, int]]) -> None:
    """Each accepted ``inventory/update``: when, which SKU, what quantity (over all warehouses)."""

    async def record(response: Any) -> None:
        if "/inventory/update" in str(response.request.url) and response.status_code == 200:
            now = time.time()
            for sku in json.loads(response.request.content).get("skus", []):
                sent.append((now, sku["id"], sum(i["quantity"] for i in sku.get("inventory", []))))

    hooks = http.event_hooks
    hooks["response"] = [*hooks["response"], record]
    http.event_hooks = hooks
