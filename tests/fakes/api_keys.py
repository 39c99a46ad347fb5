"""A stateful fake of the API key store: unique prefixes and certificate subjects, revocation kept
once, last use moving only forward, keyset paging by id."""

from __future__ import annotations

from datetime import datetime

from domain.api_key import ApiKey, ApiKeyId
from domain.errors import ApiKeyAlreadyExists, ApiKeyNotFound
from domain.paging import Page


class FakeApiKeyRepository:
    def __init__(self) -> None:
        self.keys: dict[ApiKeyId, ApiKey] = {}
        self.reads = 0
        self.last_used_writes = 0

    async def add(self, key: ApiKey) -> None:
        for held in self.keys.values():
            same_subject = key.certificate_subject is not None and (
                held.certificate_subject == key.certificate_subject
            )
            if held.id == key.id or held.prefix == key.prefix or same_subject:
                raise ApiKeyAlreadyExists(key.display_prefix)
        self.keys[key.id] = key

    async def get(self, key_id: ApiKeyId) -> ApiKey:
        self.reads += 1
        if key_id not in self.keys:
            raise ApiKeyNotFound(key_id)
        return self.keys[key_id]

    async def find_by_prefix(self, prefix: str) -> ApiKey | None:
        self.reads += 1
        return next((key for key in self.keys.values() if key.prefix == prefix), None)

    async def find_by_certificate_subject(self, subject: str) -> ApiKey | None:
        self.reads += 1
        return next((key for key in self.keys.values() if key.certificate_subject == subject), None)

    async def list(self, *, page_size: int, after: str | None) -> Page[ApiKey]:
        ordered = sorted(
            (key for key in self.keys.values() if after is None or key.id > after), key=lambda k: k.id
        )
        items = ordered[:page_size]
        return Page(items, items[-1].id if len(ordered) > page_size else None)

    async def revoke(self, key_id: ApiKeyId, at: datetime) -> ApiKey:
        key = await self.get(key_id)
        self.keys[key_id] = key.revoke(at)
        return self.keys[key_id]

    async def record_last_used(self, key_id: ApiKeyId, at: datetime) -> None:
        self.last_used_writes += 1
        key = self.keys.get(key_id)
        if key is not None:
            self.keys[key_id] = key.used(at)
