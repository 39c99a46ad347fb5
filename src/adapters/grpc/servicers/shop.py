"""ShopService: authorization and shop management, translated to and from protobuf."""

from __future__ import annotations

from grpc import aio

from adapters.grpc.access.caller import visible_apps
from adapters.grpc.mappers import shop_status_from_proto, shop_view_to_proto, skipped_shop_to_proto, timestamp
from adapters.grpc.names import parse_app_name, parse_request_id, parse_shop_name, task_name
from adapters.grpc.paging import PageTokenCodec
from domain.errors import InvalidArgument
from multichannel.v1 import shop_pb2, shop_pb2_grpc
from services.shops.authorization import ShopAuthorization
from services.shops.management import ShopManagement


class ShopServicer(shop_pb2_grpc.ShopServiceServicer):
    def __init__(
        self, authorization: ShopAuthorization, shops: ShopManagement, page_tokens: PageTokenCodec
    ) -> None:
        self._authorization = authorization
        self._shops = shops
        self._page_tokens = page_tokens

    async def StartAuthorization(
        self, request: shop_pb2.StartAuthorizationRequest, context: aio.ServicerContext
    ) -> shop_pb2.StartAuthorizationResponse:
        app_id = parse_app_name(request.parent, "parent")
        if not request.region_code:
            raise InvalidArgument("region_code", "is required (SG, MY, JP, GB or UK, US)")
        shop_id = None
        if request.shop:
            shop_app, shop_id = parse_shop_name(request.shop, "shop")
            if shop_app != app_id:
                raise InvalidArgument("shop", "must be a shop of the parent app")
        started = await self._authorization.start(
            app_id, request.region_code, request.display_name or None, shop_id
        )
        return shop_pb2.StartAuthorizationResponse(
            authorization_url=started.authorization_url,
            state=started.state,
            expire_time=timestamp(started.expires_at),
        )

    async def CompleteAuthorization(
        self, request: shop_pb2.CompleteAuthorizationRequest, context: aio.ServicerContext
    ) -> shop_pb2.CompleteAuthorizationResponse:
        app_id = parse_app_name(request.parent, "parent") if request.parent else None
        if app_id is None and visible_apps() is not None:
            # Only the state would name the app, and this caller may not act on every app.
            raise InvalidArgument("parent", "is required with a key limited to some apps")
        for field in ("state", "code"):
            if not getattr(request, field):
                raise InvalidArgument(field, "is required")
        outcome = await self._authorization.complete(request.state, request.code, app_id)
        return shop_pb2.CompleteAuthorizationResponse(
            shops=[shop_view_to_proto(linked.view) for linked in outcome.linked],
            skipped_shops=[skipped_shop_to_proto(skipped) for skipped in outcome.skipped],
            # Every linked shop belongs to the app the authorization was started for.
            history_import_tasks=[
                task_name(outcome.linked[0].view.shop.app_id, task_id)
                for task_id in outcome.history_import_tasks
            ],
        )

    async def ListShops(
        self, request: shop_pb2.ListShopsRequest, context: aio.ServicerContext
    ) -> shop_pb2.ListShopsResponse:
        app_id = parse_app_name(request.parent, "parent")
        status = shop_status_from_proto(request.status)
        paging = self._page_tokens.open(
            request.page_size, request.page_token, "ListShops", request.parent, request.status
        )
        page = await self._shops.list_shops(app_id, page_size=paging.size, after=paging.after, status=status)
        return shop_pb2.ListShopsResponse(
            shops=[shop_view_to_proto(view) for view in page.items],
            next_page_token=paging.next_token(page.next_cursor),
        )

    async def GetShop(
        self, request: shop_pb2.GetShopRequest, context: aio.ServicerContext
    ) -> shop_pb2.GetShopResponse:
        view = await self._shops.get_shop(*parse_shop_name(request.name))
        return shop_pb2.GetShopResponse(shop=shop_view_to_proto(view))

    async def UpdateShop(
        self, request: shop_pb2.UpdateShopRequest, context: aio.ServicerContext
    ) -> shop_pb2.UpdateShopResponse:
        app_id, shop_id = parse_shop_name(request.shop.name, "shop.name")
        view = await self._shops.update_shop(
            app_id,
            shop_id,
            display_name=request.shop.display_name,
            update_mask=list(request.update_mask.paths),
            request_id=parse_request_id(request.request_id),
        )
        return shop_pb2.UpdateShopResponse(shop=shop_view_to_proto(view))

    async def DeleteShop(
        self, request: shop_pb2.DeleteShopRequest, context: aio.ServicerContext
    ) -> shop_pb2.DeleteShopResponse:
        app_id, shop_id = parse_shop_name(request.name)
        await self._shops.delete_shop(app_id, shop_id, parse_request_id(request.request_id))
        return shop_pb2.DeleteShopResponse()
