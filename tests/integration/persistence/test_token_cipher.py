"""AES-256-GCM token cipher: key ids, nonces, associated data, rotation keyring, clear errors."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest

from adapters.crypto.token_cipher import (
    InvalidTokenKey,
    TokenCipher,
    TokenCipherError,
    TokenDecryptionFailed,
    UnknownTokenKey,
    decode_key,
    key_id,
    new_key,
    sealed_key_id,
)

CONTEXT = "tiktok_tokens/shop-1/access_token"


def test_round_trip_under_the_current_key() -> None:
    cipher = TokenCipher(os.urandom(32))
    sealed = cipher.encrypt("TTP_secret_値", CONTEXT)
    assert b"TTP_secret" not in sealed
    assert cipher.decrypt(sealed, CONTEXT) == "TTP_secret_値"


def test_each_value_records_its_key_id_and_a_fresh_nonce() -> None:
    key = os.urandom(32)
    cipher = TokenCipher(key)
    first, second = cipher.encrypt("same", CONTEXT), cipher.encrypt("same", CONTEXT)
    assert first != second  # random 96-bit nonce each time
    assert sealed_key_id(first) == key_id(key) == hashlib.sha256(key).hexdigest()[:8]
    assert cipher.current_key_id == key_id(key)


def test_a_value_bound_to_another_row_or_field_does_not_decrypt() -> None:
    cipher = TokenCipher(os.urandom(32))
    sealed = cipher.encrypt("TTP_secret", CONTEXT)
    for other in ("tiktok_tokens/shop-2/access_token", "tiktok_tokens/shop-1/refresh_token"):
        with pytest.raises(TokenDecryptionFailed) as caught:
            cipher.decrypt(sealed, other)
        assert "TTP_secret" not in str(caught.value) and cipher.current_key_id in str(caught.value)


def test_a_tampered_value_does_not_decrypt() -> None:
    cipher = TokenCipher(os.urandom(32))
    sealed = bytearray(cipher.encrypt("TTP_secret", CONTEXT))
    sealed[-1] ^= 1
    with pytest.raises(TokenDecryptionFailed):
        cipher.decrypt(bytes(sealed), CONTEXT)


def test_older_keys_decrypt_and_reencrypt_moves_values_to_the_current_key() -> None:
    old, new = os.urandom(32), os.urandom(32)
    sealed = TokenCipher(old).encrypt("TTP_secret", CONTEXT)
    keyring = TokenCipher(new, [old])
    assert keyring.decrypt(sealed, CONTEXT) == "TTP_secret"
    moved = keyring.reencrypt(sealed, CONTEXT)
    assert sealed_key_id(moved) == key_id(new)
    assert TokenCipher(new).decrypt(moved, CONTEXT) == "TTP_secret"


def test_an_unknown_key_id_is_named_in_the_error() -> None:
    old = os.urandom(32)
    sealed = TokenCipher(old).encrypt("TTP_secret", CONTEXT)
    with pytest.raises(UnknownTokenKey) as caught:
        TokenCipher(os.urandom(32)).decrypt(sealed, CONTEXT)
    assert caught.value.key_id == key_id(old)
    assert key_id(old) in str(caught.value) and "TTP_secret" not in str(caught.value)


def test_keys_are_32_bytes_of_url_safe_base64() -> None:
    text = new_key()
    assert len(decode_key(text)) == 32
    with pytest.raises(InvalidTokenKey):
        decode_key(base64.urlsafe_b64encode(os.urandom(16)).decode())
    with pytest.raises(InvalidTokenKey):
        decode_key("not base64 at all!")
    with pytest.raises(InvalidTokenKey):
        TokenCipher(os.urandom(31))


def test_garbage_is_not_mistaken_for_a_sealed_value() -> None:
    with pytest.raises(TokenCipherError):
        TokenCipher(os.urandom(32)).decrypt(b"plaintext token", CONTEXT)


def test_repr_shows_no_key_material() -> None:
    key = os.urandom(32)
    shown = repr(TokenCipher(key))
    assert key.hex() not in shown and base64.urlsafe_b64encode(key).decode() not in shown
