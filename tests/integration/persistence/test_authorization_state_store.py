"""Authorization state store contract: the fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

import asyncio

import pytest

from domain.authorization_state import AuthorizationStateInvalid, PendingAuthorization, PendingInstallation
from domain.ids import AppId, ShopId
from domain.shop import DisplayName, Region
from tests.integration.persistence.builders import APP, SHOP, at, seed

AUTHORIZATION = PendingAuthorization(
    AppId(APP), Region.JP, DisplayName.parse("東京店"), ShopId(SHOP), at(0), at(30)
)
INSTALLATION = PendingInstallation("store-one", "https://mcc.example/callback?x=1", at(0), at(10))


async def test_a_state_is_taken_once(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.authorization_states.put("hash-a", AUTHORIZATION)
        await uow.authorization_states.put("hash-i", INSTALLATION)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.authorization_states.take("hash-a", at(29)) == AUTHORIZATION
        assert await uow.authorization_states.take("hash-i", at(1)) == INSTALLATION
        with pytest.raises(AuthorizationStateInvalid):
            await uow.authorization_states.take("hash-a", at(29))
        await uow.commit()
    async with backend.new_uow() as uow:
        with pytest.raises(AuthorizationStateInvalid):
            await uow.authorization_states.take("hash-i", at(1))


async def test_unknown_and_expired_states_are_invalid(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.authorization_states.put("hash-a", AUTHORIZATION)
        await uow.authorization_states.put(
            "hash-b", PendingAuthorization(AppId(APP), Region.US, None, None, at(0), at(5))
        )
        await uow.commit()
    async with backend.new_uow() as uow:
        with pytest.raises(AuthorizationStateInvalid):
            await uow.authorization_states.take("unknown", at(0))
        with pytest.raises(AuthorizationStateInvalid):
            await uow.authorization_states.take("hash-a", at(30))
        assert (await uow.authorization_states.take("hash-b", at(4))).display_name is None


async def test_an_uncommitted_put_is_rolled_back(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.authorization_states.put("hash-a", AUTHORIZATION)
    async with backend.new_uow() as uow:
        with pytest.raises(AuthorizationStateInvalid):
            await uow.authorization_states.take("hash-a", at(1))


@pytest.mark.postgres
@pytest.mark.parametrize("sql_backend", ["postgresql"], indirect=True)
async def test_two_callbacks_with_one_state_only_one_succeeds(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.authorization_states.put("hash-a", AUTHORIZATION)
        await uow.commit()

    async def callback() -> bool:
        async with sql_backend.new_uow() as uow:
            try:
                await uow.authorization_states.take("hash-a", at(1))
            except AuthorizationStateInvalid:
                return False
            await asyncio.sleep(0.05)
            await uow.commit()
            return True

    assert sorted(await asyncio.gather(*(callback() for _ in range(4)))) == [False, False, False, True]
