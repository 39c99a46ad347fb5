"""Token repository contract, and encryption at rest (SQLAlchemy only)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select, update

from adapters.crypto.token_cipher import (
    TokenCipher,
    TokenCipherNotConfigured,
    TokenDecryptionFailed,
    UnknownTokenKey,
)
from adapters.persistence.engine import session_factory
from adapters.persistence.tables import shopline_tokens, tiktok_tokens
from adapters.persistence.token_rotation import rotate
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from domain.errors import StaleWrite, TokenNotFound
from domain.events import TikTokTokenRefreshed
from domain.ids import AppId, ShopId
from domain.secret import Secret
from domain.tokens import TikTokGrant
from tests.integration.persistence.builders import (
    APP,
    OTHER_SHOP,
    SHOP,
    app,
    at,
    seed,
    shopline_token,
    state_of,
    tiktok_token,
)

SHOPS = ((SHOP, APP), (OTHER_SHOP, APP))


def _grant(serial: int) -> TikTokGrant:
    return TikTokGrant(Secret(f"new_access_{serial}"), at(120), Secret(f"new_refresh_{serial}"), at(9000))


async def test_saved_tokens_read_back_with_every_field(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.tokens.save_tiktok(tiktok_token())
        await uow.tokens.save_shopline(shopline_token())
        await uow.commit()
    async with backend.new_uow() as uow:
        assert state_of(await uow.tokens.get_tiktok(SHOP)) == state_of(tiktok_token())
        assert state_of(await uow.tokens.get_shopline(APP)) == state_of(shopline_token())


async def test_missing_tokens_are_not_found(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        with pytest.raises(TokenNotFound):
            await uow.tokens.get_tiktok(ShopId("nope"))
        with pytest.raises(TokenNotFound):
            await uow.tokens.get_shopline(AppId("nope"))
        with pytest.raises(TokenNotFound):
            await uow.tokens.delete_tiktok(ShopId("nope"))


async def test_save_replaces_the_stored_token(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.tokens.save_tiktok(tiktok_token(serial=1))
        await uow.tokens.save_shopline(shopline_token(serial=1))
        await uow.commit()
    async with backend.new_uow() as uow:  # unread: replaced outright
        await uow.tokens.save_tiktok(tiktok_token(serial=2))
        await uow.tokens.save_shopline(shopline_token(serial=2))
        await uow.commit()
    async with backend.new_uow() as uow:  # read, refreshed, saved
        token = await uow.tokens.get_tiktok(SHOP)
        assert token.access_token == Secret(f"TTP_access_{SHOP}_2")
        token.reissue(_grant(3), at(30))
        await uow.tokens.save_tiktok(token)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert state_of(await uow.tokens.get_tiktok(SHOP)) == state_of(token)
        assert (await uow.tokens.get_shopline(APP)).access_token == Secret(f"sl_token_{APP}_2")
    assert backend.publisher.published == [TikTokTokenRefreshed(SHOP, at(30))]


async def test_list_tiktok_pages_by_shop(backend) -> None:  # type: ignore[no-untyped-def]
    shops = tuple((f"shop-{i}", APP) for i in range(5))
    await seed(backend, shops=shops)
    async with backend.new_uow() as uow:
        for shop_id, _ in shops:
            await uow.tokens.save_tiktok(tiktok_token(shop_id))
        await uow.commit()
    collected: list[str] = []
    after = None
    async with backend.new_uow() as uow:
        while True:
            page = await uow.tokens.list_tiktok(page_size=2, after=after)
            collected += [t.shop_id for t in page.items]
            if page.next_cursor is None:
                break
            after = page.next_cursor
    assert collected == [shop_id for shop_id, _ in shops]


async def test_list_shopline_pages_by_app(backend) -> None:  # type: ignore[no-untyped-def]
    apps = tuple(f"app-{i}" for i in range(5))
    await seed(backend, apps=apps, shops=())
    async with backend.new_uow() as uow:
        for app_id in apps:
            await uow.tokens.save_shopline(shopline_token(app_id))
        await uow.commit()
    collected: list[str] = []
    after = None
    async with backend.new_uow() as uow:
        while True:
            page = await uow.tokens.list_shopline(page_size=2, after=after)
            collected += [t.app_id for t in page.items]
            if page.next_cursor is None:
                break
            after = page.next_cursor
    assert collected == list(apps)
    assert state_of(page.items[-1]) == state_of(shopline_token("app-4"))


async def test_delete_removes_a_shops_tiktok_token(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=SHOPS)
    async with backend.new_uow() as uow:
        await uow.tokens.save_tiktok(tiktok_token())
        await uow.tokens.save_shopline(shopline_token())
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.tokens.delete_tiktok(SHOP)
        await uow.commit()
    async with backend.new_uow() as uow:
        with pytest.raises(TokenNotFound):
            await uow.tokens.get_tiktok(SHOP)
        assert state_of(await uow.tokens.get_shopline(APP)) == state_of(shopline_token())


# --- SQLAlchemy only: encryption at rest and concurrent refreshes ---------------------------


async def _raw(engine, table):  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        return (await conn.execute(select(table))).mappings().all()


async def test_token_values_are_not_stored_in_plaintext(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.tokens.save_tiktok(tiktok_token())
        await uow.tokens.save_shopline(shopline_token())
        await uow.commit()
    secrets = [f"TTP_access_{SHOP}_1", f"TTP_refresh_{SHOP}_1", f"sl_token_{APP}_1"]
    rows = [*await _raw(sql_backend.engine, tiktok_tokens), *await _raw(sql_backend.engine, shopline_tokens)]
    stored = b"".join(
        bytes(value) for row in rows for value in row.values() if isinstance(value, bytes | memoryview)
    )
    assert stored
    for secret in secrets:
        assert secret.encode() not in stored
    assert {row["key_id"] for row in rows} == {sql_backend.cipher.current_key_id}


async def test_a_ciphertext_moved_to_another_row_does_not_decrypt(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend, shops=SHOPS)
    async with sql_backend.new_uow() as uow:
        await uow.tokens.save_tiktok(tiktok_token(SHOP))
        await uow.tokens.save_tiktok(tiktok_token(OTHER_SHOP))
        await uow.commit()
    rows = {row["shop_id"]: row for row in await _raw(sql_backend.engine, tiktok_tokens)}
    async with sql_backend.engine.begin() as conn:
        await conn.execute(
            update(tiktok_tokens)
            .where(tiktok_tokens.c.shop_id == OTHER_SHOP)
            .values(access_token=rows[SHOP]["access_token"])
        )
    async with sql_backend.new_uow() as uow:
        with pytest.raises(TokenDecryptionFailed) as caught:
            await uow.tokens.get_tiktok(OTHER_SHOP)
    assert "TTP_" not in str(caught.value)


async def test_without_a_cipher_tokens_are_refused(sql_backend) -> None:  # type: ignore[no-untyped-def]
    sessions = session_factory(sql_backend.engine)
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        await uow.apps.add(app())
        with pytest.raises(TokenCipherNotConfigured):
            await uow.tokens.save_shopline(shopline_token())
        with pytest.raises(TokenCipherNotConfigured):
            await uow.tokens.get_shopline(APP)


async def test_rotation_reencrypts_every_row_under_the_new_key(sql_backend) -> None:  # type: ignore[no-untyped-def]
    shops = tuple((f"shop-{i}", APP) for i in range(5))
    await seed(sql_backend, shops=shops)
    async with sql_backend.new_uow() as uow:
        for shop_id, _ in shops:
            await uow.tokens.save_tiktok(tiktok_token(shop_id))
        await uow.tokens.save_shopline(shopline_token())
        await uow.commit()
    old_key = sql_backend.cipher
    new_key = os.urandom(32)
    keyring = TokenCipher(new_key, [sql_backend.token_key])
    sessions = session_factory(sql_backend.engine)

    assert await rotate(sessions, keyring, batch_size=2) == 6
    assert await rotate(sessions, keyring, batch_size=2) == 0
    rows = [*await _raw(sql_backend.engine, tiktok_tokens), *await _raw(sql_backend.engine, shopline_tokens)]
    assert {row["key_id"] for row in rows} == {keyring.current_key_id}

    async with SqlAlchemyUnitOfWork(sessions, cipher=TokenCipher(new_key)) as uow:
        assert (await uow.tokens.get_tiktok(ShopId("shop-3"))).access_token == Secret("TTP_access_shop-3_1")
        assert (await uow.tokens.get_shopline(APP)).access_token == Secret(f"sl_token_{APP}_1")
    async with SqlAlchemyUnitOfWork(sessions, cipher=old_key) as uow:
        with pytest.raises(UnknownTokenKey) as caught:
            await uow.tokens.get_shopline(APP)
    assert keyring.current_key_id in str(caught.value)


async def test_concurrent_refresh_is_a_stale_write(sql_backend) -> None:  # type: ignore[no-untyped-def]
    await seed(sql_backend)
    async with sql_backend.new_uow() as uow:
        await uow.tokens.save_tiktok(tiktok_token())
        await uow.commit()
    async with sql_backend.new_uow() as first:
        mine = await first.tokens.get_tiktok(SHOP)
        async with sql_backend.new_uow() as second:
            theirs = await second.tokens.get_tiktok(SHOP)
            theirs.reissue(_grant(2), at(40))
            await second.tokens.save_tiktok(theirs)
            await second.commit()
        mine.reissue(_grant(3), at(41))
        with pytest.raises(StaleWrite):
            await first.tokens.save_tiktok(mine)
