"""Where API keys are kept (their hashes, never their secrets)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from domain.api_key import ApiKey, ApiKeyId
from domain.paging import Page


@runtime_checkable
class ApiKeyRepository(Protocol):
    """Each call is its own transaction: keys are read on every API call, outside any unit of work."""

    async def add(self, key: ApiKey) -> None:
        """``ApiKeyAlreadyExists`` when the prefix or the certificate subject is taken."""
        ...

    async def get(self, key_id: ApiKeyId) -> ApiKey:
        """``ApiKeyNotFound`` when there is no such key."""
        ...

    async def find_by_prefix(self, prefix: str) -> ApiKey | None: ...

    async def find_by_certificate_subject(self, subject: str) -> ApiKey | None: ...

    async def list(self, *, page_size: int, after: str | None) -> Page[ApiKey]:
        """Every key (revoked and expired ones too), by id."""
        ...

    async def revoke(self, key_id: ApiKeyId, at: datetime) -> ApiKey:
        """Marks the key revoked at ``at`` unless it already is; returns it as stored."""
        ...

    async def record_last_used(self, key_id: ApiKeyId, at: datetime) -> None:
        """Moves ``last_used_at`` forward to ``at``; never back."""
        ...
