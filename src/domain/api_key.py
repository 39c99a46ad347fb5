"""API keys: who may call the API, in which role, for which apps, until when.

A key is ``mcc_{prefix}_{secret}``. The prefix is public (it names the key in listings and logs);
the secret is 32 bytes from a CSPRNG. Only SHA-256 of the whole key is stored. A slow password
KDF (bcrypt, scrypt, Argon2) exists to make guessing *low-entropy* secrets expensive; guessing
a secret of 256 unpredictable bits is out of reach whatever the hash costs, and a fast hash keeps
the check on every call cheap. Comparison is constant-time (``hmac.compare_digest``).

A key may instead stand for a client certificate (mTLS): it then has no secret and is found by
the certificate's verified subject, with the same role, scope, expiry and revocation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import NewType

from domain.errors import InvalidApiKey
from domain.ids import AppId

ApiKeyId = NewType("ApiKeyId", str)

KEY_SCHEME = "mcc"
PREFIX_LENGTH = 10
_PREFIX = re.compile(rf"[0-9a-f]{{{PREFIX_LENGTH}}}")
_KEY = re.compile(rf"{KEY_SCHEME}_([0-9a-f]{{{PREFIX_LENGTH}}})_([A-Za-z0-9_-]{{32,128}})")
MAX_APPS_PER_KEY = 100
MAX_SUBJECT_LENGTH = 255
LAST_USED_PRECISION = timedelta(minutes=1)
"""``last_used_at`` is written at most once per key per this long, never on every call."""


class Role(Enum):
    """Each role may do everything the one before it may."""

    READER = "reader"
    """Get, List, Watch and analytics."""
    OPERATOR = "operator"
    """Plus mutations and tasks."""
    ADMIN = "admin"
    """Plus installations, deleting shops and key management."""

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def includes(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANKS = {Role.READER: 1, Role.OPERATOR: 2, Role.ADMIN: 3}


class KeyState(Enum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


def hash_key(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def compose_key(prefix: str, secret: str) -> str:
    return f"{KEY_SCHEME}_{prefix}_{secret}"


def split_key(key: str) -> str | None:
    """The prefix of a well-formed key, else None."""
    match = _KEY.fullmatch(key)
    return match[1] if match else None


def is_prefix(text: str) -> bool:
    return _PREFIX.fullmatch(text) is not None


@dataclass(frozen=True)
class Principal:
    """The caller of one request: what it may do and which apps it may see."""

    name: str
    """For logs: ``key:mcc_{prefix}`` (bearer) or ``cert:mcc_{prefix}`` (client certificate)."""
    role: Role
    apps: frozenset[AppId] | None
    """None: every app."""

    def sees(self, app_id: AppId) -> bool:
        return self.apps is None or app_id in self.apps

    def may(self, role: Role) -> bool:
        return self.role.includes(role)


@dataclass(frozen=True)
class ApiKey:
    id: ApiKeyId
    prefix: str
    role: Role
    apps: frozenset[AppId] | None
    """None: every app (admin keys only)."""
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    secret_hash: bytes | None = None
    """SHA-256 of the whole key; None for a client-certificate key."""
    certificate_subject: str | None = None
    """The client certificate's subject this key stands for; None for a bearer key."""

    @classmethod
    def issue(
        cls,
        *,
        key_id: ApiKeyId,
        prefix: str,
        role: Role,
        apps: frozenset[AppId] | None,
        now: datetime,
        expires_at: datetime | None = None,
        secret_hash: bytes | None = None,
        certificate_subject: str | None = None,
    ) -> ApiKey:
        if not is_prefix(prefix):
            raise InvalidApiKey("prefix", f"must be {PREFIX_LENGTH} lowercase hex digits")
        if apps is None and role is not Role.ADMIN:
            raise InvalidApiKey("apps", "a reader or operator key must name at least one app")
        if apps is not None and not 1 <= len(apps) <= MAX_APPS_PER_KEY:
            raise InvalidApiKey("apps", f"must name 1 to {MAX_APPS_PER_KEY} apps")
        if expires_at is not None and expires_at <= now:
            raise InvalidApiKey("expire_time", "must be in the future")
        if (secret_hash is None) == (certificate_subject is None):
            raise InvalidApiKey("credential", "a key has either a secret or a client certificate subject")
        if secret_hash is not None and len(secret_hash) != hashlib.sha256().digest_size:
            raise InvalidApiKey("secret_hash", "must be a SHA-256 digest")
        if certificate_subject is not None and not 0 < len(certificate_subject) <= MAX_SUBJECT_LENGTH:
            raise InvalidApiKey("certificate_subject", f"must be 1 to {MAX_SUBJECT_LENGTH} characters")
        return cls(
            id=key_id,
            prefix=prefix,
            role=role,
            apps=apps,
            created_at=now,
            expires_at=expires_at,
            secret_hash=secret_hash,
            certificate_subject=certificate_subject,
        )

    @property
    def display_prefix(self) -> str:
        return f"{KEY_SCHEME}_{self.prefix}"

    def state(self, now: datetime) -> KeyState:
        if self.revoked_at is not None:
            return KeyState.REVOKED
        if self.expires_at is not None and now >= self.expires_at:
            return KeyState.EXPIRED
        return KeyState.ACTIVE

    def matches(self, key: str) -> bool:
        """Whether ``key`` is this key's secret; constant-time in the key's content."""
        if self.secret_hash is None:
            return False
        return hmac.compare_digest(hash_key(key), self.secret_hash)

    def revoke(self, now: datetime) -> ApiKey:
        """Idempotent: a revoked key keeps its first revocation time."""
        if self.revoked_at is not None:
            return self
        return replace(self, revoked_at=now)

    def used(self, now: datetime) -> ApiKey:
        if self.last_used_at is not None and self.last_used_at >= now:
            return self
        return replace(self, last_used_at=now)

    def principal(self) -> Principal:
        kind = "key" if self.certificate_subject is None else "cert"
        return Principal(name=f"{kind}:{self.display_prefix}", role=self.role, apps=self.apps)
