"""The webhook inbox: verified deliveries, unique per (source, delivery key), until processed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import upsert_insert
from adapters.persistence.tables import webhook_inbox
from domain.webhooks import WebhookDelivery, WebhookSource


class SqlAlchemyWebhookInbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, delivery: WebhookDelivery) -> bool:
        """``ON CONFLICT DO NOTHING … RETURNING``: of two concurrent inserts of one key, one row
        comes back; the other waits for it and inserts nothing."""
        statement = (
            upsert_insert(self._session, webhook_inbox)
            .values(**_to_row(delivery))
            .on_conflict_do_nothing(index_elements=[webhook_inbox.c.source, webhook_inbox.c.delivery_key])
            .returning(webhook_inbox.c.delivery_key)
        )
        return (await self._session.execute(statement)).first() is not None

    async def pending(self, *, limit: int) -> list[WebhookDelivery]:
        query = (
            select(webhook_inbox)
            .where(webhook_inbox.c.processed_at.is_(None))
            .order_by(webhook_inbox.c.received_at, webhook_inbox.c.delivery_key)
            .limit(limit)
        )
        return [_from_row(row) for row in (await self._session.execute(query)).mappings()]

    async def save(self, delivery: WebhookDelivery) -> None:
        await self._session.execute(
            update(webhook_inbox)
            .where(
                webhook_inbox.c.source == delivery.source.value,
                webhook_inbox.c.delivery_key == delivery.delivery_key,
            )
            .values(
                processed_at=delivery.processed_at,
                attempts=delivery.attempts,
                last_error=delivery.last_error,
            )
        )


def _to_row(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "source": delivery.source.value,
        "delivery_key": delivery.delivery_key,
        "topic": delivery.topic,
        "account": delivery.account,
        "body": delivery.body,
        "received_at": delivery.received_at,
        "processed_at": delivery.processed_at,
        "attempts": delivery.attempts,
        "last_error": delivery.last_error,
    }


def _from_row(row: RowMapping) -> WebhookDelivery:
    return WebhookDelivery(
        source=WebhookSource(row["source"]),
        delivery_key=row["delivery_key"],
        topic=row["topic"],
        account=row["account"],
        body=row["body"],
        received_at=row["received_at"],
        processed_at=row["processed_at"],
        attempts=row["attempts"],
        last_error=row["last_error"],
    )
