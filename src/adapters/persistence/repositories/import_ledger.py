"""The import ledger: which SHOPLINE order each channel order became.

Keyed by (platform, TikTok shop id, order id) with no reference to the shop, so it survives
the shop's deletion and a re-authorized seller's orders are never imported twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.repositories.common import upsert_insert
from adapters.persistence.tables import import_ledger
from domain.errors import OrderAlreadyImported
from domain.ids import ShoplineOrderId
from domain.order import ImportKey


class SqlAlchemyImportLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self, key: ImportKey) -> ShoplineOrderId | None:
        found = (
            await self._session.execute(
                select(import_ledger.c.shopline_order_id).where(
                    import_ledger.c.platform == key.platform,
                    import_ledger.c.tiktok_shop_id == key.tiktok_shop_id,
                    import_ledger.c.order_id == key.order_id,
                )
            )
        ).scalar_one_or_none()
        return None if found is None else ShoplineOrderId(found)

    async def record(self, key: ImportKey, shopline_order_id: ShoplineOrderId, now: datetime) -> None:
        """Idempotent for the same SHOPLINE order; ``OrderAlreadyImported`` for another one.

        ``ON CONFLICT DO NOTHING`` makes a concurrent second import wait for the first and then
        find its row, instead of failing the transaction.
        """
        await self._session.execute(
            upsert_insert(self._session, import_ledger)
            .values(
                platform=key.platform,
                tiktok_shop_id=key.tiktok_shop_id,
                order_id=key.order_id,
                shopline_order_id=shopline_order_id,
                recorded_at=now,
            )
            .on_conflict_do_nothing()
        )
        if await self.find(key) != shopline_order_id:
            raise OrderAlreadyImported(key.channel_marker)
