"""The composition root: the one dependency-injector container that picks every adapter."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import AsyncIterator

from dependency_injector import containers, providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.grpc.api import api_bindings
from adapters.grpc.paging import PageTokenCodec
from adapters.grpc.server import create_server
from adapters.grpc.servicers.app import AppServicer
from adapters.persistence.engine import create_engine, session_factory
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from adapters.settings import Settings
from adapters.system import SystemClock, UuidIdGenerator
from services.apps import AppQueries


async def _disposed_at_shutdown(engine: AsyncEngine) -> AsyncIterator[None]:
    # The engine itself is a plain singleton (so dependents stay synchronous); this resource only
    # closes its pool when the container shuts down.
    try:
        yield None
    finally:
        await engine.dispose()


def _page_token_key(settings: Settings) -> bytes:
    # Derived from the token key so page tokens survive restarts; random when no key is configured.
    if settings.token_key is not None:
        return hashlib.sha256(b"mcc page token key\x00" + settings.token_key).digest()
    return secrets.token_bytes(32)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    id_generator = providers.Singleton(UuidIdGenerator)

    engine = providers.Singleton(create_engine, settings.provided.database_url)
    engine_lifecycle = providers.Resource(_disposed_at_shutdown, engine)
    sessions = providers.Singleton(session_factory, engine)
    unit_of_work = providers.Factory(SqlAlchemyUnitOfWork, sessions)

    page_tokens = providers.Singleton(PageTokenCodec, key=providers.Callable(_page_token_key, settings))

    app_queries = providers.Factory(AppQueries, unit_of_work=unit_of_work.provider)
    app_servicer = providers.Factory(AppServicer, queries=app_queries, page_tokens=page_tokens)

    service_bindings = providers.Callable(api_bindings, app_servicer=app_servicer)
    grpc_server = providers.Coroutine(
        create_server,
        bindings=service_bindings,
        address=settings.provided.listen,
        max_message_bytes=settings.provided.max_message_bytes,
    )


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    container.check_dependencies()
    return container
