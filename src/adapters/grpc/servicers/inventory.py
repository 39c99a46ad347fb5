"""InventoryService: shared inventory pools, translated to and from protobuf."""

from __future__ import annotations

from grpc import aio

from adapters.grpc.inventory_mappers import cap_changes_from_proto, pool_view_to_proto
from adapters.grpc.mappers import task_to_proto
from adapters.grpc.names import parse_app_name, parse_inventory_pool_name, parse_request_id
from adapters.grpc.paging import PageTokenCodec
from domain.errors import InvalidArgument
from domain.ports import PoolFilter
from multichannel.v1 import inventory_pb2, inventory_pb2_grpc
from services.inventory.pools import InventoryPools


class InventoryServicer(inventory_pb2_grpc.InventoryServiceServicer):
    def __init__(self, pools: InventoryPools, page_tokens: PageTokenCodec) -> None:
        self._pools = pools
        self._page_tokens = page_tokens

    async def ListInventoryPools(
        self, request: inventory_pb2.ListInventoryPoolsRequest, context: aio.ServicerContext
    ) -> inventory_pb2.ListInventoryPoolsResponse:
        app_id = parse_app_name(request.parent, "parent")
        threshold = request.low_stock_threshold if request.HasField("low_stock_threshold") else None
        if threshold is not None and threshold < 0:
            raise InvalidArgument("low_stock_threshold", "must be zero or more")
        pool_filter = PoolFilter(request.oversold_only, threshold, request.unlinked_only)
        paging = self._page_tokens.open(
            request.page_size,
            request.page_token,
            "ListInventoryPools",
            request.parent,
            request.oversold_only,
            threshold,
            request.unlinked_only,
        )
        page = await self._pools.list_pools(app_id, pool_filter, page_size=paging.size, after=paging.after)
        return inventory_pb2.ListInventoryPoolsResponse(
            inventory_pools=[pool_view_to_proto(view) for view in page.items],
            next_page_token=paging.next_token(page.next_cursor),
        )

    async def GetInventoryPool(
        self, request: inventory_pb2.GetInventoryPoolRequest, context: aio.ServicerContext
    ) -> inventory_pb2.GetInventoryPoolResponse:
        view = await self._pools.get_pool(*parse_inventory_pool_name(request.name))
        return inventory_pb2.GetInventoryPoolResponse(inventory_pool=pool_view_to_proto(view))

    async def UpdateInventoryPool(
        self, request: inventory_pb2.UpdateInventoryPoolRequest, context: aio.ServicerContext
    ) -> inventory_pb2.UpdateInventoryPoolResponse:
        app_id, variant_id = parse_inventory_pool_name(request.inventory_pool.name, "inventory_pool.name")
        paths = list(request.update_mask.paths)
        caps = cap_changes_from_proto(app_id, request.inventory_pool) if "channel_skus" in paths else []
        view = await self._pools.update_pool(
            app_id,
            variant_id,
            safety_stock=request.inventory_pool.safety_stock,
            caps=caps,
            update_mask=paths,
            request_id=parse_request_id(request.request_id),
        )
        return inventory_pb2.UpdateInventoryPoolResponse(inventory_pool=pool_view_to_proto(view))

    async def PushInventory(
        self, request: inventory_pb2.PushInventoryRequest, context: aio.ServicerContext
    ) -> inventory_pb2.PushInventoryResponse:
        if "/inventoryPools/" in request.parent:
            app_id, variant_id = parse_inventory_pool_name(request.parent, "parent")
        else:
            app_id, variant_id = parse_app_name(request.parent, "parent"), None
        task = await self._pools.start_push(app_id, variant_id, parse_request_id(request.request_id))
        return inventory_pb2.PushInventoryResponse(task=task_to_proto(task))
