"""Key management and authentication with the key store fake."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.api_key import Principal, Role, hash_key
from domain.errors import ApiKeyAlreadyExists, ApiKeyNotFound, InvalidApiKey, Unauthenticated
from domain.ids import AppId
from services.access.authentication import Authenticator
from services.access.keys import ApiKeys
from tests.fakes import FakeClock, FakeIdGenerator, FakeSecureRandom
from tests.fakes.api_keys import FakeApiKeyRepository

APP_A = AppId("app-a")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store() -> FakeApiKeyRepository:
    return FakeApiKeyRepository()


@pytest.fixture
def authenticator(store: FakeApiKeyRepository, clock: FakeClock) -> Authenticator:
    return Authenticator(store, clock)


@pytest.fixture
def keys(store: FakeApiKeyRepository, clock: FakeClock, authenticator: Authenticator) -> ApiKeys:
    return ApiKeys(store, clock, FakeIdGenerator("key"), FakeSecureRandom(), revoked=authenticator.forget)


async def test_a_created_key_is_shown_once_and_stored_only_as_its_hash(keys: ApiKeys, store) -> None:  # type: ignore[no-untyped-def]
    issued = await keys.create(Role.OPERATOR, frozenset({APP_A}), valid_for=timedelta(days=90))
    assert issued.secret is not None
    secret = issued.secret.reveal()
    assert secret.startswith(f"mcc_{issued.key.prefix}_")
    stored = store.keys[issued.key.id]
    assert stored.secret_hash == hash_key(secret)
    assert secret not in repr(stored) and secret not in repr(issued)
    assert stored.expires_at == stored.created_at + timedelta(days=90)


async def test_a_reader_or_operator_key_must_name_its_apps(keys: ApiKeys) -> None:
    with pytest.raises(InvalidApiKey):
        await keys.create(Role.READER, None)
    with pytest.raises(InvalidApiKey):
        await keys.create(Role.ADMIN, None, valid_for=timedelta(0))
    with pytest.raises(InvalidApiKey):
        await keys.create(Role.ADMIN, None, valid_for=timedelta(days=1), expires_at=FakeClock().now())


async def test_the_key_authenticates_as_its_role_and_apps(
    keys: ApiKeys, authenticator: Authenticator
) -> None:
    issued = await keys.create(Role.OPERATOR, frozenset({APP_A}))
    assert issued.secret is not None
    principal = await authenticator.bearer(issued.secret.reveal())
    assert principal == Principal(f"key:mcc_{issued.key.prefix}", Role.OPERATOR, frozenset({APP_A}))


@pytest.mark.parametrize("damage", ["wrong secret", "unknown prefix", "malformed", "empty"])
async def test_a_bad_key_is_unauthenticated(keys: ApiKeys, authenticator: Authenticator, damage: str) -> None:
    issued = await keys.create(Role.ADMIN, None)
    assert issued.secret is not None
    good = issued.secret.reveal()
    presented = {
        "wrong secret": good[:-1] + ("A" if good[-1] != "A" else "B"),
        "unknown prefix": "mcc_ffffffffff" + good[14:],
        "malformed": good.replace("mcc_", "mcc-"),
        "empty": "",
    }[damage]
    with pytest.raises(Unauthenticated) as caught:
        await authenticator.bearer(presented)
    assert good not in str(caught.value)


async def test_an_expired_key_is_unauthenticated(
    keys: ApiKeys, authenticator: Authenticator, clock: FakeClock
) -> None:
    issued = await keys.create(Role.ADMIN, None, valid_for=timedelta(hours=1))
    assert issued.secret is not None
    await authenticator.bearer(issued.secret.reveal())
    clock.advance(timedelta(hours=1))
    with pytest.raises(Unauthenticated):
        await authenticator.bearer(issued.secret.reveal())


async def test_a_revocation_here_takes_effect_at_once(keys: ApiKeys, authenticator: Authenticator) -> None:
    issued = await keys.create(Role.ADMIN, None)
    assert issued.secret is not None
    await authenticator.bearer(issued.secret.reveal())  # now cached
    revoked = await keys.revoke(issued.key.display_prefix)
    assert revoked.revoked_at is not None
    with pytest.raises(Unauthenticated):
        await authenticator.bearer(issued.secret.reveal())


async def test_a_revocation_elsewhere_takes_effect_when_the_cache_lapses(
    keys: ApiKeys, store: FakeApiKeyRepository, clock: FakeClock
) -> None:
    issued = await keys.create(Role.ADMIN, None)
    assert issued.secret is not None
    here = Authenticator(store, clock, cache_for=timedelta(seconds=5))
    await here.bearer(issued.secret.reveal())
    await keys.revoke(issued.key.id)  # another process: this authenticator is not told
    await here.bearer(issued.secret.reveal())
    clock.advance(timedelta(seconds=5))
    with pytest.raises(Unauthenticated):
        await here.bearer(issued.secret.reveal())


async def test_a_burst_of_calls_reads_the_store_once(
    keys: ApiKeys, authenticator: Authenticator, store: FakeApiKeyRepository, clock: FakeClock
) -> None:
    issued = await keys.create(Role.ADMIN, None)
    assert issued.secret is not None
    reads = store.reads
    for _ in range(50):
        await authenticator.bearer(issued.secret.reveal())
        clock.advance(timedelta(milliseconds=10))
    assert store.reads - reads == 1


async def test_last_use_is_written_at_most_once_a_minute(
    keys: ApiKeys, authenticator: Authenticator, store: FakeApiKeyRepository, clock: FakeClock
) -> None:
    issued = await keys.create(Role.ADMIN, None)
    assert issued.secret is not None
    first_use = clock.now()
    for _ in range(300):  # five minutes of a call a second
        await authenticator.bearer(issued.secret.reveal())
        clock.advance(timedelta(seconds=1))
    assert store.last_used_writes == 5
    assert store.keys[issued.key.id].last_used_at == first_use + timedelta(minutes=4)


async def test_keys_are_listed_and_revoked_by_prefix_or_id(keys: ApiKeys) -> None:
    first = (await keys.create(Role.READER, frozenset({APP_A}))).key
    second = (await keys.create(Role.ADMIN, None)).key
    listed = await keys.list_keys(page_size=10, after=None)
    assert [key.id for key in listed.items] == sorted([first.id, second.id])
    assert (await keys.revoke(first.prefix)).id == first.id
    assert (await keys.revoke(second.id)).revoked_at is not None
    with pytest.raises(ApiKeyNotFound):
        await keys.revoke("mcc_ffffffffff")


async def test_a_certificate_subject_is_a_key_without_secret(
    keys: ApiKeys, authenticator: Authenticator
) -> None:
    issued = await keys.create(Role.READER, frozenset({APP_A}), certificate_subject="CN=reporting")
    assert issued.secret is None
    principal = await authenticator.certificate("CN=reporting")
    assert principal.role is Role.READER and principal.name.startswith("cert:mcc_")
    with pytest.raises(Unauthenticated):
        await authenticator.certificate("CN=someone-else")
    with pytest.raises(ApiKeyAlreadyExists):
        await keys.create(Role.ADMIN, None, certificate_subject="CN=reporting")
    await keys.revoke(issued.key.id)
    with pytest.raises(Unauthenticated):
        await authenticator.certificate("CN=reporting")
