"""AutoLinkSkus and SyncPrices as task-center tasks, with fakes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from domain.channel import TIKTOK, ItemFailure
from domain.errors import PartnerRejected, PriceSyncDisabled, RequestIdReused
from domain.ids import ChannelProductId, ChannelSkuId, ShoplineVariantId
from domain.money import Money
from domain.pricing import PriceRounding
from domain.task import TaskKind, TaskState
from services.catalog.products import PriceRuleChanges
from services.catalog.tasks import CatalogPosition
from services.tasks.jobs import RUN_TASK, RunOutcome
from tests.services.support_catalog import HANDLE, CatalogWorld, product, variant
from tests.services.support_tasks import APP, CIPHER, SHOP

V1, V2 = ShoplineVariantId("var-1"), ShoplineVariantId("var-2")


async def auto_link_world() -> CatalogWorld:
    """Five products over three pages: unique codes, a code two variants share, a blank code."""
    world = CatalogWorld()
    await world.install()
    world.add_variants(
        variant(1),
        variant(2),
        variant(3, sku="TWIN"),
        variant(4, sku="TWIN"),
        variant(5, sku=" CODE-5 "),
        variant(6, sku=""),
    )
    await world.store_products(
        product(1, "CODE-1", "CODE-2"),
        product(2, "TWIN", "NO-MATCH"),
        product(3, "  CODE-5"),
        product(4, "", "CODE-1"),
        product(5, "CODE-2"),
    )
    return world


async def test_auto_link_links_exact_matches_reports_ambiguity_and_keeps_manual_links() -> None:
    world = await auto_link_world()
    await world.variants.refresh(APP)
    await world.links.link(APP, SHOP, ChannelProductId("prod-005"), ChannelSkuId("sku-005-0"), V1)

    task = await world.tasks.start_auto_link(APP, SHOP)
    assert world.jobs.jobs[-1].name == RUN_TASK
    assert await world.run_task(task.id) is RunOutcome.COMPLETED

    done = await world.task(task.id)
    assert done.state is TaskState.SUCCEEDED
    # CODE-1 twice, CODE-2 once and CODE-5 (blanks around it on both sides) link; TWIN is
    # ambiguous; NO-MATCH and the blank code match nothing; the manual link of product 5 stays.
    assert (done.counts.created, done.counts.updated, done.counts.failed) == (4, 0, 1)
    assert done.counts.skipped == 3 and done.done == done.total == 8
    (error,) = done.last_errors
    assert error.item_ref == "shops/shop-1/products/prod-002/skus/sku-002-0"
    assert "'TWIN'" in error.reason and "var-3, var-4" in error.reason
    assert world.stored_product(1).linked_variants() == {"sku-001-0": V1, "sku-001-1": V2}
    assert world.stored_product(2).linked_variants() == {}
    assert world.stored_product(3).linked_variants() == {"sku-003-0": ShoplineVariantId("var-5")}
    assert world.stored_product(4).linked_variants() == {"sku-004-1": V1}
    manual = world.stored_product(5).sku(ChannelSkuId("sku-005-0")).link
    assert manual is not None and manual.variant_id == V1
    pools = world.pools()
    assert sorted(pools[V1].linked_skus) == ["sku-001-0", "sku-004-1", "sku-005-0"]
    assert sorted(pools[V2].linked_skus) == ["sku-001-1"]


async def test_auto_link_refreshes_the_variants_first_and_resumes_from_its_checkpoint() -> None:
    world = await auto_link_world()
    task = await world.tasks.start_auto_link(APP, None)  # the whole app
    worker = world.catalog_worker()
    run = await worker.claim(task.id)
    assert run is not None

    async def stop(_world: CatalogWorld) -> None:
        current = await world.task(task.id)
        if current.checkpoint and CatalogPosition.decode(current.checkpoint).after == "shop-1/prod-004":
            run.request_stop()  # after the second page

    world.after_commit.append(stop)  # type: ignore[arg-type]
    assert await worker.execute(run) is RunOutcome.STOPPED
    world.after_commit.clear()
    assert world.shopline.calls.count("variants") == 1
    paused = await world.task(task.id)
    assert paused.state is TaskState.PENDING and paused.done == 7

    assert await world.run_task(task.id) is RunOutcome.COMPLETED
    done = await world.task(task.id)
    assert (done.counts.created, done.counts.failed, done.done) == (5, 1, 8)
    assert world.shopline.calls.count("variants") == 1  # a resumed run does not refresh again


async def test_a_request_id_returns_the_task_it_started_and_is_refused_for_another_call() -> None:
    world = await auto_link_world()
    first = await world.tasks.start_auto_link(APP, SHOP, "9b2f6c1e-0a4d-4c55-8d0e-3f8c1b7a2e11")
    assert await world.run_task(first.id) is RunOutcome.COMPLETED  # finished: a replay still finds it
    again = await world.tasks.start_auto_link(APP, SHOP, "9b2f6c1e-0a4d-4c55-8d0e-3f8c1b7a2e11")
    with pytest.raises(RequestIdReused):
        await world.tasks.start_price_sync(APP, SHOP, "9b2f6c1e-0a4d-4c55-8d0e-3f8c1b7a2e11")
    with pytest.raises(RequestIdReused):
        await world.tasks.start_auto_link(APP, None, "9b2f6c1e-0a4d-4c55-8d0e-3f8c1b7a2e11")
    other = await world.tasks.start_price_sync(APP, SHOP, "0c7d2e5a-6b1f-4e83-9a2c-5d4e3f2a1b00")
    assert again.id == first.id and other.id != first.id
    assert (first.kind, other.kind) == (TaskKind.AUTO_LINK, TaskKind.PRICE_SYNC)
    assert len(world.database.state.tasks) == 2


# --- price sync -----------------------------------------------------------------------------


async def price_world() -> CatalogWorld:
    world = CatalogWorld()
    await world.install()
    world.add_variants(variant(1, price="10.01"), variant(2, price="20.00"), variant(3, price="5.00"))
    await world.store_products(
        product(1, "A", "B", price="9.90"), product(2, "C", price="11.01"), product(3, "D", status="DRAFT")
    )
    await world.variants.refresh(APP)
    for n, sku, variant_id in [
        (1, "sku-001-0", "var-1"),
        (1, "sku-001-1", "var-2"),
        (2, "sku-002-0", "var-1"),
    ]:
        await world.links.link(
            APP, SHOP, ChannelProductId(f"prod-{n:03d}"), ChannelSkuId(sku), ShoplineVariantId(variant_id)
        )
    await world.links.link(
        APP, SHOP, ChannelProductId("prod-003"), ChannelSkuId("sku-003-0"), ShoplineVariantId("var-3")
    )
    await world.price_rules.update(
        APP,
        SHOP,
        PriceRuleChanges(markup=Decimal("0.1"), rounding=PriceRounding.HALF_EVEN),
        ["markup", "rounding"],
    )
    return world


def tiktok_price(world: CatalogWorld, n: int, k: int) -> Money | None:
    stored = world.tiktok.shop(CIPHER).products[ChannelProductId(f"prod-{n:03d}")]
    return stored.skus[k].price


async def test_price_sync_pushes_differing_rule_prices_and_records_them() -> None:
    world = await price_world()
    task = await world.tasks.start_price_sync(APP, SHOP)
    assert await world.run_task(task.id) is RunOutcome.COMPLETED

    done = await world.task(task.id)
    # 10.01 * 1.1 = 11.011 -> 11.01 (already the price of product 2); 20.00 * 1.1 = 22.00;
    # product 3 is a draft: TikTok takes no prices for it.
    assert (done.counts.updated, done.counts.skipped, done.counts.failed) == (2, 2, 0)
    assert done.done == done.total == 4
    assert tiktok_price(world, 1, 0) == Money(Decimal("11.01"), "GBP")
    assert tiktok_price(world, 1, 1) == Money(Decimal("22.00"), "GBP")
    assert world.stored_product(1).sku(ChannelSkuId("sku-001-1")).price == Money(Decimal("22.00"), "GBP")
    assert world.tiktok.calls.count("update_prices") == 1


async def test_without_a_rate_for_the_store_currency_every_sku_fails_and_so_does_the_task() -> None:
    world = await price_world()
    world.shopline.store(HANDLE).currency = "SGD"
    task = await world.tasks.start_price_sync(APP, SHOP)
    assert await world.run_task(task.id) is RunOutcome.FAILED

    done = await world.task(task.id)
    assert done.state is TaskState.FAILED
    assert (done.counts.updated, done.counts.skipped, done.counts.failed) == (0, 0, 4)
    assert done.done == done.total == 4
    assert all("SGD" in error.reason and "GBP" in error.reason for error in done.last_errors)
    first = done.last_errors[0]
    assert done.failure_reason == f"every item failed (4); first: {first.item_ref}: {first.reason}"
    assert world.tiktok.calls.count("update_prices") == 0
    assert tiktok_price(world, 1, 0) == Money(Decimal("9.90"), "GBP")


async def test_partner_refusals_are_per_sku_errors_and_refused_prices_are_not_recorded() -> None:
    world = await price_world()
    original = world.tiktok.update_prices

    async def refusing(credentials, product_id, updates):  # type: ignore[no-untyped-def]
        if product_id == "prod-002":
            raise PartnerRejected(TIKTOK, "12019113", "product status is invalid")
        await original(credentials, product_id, updates)
        return [ItemFailure("sku-001-1/wh-1", "12052036", "price too high")]

    world.tiktok.update_prices = refusing  # type: ignore[method-assign]
    world.add_variants(replace(variant(1, price="30.00"), updated_at=world.clock.now()))
    task = await world.tasks.start_price_sync(APP, SHOP)
    assert await world.run_task(task.id) is RunOutcome.COMPLETED

    done = await world.task(task.id)  # a partial failure: the counts and errors show it
    assert (done.state, done.failure_reason) == (TaskState.SUCCEEDED, None)
    assert (done.counts.updated, done.counts.failed, done.counts.skipped) == (1, 2, 1)
    reasons = {error.item_ref.rsplit("/", 1)[-1]: error.reason for error in done.last_errors}
    assert "price too high" in reasons["sku-001-1"] and "product status is invalid" in reasons["sku-002-0"]
    assert world.stored_product(1).sku(ChannelSkuId("sku-001-0")).price == Money(Decimal("33.00"), "GBP")
    assert world.stored_product(1).sku(ChannelSkuId("sku-001-1")).price == Money(Decimal("9.90"), "GBP")


async def test_a_disabled_rule_refuses_to_start_a_price_sync() -> None:
    world = await price_world()
    await world.price_rules.update(APP, SHOP, PriceRuleChanges(enabled=False), ["enabled"])
    with pytest.raises(PriceSyncDisabled):
        await world.tasks.start_price_sync(APP, SHOP)
