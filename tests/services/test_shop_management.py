"""ListShops, GetShop, UpdateShop and DeleteShop over the stateful fakes."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from domain.authorization import refresh_rejected
from domain.catalog import ChannelProduct
from domain.channel import TIKTOK
from domain.errors import AppNotFound, InvalidArgument, InvalidDisplayName, RequestIdReused, ShopNotFound
from domain.events import ShopRenamed, TaskChanged
from domain.ids import AppId, PoolId, ShopId, ShoplineOrderId, ShoplineVariantId, TaskId
from domain.inventory_pool import InventoryPool, OnHandObservation, ReservationKey
from domain.order import ImportKey, Order
from domain.shop import ShopStatus
from domain.task import Task, TaskKind, TaskState
from domain.tokens import TokenState
from tests.fakes import FakeState
from tests.services.support_auth import Harness, product_data, tiktok_shop
from tests.unit.builders import order_data


async def _linked(h: Harness, app_id: AppId, *numbers: int) -> list[ShopId]:
    outcome = await h.authorize(app_id, *(tiktok_shop(n) for n in numbers))
    return [linked.view.shop.id for linked in outcome.linked]


async def _fill(h: Harness, app_id: AppId, shop_id: ShopId, tag: str) -> None:
    """Orders, products with a linked SKU, a pool reservation and link, and a running task."""
    shop = h.database.state.shops[shop_id]
    now = h.clock.now()
    async with h.uow() as uow:
        product = ChannelProduct.synced(app_id, shop_id, product_data(f"p-{tag}", f"s-{tag}-1", f"s-{tag}-2"))
        product.link_sku(product.skus[0].sku_id, ShoplineVariantId(f"v-{tag}"), now)
        await uow.channel_products.add(product)
        data = order_data(order_id=f"order-{tag}", currency="GBP")
        await uow.orders.add(Order.first_seen(app_id, shop_id, shop.tiktok_shop_id, data, now))
        pool = InventoryPool.open(PoolId(f"pool-{tag}"), app_id, ShoplineVariantId(f"v-{tag}"))
        pool.link_sku(product.skus[0].sku_id, shop_id)
        pool.observe_on_hand(OnHandObservation(5, now))
        pool.reserve(ReservationKey(shop_id, data.order_id, product.skus[0].sku_id), 1, now)
        await uow.inventory_pools.add(pool)
        running = Task.create(TaskId(f"task-{tag}"), app_id, TaskKind.PRICE_SYNC, now, shop_id=shop_id)
        running.claim("worker-1", now, timedelta(minutes=5))
        await uow.tasks.add(running)
        await uow.import_ledger.record(
            ImportKey(TIKTOK, shop.tiktok_shop_id, data.order_id), ShoplineOrderId(f"sl-{tag}"), now
        )
        await uow.commit()


def _table_sizes(h: Harness) -> dict[str, int]:
    return {table.name: len(getattr(h.database.state, table.name)) for table in dataclasses.fields(FakeState)}


def _rows_of_shop(h: Harness, shop_id: ShopId, tiktok_shop_id: str) -> dict[str, list[object]]:
    """Every row of every fake table that still refers to the shop (the ledger is meant to stay)."""
    found: dict[str, list[object]] = {}
    for table in dataclasses.fields(FakeState):
        if table.name == "ledger":
            continue
        rows: dict[object, object] = getattr(h.database.state, table.name)
        for key, row in rows.items():
            keys = key if isinstance(key, tuple) else (key,)
            refers = shop_id in keys or tiktok_shop_id in keys or getattr(row, "shop_id", None) == shop_id
            if isinstance(row, InventoryPool):
                refers = refers or any(k.shop_id == shop_id for k in row.reservations)
                refers = refers or any(link.shop_id == shop_id for link in row.linked_skus.values())
            refers = refers or getattr(row, "shop_to_reauthorize", None) == shop_id
            if refers:
                found.setdefault(table.name, []).append(key)
    return found


async def test_list_pages_and_filters_by_status() -> None:
    h = Harness()
    app_id = await h.installed_app()
    other_app = await h.installed_app("other-store")
    shop_ids = await _linked(h, app_id, 1, 2, 3)
    await _linked(h, other_app, 4)
    async with h.uow() as uow:
        shop = await uow.shops.get(shop_ids[1])
        token = await uow.tokens.get_tiktok(shop.id)
        refresh_rejected(token, shop, h.clock.now())
        await uow.shops.update(shop)
        await uow.tokens.save_tiktok(token)
        await uow.commit()

    first = await h.shops.list_shops(app_id, page_size=2, after=None)
    second = await h.shops.list_shops(app_id, page_size=2, after=first.next_cursor)
    needing = await h.shops.list_shops(
        app_id, page_size=10, after=None, status=ShopStatus.NEEDS_REAUTHORIZATION
    )

    assert [v.shop.id for v in [*first.items, *second.items]] == sorted(shop_ids)
    assert second.next_cursor is None
    [view] = needing.items
    assert view.shop.id == shop_ids[1]
    assert view.token_state is TokenState.REVOKED
    assert "re-authorize" in view.status_reason
    with pytest.raises(AppNotFound):
        await h.shops.list_shops(AppId("missing"), page_size=10, after=None)


async def test_get_shows_token_and_grant_expiry_sync_times_and_counts() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _linked(h, app_id, 1)
    await _fill(h, app_id, shop_id, "a")
    authorized_at = h.clock.now()

    view = await h.shops.get_shop(app_id, shop_id)

    assert view.access_token_expires_at == authorized_at + h.tiktok.ACCESS_LIFETIME
    assert view.grant_expires_at == authorized_at + h.tiktok.REFRESH_LIFETIME
    assert view.token_state is TokenState.VALID and not view.expiring_soon
    assert view.status_reason == ""
    assert (view.last_order_sync, view.last_product_sync) == (None, None)
    assert dataclasses.astuple(view.counts) == (1, 2, 1, 1)

    h.clock.advance(h.tiktok.REFRESH_LIFETIME - timedelta(days=29))
    later = await h.shops.get_shop(app_id, shop_id)
    assert later.expiring_soon and later.token_state is TokenState.EXPIRING_SOON


async def test_another_apps_shop_is_not_found() -> None:
    h = Harness()
    app_id = await h.installed_app()
    other_app = await h.installed_app("other-store")
    [shop_id] = await _linked(h, other_app, 1)

    with pytest.raises(ShopNotFound):
        await h.shops.get_shop(app_id, shop_id)
    with pytest.raises(ShopNotFound):
        await h.shops.delete_shop(app_id, shop_id)
    with pytest.raises(ShopNotFound):
        await h.shops.update_shop(app_id, shop_id, display_name="x", update_mask=["display_name"])


async def test_update_renames_only_through_the_mask() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _linked(h, app_id, 1)

    view = await h.shops.update_shop(
        app_id, shop_id, display_name="  東京 Store ", update_mask=["display_name"]
    )

    assert view.shop.display_name.value == "東京 Store"
    assert h.database.state.shops[shop_id].display_name.value == "東京 Store"
    assert any(isinstance(e, ShopRenamed) for e in h.publisher.published)


@pytest.mark.parametrize("mask", [[], ["tiktok_shop_name"], ["display_name", "status"]])
async def test_update_with_an_empty_or_unknown_mask_names_update_mask(mask: list[str]) -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _linked(h, app_id, 1)

    with pytest.raises(InvalidArgument) as invalid:
        await h.shops.update_shop(app_id, shop_id, display_name="New", update_mask=mask)

    assert invalid.value.field == "update_mask"
    assert h.database.state.shops[shop_id].display_name.value == "TikTok shop 1"


async def test_update_rejects_an_invalid_display_name() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _linked(h, app_id, 1)

    with pytest.raises(InvalidDisplayName):
        await h.shops.update_shop(app_id, shop_id, display_name="   ", update_mask=["display_name"])


async def test_delete_purges_every_row_of_the_shop_frees_it_and_keeps_the_ledger() -> None:
    h = Harness()
    app_id = await h.installed_app()
    doomed, kept = await _linked(h, app_id, 1, 2)
    await _fill(h, app_id, doomed, "a")
    await _fill(h, app_id, kept, "b")
    doomed_tiktok_id = h.database.state.shops[doomed].tiktok_shop_id
    before = _table_sizes(h)
    ledger_before = dict(h.database.state.ledger)
    doomed_tasks = {task.id for task in h.database.state.tasks.values() if task.shop_id == doomed}
    assert set(_rows_of_shop(h, doomed, doomed_tiktok_id)) == {
        "shops",
        "tiktok_tokens",
        "pools",
        "push_states",
        "orders",
        "products",
        "tasks",
        "shop_links",
    }

    purge = await h.shops.delete_shop(app_id, doomed)

    state = h.database.state
    assert doomed not in state.shops and doomed not in state.tiktok_tokens
    assert all(key[0] != doomed for key in state.orders)
    assert all(key[0] != doomed for key in state.products)
    assert all(task.shop_id != doomed for task in state.tasks.values())
    assert doomed_tiktok_id not in state.shop_links
    for pool in state.pools.values():
        assert all(key.shop_id != doomed for key in pool.reservations)
        assert all(linked.shop_id != doomed for linked in pool.linked_skus.values())
    assert _rows_of_shop(h, doomed, doomed_tiktok_id) == {}
    assert state.ledger == ledger_before
    assert (purge.orders, purge.products, purge.tasks, purge.cancelled_tasks, purge.pools_touched) == (
        1,
        1,
        2,
        2,
        1,
    )
    # The other shop keeps everything.
    after = _table_sizes(h)
    assert after["shops"] == before["shops"] - 1
    assert after["orders"] == before["orders"] - 1 and after["products"] == before["products"] - 1
    assert len(state.pools[PoolId("pool-b")].reservations) == 1
    assert after["ledger"] == before["ledger"]
    cancelled = {
        e.task_id for e in h.publisher.published if isinstance(e, TaskChanged) and e.state == "CANCELLED"
    }
    assert cancelled == doomed_tasks


async def test_a_deleted_shop_can_be_authorized_by_any_app_and_the_ledger_still_knows_its_orders() -> None:
    h = Harness()
    first = await h.installed_app("first-store")
    second = await h.installed_app("second-store")
    [shop_id] = await _linked(h, first, 1)
    await _fill(h, first, shop_id, "a")
    await h.shops.delete_shop(first, shop_id)

    outcome = await h.authorize(second, tiktok_shop(1))

    [linked] = outcome.linked
    assert not linked.reauthorized and linked.view.shop.app_id == second
    assert linked.view.counts.orders == 0
    key = ImportKey(TIKTOK, tiktok_shop(1).tiktok_shop_id, order_data(order_id="order-a").order_id)
    async with h.uow() as uow:
        assert await uow.import_ledger.find(key) == ShoplineOrderId("sl-a")


async def test_a_delete_repeating_its_request_id_succeeds_again_and_the_id_is_not_reusable() -> None:
    h = Harness()
    app_id = await h.installed_app()
    doomed, other = await _linked(h, app_id, 1, 2)
    request_id = "0d5e7c1a-3b52-4f0e-8a61-5c2d9e7b4f30"

    first = await h.shops.delete_shop(app_id, doomed, request_id)
    again = await h.shops.delete_shop(app_id, doomed, request_id)

    assert not first.replayed and again.replayed
    with pytest.raises(ShopNotFound):
        await h.shops.delete_shop(app_id, doomed)
    with pytest.raises(RequestIdReused):
        await h.shops.delete_shop(app_id, other, request_id)
    assert other in h.database.state.shops


async def test_deleting_cancels_running_tasks_of_the_shop() -> None:
    h = Harness()
    app_id = await h.installed_app()
    [shop_id] = await _linked(h, app_id, 1)
    await _fill(h, app_id, shop_id, "a")
    assert h.database.state.tasks[TaskId("task-a")].state is TaskState.RUNNING

    await h.shops.delete_shop(app_id, shop_id)

    cancelled = {
        e.task_id for e in h.publisher.published if isinstance(e, TaskChanged) and e.state == "CANCELLED"
    }
    assert TaskId("task-a") in cancelled
    assert h.database.state.tasks == {}
