"""AppService: thin translation between protobuf and the app use cases."""

from __future__ import annotations

from grpc import aio

from adapters.grpc.errors import CapabilityNotReleased
from adapters.grpc.mappers import app_to_proto
from adapters.grpc.names import parse_app_name
from adapters.grpc.paging import PageTokenCodec, fingerprint, page_size
from multichannel.v1 import app_pb2, app_pb2_grpc
from services.apps import AppQueries

INSTALLATION = "SHOPLINE app installation"


class AppServicer(app_pb2_grpc.AppServiceServicer):
    def __init__(self, queries: AppQueries, page_tokens: PageTokenCodec) -> None:
        self._queries = queries
        self._page_tokens = page_tokens

    async def GetApp(
        self, request: app_pb2.GetAppRequest, context: aio.ServicerContext
    ) -> app_pb2.GetAppResponse:
        app = await self._queries.get_app(parse_app_name(request.name))
        return app_pb2.GetAppResponse(app=app_to_proto(app))

    async def ListApps(
        self, request: app_pb2.ListAppsRequest, context: aio.ServicerContext
    ) -> app_pb2.ListAppsResponse:
        size = page_size(request.page_size)
        request_fingerprint = fingerprint("ListApps", request.store_handle)
        after = self._page_tokens.decode(request.page_token, fingerprint=request_fingerprint)
        page = await self._queries.list_apps(
            page_size=size, after=after, store_handle=request.store_handle or None
        )
        return app_pb2.ListAppsResponse(
            apps=[app_to_proto(app) for app in page.items],
            next_page_token=self._page_tokens.encode(page.next_cursor, fingerprint=request_fingerprint),
        )

    async def StartInstallation(self, request: object, context: aio.ServicerContext) -> object:
        raise CapabilityNotReleased(INSTALLATION)

    async def CompleteInstallation(self, request: object, context: aio.ServicerContext) -> object:
        raise CapabilityNotReleased(INSTALLATION)

    async def UpdateApp(self, request: object, context: aio.ServicerContext) -> object:
        raise CapabilityNotReleased("app settings")
