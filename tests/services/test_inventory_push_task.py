"""The INVENTORY_PUSH task over the fakes: SHOPLINE's on-hand is read first, and a read that
fails fails the task with the reason instead of pushing stale stock."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.channel import SHOPLINE, ShoplineLocation, ShoplineVariant, WarehouseQuantity
from domain.errors import PartnerError, PartnerRejected, PartnerScopeMissing, PartnerUnavailable
from domain.ids import AppId, ChannelSkuId, PoolId, ShopId, ShoplineVariantId, TaskId
from domain.inventory_pool import InventoryPool, OnHandObservation
from domain.money import Money
from domain.task import Task, TaskCounts, TaskKind, TaskState
from services.inventory.on_hand import OnHandReader
from services.inventory.pools import InventoryPools
from services.inventory.push import StockPusher
from services.inventory.push_task import InventoryPushHandler
from services.inventory.upkeep import OnHandRefresh
from services.tasks.jobs import RunOutcome, TaskWorker
from tests.services.support_auth import Harness, product_data, tiktok_shop
from tests.services.support_tasks import FAST_RETRY

HANDLE = "pushstore"
LOCATION = "loc-main"
SKU_A, SKU_B, SKU_C = ChannelSkuId("sku-a"), ChannelSkuId("sku-b"), ChannelSkuId("sku-c")
STORED_ON_HAND = 10
"""What the pools hold before the task: stale, SHOPLINE has changed since."""


class World:
    def __init__(self) -> None:
        self.h = Harness()
        self.pools = InventoryPools(self.h.uow, self.h.clock, self.h.ids, self.h.jobs)
        self.app_id = AppId("")
        self.shop_id = ShopId("")
        self.cipher = ""

    async def setup(self) -> World:
        """Pool v-1 (SKUs a and b) and pool v-2 (SKU c), both at 10; SHOPLINE has 4 and 6."""
        self.app_id = await self.h.installed_app(HANDLE)
        shop = (await self.h.authorize(self.app_id, tiktok_shop(1))).linked[0].view.shop
        self.shop_id, self.cipher = shop.id, shop.cipher
        product = product_data("prod-1", SKU_A, SKU_B, SKU_C)
        skus = tuple(replace(s, inventory=(WarehouseQuantity("wh-1", 0),)) for s in product.skus)
        self.h.tiktok.shop(shop.cipher).products[product.product_id] = replace(product, skus=skus)
        self.h.shopline.store(HANDLE).locations = [ShoplineLocation(LOCATION, "Main", True, True)]
        await self.pool(1, 4, SKU_A, SKU_B)
        await self.pool(2, 6, SKU_C)
        return self

    async def pool(self, n: int, in_shopline: int, *skus: ChannelSkuId) -> None:
        before = self.h.clock.now() - timedelta(hours=1)
        variant = ShoplineVariant(
            ShoplineVariantId(f"v-{n}"),
            f"prod-{n}",
            f"CODE-{n}",
            f"Variant {n}",
            Money(Decimal("9.50"), "GBP"),
            f"item-{n}",
            before,
        )
        self.h.shopline.add_variant(HANDLE, variant, {LOCATION: in_shopline})
        pool = InventoryPool.open(PoolId(f"pool-v-{n}"), self.app_id, variant.variant_id)
        pool.observe_on_hand(OnHandObservation(STORED_ON_HAND, before))
        for sku in skus:
            pool.link_sku(sku, self.shop_id, product_id=product_data("prod-1").product_id)
        async with self.h.uow() as uow:
            await uow.shopline_variants.upsert_many(self.app_id, [variant])
            await uow.inventory_pools.add(pool)
            await uow.commit()

    def worker(self) -> TaskWorker:
        refresh = OnHandRefresh(
            self.h.uow, OnHandReader(self.h.uow, self.h.shopline, self.h.clock), self.h.clock
        )
        pusher = StockPusher(self.h.uow, self.h.tiktok, self.h.clock)
        handler = InventoryPushHandler(
            self.h.uow, self.h.clock, pusher, refresh, page_size=2, retry=FAST_RETRY
        )
        return TaskWorker(self.h.uow, self.h.clock, {TaskKind.INVENTORY_PUSH: handler}, owner="worker-1")

    async def push(self, variant: str | None = None) -> tuple[RunOutcome, Task]:
        task = await self.pools.start_push(
            self.app_id, ShoplineVariantId(variant) if variant else None, request_id=None
        )
        worker = self.worker()
        run = await worker.claim(task.id)
        assert run is not None
        outcome = await worker.execute(run)
        return outcome, self.task(task.id)

    def task(self, task_id: TaskId) -> Task:
        return self.h.database.state.tasks[task_id]

    def pushed(self) -> dict[ChannelSkuId, tuple[int, ...]]:
        return self.h.tiktok.shop(self.cipher).pushed_inventory

    def on_hand(self, n: int) -> int:
        return self.h.database.state.pools[PoolId(f"pool-v-{n}")].on_hand


async def _world() -> World:
    return await World().setup()


async def test_the_task_reads_shopline_on_hand_first_and_pushes_that() -> None:
    w = await _world()
    outcome, task = await w.push()
    assert outcome is RunOutcome.COMPLETED
    assert (task.state, task.done, task.total, task.counts) == (
        TaskState.SUCCEEDED,
        3,
        3,
        TaskCounts(updated=3),
    )
    assert (w.on_hand(1), w.on_hand(2)) == (4, 6)
    assert w.pushed() == {SKU_A: (4,), SKU_B: (4,), SKU_C: (6,)}


async def test_a_push_of_one_pool_reads_and_pushes_that_pool_only() -> None:
    w = await _world()
    outcome, task = await w.push("v-2")
    assert outcome is RunOutcome.COMPLETED and task.counts == TaskCounts(updated=1)
    assert (w.on_hand(1), w.on_hand(2)) == (STORED_ON_HAND, 6)
    assert w.pushed() == {SKU_C: (6,)}


async def test_transient_shopline_failures_are_retried_then_the_read_goes_on() -> None:
    w = await _world()
    w.h.shopline.fail_next(*[PartnerUnavailable(SHOPLINE, "503", "busy")] * (FAST_RETRY.attempts - 1))
    outcome, task = await w.push()
    assert outcome is RunOutcome.COMPLETED and task.state is TaskState.SUCCEEDED
    assert w.pushed() == {SKU_A: (4,), SKU_B: (4,), SKU_C: (6,)}


def _unavailable() -> list[PartnerError]:
    return [PartnerUnavailable(SHOPLINE, "503", "service unavailable")] * FAST_RETRY.attempts


def _scope_missing() -> list[PartnerError]:
    return [PartnerScopeMissing(SHOPLINE, "403", "forbidden", scope="read_inventory")]


def _rejected() -> list[PartnerError]:
    return [PartnerRejected(SHOPLINE, "422", "location is disabled")]


@pytest.mark.parametrize(
    ("faults", "cause"),
    [
        (
            _unavailable,
            "SHOPLINE kept failing (shopline error 503: service unavailable); retry the task later",
        ),
        (_scope_missing, "lacks the access scope 'read_inventory'"),
        (_rejected, "SHOPLINE refused the read (shopline error 422: location is disabled)"),
    ],
)
async def test_a_failed_shopline_read_fails_the_task_with_the_cause_and_pushes_nothing(
    faults: object, cause: str
) -> None:
    w = await _world()
    w.h.shopline.fail_next(*faults())  # type: ignore[operator]
    outcome, task = await w.push()
    assert outcome is RunOutcome.FAILED and task.state is TaskState.FAILED
    reason = task.failure_reason or ""
    assert reason.startswith("nothing was pushed: the on-hand could not be read from SHOPLINE: ")
    assert cause in reason
    assert (task.done, task.counts) == (0, TaskCounts())
    assert w.pushed() == {} and "update_inventory" not in w.h.tiktok.calls


async def test_an_uninstalled_app_fails_the_task_saying_to_re_install_it() -> None:
    w = await _world()
    w.h.shopline.uninstall(HANDLE)
    outcome, task = await w.push("v-1")
    assert outcome is RunOutcome.FAILED
    assert task.failure_reason == (
        "nothing was pushed: the on-hand could not be read from SHOPLINE: SHOPLINE revoked the app's "
        "authorization (e.g. the app was uninstalled); re-install the app on the SHOPLINE store, "
        "then retry the task"
    )
    assert w.pushed() == {}


async def test_a_revoked_or_missing_token_fails_the_task_without_calling_shopline() -> None:
    w = await _world()
    async with w.h.uow() as uow:
        token = await uow.tokens.get_shopline(w.app_id)
        token.revoke(w.h.clock.now())
        await uow.tokens.save_shopline(token)
        await uow.commit()
    _, revoked = await w.push()
    assert "revoked the app's authorization" in (revoked.failure_reason or "")
    assert "re-install the app" in (revoked.failure_reason or "")

    del w.h.database.state.shopline_tokens[w.app_id]
    _, missing = await w.push()
    assert missing.state is TaskState.FAILED
    assert "the app has no SHOPLINE authorization; re-install the app" in (missing.failure_reason or "")
    assert "inventory_levels" not in w.h.shopline.calls and w.pushed() == {}


async def test_a_retried_task_reads_again_and_then_pushes() -> None:
    w = await _world()
    w.h.shopline.uninstall(HANDLE)
    _, failed = await w.push()
    assert failed.state is TaskState.FAILED
    w.h.shopline.add_authorization_code(HANDLE, "again")  # re-installed: a new token
    grant = await w.h.shopline.create_token(HANDLE, "again")
    async with w.h.uow() as uow:
        token = await uow.tokens.get_shopline(w.app_id)
        token.reissue(grant, w.h.clock.now())
        await uow.tokens.save_shopline(token)
        await uow.commit()
    async with w.h.uow() as uow:
        task = await uow.tasks.get(failed.id)
        task.retry(w.h.clock.now())
        await uow.tasks.update(task)
        await uow.commit()

    worker = w.worker()
    run = await worker.claim(failed.id)
    assert run is not None
    assert await worker.execute(run) is RunOutcome.COMPLETED
    assert w.pushed() == {SKU_A: (4,), SKU_B: (4,), SKU_C: (6,)}


async def test_a_push_whose_every_sku_tiktok_refused_fails_naming_the_first() -> None:
    w = await _world()
    w.h.tiktok.fail_next(*[PartnerRejected("tiktok", "12052700", "product is frozen")] * 3)
    outcome, task = await w.push()
    assert outcome is RunOutcome.FAILED
    assert task.counts == TaskCounts(failed=3)
    assert task.failure_reason == (
        "every item failed (3); first: "
        f"apps/{w.app_id}/shops/{w.shop_id}/products/prod-1/skus/sku-a: "
        "tiktok error 12052700: product is frozen"
    )
