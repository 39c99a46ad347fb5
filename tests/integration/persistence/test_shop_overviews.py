"""Shop overviews: the fake, SQLite and PostgreSQL give each shop's token lifetime and counts alike."""

from __future__ import annotations

import pytest

from domain.errors import ShopNotFound
from domain.ids import AppId, ShopId
from domain.ports import ShopCounts
from domain.shop import ShopStatus
from tests.integration.persistence.builders import (
    APP,
    OTHER_APP,
    SHOP,
    order,
    product,
    seed,
    state_of,
    tiktok_token,
)

SECOND_SHOP = "shop-2"


async def _holdings(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP), shops=((SHOP, APP), (SECOND_SHOP, APP), ("shop-9", OTHER_APP)))
    async with backend.new_uow() as uow:
        await uow.tokens.save_tiktok(tiktok_token(SHOP))
        await uow.channel_products.add(product("1729592969712207008", SHOP))
        await uow.channel_products.add(product("1729592969712207009", SHOP))
        await uow.orders.add(order("576461413038785752", SHOP))
        await uow.orders.add(order("576461413038785753", SHOP))
        await uow.orders.add(order("576461413038785754", SHOP))
        await uow.orders.add(order("576461413038785755", SECOND_SHOP))
        await uow.commit()


async def test_an_overview_has_the_shop_its_token_lifetime_and_counts(backend) -> None:  # type: ignore[no-untyped-def]
    await _holdings(backend)
    token = tiktok_token(SHOP)
    async with backend.new_uow() as uow:
        overview = await uow.shop_overviews.get(ShopId(SHOP))
        shop = await uow.shops.get(ShopId(SHOP))

    assert state_of(overview.shop) == state_of(shop)
    assert overview.token == token.lifetime and token.lifetime.revoked_at is not None
    # Two products of three SKUs each, two of them linked per product.
    assert overview.counts == ShopCounts(products=2, skus=6, linked_skus=4, orders=3)


async def test_a_shop_without_token_or_data_has_none_and_zeros(backend) -> None:  # type: ignore[no-untyped-def]
    await _holdings(backend)
    async with backend.new_uow() as uow:
        overview = await uow.shop_overviews.get(ShopId(SECOND_SHOP))
        with pytest.raises(ShopNotFound):
            await uow.shop_overviews.get(ShopId("nope"))

    assert overview.token is None
    assert overview.counts == ShopCounts(orders=1)


async def test_overviews_page_like_the_shop_list(backend) -> None:  # type: ignore[no-untyped-def]
    await _holdings(backend)
    async with backend.new_uow() as uow:
        first = await uow.shop_overviews.list(AppId(APP), page_size=1, after=None)
        second = await uow.shop_overviews.list(AppId(APP), page_size=1, after=first.next_cursor)
        shops = await uow.shops.list(AppId(APP), page_size=1, after=None)
        deauthorized = await uow.shop_overviews.list(
            AppId(APP), page_size=10, after=None, status=ShopStatus.DEAUTHORIZED
        )

    assert [o.shop.id for o in first.items] == [s.id for s in shops.items] == [SHOP]
    assert first.next_cursor == shops.next_cursor
    assert [o.shop.id for o in second.items] == [SECOND_SHOP] and second.next_cursor is None
    assert first.items[0].counts.orders == 3 and second.items[0].counts.orders == 1
    assert deauthorized.items == []
