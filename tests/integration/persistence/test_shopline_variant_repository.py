"""SHOPLINE variant cache contract: the fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from domain.channel import ShoplineVariant
from domain.ids import AppId, ShoplineVariantId
from domain.money import Money
from tests.integration.persistence.builders import APP, OTHER_APP, at, seed


def variant(variant_id: str, sku: str = "SKU-1", price: str = "12.50", minutes: int = 0) -> ShoplineVariant:
    return ShoplineVariant(
        variant_id=ShoplineVariantId(variant_id),
        product_id=f"prod-{variant_id}",
        sku=sku,
        title=f"Mug / {variant_id}",
        price=Money(Decimal(price), "SGD"),
        inventory_item_id=f"inv-{variant_id}",
        updated_at=at(minutes),
    )


async def test_upserted_variants_read_back_with_every_field(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP), shops=())
    async with backend.new_uow() as uow:
        await uow.shopline_variants.upsert_many(APP, [variant("v1"), variant("v2", sku="SKU-2")])
        await uow.shopline_variants.upsert_many(OTHER_APP, [variant("v1", price="99")])
        await uow.commit()
    async with backend.new_uow() as uow:
        found = await uow.shopline_variants.get_many(
            APP, [ShoplineVariantId("v1"), ShoplineVariantId("nope")]
        )
        other = await uow.shopline_variants.get_many(OTHER_APP, [ShoplineVariantId("v1")])
    assert found == {ShoplineVariantId("v1"): variant("v1")}
    assert other[ShoplineVariantId("v1")].price == Money(Decimal("99"), "SGD")


async def test_upsert_replaces_older_copies_and_keeps_newer_ones(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=())
    async with backend.new_uow() as uow:
        await uow.shopline_variants.upsert_many(APP, [variant("v1", minutes=5), variant("v2", minutes=5)])
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.shopline_variants.upsert_many(
            APP,
            [
                variant("v1", price="20.00", minutes=6),  # newer: replaces
                variant("v2", price="1.00", minutes=4),  # older: ignored
                variant("v3", minutes=1),
                variant("v3", price="3.00", minutes=2),  # the newest copy in one batch wins
            ],
        )
        await uow.commit()
    async with backend.new_uow() as uow:
        found = await uow.shopline_variants.get_many(APP, [ShoplineVariantId(v) for v in ("v1", "v2", "v3")])
    assert {k: v.price.amount for k, v in found.items()} == {
        "v1": Decimal("20.00"),
        "v2": Decimal("12.50"),
        "v3": Decimal("3.00"),
    }
    assert found[ShoplineVariantId("v1")].updated_at == at(6)


async def test_find_by_sku_matches_exactly_within_the_app(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP), shops=())
    async with backend.new_uow() as uow:
        await uow.shopline_variants.upsert_many(
            APP, [variant("v2", sku="MUG"), variant("v1", sku="MUG"), variant("v3", sku="mug")]
        )
        await uow.shopline_variants.upsert_many(OTHER_APP, [variant("v9", sku="MUG")])
        await uow.commit()
    async with backend.new_uow() as uow:
        mugs = await uow.shopline_variants.find_by_sku(APP, "MUG")
        several = await uow.shopline_variants.find_by_skus(APP, ["mug", "MUG", "none"])
        none = await uow.shopline_variants.find_by_sku(APP, "MU")
        empty = await uow.shopline_variants.find_by_skus(APP, [])
    assert [v.variant_id for v in mugs] == ["v1", "v2"]
    assert [v.variant_id for v in several] == ["v1", "v2", "v3"]
    assert none == [] and empty == []


async def test_find_by_inventory_item_matches_within_the_app(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP), shops=())
    shared = replace(variant("v2"), inventory_item_id="inv-v1")
    async with backend.new_uow() as uow:
        await uow.shopline_variants.upsert_many(APP, [shared, variant("v1"), variant("v3")])
        await uow.shopline_variants.upsert_many(OTHER_APP, [variant("v1")])
        await uow.commit()
    async with backend.new_uow() as uow:
        found = await uow.shopline_variants.find_by_inventory_item(APP, "inv-v1")
        none = await uow.shopline_variants.find_by_inventory_item(APP, "inv-9")
    assert [v.variant_id for v in found] == ["v1", "v2"]
    assert none == []


async def test_list_pages_by_variant_id(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP), shops=())
    async with backend.new_uow() as uow:
        await uow.shopline_variants.upsert_many(APP, [variant(f"v{i}") for i in (3, 1, 5, 2, 4)])
        await uow.shopline_variants.upsert_many(OTHER_APP, [variant("v0"), variant("v9")])
        await uow.commit()
    seen: list[str] = []
    after = None
    async with backend.new_uow() as uow:
        while True:
            page = await uow.shopline_variants.list(APP, page_size=2, after=after)
            seen.append(",".join(v.variant_id for v in page.items))
            after = page.next_cursor
            if after is None:
                break
        empty = await uow.shopline_variants.list(AppId("app-none"), page_size=10, after=None)
    assert seen == ["v1,v2", "v3,v4", "v5"]
    assert list(empty.items) == [] and empty.next_cursor is None


async def test_uncommitted_upserts_are_rolled_back(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=())
    async with backend.new_uow() as uow:
        await uow.shopline_variants.upsert_many(APP, [variant("v1")])
    async with backend.new_uow() as uow:
        assert await uow.shopline_variants.get_many(APP, [ShoplineVariantId("v1")]) == {}


async def test_deleting_the_app_drops_its_variants(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=())
    async with backend.new_uow() as uow:
        await uow.shopline_variants.upsert_many(APP, [replace(variant("v1"), title="")])
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.apps.delete(APP)
        await uow.commit()
    if backend.name == "fake":
        return  # the fake has no foreign keys; the database cascades
    async with backend.new_uow() as uow:
        assert await uow.shopline_variants.get_many(APP, [ShoplineVariantId("v1")]) == {}


async def test_newest_update_is_the_latest_cached_change_of_the_app(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP), shops=())
    async with backend.new_uow() as uow:
        assert await uow.shopline_variants.newest_update(APP) is None
        await uow.shopline_variants.upsert_many(APP, [variant("v1", minutes=3), variant("v2", minutes=9)])
        await uow.shopline_variants.upsert_many(OTHER_APP, [variant("v1", minutes=30)])
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.shopline_variants.newest_update(APP) == at(9)
