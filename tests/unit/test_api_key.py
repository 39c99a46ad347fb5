"""API keys: the key format, roles, scope and the rules of issuing."""

from __future__ import annotations

import pytest

from domain.api_key import ApiKey, ApiKeyId, Principal, Role, compose_key, hash_key, is_prefix, split_key
from domain.errors import InvalidApiKey
from domain.ids import AppId
from tests.unit.builders import T0


def test_roles_include_the_ones_before_them() -> None:
    assert Role.ADMIN.includes(Role.OPERATOR) and Role.ADMIN.includes(Role.READER)
    assert Role.OPERATOR.includes(Role.READER) and not Role.OPERATOR.includes(Role.ADMIN)
    assert not Role.READER.includes(Role.OPERATOR)


def test_a_key_is_its_scheme_prefix_and_secret() -> None:
    key = compose_key("0a1b2c3d4e", "s" * 43)
    assert key == "mcc_0a1b2c3d4e_" + "s" * 43
    assert split_key(key) == "0a1b2c3d4e"
    for malformed in (
        "",
        "mcc_0a1b2c3d4e",
        "Bearer " + key,
        key.replace("mcc_", "mck_"),
        key[:-20],
        key + "\n",
    ):
        assert split_key(malformed) is None
    assert is_prefix("0a1b2c3d4e") and not is_prefix("-a1b2c3d4e") and not is_prefix("0A1B2C3D4E")


def test_only_the_hash_is_kept_and_it_is_sha256_of_the_whole_key() -> None:
    key = compose_key("0a1b2c3d4e", "s" * 43)
    issued = ApiKey.issue(
        key_id=ApiKeyId("k"),
        prefix="0a1b2c3d4e",
        role=Role.READER,
        apps=frozenset({AppId("a")}),
        now=T0,
        secret_hash=hash_key(key),
    )
    assert issued.secret_hash is not None and len(issued.secret_hash) == 32
    assert key not in repr(issued)
    assert issued.matches(key) and not issued.matches(key[:-1] + "t")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"apps": None, "role": Role.OPERATOR}, "apps"),
        ({"apps": frozenset()}, "apps"),
        ({"apps": frozenset(AppId(f"a{i}") for i in range(101))}, "apps"),
        ({"expires_at": T0}, "expire_time"),
        ({"prefix": "XYZ"}, "prefix"),
        ({"secret_hash": None}, "credential"),
        ({"certificate_subject": "CN=x"}, "credential"),
        ({"secret_hash": b"short"}, "secret_hash"),
    ],
)
def test_issue_refuses_what_breaks_a_rule(changes: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {
        "key_id": ApiKeyId("k"),
        "prefix": "0a1b2c3d4e",
        "role": Role.READER,
        "apps": frozenset({AppId("a")}),
        "now": T0,
        "secret_hash": hash_key("x"),
    }
    arguments.update(changes)
    with pytest.raises(InvalidApiKey) as caught:
        ApiKey.issue(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_certificate_key_has_no_secret_and_says_so_in_its_principal() -> None:
    issued = ApiKey.issue(
        key_id=ApiKeyId("k"),
        prefix="0a1b2c3d4e",
        role=Role.ADMIN,
        apps=None,
        now=T0,
        certificate_subject="CN=ops,O=Example",
    )
    assert not issued.matches("mcc_0a1b2c3d4e_" + "s" * 43)
    assert issued.principal() == Principal("cert:mcc_0a1b2c3d4e", Role.ADMIN, None)
