"""Real clock and id generator: the only places the service reads time or randomness."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class UuidIdGenerator:
    def new_id(self) -> str:
        return uuid.uuid4().hex


class SystemSecureRandom:
    def token_urlsafe(self, nbytes: int) -> str:
        return secrets.token_urlsafe(nbytes)
