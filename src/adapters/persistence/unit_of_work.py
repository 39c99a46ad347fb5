"""SQLAlchemy unit of work: one session and transaction per ``async with`` block.

Events recorded by aggregates that passed through the repositories are handed to the
publisher only after the commit succeeded.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.persistence.repositories.apps import SqlAlchemyAppRepository
from domain.events import DomainEvent
from domain.ports import EventPublisher


class SqlAlchemyUnitOfWork:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], publisher: EventPublisher | None = None
    ) -> None:
        self._sessions = sessions
        self._publisher = publisher
        self._session: AsyncSession | None = None
        self._apps: SqlAlchemyAppRepository | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `async with` block")
        return self._session

    @property
    def apps(self) -> SqlAlchemyAppRepository:
        if self._apps is None:
            self._apps = SqlAlchemyAppRepository(self.session)
        return self._apps

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        await self._session.begin()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._session is not None and self._session.in_transaction():
                await self._session.rollback()
        finally:
            if self._session is not None:
                await self._session.close()
            self._session = None
            self._apps = None

    async def commit(self) -> None:
        events = self._pull_events()
        await self.session.commit()
        await self.session.begin()
        if events and self._publisher is not None:
            await self._publisher.publish(events)

    async def rollback(self) -> None:
        self._pull_events()  # recorded changes are void
        await self.session.rollback()
        await self.session.begin()

    def _repositories(self) -> Sequence[Any]:
        return [repo for repo in (self._apps,) if repo is not None]

    def _pull_events(self) -> list[DomainEvent]:
        events: list[DomainEvent] = []
        for repository in self._repositories():
            for aggregate in repository.seen.values():
                events.extend(aggregate.pull_events())
        return events
