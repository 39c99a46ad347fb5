"""Client channels that send an API key on every call, so tests need not think about it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from grpc import aio

from domain.api_key import Role


class _WithKey:
    def __init__(self, key: str) -> None:
        self._metadata = ("authorization", f"Bearer {key}")

    def _details(self, details: aio.ClientCallDetails) -> aio.ClientCallDetails:
        metadata = aio.Metadata(*(details.metadata or ()))
        if "authorization" not in metadata:
            metadata.add(*self._metadata)
        return aio.ClientCallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
        )


class _UnaryUnary(_WithKey, aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(self, continuation, details, request):  # type: ignore[no-untyped-def]
        return await continuation(self._details(details), request)


class _UnaryStream(_WithKey, aio.UnaryStreamClientInterceptor):
    async def intercept_unary_stream(self, continuation, details, request):  # type: ignore[no-untyped-def]
        return await continuation(self._details(details), request)


class _StreamUnary(_WithKey, aio.StreamUnaryClientInterceptor):
    async def intercept_stream_unary(self, continuation, details, requests):  # type: ignore[no-untyped-def]
        return await continuation(self._details(details), requests)


class _StreamStream(_WithKey, aio.StreamStreamClientInterceptor):
    async def intercept_stream_stream(self, continuation, details, requests):  # type: ignore[no-untyped-def]
        return await continuation(self._details(details), requests)


def key_interceptors(key: str) -> Sequence[aio.ClientInterceptor]:
    return [_UnaryUnary(key), _UnaryStream(key), _StreamUnary(key), _StreamStream(key)]


def channel_with_key(target: str, key: str | None, **options: Any) -> aio.Channel:
    """A plaintext channel to ``target`` sending ``key`` (none: no key) on every call."""
    interceptors = key_interceptors(key) if key is not None else None
    return aio.insecure_channel(target, interceptors=interceptors, **options)


async def issue_key(
    container: Any, role: Role = Role.ADMIN, apps: frozenset[Any] | None = None, **options: Any
) -> str:
    """A new key made through the service's own key management; returns the key itself."""
    issued = await container.api.api_keys().create(role, apps, **options)
    assert issued.secret is not None
    return str(issued.secret.reveal())
