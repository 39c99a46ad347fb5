"""Authenticating a caller on every API call, cheaply.

A key read from the store is kept for a few seconds, so a burst of calls costs one read; a
revocation made in this process takes effect at once, one made elsewhere (``mcc api-key
revoke``, another server) within ``cache_for``. ``last_used_at`` is written at most once per key
per minute, never on every call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.api_key import LAST_USED_PRECISION, ApiKey, KeyState, Principal, split_key
from domain.errors import Unauthenticated
from domain.ports import Clock
from domain.ports.access import ApiKeyRepository

DEFAULT_CACHE_FOR = timedelta(seconds=5)
_MAX_CACHED = 10_000
"""Unknown prefixes are remembered too (a flood of bad keys reads the store once per prefix); past
this many entries the cache starts over, so it cannot grow without bound."""


@dataclass
class _Cached:
    key: ApiKey | None
    read_at: datetime


class Authenticator:
    def __init__(
        self, keys: ApiKeyRepository, clock: Clock, *, cache_for: timedelta = DEFAULT_CACHE_FOR
    ) -> None:
        self._keys = keys
        self._clock = clock
        self._cache_for = cache_for
        self._cache: dict[str, _Cached] = {}
        self._last_written: dict[str, datetime] = {}

    async def bearer(self, key: str) -> Principal:
        """The caller holding ``key`` (``mcc_...``); ``Unauthenticated`` for any unusable key."""
        prefix = split_key(key)
        if prefix is None:
            raise Unauthenticated()
        found = await self._lookup(f"prefix:{prefix}", lambda: self._keys.find_by_prefix(prefix))
        if found is None or not found.matches(key):
            raise Unauthenticated()
        return await self._admit(found)

    async def certificate(self, subject: str) -> Principal:
        """The caller whose verified client certificate has ``subject``."""
        found = await self._lookup(
            f"subject:{subject}", lambda: self._keys.find_by_certificate_subject(subject)
        )
        if found is None:
            raise Unauthenticated("this client certificate is not registered for the API")
        return await self._admit(found)

    def forget(self, key: ApiKey) -> None:
        """Drops ``key`` from the cache (after it was revoked here)."""
        self._cache.pop(f"prefix:{key.prefix}", None)
        if key.certificate_subject is not None:
            self._cache.pop(f"subject:{key.certificate_subject}", None)

    async def _admit(self, key: ApiKey) -> Principal:
        now = self._clock.now()
        if key.state(now) is not KeyState.ACTIVE:
            raise Unauthenticated()
        await self._note_use(key, now)
        return key.principal()

    async def _lookup(self, cache_key: str, read: Callable[[], Awaitable[ApiKey | None]]) -> ApiKey | None:
        now = self._clock.now()
        cached = self._cache.get(cache_key)
        if cached is not None and timedelta(0) <= now - cached.read_at < self._cache_for:
            return cached.key
        found: ApiKey | None = await read()
        if len(self._cache) >= _MAX_CACHED:
            self._cache.clear()
        self._cache[cache_key] = _Cached(found, now)
        return found

    async def _note_use(self, key: ApiKey, now: datetime) -> None:
        written = self._last_written.get(key.id, key.last_used_at)
        if written is not None and timedelta(0) <= now - written < LAST_USED_PRECISION:
            return
        # Claimed before the write, so calls arriving meanwhile do not write too.
        self._last_written[key.id] = now
        await self._keys.record_last_used(key.id, now)
