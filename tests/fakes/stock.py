"""Fakes of the catalog and stock repositories: channel products, SHOPLINE variants, inventory
pools and their push states."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from domain.catalog import ChannelProduct, SkuLink
from domain.channel import (
    ShoplineVariant,
)
from domain.errors import (
    ChannelProductAlreadyExists,
    ChannelProductNotFound,
    PoolAlreadyExists,
    PoolNotFound,
)
from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    PoolId,
    ShopId,
    ShoplineVariantId,
)
from domain.inventory_pool import InventoryPool, ReservationKey
from domain.paging import Page
from domain.ports import CatalogCounts, PoolFilter
from domain.stock_push import PushResult, PushState, push_changes
from tests.fakes.runtime import EPOCH
from tests.fakes.tables import FakeState, _ignore, _name, _standalone, _Table


class FakeChannelProductRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._table: _Table[tuple[ShopId, ChannelProductId], ChannelProduct] = _Table(
            lambda: current().products, _product_not_found, ChannelProductAlreadyExists, seen
        )

    async def get(self, shop_id: ShopId, product_id: ChannelProductId) -> ChannelProduct:
        return self._table.get((shop_id, product_id))

    async def find(self, shop_id: ShopId, product_id: ChannelProductId) -> ChannelProduct | None:
        return self._table.find((shop_id, product_id))

    async def find_by_sku(self, shop_id: ShopId, sku_id: ChannelSkuId) -> ChannelProduct | None:
        return self._table.find_where(
            lambda product: product.shop_id == shop_id and any(s.sku_id == sku_id for s in product.skus)
        )

    async def add(self, product: ChannelProduct) -> None:
        self._table.add((product.shop_id, product.id), product)

    async def update(self, product: ChannelProduct) -> None:
        self._table.update((product.shop_id, product.id), product)

    async def delete(self, shop_id: ShopId, product_id: ChannelProductId) -> None:
        self._table.delete((shop_id, product_id))

    async def delete_for_shop(self, shop_id: ShopId) -> int:
        return self._table.delete_where(lambda product: product.shop_id == shop_id)

    async def list(self, shop_id: ShopId, *, page_size: int, after: str | None) -> Page[ChannelProduct]:
        return self._table.page(lambda product: product.shop_id == shop_id, page_size, after)

    async def find_many(
        self, shop_id: ShopId, product_ids: Iterable[ChannelProductId]
    ) -> dict[ChannelProductId, ChannelProduct]:
        found = (self._table.find((shop_id, product_id)) for product_id in sorted(set(product_ids)))
        return {product.id: product for product in found if product is not None}

    async def sku_links(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId]
    ) -> dict[ChannelSkuId, SkuLink]:
        wanted = set(sku_ids)
        return {
            sku.sku_id: sku.link
            for product in self._table.rows_where(lambda product: product.shop_id == shop_id)
            for sku in product.skus
            if sku.sku_id in wanted and sku.link is not None
        }

    async def save_many(self, batch: Sequence[ChannelProduct]) -> None:
        for product in batch:
            self._table.put((product.shop_id, product.id), product)

    async def lacking_attributes(self, shop_id: ShopId, *, limit: int) -> list[ChannelProductId]:
        found = self._table.rows_where(lambda p: p.shop_id == shop_id and p.needs_attributes)
        return sorted(product.id for product in found)[:limit]

    async def count_for_shop(self, shop_id: ShopId) -> CatalogCounts:
        products = self._table.rows_where(lambda product: product.shop_id == shop_id)
        skus = [sku for product in products for sku in product.skus]
        return CatalogCounts(
            products=len(products),
            skus=len(skus),
            linked_skus=sum(1 for sku in skus if sku.link is not None),
        )


class FakeShoplineVariantRepository:
    """The SHOPLINE variant cache; variants are frozen values, so no copies are needed."""

    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    def _rows(self) -> dict[tuple[AppId, ShoplineVariantId], ShoplineVariant]:
        return self._state().shopline_variants

    async def delete_for_app(self, app_id: AppId) -> int:
        mine = [key for key in self._rows() if key[0] == app_id]
        for key in mine:
            del self._rows()[key]
        return len(mine)

    async def upsert_many(self, app_id: AppId, variants: Sequence[ShoplineVariant]) -> None:
        for variant in variants:
            held = self._rows().get((app_id, variant.variant_id))
            if held is None or held.updated_at <= variant.updated_at:
                self._rows()[(app_id, variant.variant_id)] = variant

    async def get_many(
        self, app_id: AppId, variant_ids: Iterable[ShoplineVariantId]
    ) -> dict[ShoplineVariantId, ShoplineVariant]:
        found = ((v, self._rows().get((app_id, v))) for v in sorted(set(variant_ids)))
        return {v: variant for v, variant in found if variant is not None}

    async def find_by_sku(self, app_id: AppId, sku: str) -> list[ShoplineVariant]:
        return await self.find_by_skus(app_id, [sku])

    async def find_by_skus(self, app_id: AppId, skus: Iterable[str]) -> list[ShoplineVariant]:
        wanted = set(skus)
        return [
            self._rows()[key]
            for key in sorted(self._rows())
            if key[0] == app_id and self._rows()[key].sku in wanted
        ]

    async def find_by_inventory_item(self, app_id: AppId, inventory_item_id: str) -> list[ShoplineVariant]:
        return [
            self._rows()[key]
            for key in sorted(self._rows())
            if key[0] == app_id and self._rows()[key].inventory_item_id == inventory_item_id
        ]

    async def newest_update(self, app_id: AppId) -> datetime | None:
        return max((v.updated_at for (a, _), v in self._rows().items() if a == app_id), default=None)

    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[ShoplineVariant]:
        ids = sorted(v for a, v in self._rows() if a == app_id and (after is None or v > after))
        chosen = ids[: max(page_size, 1)]
        items = [self._rows()[(app_id, v)] for v in chosen]
        return Page(items, chosen[-1] if len(ids) > len(chosen) else None)


class FakeInventoryPoolRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._state = current
        self._table: _Table[PoolId, InventoryPool] = _Table(
            lambda: current().pools,
            lambda key: PoolNotFound(f"inventoryPools/{key}"),
            PoolAlreadyExists,
            seen,
        )

    async def get(self, pool_id: PoolId) -> InventoryPool:
        return self._table.get(pool_id)

    async def lock(
        self, pool_id: PoolId, reservations_for: Iterable[ReservationKey] | None = None
    ) -> InventoryPool:
        # A fake transaction works alone on its own copy; the whole pool is always loaded.
        return self._table.get(pool_id)

    async def pool_ids_for_skus(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId]
    ) -> dict[ChannelSkuId, PoolId]:
        wanted = set(sku_ids)
        found: dict[ChannelSkuId, PoolId] = {}
        for pool_id in sorted(self._state().pools):
            for sku_id, link in self._state().pools[pool_id].linked_skus.items():
                if sku_id in wanted and link.shop_id == shop_id:
                    found.setdefault(sku_id, pool_id)
        return found

    async def pool_ids_for_order(self, shop_id: ShopId, order_id: OrderId) -> list[PoolId]:
        return sorted(
            pool_id
            for pool_id, pool in self._state().pools.items()
            if any(k.shop_id == shop_id and k.order_id == order_id for k in pool.reservations)
        )

    async def guard_sku_links(
        self, shop_id: ShopId, sku_ids: Iterable[ChannelSkuId], *, changing: bool
    ) -> None:
        return None  # a fake transaction works alone on its own copy

    async def list_for_shop(
        self, shop_id: ShopId, *, page_size: int, after: str | None
    ) -> Page[InventoryPool]:
        return self._table.page(
            lambda pool: (
                any(k.shop_id == shop_id for k in pool.reservations)
                or any(s.shop_id == shop_id for s in pool.linked_skus.values())
            ),
            page_size,
            after,
        )

    async def list_filtered(
        self, app_id: AppId, pool_filter: PoolFilter, *, page_size: int, after: str | None
    ) -> Page[InventoryPool]:
        pools = sorted(
            (p for p in self._state().pools.values() if p.app_id == app_id and pool_filter.matches(p)),
            key=lambda p: p.variant_id,
        )
        if after is not None:
            pools = [p for p in pools if p.variant_id > after]
        chosen = pools[: max(page_size, 1)]
        items = [self._table.get(p.id) for p in chosen]
        return Page(items, chosen[-1].variant_id if len(pools) > len(chosen) else None)

    def _write_push_targets(self, pool: InventoryPool) -> None:
        """What the database adapter does in the same transaction: one push row per linked SKU."""
        stored = self._state().pools.get(pool.id)
        before = stored.quantities_to_push() if stored is not None else {}
        wanted, gone = push_changes(before, pool.quantities_to_push())
        rows = self._state().push_states
        for sku_id in gone:
            rows.pop((pool.id, sku_id), None)
        for sku_id, quantity in wanted.items():
            link = pool.linked_skus[sku_id]
            held = rows.get((pool.id, sku_id))
            rows[(pool.id, sku_id)] = (
                PushState(pool.id, sku_id, pool.app_id, link.shop_id, link.product_id, quantity)
                if held is None
                else replace(held.wanting(quantity), product_id=link.product_id or held.product_id)
            )

    async def find_by_variant(self, app_id: AppId, variant_id: ShoplineVariantId) -> InventoryPool | None:
        return self._table.find_where(lambda pool: pool.app_id == app_id and pool.variant_id == variant_id)

    async def find_by_channel_sku(self, sku_id: ChannelSkuId) -> InventoryPool | None:
        return self._table.find_where(lambda pool: sku_id in pool.linked_skus)

    async def add(self, pool: InventoryPool) -> None:
        if await self.find_by_variant(pool.app_id, pool.variant_id) is not None:
            raise PoolAlreadyExists(f"{pool.app_id}/{pool.variant_id}")
        if pool.id not in self._state().pools:
            self._write_push_targets(pool)
        self._table.add(pool.id, pool)

    async def update(self, pool: InventoryPool) -> None:
        if pool.id in self._state().pools:
            self._write_push_targets(pool)
        self._table.update(pool.id, pool)

    async def delete(self, pool_id: PoolId) -> None:
        self._table.delete(pool_id)
        for key in [k for k in self._state().push_states if k[0] == pool_id]:
            del self._state().push_states[key]

    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[InventoryPool]:
        return self._table.page(lambda pool: pool.app_id == app_id, page_size, after)


class FakePushStateRepository:
    def __init__(self, state: Callable[[], FakeState] | FakeState | None = None) -> None:
        self._state = _standalone(state)

    def _rows(self) -> dict[tuple[PoolId, ChannelSkuId], PushState]:
        return self._state().push_states

    async def for_pool(self, pool_id: PoolId) -> list[PushState]:
        return [self._rows()[k] for k in sorted(self._rows()) if k[0] == pool_id]

    async def find(self, pool_id: PoolId, sku_id: ChannelSkuId) -> PushState | None:
        return self._rows().get((pool_id, sku_id))

    async def due(self, now: datetime, *, limit: int) -> list[PushState]:
        due = [s for s in self._rows().values() if s.due(now)]
        due.sort(key=lambda s: (s.next_attempt_at or EPOCH - timedelta(days=36500), s.pool_id, s.sku_id))
        return due[:limit]

    async def record(self, state: PushState, seq: int) -> None:
        held = self._rows().get(state.key)
        if held is None:
            return  # unlinked meanwhile
        outcome = replace(
            state,
            desired=held.desired,
            desired_seq=held.desired_seq,
            product_id=held.product_id or state.product_id,
            lease_owner=None,
            lease_until=None,
        )
        if held.desired_seq != seq and outcome.result is PushResult.SUCCEEDED:
            outcome = replace(outcome, result=PushResult.PENDING)
        self._rows()[state.key] = outcome

    async def request(self, pool_id: PoolId, sku_id: ChannelSkuId) -> None:
        held = self._rows().get((pool_id, sku_id))
        if held is not None:
            self._rows()[held.key] = replace(held, result=PushResult.PENDING, next_attempt_at=None)

    async def claim(
        self,
        keys: Iterable[tuple[PoolId, ChannelSkuId]],
        owner: str,
        now: datetime,
        until: datetime,
    ) -> set[tuple[PoolId, ChannelSkuId]]:
        taken = set()
        for key in sorted(set(keys)):
            held = self._rows().get(key)
            if held is not None and not held.leased(now, by_other_than=owner):
                self._rows()[key] = replace(held, lease_owner=owner, lease_until=until)
                taken.add(key)
        return taken

    async def list_for_app(
        self, app_id: AppId, *, page_size: int, after: str | None, pool_id: PoolId | None = None
    ) -> Page[PushState]:
        keys = sorted(
            k for k, s in self._rows().items() if s.app_id == app_id and (pool_id is None or k[0] == pool_id)
        )
        if after is not None:
            keys = [k for k in keys if _name(k) > after]
        chosen = keys[: max(page_size, 1)]
        return Page([self._rows()[k] for k in chosen], _name(chosen[-1]) if len(keys) > len(chosen) else None)


# Not-found names as the database adapter spells them: a repository knows no app id.
def _product_not_found(key: str) -> ChannelProductNotFound:
    shop_id, product_id = key.split("/", 1)
    return ChannelProductNotFound(f"shops/{shop_id}/products/{product_id}")
