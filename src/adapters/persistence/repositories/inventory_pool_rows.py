"""Inventory pool rows: the pool row, its reservation and linked-SKU child rows, and the push rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adapters.persistence.repositories.common import ChildRows, child_rows
from adapters.persistence.tables import pool_linked_skus, pool_reservations
from domain.ids import AppId, ChannelProductId, ChannelSkuId, OrderId, PoolId, ShopId, ShoplineVariantId
from domain.inventory_pool import InventoryPool, LinkedSku, Reservation, ReservationKey, ReservationState
from domain.stock_push import PushResult


def pool_to_row(pool: InventoryPool) -> dict[str, Any]:
    return {
        "id": pool.id,
        "app_id": pool.app_id,
        "variant_id": pool.variant_id,
        "on_hand": pool.on_hand,
        "on_hand_version": pool.on_hand_version,
        "safety_stock": pool.safety_stock,
        "committed": pool.committed,
        "held": pool.held,
        "available": pool.available,
        "oversold": pool.oversold,
        "linked_sku_count": len(pool.linked_skus),
    }


def pool_children(pool: InventoryPool) -> tuple[ChildRows, ChildRows]:
    reservations = [
        {
            "pool_id": pool.id,
            "shop_id": r.key.shop_id,
            "order_id": r.key.order_id,
            "sku_id": r.key.sku_id,
            "quantity": r.quantity,
            "state": r.state.value,
            "reserved_at": r.reserved_at,
            "finished_at": r.finished_at,
        }
        for r in pool.reservations.values()
    ]
    links = [
        {
            "pool_id": pool.id,
            "sku_id": s.sku_id,
            "shop_id": s.shop_id,
            "cap": s.cap,
            "product_id": s.product_id,
        }
        for s in pool.linked_skus.values()
    ]
    return child_rows(pool_reservations, reservations), child_rows(pool_linked_skus, links)


def pool_from_rows(
    row: Any,
    reservations: Sequence[dict[str, Any]],
    links: Sequence[dict[str, Any]],
    *,
    partial: bool = False,
) -> InventoryPool:
    loaded_held = sum(r["quantity"] for r in reservations if r["state"] == ReservationState.HELD.value)
    return InventoryPool(
        held_elsewhere=row["held"] - loaded_held if partial else 0,
        pool_id=PoolId(row["id"]),
        app_id=AppId(row["app_id"]),
        variant_id=ShoplineVariantId(row["variant_id"]),
        on_hand=row["on_hand"],
        on_hand_version=row["on_hand_version"],
        safety_stock=row["safety_stock"],
        committed=row["committed"],
        reservations=(
            Reservation(
                key=ReservationKey(ShopId(r["shop_id"]), OrderId(r["order_id"]), ChannelSkuId(r["sku_id"])),
                quantity=r["quantity"],
                state=ReservationState(r["state"]),
                reserved_at=r["reserved_at"],
                finished_at=r["finished_at"],
            )
            for r in sorted(reservations, key=lambda r: (r["shop_id"], r["order_id"], r["sku_id"]))
        ),
        linked_skus=(
            LinkedSku(
                ChannelSkuId(s["sku_id"]),
                ShopId(s["shop_id"]),
                s["cap"],
                None if s["product_id"] is None else ChannelProductId(s["product_id"]),
            )
            for s in sorted(links, key=lambda s: s["sku_id"])
        ),
    )


def push_state_rows(pool: InventoryPool, wanted: Mapping[ChannelSkuId, int]) -> list[dict[str, Any]]:
    """Pending ``inventory_push_states`` rows for the linked SKUs whose quantity to show changed."""
    links = pool.linked_skus
    return [
        {
            "pool_id": pool.id,
            "sku_id": sku_id,
            "app_id": pool.app_id,
            "shop_id": links[sku_id].shop_id,
            "product_id": links[sku_id].product_id,
            "desired": quantity,
            "desired_seq": 1,
            "pushed": None,
            "pushed_at": None,
            "result": PushResult.PENDING.value,
            "error": "",
            "failures": 0,
            "next_attempt_at": None,
            "lease_owner": None,
            "lease_until": None,
        }
        for sku_id, quantity in sorted(wanted.items())
    ]
