"""AES-256-GCM for token values at rest, with a keyring so keys can be rotated.

A sealed value is ``FORMAT | key id (4 bytes) | nonce (12 bytes) | ciphertext and tag``. The
key id is the first 4 bytes (8 hex characters) of the key's SHA-256, so a value names the key
that opens it without revealing the key. The associated data names the row and field a value
belongs to, so a ciphertext copied into another row or field does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
_FORMAT = b"\x01"
_KEY_ID_BYTES = 4
_HEADER_BYTES = len(_FORMAT) + _KEY_ID_BYTES + NONCE_BYTES


class TokenCipherError(Exception):
    """Base of the cipher's errors; messages name key ids and rows, never values or keys."""


class InvalidTokenKey(TokenCipherError):
    pass


class UnknownTokenKey(TokenCipherError):
    def __init__(self, key_id: str) -> None:
        super().__init__(
            f"token was encrypted with key {key_id}, which is not in the keyring; "
            "configure that key as an older key to read it"
        )
        self.key_id = key_id


class TokenDecryptionFailed(TokenCipherError):
    def __init__(self, key_id: str, context: str) -> None:
        super().__init__(
            f"token for {context} does not decrypt with key {key_id}: "
            "it was altered or belongs to another row"
        )
        self.key_id = key_id
        self.context = context


class TokenCipherNotConfigured(TokenCipherError):
    def __init__(self) -> None:
        super().__init__(
            "no token encryption key is configured (MCC_TOKEN_KEY or MCC_TOKEN_KEY_FILE); "
            "tokens are never stored in plaintext"
        )


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[: 2 * _KEY_ID_BYTES]


def decode_key(text: str) -> bytes:
    """A url-safe base64 key as in ``MCC_TOKEN_KEY``."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        key = b""
    if len(key) != KEY_BYTES:
        raise InvalidTokenKey("a token key is the url-safe base64 encoding of 32 random bytes")
    return key


def new_key() -> str:
    """A fresh key, url-safe base64, for ``MCC_TOKEN_KEY``."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


class TokenCipher:
    """Encrypts under the current key; decrypts under the current key or any older one."""

    def __init__(self, current: bytes, older: Iterable[bytes] = ()) -> None:
        keys = [current, *older]
        if any(len(key) != KEY_BYTES for key in keys):
            raise InvalidTokenKey("token keys must be 32 bytes (AES-256)")
        self._current_id = key_id(current)
        self._keys = {key_id(key): AESGCM(key) for key in reversed(keys)}

    @property
    def current_key_id(self) -> str:
        return self._current_id

    def encrypt(self, plaintext: str, context: str) -> bytes:
        """``context`` names the row and field, e.g. ``tiktok_tokens/shop-1/access_token``."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self._current_id].encrypt(nonce, plaintext.encode("utf-8"), _aad(context))
        return _FORMAT + bytes.fromhex(self._current_id) + nonce + sealed

    def decrypt(self, value: bytes, context: str) -> str:
        used = sealed_key_id(value)
        aead = self._keys.get(used)
        if aead is None:
            raise UnknownTokenKey(used)
        nonce = value[len(_FORMAT) + _KEY_ID_BYTES : _HEADER_BYTES]
        try:
            plaintext = aead.decrypt(nonce, value[_HEADER_BYTES:], _aad(context))
        except InvalidTag:
            raise TokenDecryptionFailed(used, context) from None
        return plaintext.decode("utf-8")

    def reencrypt(self, value: bytes, context: str) -> bytes:
        """The same plaintext under the current key (for key rotation)."""
        return self.encrypt(self.decrypt(value, context), context)

    def __repr__(self) -> str:
        return f"TokenCipher(current_key_id={self._current_id!r}, keys={len(self._keys)})"


def sealed_key_id(value: bytes) -> str:
    """The id of the key a sealed value was encrypted with."""
    if len(value) < _HEADER_BYTES + 16 or value[:1] != _FORMAT:
        raise TokenCipherError("value is not a sealed token (unknown format)")
    return value[len(_FORMAT) : len(_FORMAT) + _KEY_ID_BYTES].hex()


def _aad(context: str) -> bytes:
    return b"mcc-token-v1\x00" + context.encode("utf-8")
