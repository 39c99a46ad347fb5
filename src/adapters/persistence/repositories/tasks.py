"""Tasks: counts, progress, checkpoint, lease and last errors in one row."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import Keyset, limit_for, rowcount, versioned_update
from adapters.persistence.repositories.seen import Seen
from adapters.persistence.tables import tasks
from domain.errors import InvalidArgument, TaskAlreadyExists, TaskNotFound
from domain.ids import AppId, ShopId, TaskId
from domain.paging import Page
from domain.task import Lease, Task, TaskCounts, TaskError, TaskKind, TaskState


class SqlAlchemyTaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._versions: dict[TaskId, int] = {}
        self.seen: Seen[Task] = Seen()

    async def get(self, task_id: TaskId) -> Task:
        found = await self._load(tasks.c.id == task_id)
        if not found:
            raise TaskNotFound(f"tasks/{task_id}")
        return found[0]

    async def add(self, task: Task) -> None:
        if (await self._session.execute(select(tasks.c.id).where(tasks.c.id == task.id))).first():
            raise TaskAlreadyExists(f"tasks/{task.id}")
        try:
            await self._session.execute(insert(tasks).values(**task_to_row(task), version=1))
        except IntegrityError:
            raise TaskAlreadyExists(f"tasks/{task.id}") from None
        self._remember(task, 1)

    async def update(self, task: Task) -> None:
        version = await versioned_update(
            self._session,
            tasks,
            tasks.c.id == task.id,
            self._versions.get(task.id),
            task_to_row(task),
            subject=f"tasks/{task.id}",
            not_found=TaskNotFound(f"tasks/{task.id}"),
        )
        self._remember(task, version)

    async def delete(self, task_id: TaskId) -> None:
        result = await self._session.execute(delete(tasks).where(tasks.c.id == task_id))
        if rowcount(result) != 1:
            raise TaskNotFound(f"tasks/{task_id}")
        self._versions.pop(task_id, None)

    async def delete_for_shop(self, shop_id: ShopId) -> int:
        result = await self._session.execute(delete(tasks).where(tasks.c.shop_id == shop_id))
        return rowcount(result)

    async def list(self, app_id: AppId, *, page_size: int, after: str | None) -> Page[Task]:
        limit = limit_for(page_size)
        keyset = Keyset(after)
        where = tasks.c.app_id == app_id
        if keyset.bound is not None:
            where = where & (tasks.c.id > keyset.bound)
        found = await self._load(where, order_by=(tasks.c.id,), limit=limit + 1)
        items = found[:limit]
        return Page(items, items[-1].id if len(found) > limit else None)

    async def list_runnable(self, now: datetime, *, limit: int) -> Sequence[Task]:
        """PENDING tasks and RUNNING ones whose lease expired, oldest first."""
        lease_expired = or_(tasks.c.lease_expires_at.is_(None), tasks.c.lease_expires_at <= now)
        where = or_(
            tasks.c.state == TaskState.PENDING.value,
            (tasks.c.state == TaskState.RUNNING.value) & lease_expired,
        )
        return await self._load(where, order_by=(tasks.c.created_at, tasks.c.id), limit=limit)

    async def list_filtered(
        self,
        app_id: AppId,
        *,
        page_size: int,
        after: str | None,
        shop_id: ShopId | None = None,
        kind: TaskKind | None = None,
        state: TaskState | None = None,
    ) -> Page[Task]:
        """The app's tasks newest first; the cursor is ``created_at (ISO 8601)|task id``."""
        limit = limit_for(page_size)
        where = tasks.c.app_id == app_id
        if shop_id is not None:
            where = where & (tasks.c.shop_id == shop_id)
        if kind is not None:
            where = where & (tasks.c.kind == kind.value)
        if state is not None:
            where = where & (tasks.c.state == state.value)
        if after is not None:
            created_at, task_id = _newest_first_position(after)
            where = where & or_(
                tasks.c.created_at < created_at,
                (tasks.c.created_at == created_at) & (tasks.c.id < task_id),
            )
        found = await self._load(
            where, order_by=(tasks.c.created_at.desc(), tasks.c.id.desc()), limit=limit + 1
        )
        items = found[:limit]
        last = items[-1] if items else None
        more = last is not None and len(found) > limit
        return Page(items, f"{last.created_at.isoformat()}|{last.id}" if more and last else None)

    async def _load(
        self, where: ColumnElement[bool], *, order_by: Sequence[Any] = (), limit: int | None = None
    ) -> builtins.list[Task]:
        query = select(tasks).where(where).order_by(*order_by)
        if limit is not None:
            query = query.limit(limit)
        found = []
        for row in (await self._session.execute(query)).mappings():
            task = task_from_row(row)
            self._remember(task, row["version"])
            found.append(task)
        return found

    def _remember(self, task: Task, version: int) -> None:
        self._versions[task.id] = version
        self.seen.add(task)


def _newest_first_position(after: str) -> tuple[datetime, str]:
    created_at, _, task_id = after.partition("|")
    try:
        return datetime.fromisoformat(created_at), task_id
    except ValueError:
        raise InvalidArgument("page_token", "is not a cursor of this task list") from None


def task_to_row(task: Task) -> dict[str, Any]:
    lease = task.lease
    return {
        "id": task.id,
        "app_id": task.app_id,
        "shop_id": task.shop_id,
        "kind": task.kind.value,
        "state": task.state.value,
        "created_at": task.created_at,
        "created_count": task.counts.created,
        "updated_count": task.counts.updated,
        "skipped_count": task.counts.skipped,
        "failed_count": task.counts.failed,
        "done": task.done,
        "total": task.total,
        "last_errors": [
            {"item_ref": error.item_ref, "reason": error.reason, "at": error.at.isoformat()}
            for error in task.last_errors
        ],
        "checkpoint": task.checkpoint,
        "lease_owner": None if lease is None else lease.owner,
        "lease_expires_at": None if lease is None else lease.expires_at,
        "started_at": task.started_at,
        "finished_at": task.finished_at,
        "failure_reason": task.failure_reason,
        "attempts": task.attempts,
    }


def task_from_row(row: Any) -> Task:
    shop_id = row["shop_id"]
    lease_owner = row["lease_owner"]
    return Task(
        task_id=TaskId(row["id"]),
        app_id=AppId(row["app_id"]),
        kind=TaskKind(row["kind"]),
        state=TaskState(row["state"]),
        created_at=row["created_at"],
        shop_id=None if shop_id is None else ShopId(shop_id),
        counts=TaskCounts(
            created=row["created_count"],
            updated=row["updated_count"],
            skipped=row["skipped_count"],
            failed=row["failed_count"],
        ),
        done=row["done"],
        total=row["total"],
        last_errors=(
            TaskError(error["item_ref"], error["reason"], datetime.fromisoformat(error["at"]))
            for error in row["last_errors"]
        ),
        checkpoint=row["checkpoint"],
        lease=None if lease_owner is None else Lease(lease_owner, row["lease_expires_at"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        failure_reason=row["failure_reason"],
        attempts=row["attempts"],
    )
