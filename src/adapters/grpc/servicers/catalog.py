"""CatalogService: products, SKU links, price rules and the auto-link and price-sync tasks."""

from __future__ import annotations

from grpc import aio

from adapters.grpc.catalog_mappers import (
    price_rule_changes_from_proto,
    price_rule_view_to_proto,
    product_filter_from_proto,
    product_view_to_proto,
    sku_view_to_proto,
)
from adapters.grpc.mappers import task_to_proto
from adapters.grpc.names import (
    parse_app_name,
    parse_price_rule_name,
    parse_product_name,
    parse_request_id,
    parse_shop_name,
    parse_sku_name,
)
from adapters.grpc.paging import PageTokenCodec
from domain.errors import InvalidArgument, quoted
from domain.ids import AppId, ChannelProductId, ChannelSkuId, ShopId, ShoplineVariantId
from multichannel.v1 import catalog_pb2, catalog_pb2_grpc
from services.catalog.products import CatalogQueries, ManualLinks, PriceRules
from services.catalog.tasks import CatalogTasks

VARIANT_ID_MAX = 64

SkuRef = tuple[AppId, ShopId, ChannelProductId, ChannelSkuId]


class CatalogServicer(catalog_pb2_grpc.CatalogServiceServicer):
    def __init__(
        self,
        queries: CatalogQueries,
        links: ManualLinks,
        price_rules: PriceRules,
        tasks: CatalogTasks,
        page_tokens: PageTokenCodec,
    ) -> None:
        self._queries = queries
        self._links = links
        self._price_rules = price_rules
        self._tasks = tasks
        self._page_tokens = page_tokens

    async def ListProducts(
        self, request: catalog_pb2.ListProductsRequest, context: aio.ServicerContext
    ) -> catalog_pb2.ListProductsResponse:
        app_id, shop_id = parse_shop_name(request.parent, "parent")
        product_filter = product_filter_from_proto(request)
        paging = self._page_tokens.open(
            request.page_size,
            request.page_token,
            "ListProducts",
            request.parent,
            request.status,
            request.link_state,
            request.seller_sku,
        )
        page = await self._queries.list_products(
            app_id, shop_id, page_size=paging.size, after=paging.after, filter=product_filter
        )
        return catalog_pb2.ListProductsResponse(
            products=[product_view_to_proto(view) for view in page.items],
            next_page_token=paging.next_token(page.next_cursor),
        )

    async def GetProduct(
        self, request: catalog_pb2.GetProductRequest, context: aio.ServicerContext
    ) -> catalog_pb2.GetProductResponse:
        view = await self._queries.get_product(*parse_product_name(request.name))
        return catalog_pb2.GetProductResponse(product=product_view_to_proto(view))

    async def LinkSku(
        self, request: catalog_pb2.LinkSkuRequest, context: aio.ServicerContext
    ) -> catalog_pb2.LinkSkuResponse:
        ref = _sku_ref(request.sku, request.product, request.sku_id)
        if not request.shopline_variant_id:
            raise InvalidArgument("shopline_variant_id", "is required")
        if len(request.shopline_variant_id) > VARIANT_ID_MAX:
            raise InvalidArgument("shopline_variant_id", f"must be at most {VARIANT_ID_MAX} characters")
        request_id = parse_request_id(request.request_id)
        view = await self._links.link(*ref, ShoplineVariantId(request.shopline_variant_id), request_id)
        return catalog_pb2.LinkSkuResponse(sku=sku_view_to_proto(ref[0], ref[1], ref[2], view))

    async def UnlinkSku(
        self, request: catalog_pb2.UnlinkSkuRequest, context: aio.ServicerContext
    ) -> catalog_pb2.UnlinkSkuResponse:
        ref = _sku_ref(request.sku, request.product, request.sku_id)
        view = await self._links.unlink(*ref, parse_request_id(request.request_id))
        return catalog_pb2.UnlinkSkuResponse(sku=sku_view_to_proto(ref[0], ref[1], ref[2], view))

    async def AutoLinkSkus(
        self, request: catalog_pb2.AutoLinkSkusRequest, context: aio.ServicerContext
    ) -> catalog_pb2.AutoLinkSkusResponse:
        if "/shops/" in request.parent:
            app_id, shop_id = parse_shop_name(request.parent, "parent")
            task = await self._tasks.start_auto_link(app_id, shop_id, parse_request_id(request.request_id))
        else:
            app_id = parse_app_name(request.parent, "parent")
            task = await self._tasks.start_auto_link(app_id, None, parse_request_id(request.request_id))
        return catalog_pb2.AutoLinkSkusResponse(task=task_to_proto(task))

    async def SyncPrices(
        self, request: catalog_pb2.SyncPricesRequest, context: aio.ServicerContext
    ) -> catalog_pb2.SyncPricesResponse:
        app_id, shop_id = parse_shop_name(request.parent, "parent")
        task = await self._tasks.start_price_sync(app_id, shop_id, parse_request_id(request.request_id))
        return catalog_pb2.SyncPricesResponse(task=task_to_proto(task))

    async def GetPriceRule(
        self, request: catalog_pb2.GetPriceRuleRequest, context: aio.ServicerContext
    ) -> catalog_pb2.GetPriceRuleResponse:
        view = await self._price_rules.get(*parse_price_rule_name(request.name))
        return catalog_pb2.GetPriceRuleResponse(price_rule=price_rule_view_to_proto(view))

    async def UpdatePriceRule(
        self, request: catalog_pb2.UpdatePriceRuleRequest, context: aio.ServicerContext
    ) -> catalog_pb2.UpdatePriceRuleResponse:
        app_id, shop_id = parse_price_rule_name(request.price_rule.name, "price_rule.name")
        paths = [path.strip() for path in request.update_mask.paths]
        changes = price_rule_changes_from_proto(request.price_rule, paths)
        request_id = parse_request_id(request.request_id)
        view = await self._price_rules.update(app_id, shop_id, changes, paths, request_id)
        return catalog_pb2.UpdatePriceRuleResponse(price_rule=price_rule_view_to_proto(view))


def _sku_ref(sku: str, product: str, sku_id: str) -> SkuRef:
    """The SKU named either by ``sku`` or by ``product`` and ``sku_id``, never both."""
    if sku and (product or sku_id):
        raise InvalidArgument("sku", "give either sku, or product and sku_id, not both")
    if sku:
        return parse_sku_name(sku, "sku")
    if not product and not sku_id:
        raise InvalidArgument("sku", "is required (or product and sku_id)")
    app_id, shop_id, product_id = parse_product_name(product, "product")
    if not sku_id:
        raise InvalidArgument("sku_id", "is required with product")
    if len(sku_id) > 64 or not sku_id.replace("-", "").replace("_", "").isalnum():
        raise InvalidArgument("sku_id", f"{quoted(sku_id)} is not a TikTok SKU id")
    return app_id, shop_id, product_id, ChannelSkuId(sku_id)
