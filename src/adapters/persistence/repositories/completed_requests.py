"""Completed client requests, keyed by (app, request id)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import upsert_insert
from adapters.persistence.tables import completed_requests
from domain.errors import RequestIdReused, StaleWrite
from domain.ids import AppId
from domain.ports import CompletedRequest


class SqlAlchemyCompletedRequests:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self, app_id: AppId, request_id: str) -> CompletedRequest | None:
        query = select(completed_requests).where(
            completed_requests.c.app_id == app_id, completed_requests.c.request_id == request_id
        )
        row = (await self._session.execute(query)).mappings().first()
        if row is None:
            return None
        return CompletedRequest(
            AppId(row["app_id"]),
            row["request_id"],
            row["operation"],
            row["subject"],
            row["completed_at"],
            row["result"],
        )

    async def record(self, request: CompletedRequest) -> None:
        # A concurrent first call with the same id waits on the key, then finds it taken.
        statement = (
            upsert_insert(self._session, completed_requests)
            .values(
                app_id=request.app_id,
                request_id=request.request_id,
                operation=request.operation,
                subject=request.subject,
                completed_at=request.completed_at,
                result=request.result,
            )
            .on_conflict_do_nothing(
                index_elements=[completed_requests.c.app_id, completed_requests.c.request_id]
            )
        )
        await self._session.execute(statement)
        held = await self.find(request.app_id, request.request_id)
        if held is None or (held.operation, held.subject) != (request.operation, request.subject):
            raise RequestIdReused()
        if held.result != request.result:
            raise StaleWrite(f"requests/{request.request_id}", "recorded by a concurrent call")
