"""Key management: issue a key (its secret is shown once), list keys, revoke one."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.api_key import (
    KEY_SCHEME,
    PREFIX_LENGTH,
    ApiKey,
    ApiKeyId,
    KeyState,
    Role,
    compose_key,
    hash_key,
    is_prefix,
)
from domain.authorization_state import SecureRandom
from domain.errors import ApiKeyAlreadyExists, InvalidApiKey
from domain.ids import AppId
from domain.paging import Page
from domain.ports import Clock, IdGenerator
from domain.ports.access import ApiKeyRepository
from domain.secret import Secret

SECRET_BYTES = 32
"""256 bits from the CSPRNG: out of reach of guessing, so one SHA-256 suffices (see domain.api_key)."""
_PREFIX_ATTEMPTS = 3


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: Secret | None
    """The whole ``mcc_...`` key, shown to the caller once; None for a client-certificate key."""


class ApiKeys:
    def __init__(
        self,
        keys: ApiKeyRepository,
        clock: Clock,
        ids: IdGenerator,
        random: SecureRandom,
        revoked: Callable[[ApiKey], None] | None = None,
    ) -> None:
        """``revoked`` hears of every revocation (the authenticator drops the key from its cache)."""
        self._keys = keys
        self._clock = clock
        self._ids = ids
        self._random = random
        self._revoked = revoked

    async def create(
        self,
        role: Role,
        apps: frozenset[AppId] | None,
        *,
        valid_for: timedelta | None = None,
        expires_at: datetime | None = None,
        certificate_subject: str | None = None,
    ) -> IssuedKey:
        now = self._clock.now()
        if valid_for is not None and expires_at is not None:
            raise InvalidApiKey("ttl", "give either a lifetime or an expiry time, not both")
        if valid_for is not None:
            if valid_for <= timedelta(0):
                raise InvalidApiKey("ttl", "must be positive")
            expires_at = now + valid_for
        for attempt in range(_PREFIX_ATTEMPTS):
            prefix = self._new_prefix()
            secret = (
                None if certificate_subject else compose_key(prefix, self._random.token_urlsafe(SECRET_BYTES))
            )
            key = ApiKey.issue(
                key_id=ApiKeyId(self._ids.new_id()),
                prefix=prefix,
                role=role,
                apps=apps,
                now=now,
                expires_at=expires_at,
                secret_hash=None if secret is None else hash_key(secret),
                certificate_subject=certificate_subject,
            )
            try:
                await self._keys.add(key)
            except ApiKeyAlreadyExists:
                # A certificate subject is taken for good; a prefix clash (1 in 2^40) is drawn again.
                if certificate_subject is not None or attempt == _PREFIX_ATTEMPTS - 1:
                    raise
                continue
            return IssuedKey(key, None if secret is None else Secret(secret))
        raise AssertionError("unreachable")  # pragma: no cover

    def state(self, key: ApiKey) -> KeyState:
        return key.state(self._clock.now())

    async def list_keys(self, *, page_size: int, after: str | None) -> Page[ApiKey]:
        return await self._keys.list(page_size=page_size, after=after)

    async def get(self, reference: str) -> ApiKey:
        """``reference``: the key's id, its prefix, or its prefix as shown (``mcc_{prefix}``)."""
        text = reference.removeprefix(f"{KEY_SCHEME}_")
        found = await self._keys.find_by_prefix(text) if is_prefix(text) else None
        if found is not None:
            return found
        return await self._keys.get(ApiKeyId(reference))

    async def revoke(self, reference: str) -> ApiKey:
        key = await self.get(reference)
        revoked = await self._keys.revoke(key.id, self._clock.now())
        if self._revoked is not None:
            self._revoked(revoked)
        return revoked

    def _new_prefix(self) -> str:
        # Hex, so a prefix is easy to type and never starts with '-' on a command line.
        drawn = self._random.token_urlsafe(16)
        return hashlib.sha256(drawn.encode("ascii")).hexdigest()[:PREFIX_LENGTH]
