"""GDPR redactions on every backend: a customer's store orders lose their buyer, a merchant's store
data goes, and other apps are untouched."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from domain.analytics import StoreOrder, StoreOrderLine
from domain.channel import ShoplineVariant
from domain.ids import AppId, ShoplineOrderId, ShoplineVariantId
from domain.money import Money
from tests.integration.persistence.builders import APP, seed

OTHER = AppId("app-other")
AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


def store_order(order_id: str, buyer_key: str) -> StoreOrder:
    return StoreOrder(
        order_id=ShoplineOrderId(order_id),
        created_at=AT,
        updated_at=AT,
        currency="GBP",
        paid=True,
        cancelled=False,
        gross_e4=120_000,
        discount_e4=20_000,
        buyer_key=buyer_key,
        lines=(StoreOrderLine(ShoplineVariantId("v-1"), "Mug", "SKU-v-1", 2, 120_000),),
    )


def variant(variant_id: str) -> ShoplineVariant:
    return ShoplineVariant(
        variant_id=ShoplineVariantId(variant_id),
        product_id="p-1",
        sku=f"SKU-{variant_id}",
        title="Mug",
        price=Money(Decimal("12.00"), "GBP"),
        inventory_item_id=f"item-{variant_id}",
        updated_at=AT,
    )


async def test_a_customers_store_orders_lose_the_buyer_and_keep_their_figures(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER), shops=())
    async with backend.new_uow() as uow:
        await uow.store_orders.upsert_many(
            APP, [store_order("1", "id:c-9"), store_order("2", "email:a@b.c"), store_order("3", "id:c-1")]
        )
        await uow.store_orders.upsert_many(OTHER, [store_order("1", "id:c-9")])
        await uow.commit()
    async with backend.new_uow() as uow:
        changed = await uow.store_orders.forget_buyers(APP, ["id:c-9"], [ShoplineOrderId("2")])
        again = await uow.store_orders.forget_buyers(APP, ["id:c-9"], [ShoplineOrderId("2")])
        nothing = await uow.store_orders.forget_buyers(APP, [], [])
        await uow.commit()
    assert (changed, again, nothing) == (2, 0, 0)
    async with backend.new_uow() as uow:
        assert await uow.store_orders.count(APP) == 3
        assert await uow.store_orders.count(OTHER) == 1


async def test_a_merchants_store_orders_and_variants_go_and_no_other_apps(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER), shops=())
    async with backend.new_uow() as uow:
        await uow.store_orders.upsert_many(APP, [store_order("1", "id:c-9"), store_order("2", "")])
        await uow.store_orders.set_synced_until(APP, AT)
        await uow.store_orders.upsert_many(OTHER, [store_order("1", "id:c-9")])
        await uow.shopline_variants.upsert_many(APP, [variant("v-1"), variant("v-2")])
        await uow.shopline_variants.upsert_many(OTHER, [variant("v-1")])
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.store_orders.delete_for_app(APP) == 2
        assert await uow.shopline_variants.delete_for_app(APP) == 2
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.store_orders.count(APP) == 0
        assert await uow.store_orders.synced_until(APP) is None
        assert await uow.store_orders.count(OTHER) == 1
        assert len(await uow.shopline_variants.find_by_sku(OTHER, "SKU-v-1")) == 1
        assert await uow.shopline_variants.find_by_sku(APP, "SKU-v-1") == []
