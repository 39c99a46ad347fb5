"""AppService: thin translation between protobuf and the app use cases."""

from __future__ import annotations

from grpc import aio

from adapters.grpc.access.caller import note_resource, visible_apps
from adapters.grpc.mappers import app_settings_from_proto, app_to_proto, app_view_to_proto, timestamp
from adapters.grpc.names import parse_app_name, parse_request_id
from adapters.grpc.paging import PageTokenCodec
from domain.errors import InvalidArgument
from multichannel.v1 import app_pb2, app_pb2_grpc
from services.apps.installation import Installation
from services.apps.queries import AppQueries
from services.apps.settings import AppSettingsUpdates


class AppServicer(app_pb2_grpc.AppServiceServicer):
    def __init__(
        self,
        queries: AppQueries,
        installation: Installation,
        settings_updates: AppSettingsUpdates,
        page_tokens: PageTokenCodec,
    ) -> None:
        self._queries = queries
        self._installation = installation
        self._settings_updates = settings_updates
        self._page_tokens = page_tokens

    async def StartInstallation(
        self, request: app_pb2.StartInstallationRequest, context: aio.ServicerContext
    ) -> app_pb2.StartInstallationResponse:
        if not request.store_handle:
            raise InvalidArgument("store_handle", "is required")
        started = await self._installation.start(request.store_handle, request.redirect_uri)
        return app_pb2.StartInstallationResponse(
            authorization_url=started.authorization_url,
            state=started.state,
            expire_time=timestamp(started.expires_at),
        )

    async def CompleteInstallation(
        self, request: app_pb2.CompleteInstallationRequest, context: aio.ServicerContext
    ) -> app_pb2.CompleteInstallationResponse:
        # The callback's parameters under SHOPLINE's own names, as the signature covers them.
        params = dict(request.other_parameters)
        params.update(
            appkey=request.app_key,
            code=request.code,
            handle=request.handle,
            timestamp=request.timestamp,
            sign=request.sign,
            customField=request.state,
        )
        if request.lang:
            params["lang"] = request.lang
        outcome = await self._installation.complete(params)
        app = app_to_proto(outcome.app)
        note_resource(app.name)
        app.installation_state = app_pb2.INSTALLATION_STATE_INSTALLED
        app.token_expire_time.CopyFrom(timestamp(outcome.token_expires_at))
        app.granted_scopes.extend(outcome.granted_scopes)
        return app_pb2.CompleteInstallationResponse(app=app, created=outcome.created)

    async def GetApp(
        self, request: app_pb2.GetAppRequest, context: aio.ServicerContext
    ) -> app_pb2.GetAppResponse:
        view = await self._queries.get_app(parse_app_name(request.name))
        return app_pb2.GetAppResponse(app=app_view_to_proto(view))

    async def ListApps(
        self, request: app_pb2.ListAppsRequest, context: aio.ServicerContext
    ) -> app_pb2.ListAppsResponse:
        paging = self._page_tokens.open(
            request.page_size, request.page_token, "ListApps", request.store_handle
        )
        page = await self._queries.list_apps(
            page_size=paging.size,
            after=paging.after,
            store_handle=request.store_handle or None,
            only=visible_apps(),
        )
        return app_pb2.ListAppsResponse(
            apps=[app_view_to_proto(view) for view in page.items],
            next_page_token=paging.next_token(page.next_cursor),
        )

    async def UpdateApp(
        self, request: app_pb2.UpdateAppRequest, context: aio.ServicerContext
    ) -> app_pb2.UpdateAppResponse:
        app_id = parse_app_name(request.app.name, "app.name")
        paths = list(request.update_mask.paths)
        settings = app_settings_from_proto(request.app.settings, paths)
        request_id = parse_request_id(request.request_id)
        app = await self._settings_updates.update_app(app_id, settings, paths, request_id)
        return app_pb2.UpdateAppResponse(app=app_to_proto(app))
