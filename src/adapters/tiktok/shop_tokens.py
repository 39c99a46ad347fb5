"""The access token of a shop's port calls, and the refresh that concurrent calls of a shop share."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from domain.channel import ShopCredentials
from domain.ports import AccessTokenRefresher
from domain.secret import Secret

ShopRefresh = Callable[[ShopCredentials, str], Awaitable[Secret | None]]


class ShopTokens:
    """The access token of one port call (or one paged iteration), refreshed at most once."""

    def __init__(self, credentials: ShopCredentials, refresh: ShopRefresh | None) -> None:
        self._credentials = credentials
        self._refresh = refresh

    async def access_token(self) -> str:
        return self._credentials.access_token.reveal()

    async def refresh(self, rejected_token: str) -> str | None:
        if self._refresh is None:
            return None
        fresh = await self._refresh(self._credentials, rejected_token)
        if fresh is None:
            return None
        self._credentials = ShopCredentials(self._credentials.shop_cipher, fresh)
        return fresh.reveal()


class SharedShopRefresh:
    """Asks the `AccessTokenRefresher` for a shop's new token; calls of one shop that hit the same
    expired token share a single refresh."""

    def __init__(self, token_refresher: AccessTokenRefresher | None) -> None:
        self._token_refresher = token_refresher
        self._refresh_locks: dict[str, asyncio.Lock] = {}
        self._rotations: dict[str, tuple[str, Secret]] = {}

    async def __call__(self, credentials: ShopCredentials, rejected_token: str) -> Secret | None:
        if self._token_refresher is None:
            return None
        cipher = credentials.shop_cipher
        lock = self._refresh_locks.setdefault(cipher, asyncio.Lock())
        async with lock:
            previous = self._rotations.get(cipher)
            if previous is not None and previous[0] == rejected_token:
                return previous[1]  # a concurrent call already refreshed this token
            fresh = await self._token_refresher.refresh_for(credentials)
            if fresh is not None:
                self._rotations[cipher] = (rejected_token, fresh)
            return fresh
