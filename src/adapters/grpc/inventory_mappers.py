"""Inventory pools to and from protobuf."""

from __future__ import annotations

from adapters.grpc.mappers import timestamp
from adapters.grpc.names import inventory_pool_name, parse_sku_name, shop_name, sku_name
from domain.errors import InvalidArgument
from domain.ids import AppId, ChannelSkuId
from domain.stock_push import PushResult
from multichannel.v1 import inventory_pb2
from services.inventory.pools import CapChange, PoolView

_RESULTS = {
    PushResult.PENDING: inventory_pb2.PUSH_RESULT_PENDING,
    PushResult.SUCCEEDED: inventory_pb2.PUSH_RESULT_SUCCEEDED,
    PushResult.FAILED: inventory_pb2.PUSH_RESULT_FAILED,
}


def pool_view_to_proto(view: PoolView) -> inventory_pb2.InventoryPool:
    pool = view.pool
    skus = []
    for link in sorted(pool.linked_skus.values(), key=lambda s: (s.shop_id, s.sku_id)):
        push = view.pushes.get(link.sku_id)
        product_id = link.product_id or (push.product_id if push else None) or ""
        skus.append(
            inventory_pb2.ChannelSkuStock(
                sku=sku_name(pool.app_id, link.shop_id, product_id or "-", link.sku_id),
                shop=shop_name(pool.app_id, link.shop_id),
                tiktok_product_id=product_id,
                tiktok_sku_id=link.sku_id,
                cap=link.cap,
                pushed_quantity=(push.pushed or 0) if push else 0,
                last_push_time=timestamp(push.pushed_at) if push else None,
                last_push_result=_RESULTS[push.result] if push else inventory_pb2.PUSH_RESULT_UNSPECIFIED,
                last_push_error=push.error if push else "",
            )
        )
    variant = view.variant
    return inventory_pb2.InventoryPool(
        name=inventory_pool_name(pool.app_id, pool.variant_id),
        shopline_variant_id=pool.variant_id,
        shopline_sku=variant.sku if variant else "",
        title=variant.title if variant else "",
        on_hand=pool.on_hand,
        held=pool.held,
        committed=pool.committed,
        safety_stock=pool.safety_stock,
        available=pool.available,
        oversold=pool.oversold > 0,
        oversold_quantity=pool.oversold,
        on_hand_version_time=timestamp(pool.on_hand_version),
        channel_skus=skus,
    )


def cap_changes_from_proto(app_id: AppId, message: inventory_pb2.InventoryPool) -> list[CapChange]:
    changes = []
    seen: set[ChannelSkuId] = set()
    for index, entry in enumerate(message.channel_skus):
        field = f"inventory_pool.channel_skus[{index}]"
        sku_app, _shop, _product, sku_id = parse_sku_name(entry.sku, f"{field}.sku")
        if sku_app != app_id:
            raise InvalidArgument(f"{field}.sku", "must be a SKU of the pool's app")
        if sku_id in seen:
            raise InvalidArgument(f"{field}.sku", "is listed twice")
        seen.add(sku_id)
        changes.append(CapChange(sku_id, entry.cap if entry.HasField("cap") else None, field))
    return changes
