"""Import ledger contract: the fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

import asyncio

import pytest

from domain.errors import OrderAlreadyImported
from domain.ids import OrderId, ShoplineOrderId, TikTokShopId
from domain.order import PLATFORM, ImportKey
from tests.integration.persistence.builders import at

KEY = ImportKey(PLATFORM, TikTokShopId("7000714532876273420"), OrderId("576461413038785752"))


async def test_recorded_import_is_found(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        assert await uow.import_ledger.find(KEY) is None
        await uow.import_ledger.record(KEY, ShoplineOrderId("sl-1"), at(0))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.import_ledger.find(KEY) == "sl-1"
        other_shop = ImportKey(PLATFORM, TikTokShopId("1"), KEY.order_id)
        assert await uow.import_ledger.find(other_shop) is None


async def test_recording_again_is_idempotent_for_the_same_order_only(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        await uow.import_ledger.record(KEY, ShoplineOrderId("sl-1"), at(0))
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.import_ledger.record(KEY, ShoplineOrderId("sl-1"), at(1))
        with pytest.raises(OrderAlreadyImported):
            await uow.import_ledger.record(KEY, ShoplineOrderId("sl-2"), at(2))
    async with backend.new_uow() as uow:
        assert await uow.import_ledger.find(KEY) == "sl-1"


async def test_an_uncommitted_record_is_rolled_back(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        await uow.import_ledger.record(KEY, ShoplineOrderId("sl-1"), at(0))
    async with backend.new_uow() as uow:
        assert await uow.import_ledger.find(KEY) is None


@pytest.mark.postgres
@pytest.mark.parametrize("sql_backend", ["postgresql"], indirect=True)
async def test_concurrent_imports_of_one_order_record_one(sql_backend) -> None:  # type: ignore[no-untyped-def]
    async def record(shopline_order_id: str) -> bool:
        async with sql_backend.new_uow() as uow:
            try:
                await uow.import_ledger.record(KEY, ShoplineOrderId(shopline_order_id), at(0))
            except OrderAlreadyImported:
                return False
            await uow.commit()
            return True

    results = await asyncio.gather(*(record(f"sl-{i}") for i in range(5)))
    assert sum(results) == 1
