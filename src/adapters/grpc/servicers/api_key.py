"""ApiKeyService: key management for admins, translated to and from protobuf."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from grpc import aio

from adapters.grpc.access.caller import note_resource
from adapters.grpc.mappers import timestamp
from adapters.grpc.names import parse_app_name
from adapters.grpc.paging import PageTokenCodec
from domain.api_key import ApiKey, KeyState, Role
from domain.errors import InvalidArgument
from multichannel.v1 import api_key_pb2, api_key_pb2_grpc
from services.access.keys import ApiKeys

_NAME = re.compile(r"apiKeys/([A-Za-z0-9][A-Za-z0-9_-]{0,63})")
_SHOWN_PREFIX = re.compile(r"mcc_[0-9a-f]{10}")
MAX_TTL = timedelta(days=3650)
_LATEST = datetime(9999, 12, 31, tzinfo=UTC)

ROLES = {
    api_key_pb2.API_KEY_ROLE_READER: Role.READER,
    api_key_pb2.API_KEY_ROLE_OPERATOR: Role.OPERATOR,
    api_key_pb2.API_KEY_ROLE_ADMIN: Role.ADMIN,
}
_ROLE_VALUES = {role: value for value, role in ROLES.items()}
_STATES = {
    KeyState.ACTIVE: api_key_pb2.API_KEY_STATE_ACTIVE,
    KeyState.EXPIRED: api_key_pb2.API_KEY_STATE_EXPIRED,
    KeyState.REVOKED: api_key_pb2.API_KEY_STATE_REVOKED,
}


def api_key_name(key: ApiKey) -> str:
    return f"apiKeys/{key.id}"


class ApiKeyServicer(api_key_pb2_grpc.ApiKeyServiceServicer):
    def __init__(self, keys: ApiKeys, page_tokens: PageTokenCodec) -> None:
        self._keys = keys
        self._page_tokens = page_tokens

    async def CreateApiKey(
        self, request: api_key_pb2.CreateApiKeyRequest, context: aio.ServicerContext
    ) -> api_key_pb2.CreateApiKeyResponse:
        wanted = request.api_key
        role = ROLES.get(wanted.role)
        if role is None:
            raise InvalidArgument("api_key.role", "is required: READER, OPERATOR or ADMIN")
        apps = frozenset(parse_app_name(app, "api_key.apps") for app in wanted.apps) or None
        issued = await self._keys.create(
            role,
            apps,
            valid_for=_ttl(request) if request.HasField("ttl") else None,
            expires_at=_expire_time(wanted) if wanted.HasField("expire_time") else None,
            certificate_subject=wanted.certificate_subject or None,
        )
        return api_key_pb2.CreateApiKeyResponse(
            api_key=self._to_proto(issued.key),
            key="" if issued.secret is None else issued.secret.reveal(),
        )

    async def ListApiKeys(
        self, request: api_key_pb2.ListApiKeysRequest, context: aio.ServicerContext
    ) -> api_key_pb2.ListApiKeysResponse:
        paging = self._page_tokens.open(request.page_size, request.page_token, "ListApiKeys")
        page = await self._keys.list_keys(page_size=paging.size, after=paging.after)
        return api_key_pb2.ListApiKeysResponse(
            api_keys=[self._to_proto(key) for key in page.items],
            next_page_token=paging.next_token(page.next_cursor),
        )

    async def GetApiKey(
        self, request: api_key_pb2.GetApiKeyRequest, context: aio.ServicerContext
    ) -> api_key_pb2.GetApiKeyResponse:
        key = await self._keys.get(_reference(request.name))
        return api_key_pb2.GetApiKeyResponse(api_key=self._to_proto(key))

    async def RevokeApiKey(
        self, request: api_key_pb2.RevokeApiKeyRequest, context: aio.ServicerContext
    ) -> api_key_pb2.RevokeApiKeyResponse:
        key = await self._keys.revoke(_reference(request.name))
        note_resource(api_key_name(key))
        return api_key_pb2.RevokeApiKeyResponse(api_key=self._to_proto(key))

    def _to_proto(self, key: ApiKey) -> api_key_pb2.ApiKey:
        return api_key_pb2.ApiKey(
            name=api_key_name(key),
            prefix=key.display_prefix,
            role=_ROLE_VALUES[key.role],
            apps=sorted(f"apps/{app}" for app in key.apps or ()),
            create_time=timestamp(key.created_at),
            expire_time=timestamp(key.expires_at),
            revoke_time=timestamp(key.revoked_at),
            last_use_time=timestamp(key.last_used_at),
            state=_STATES[self._keys.state(key)],
            certificate_subject=key.certificate_subject or "",
        )


def _reference(name: str) -> str:
    """The key's id from ``apiKeys/{id}``, or its prefix as shown (``mcc_...``)."""
    if matched := _NAME.fullmatch(name):
        return matched[1]
    if _SHOWN_PREFIX.fullmatch(name):
        return name
    raise InvalidArgument("name", "must be apiKeys/{api_key} or a key prefix (mcc_ and 10 hex digits)")


def _ttl(request: api_key_pb2.CreateApiKeyRequest) -> timedelta:
    seconds = request.ttl.seconds
    if not 0 < seconds <= MAX_TTL.total_seconds():
        raise InvalidArgument("ttl", f"must be more than 0 and at most {MAX_TTL.days} days")
    return timedelta(seconds=seconds)


def _expire_time(key: api_key_pb2.ApiKey) -> datetime:
    seconds = key.expire_time.seconds
    if not 0 <= seconds <= _LATEST.timestamp():
        raise InvalidArgument("api_key.expire_time", "must be a time between 1970 and 9999")
    return datetime.fromtimestamp(seconds, UTC)
