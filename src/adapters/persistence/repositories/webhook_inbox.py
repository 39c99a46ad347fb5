"""The webhook inbox: verified deliveries, unique per (source, delivery key), until processed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import upsert_insert
from adapters.persistence.tables import webhook_inbox, webhook_subscription_checks
from domain.webhooks import WebhookActivity, WebhookDelivery, WebhookSource


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

    async def record_subscribed(self, source: WebhookSource, account: str, at: datetime) -> None:
        checks = webhook_subscription_checks
        statement = upsert_insert(self._session, checks).values(
            source=source.value, account=account, subscribed_at=at
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[checks.c.source, checks.c.account], set_={"subscribed_at": at}
            )
        )

    async def activity(self, source: WebhookSource, account: str, since: datetime) -> WebhookActivity:
        inbox, checks = webhook_inbox, webhook_subscription_checks
        of_account = (inbox.c.source == source.value) & (inbox.c.account == account)
        newest = select(func.max(inbox.c.received_at)).where(of_account).scalar_subquery()
        recent = select(func.count()).where(of_account & (inbox.c.received_at >= since)).scalar_subquery()
        subscribed = (
            select(checks.c.subscribed_at)
            .where((checks.c.source == source.value) & (checks.c.account == account))
            .scalar_subquery()
        )
        row = (await self._session.execute(select(subscribed, newest, recent))).one()
        return WebhookActivity(subscribed_at=row[0], last_received_at=row[1], received_since=row[2])


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
