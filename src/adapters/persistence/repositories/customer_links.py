"""Customer links: which SHOPLINE customer each TikTok buyer of an app became."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import upsert_insert
from adapters.persistence.tables import customer_links
from domain.customers import CustomerLink, MatchedBy
from domain.ids import AppId, ShoplineCustomerId


class SqlAlchemyCustomerLinks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self, app_id: AppId, tiktok_user_id: str) -> CustomerLink | None:
        query = select(customer_links).where(
            customer_links.c.app_id == app_id, customer_links.c.tiktok_user_id == tiktok_user_id
        )
        row = (await self._session.execute(query)).mappings().first()
        if row is None:
            return None
        return CustomerLink(
            AppId(row["app_id"]),
            row["tiktok_user_id"],
            ShoplineCustomerId(row["shopline_customer_id"]),
            MatchedBy(row["matched_by"]),
            row["linked_at"],
        )

    async def save(self, link: CustomerLink) -> None:
        values = {
            "app_id": link.app_id,
            "tiktok_user_id": link.tiktok_user_id,
            "shopline_customer_id": link.shopline_customer_id,
            "matched_by": link.matched_by.value,
            "linked_at": link.linked_at,
        }
        statement = upsert_insert(self._session, customer_links).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[customer_links.c.app_id, customer_links.c.tiktok_user_id],
            set_={
                name: statement.excluded[name] for name in ("shopline_customer_id", "matched_by", "linked_at")
            },
        )
        await self._session.execute(statement)

    async def forget_customers(self, app_id: AppId, customer_ids: Iterable[ShoplineCustomerId]) -> int:
        wanted = sorted(set(customer_ids))
        if not wanted:
            return 0
        result = await self._session.execute(
            delete(customer_links).where(
                customer_links.c.app_id == app_id, customer_links.c.shopline_customer_id.in_(wanted)
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
