"""Catalog use cases with fakes: variant cache, manual links and pools, price rules, listing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.catalog import ChannelProduct
from domain.channel import SalesAttribute
from domain.errors import (
    ChannelProductNotFound,
    ChannelSkuNotFound,
    InvalidArgument,
    PartnerUnavailable,
    ShoplineVariantNotFound,
    ShopNotFound,
)
from domain.ids import AppId, ChannelProductId, ChannelSkuId, ShoplineVariantId
from domain.money import Money
from domain.pricing import PriceRounding
from services.catalog.products import LinkState, PriceRuleChanges, ProductFilter
from tests.services.support_catalog import HANDLE, SAFETY_STOCK, CatalogWorld, product, variant
from tests.services.support_tasks import APP, NOW, SHOP

P1, P2 = ChannelProductId("prod-001"), ChannelProductId("prod-002")
SKU_A, SKU_B = ChannelSkuId("sku-001-0"), ChannelSkuId("sku-001-1")
V1, V2 = ShoplineVariantId("var-1"), ShoplineVariantId("var-2")


async def world_with_catalog() -> CatalogWorld:
    world = CatalogWorld()
    await world.install()
    world.add_variants(variant(1, price="10.00"), variant(2, price="20.00"), variant(3))
    await world.store_products(product(1, "CODE-1", "CODE-2"), product(2, "CODE-3"), product(3, "NONE"))
    return world


# --- variant cache ------------------------------------------------------------------------


async def test_first_refresh_reads_everything_in_the_store_currency_and_keeps_it_on_the_app() -> None:
    world = await world_with_catalog()
    world.shopline.store(HANDLE).currency = "SGD"

    report = await world.variants.refresh(APP)

    assert (report.full, report.variants, report.store_currency) == (True, 3, "SGD")
    cached = world.database.state.shopline_variants
    assert sorted(v for _, v in cached) == ["var-1", "var-2", "var-3"]
    assert {v.price for v in cached.values()} == {
        Money(Decimal("10.00"), "SGD"),
        Money(Decimal("20.00"), "SGD"),
    }
    assert world.database.state.apps[APP].store_currency == "SGD"


async def test_later_refreshes_read_only_changes_since_the_newest_cached_one_minus_the_overlap() -> None:
    world = await world_with_catalog()
    await world.variants.refresh(APP)
    world.add_variants(replace(variant(2, price="25.00"), updated_at=NOW))
    await world.variants.refresh(APP)  # the newest cached change was ten days old: reads all
    world.add_variants(replace(variant(3, price="30.00"), updated_at=NOW + timedelta(hours=1)))

    report = await world.variants.refresh(APP)

    # Since NOW - 10 minutes: variant 2 (in the overlap) and variant 3, not variant 1.
    assert (report.full, report.variants) == (False, 2)
    cached = world.database.state.shopline_variants
    assert cached[(APP, V2)].price == Money(Decimal("25.00"), "GBP")
    assert cached[(APP, ShoplineVariantId("var-3"))].price == Money(Decimal("30.00"), "GBP")


async def test_a_changed_store_currency_rereads_every_variant_in_the_new_currency() -> None:
    world = await world_with_catalog()
    await world.variants.refresh(APP)
    world.shopline.store(HANDLE).currency = "USD"

    report = await world.variants.refresh(APP)

    assert (report.full, report.variants) == (True, 3)
    assert {v.price.currency for v in world.database.state.shopline_variants.values()} == {"USD"}


async def test_refresh_all_skips_apps_without_a_shopline_token_and_survives_partner_failures() -> None:
    world = await world_with_catalog()
    world.shopline.fail_next(PartnerUnavailable("SHOPLINE", "503", "down"))
    assert await world.variants.refresh_all() == []
    reports = await world.variants.refresh_all()
    assert [(r.app_id, r.variants) for r in reports] == [(APP, 3)]


# --- manual links and pools -----------------------------------------------------------------


async def test_linking_opens_the_variants_pool_with_the_default_safety_stock() -> None:
    world = await world_with_catalog()
    await world.variants.refresh(APP)

    view = await world.links.link(APP, SHOP, P1, SKU_A, V1)

    assert view.sku.link is not None and view.sku.link.variant_id == V1
    assert LinkState.of(view.sku) is LinkState.LINKED_MANUAL
    assert view.target_price == Money(Decimal("10.00"), "GBP")
    pool = world.pools()[V1]
    assert (list(pool.linked_skus), pool.safety_stock, view.pool_id) == ([SKU_A], SAFETY_STOCK, pool.id)
    assert world.stored_product(1).sku(SKU_A).link is not None


async def test_relinking_moves_the_sku_to_the_new_pool_and_unlinking_takes_it_out() -> None:
    world = await world_with_catalog()
    await world.variants.refresh(APP)
    await world.links.link(APP, SHOP, P1, SKU_A, V1)
    await world.links.link(APP, SHOP, P1, SKU_B, V1)

    await world.links.link(APP, SHOP, P1, SKU_A, V2)
    pools = world.pools()
    assert (list(pools[V1].linked_skus), list(pools[V2].linked_skus)) == ([SKU_B], [SKU_A])

    view = await world.links.unlink(APP, SHOP, P1, SKU_A)
    assert view.sku.link is None and view.pool_id is None and view.target_price is None
    assert list(world.pools()[V2].linked_skus) == []
    assert world.stored_product(1).sku(SKU_A).link is None


async def test_a_variant_missing_from_the_cache_is_looked_up_once_before_not_found() -> None:
    world = await world_with_catalog()
    view = await world.links.link(APP, SHOP, P1, SKU_A, V1)  # not cached yet: one refresh finds it
    assert view.pool_id is not None
    calls = len(world.shopline.calls)
    with pytest.raises(ShoplineVariantNotFound):
        await world.links.link(APP, SHOP, P1, SKU_B, ShoplineVariantId("var-404"))
    assert world.shopline.calls[calls:] == ["store_currency", "variants"]
    assert world.stored_product(1).sku(SKU_B).link is None


async def test_linking_checks_the_shop_product_and_sku_before_changing_anything() -> None:
    world = await world_with_catalog()
    await world.variants.refresh(APP)
    with pytest.raises(ShopNotFound):
        await world.links.link(AppId("other-app"), SHOP, P1, SKU_A, V1)
    with pytest.raises(ChannelProductNotFound):
        await world.links.link(APP, SHOP, ChannelProductId("nope"), SKU_A, V1)
    with pytest.raises(ChannelSkuNotFound):
        await world.links.link(APP, SHOP, P1, ChannelSkuId("nope"), V1)
    assert world.pools() == {}


# --- listing --------------------------------------------------------------------------------


async def test_list_products_pages_and_filters_by_link_state_and_seller_sku() -> None:
    world = await world_with_catalog()
    await world.variants.refresh(APP)
    await world.links.link(APP, SHOP, P2, ChannelSkuId("sku-002-0"), V2)

    first = await world.queries.list_products(APP, SHOP, page_size=2, after=None)
    rest = await world.queries.list_products(APP, SHOP, page_size=2, after=first.next_cursor)
    assert [v.product.id for v in first.items] + [v.product.id for v in rest.items] == [
        "prod-001",
        "prod-002",
        "prod-003",
    ]
    assert rest.next_cursor is None

    manual = await world.queries.list_products(
        APP, SHOP, page_size=5, after=None, filter=ProductFilter(link_state=LinkState.LINKED_MANUAL)
    )
    assert [v.product.id for v in manual.items] == ["prod-002"]
    linked = manual.items[0].sku(ChannelSkuId("sku-002-0"))
    assert linked.target_price == Money(Decimal("20.00"), "GBP") and linked.pool_id is not None
    by_code = await world.queries.list_products(
        APP, SHOP, page_size=1, after=None, filter=ProductFilter(seller_sku="NONE")
    )
    assert [v.product.id for v in by_code.items] == ["prod-003"]
    none = await world.queries.list_products(
        APP, SHOP, page_size=5, after=None, filter=ProductFilter(status="DRAFT")
    )
    assert list(none.items) == [] and none.next_cursor is None


# --- price rules ----------------------------------------------------------------------------


async def test_the_app_default_applies_until_the_shop_gets_its_own_rule() -> None:
    world = await world_with_catalog()
    view = await world.price_rules.get(APP, SHOP)
    assert (view.rule.target_currency, view.rule.markup, view.rule.enabled, view.updated_at) == (
        "GBP",
        0,
        True,
        None,
    )

    changes = PriceRuleChanges(markup=Decimal("0.15"), rounding=PriceRounding.DOWN, enabled=False)
    updated = await world.price_rules.update(APP, SHOP, changes, ["markup", "rounding"])

    assert (updated.rule.markup, updated.rule.rounding, updated.rule.enabled) == (
        Decimal("0.15"),
        PriceRounding.DOWN,
        True,  # not in the mask
    )
    assert updated.updated_at == NOW
    assert world.database.state.shops[SHOP].price_rule == updated.rule


async def test_automatic_price_sync_is_switched_on_and_off_through_its_own_mask_path() -> None:
    world = await world_with_catalog()
    assert not (await world.price_rules.get(APP, SHOP)).rule.auto_sync
    updated = await world.price_rules.update(
        APP, SHOP, PriceRuleChanges(auto_sync=True, markup=Decimal("0.5")), ["auto_sync"]
    )
    assert (updated.rule.auto_sync, updated.rule.markup) == (True, 0)
    assert world.database.state.shops[SHOP].price_rule == updated.rule
    kept = await world.price_rules.update(APP, SHOP, PriceRuleChanges(markup=Decimal("0.1")), ["markup"])
    assert kept.rule.auto_sync
    off = await world.price_rules.update(APP, SHOP, PriceRuleChanges(auto_sync=False), ["auto_sync"])
    assert not off.rule.auto_sync


async def test_an_exchange_rate_converts_from_the_store_currency_read_from_shopline() -> None:
    world = CatalogWorld()
    await world.install(currency="SGD")
    updated = await world.price_rules.update(
        APP, SHOP, PriceRuleChanges(exchange_rate=Decimal("0.58")), ["exchange_rate"]
    )
    rate = updated.rule.exchange_rate
    assert rate is not None and (rate.source, rate.target, rate.rate) == ("SGD", "GBP", Decimal("0.58"))
    assert updated.rule.apply(Money(Decimal("10.00"), "SGD")) == Money(Decimal("5.80"), "GBP")


@pytest.mark.parametrize(
    ("changes", "mask", "field"),
    [
        (PriceRuleChanges(), [], "update_mask"),
        (PriceRuleChanges(), ["target_currency_code"], "update_mask"),
        (PriceRuleChanges(markup=Decimal("-1")), ["markup"], "price_rule.markup"),
        (PriceRuleChanges(markup=Decimal("100.5")), ["markup"], "price_rule.markup"),
        (
            PriceRuleChanges(fixed_amount=Money(Decimal("1"), "USD")),
            ["fixed_amount"],
            "price_rule.fixed_amount.currency_code",
        ),
        (PriceRuleChanges(exchange_rate=Decimal("0")), ["exchange_rate"], "price_rule.exchange_rate"),
    ],
)
async def test_bad_price_rule_updates_name_the_field_and_change_nothing(
    changes: PriceRuleChanges, mask: list[str], field: str
) -> None:
    world = await world_with_catalog()
    with pytest.raises(InvalidArgument) as caught:
        await world.price_rules.update(APP, SHOP, changes, mask)
    assert caught.value.field == field
    assert world.database.state.shops[SHOP].price_rule is None


# --- product refresh ------------------------------------------------------------------------


async def test_product_refresh_takes_newer_data_ignores_stale_and_unlinks_dropped_skus() -> None:
    world = await world_with_catalog()
    await world.variants.refresh(APP)
    await world.links.link(APP, SHOP, P1, SKU_B, V2)
    data = world.tiktok.shop("GCP_cipher_1")
    world.clock.advance(timedelta(hours=1))
    later = NOW + timedelta(minutes=30)
    data.products[P1] = replace(product(1, "CODE-1"), update_time=later, title="Renamed")  # SKU_B gone
    data.products[ChannelProductId("prod-009")] = replace(product(9, "NEW"), update_time=later)
    # What we hold of product 2 is newer than what TikTok returns inside the overlap.
    newer = replace(product(2, "CODE-3"), update_time=NOW + timedelta(minutes=10))
    world.database.state.products[(SHOP, P2)] = ChannelProduct.synced(APP, SHOP, newer)
    data.products[P2] = replace(product(2, "CODE-3"), title="Old", update_time=NOW - timedelta(minutes=5))

    report = await world.product_refresh.refresh_shop(APP, SHOP)

    assert report is not None and (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert world.stored_product(1).title == "Renamed"
    assert [s.sku_id for s in world.stored_product(1).skus] == [SKU_A]
    assert world.stored_product(2).title == "Product 2"
    assert list(world.pools()[V2].linked_skus) == []
    assert world.database.state.shops[SHOP].products_synced_until == world.clock.now()


async def test_product_refresh_reads_sales_attributes_from_get_product_for_products_lacking_them() -> None:
    world = await world_with_catalog()
    data = world.tiktok.shop("GCP_cipher_1")
    red, small = SalesAttribute("Color", "Red"), SalesAttribute("Size", "S")
    # Held as the history import's search left them (attributes unknown); TikTok knows them.
    for product_id, held in list(data.products.items()):
        data.products[product_id] = replace(
            held, skus=tuple(replace(sku, attributes=(red, small)) for sku in held.skus)
        )
    first = data.products.pop(ChannelProductId("prod-001"))  # TikTok fails to return it
    world.clock.advance(timedelta(hours=1))

    await world.product_refresh.refresh_shop(APP, SHOP)

    assert world.tiktok.calls.count("get_product") == 3
    assert all(sku.attributes is None for sku in world.stored_product(1).skus)
    for n in (2, 3):
        assert {sku.attributes for sku in world.stored_product(n).skus} == {(red, small)}

    data.products[first.product_id] = first
    await world.product_refresh.refresh_shop(APP, SHOP)  # only the one still lacking them is read

    assert world.tiktok.calls.count("get_product") == 4
    assert {sku.attributes for sku in world.stored_product(1).skus} == {(red, small)}
