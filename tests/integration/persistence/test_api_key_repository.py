"""API key store contract: the fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapters.persistence.engine import session_factory
from adapters.persistence.repositories.api_keys import SqlAlchemyApiKeyRepository
from domain.api_key import ApiKey, ApiKeyId, Role, hash_key
from domain.errors import ApiKeyAlreadyExists, ApiKeyNotFound
from domain.ids import AppId
from domain.ports.access import ApiKeyRepository
from tests.fakes.api_keys import FakeApiKeyRepository
from tests.integration.persistence.builders import at


@pytest.fixture
async def keys(backend) -> AsyncIterator[object]:  # type: ignore[no-untyped-def]
    if backend.engine is None:
        yield FakeApiKeyRepository()
    else:
        yield SqlAlchemyApiKeyRepository(session_factory(backend.engine))


def key(
    number: int,
    role: Role = Role.OPERATOR,
    apps: frozenset[AppId] | None = frozenset({AppId("app-1")}),
    **extra,
) -> ApiKey:  # type: ignore[no-untyped-def]
    credential = extra.pop("certificate_subject", None)
    return ApiKey.issue(
        key_id=ApiKeyId(f"key-{number:03d}"),
        prefix=f"{number:010x}",
        role=role,
        apps=apps,
        now=at(0),
        secret_hash=None if credential else hash_key(f"secret-{number}"),
        certificate_subject=credential,
        **extra,
    )


async def test_both_implement_the_port(keys) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(keys, ApiKeyRepository)


async def test_a_stored_key_reads_back_whole(keys) -> None:  # type: ignore[no-untyped-def]
    stored = key(1, apps=frozenset({AppId("app-2"), AppId("app-1")}), expires_at=at(60))
    await keys.add(stored)
    assert await keys.get(stored.id) == stored
    assert await keys.find_by_prefix(stored.prefix) == stored
    assert await keys.find_by_prefix("ffffffffff") is None


async def test_an_admin_key_for_every_app_and_a_certificate_key(keys) -> None:  # type: ignore[no-untyped-def]
    admin = key(1, Role.ADMIN, apps=None)
    certified = key(2, Role.READER, certificate_subject="CN=reporting,O=Example")
    await keys.add(admin)
    await keys.add(certified)
    assert (await keys.get(admin.id)).apps is None
    assert await keys.find_by_certificate_subject("CN=reporting,O=Example") == certified
    assert await keys.find_by_certificate_subject("CN=other") is None


async def test_prefix_and_certificate_subject_are_unique(keys) -> None:  # type: ignore[no-untyped-def]
    await keys.add(key(1))
    await keys.add(key(3, certificate_subject="CN=a"))
    clash = ApiKey.issue(
        key_id=ApiKeyId("key-other"),
        prefix=key(1).prefix,
        role=Role.READER,
        apps=frozenset({AppId("a")}),
        now=at(0),
        secret_hash=hash_key("x"),
    )
    with pytest.raises(ApiKeyAlreadyExists):
        await keys.add(clash)
    with pytest.raises(ApiKeyAlreadyExists):
        await keys.add(key(4, certificate_subject="CN=a"))
    assert [k.id for k in (await keys.list(page_size=10, after=None)).items] == ["key-001", "key-003"]


async def test_revocation_is_kept_once(keys) -> None:  # type: ignore[no-untyped-def]
    await keys.add(key(1))
    assert (await keys.revoke(ApiKeyId("key-001"), at(5))).revoked_at == at(5)
    assert (await keys.revoke(ApiKeyId("key-001"), at(9))).revoked_at == at(5)
    with pytest.raises(ApiKeyNotFound):
        await keys.revoke(ApiKeyId("key-404"), at(9))


async def test_last_use_only_moves_forward(keys) -> None:  # type: ignore[no-untyped-def]
    await keys.add(key(1))
    await keys.record_last_used(ApiKeyId("key-001"), at(10))
    await keys.record_last_used(ApiKeyId("key-001"), at(3))
    assert (await keys.get(ApiKeyId("key-001"))).last_used_at == at(10)
    await keys.record_last_used(ApiKeyId("key-001"), at(10) + timedelta(minutes=2))
    assert (await keys.get(ApiKeyId("key-001"))).last_used_at == at(12)


async def test_list_pages_by_id(keys) -> None:  # type: ignore[no-untyped-def]
    for number in (3, 1, 2):
        await keys.add(key(number))
    first = await keys.list(page_size=2, after=None)
    assert [k.id for k in first.items] == ["key-001", "key-002"]
    second = await keys.list(page_size=2, after=first.next_cursor)
    assert [k.id for k in second.items] == ["key-003"]
    assert second.next_cursor is None
