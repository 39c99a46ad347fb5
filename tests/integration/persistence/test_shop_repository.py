"""Shop repository and shop registry contract: the fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

import asyncio

import pytest

from domain.errors import ShopAlreadyExists, ShopLinkedToAnotherApp, ShopNotFound, StaleWrite
from domain.events import ShopRenamed
from domain.ids import AppId, ShopId, TikTokShopId
from domain.shop import DisplayName, ShopStatus
from tests.integration.persistence.builders import APP, OTHER_APP, SHOP, at, seed, shop, state_of

TIKTOK_SHOP = TikTokShopId("7000714532876273420")


async def test_added_shop_reads_back_with_every_field(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=())
    original = shop()
    async with backend.new_uow() as uow:
        await uow.shops.add(original)
        await uow.commit()
    async with backend.new_uow() as uow:
        loaded = await uow.shops.get(SHOP)
        by_tiktok_id = await uow.shops.find_by_tiktok_shop_id(original.tiktok_shop_id)
    assert state_of(loaded) == state_of(original)
    assert by_tiktok_id is not None and by_tiktok_id.id == SHOP


async def test_missing_shop_is_not_found(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        with pytest.raises(ShopNotFound):
            await uow.shops.get(ShopId("nope"))
        assert await uow.shops.find_by_tiktok_shop_id(TikTokShopId("0")) is None
        with pytest.raises(ShopNotFound):
            await uow.shops.delete(ShopId("nope"))


async def test_same_id_or_same_tiktok_shop_already_exists(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        with pytest.raises(ShopAlreadyExists):
            await uow.shops.add(shop(SHOP, APP, "another-tiktok-shop"))
        with pytest.raises(ShopAlreadyExists):
            await uow.shops.add(shop("shop-9", APP, (await uow.shops.get(SHOP)).tiktok_shop_id))


async def test_update_is_kept_after_commit(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        loaded = await uow.shops.get(SHOP)
        loaded.rename(DisplayName.parse("New name"))
        loaded.advance_orders_watermark(at(99))
        await uow.shops.update(loaded)
        await uow.commit()
    async with backend.new_uow() as uow:
        again = await uow.shops.get(SHOP)
    assert state_of(again) == state_of(loaded)
    assert backend.publisher.published == [ShopRenamed(SHOP, APP, "New name")]


async def test_update_of_a_missing_shop_is_not_found(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=())
    async with backend.new_uow() as uow:
        with pytest.raises(ShopNotFound):
            await uow.shops.update(shop())


async def test_list_pages_by_keyset_within_the_app(backend) -> None:  # type: ignore[no-untyped-def]
    ids = [f"shop-{i:02d}" for i in range(7)]
    await seed(
        backend,
        apps=(APP, OTHER_APP),
        shops=(("other-shop", OTHER_APP), *((i, APP) for i in ids)),
    )
    collected: list[str] = []
    after = None
    async with backend.new_uow() as uow:
        while True:
            page = await uow.shops.list(AppId(APP), page_size=3, after=after)
            collected += [s.id for s in page.items]
            assert len(page.items) <= 3
            if page.next_cursor is None:
                break
            after = page.next_cursor
    assert collected == ids


async def test_delete_removes_the_shop(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.shops.delete(SHOP)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.shops.find_by_tiktok_shop_id(TikTokShopId(f"tt-{SHOP}")) is None


async def test_registry_claims_once_per_tiktok_shop(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP), shops=())
    await backend.registry(lambda r: r.claim(TIKTOK_SHOP, APP))
    await backend.registry(lambda r: r.claim(TIKTOK_SHOP, APP))  # the same app again: fine
    with pytest.raises(ShopLinkedToAnotherApp) as caught:
        await backend.registry(lambda r: r.claim(TIKTOK_SHOP, OTHER_APP))
    assert OTHER_APP not in str(caught.value) and APP not in str(caught.value)
    assert await backend.registry(lambda r: r.owner(TIKTOK_SHOP)) == APP


async def test_registry_release_frees_the_shop_only_for_its_holder(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP), shops=())
    await backend.registry(lambda r: r.claim(TIKTOK_SHOP, APP))
    await backend.registry(lambda r: r.release(TIKTOK_SHOP, OTHER_APP))
    assert await backend.registry(lambda r: r.owner(TIKTOK_SHOP)) == APP
    await backend.registry(lambda r: r.release(TIKTOK_SHOP, APP))
    assert await backend.registry(lambda r: r.owner(TIKTOK_SHOP)) is None
    await backend.registry(lambda r: r.claim(TIKTOK_SHOP, OTHER_APP))
    assert await backend.registry(lambda r: r.owner(TIKTOK_SHOP)) == OTHER_APP


async def test_a_claim_rolls_back_with_its_unit_of_work(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, apps=(APP, OTHER_APP), shops=())
    async with backend.new_uow() as uow:
        await uow.shop_registry.claim(TIKTOK_SHOP, APP)
    await backend.registry(lambda r: r.claim(TIKTOK_SHOP, OTHER_APP))
    assert await backend.registry(lambda r: r.owner(TIKTOK_SHOP)) == OTHER_APP


async def test_list_filters_by_status(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=(("shop-a", APP), ("shop-b", APP), ("shop-c", APP)))
    async with backend.new_uow() as uow:
        active = await uow.shops.get(ShopId("shop-b"))
        active.reauthorize(active.identity, at(50))
        await uow.shops.update(active)
        await uow.commit()
    async with backend.new_uow() as uow:
        waiting = await uow.shops.list(
            AppId(APP), page_size=1, after=None, status=ShopStatus.NEEDS_REAUTHORIZATION
        )
        rest = await uow.shops.list(
            AppId(APP), page_size=1, after=waiting.next_cursor, status=ShopStatus.NEEDS_REAUTHORIZATION
        )
        only_active = await uow.shops.list(AppId(APP), page_size=10, after=None, status=ShopStatus.ACTIVE)
    assert [s.id for s in waiting.items] == ["shop-a"] and waiting.next_cursor is not None
    assert [s.id for s in rest.items] == ["shop-c"] and rest.next_cursor is None
    assert [s.id for s in only_active.items] == ["shop-b"]


async def test_find_by_cipher(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        found = await uow.shops.find_by_cipher(shop().cipher)
        assert await uow.shops.find_by_cipher("unknown") is None
    assert found is not None and found.id == SHOP


# --- SQLAlchemy only: transactions and concurrency ----------------------------------------


async def test_concurrent_update_is_a_stale_write(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as first:
        mine = await first.shops.get(SHOP)
        async with sql_backend.new_uow() as second:
            theirs = await second.shops.get(SHOP)
            theirs.rename(DisplayName.parse("Theirs"))
            await second.shops.update(theirs)
            await second.commit()
        mine.rename(DisplayName.parse("Mine"))
        with pytest.raises(StaleWrite):
            await first.shops.update(mine)
    async with sql_backend.new_uow() as uow:
        assert (await uow.shops.get(SHOP)).display_name.value == "Theirs"


@pytest.mark.postgres
@pytest.mark.parametrize("sql_backend", ["postgresql"], indirect=True)
async def test_two_apps_claiming_one_shop_at_once_one_wins(sql_backend) -> None:  # type: ignore[no-untyped-def]
    """Two open transactions claim the same TikTok shop; the second waits for the first's row."""
    await seed(sql_backend, apps=(APP, OTHER_APP), shops=())
    first_claimed = asyncio.Event()
    release_first = asyncio.Event()

    async def authorize(app_id: str, *, hold: bool) -> str:
        async with sql_backend.new_uow() as uow:
            try:
                await uow.shop_registry.claim(TIKTOK_SHOP, AppId(app_id))
                await uow.shops.add(shop(f"shop-of-{app_id}", app_id, TIKTOK_SHOP))
            except ShopLinkedToAnotherApp:
                return "refused"
            finally:
                first_claimed.set()
            if hold:
                await release_first.wait()
            await uow.commit()
            return "won"

    first = asyncio.create_task(authorize(APP, hold=True))
    await first_claimed.wait()
    second = asyncio.create_task(authorize(OTHER_APP, hold=False))
    await asyncio.sleep(0.2)
    assert not second.done()  # blocked on the first transaction's uncommitted claim
    release_first.set()
    assert await asyncio.gather(first, second) == ["won", "refused"]
    assert await sql_backend.registry(lambda r: r.owner(TIKTOK_SHOP)) == APP


@pytest.mark.postgres
@pytest.mark.parametrize("sql_backend", ["postgresql"], indirect=True)
async def test_racing_claims_have_exactly_one_winner(sql_backend) -> None:  # type: ignore[no-untyped-def]
    apps = tuple(f"app-{i}" for i in range(6))
    await seed(sql_backend, apps=apps, shops=())

    async def claim(app_id: str) -> bool:
        async with sql_backend.new_uow() as uow:
            try:
                await uow.shop_registry.claim(TIKTOK_SHOP, AppId(app_id))
            except ShopLinkedToAnotherApp:
                return False
            await uow.commit()
            return True

    results = await asyncio.gather(*(claim(a) for a in apps))
    assert sum(results) == 1
    assert await sql_backend.registry(lambda r: r.owner(TIKTOK_SHOP)) == apps[results.index(True)]
