"""Keeping partner tokens alive: periodic refresh, and the on-demand refresh the TikTok adapter asks for.

One TikTok grant can cover several shops, and every shop's token row then holds the same pair.
A refresh rotates the pair, so it is applied to every row that held the old refresh token;
otherwise the other shops would be left with a refresh token TikTok no longer accepts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.authorization import refresh_rejected
from domain.channel import ShopCredentials
from domain.errors import (
    AppNotFound,
    ConcurrencyConflict,
    PartnerError,
    PartnerRejected,
    PartnerTokenRevoked,
)
from domain.ids import AppId, ShopId
from domain.ports import Clock, ShoplineApi, TikTokTokenRefresh, UnitOfWork
from domain.secret import Secret
from domain.shop import ShopStatus
from domain.tokens import DEFAULT_REFRESH_WINDOW, ShoplineGrant, ShoplineToken, TikTokToken
from services.shops.management import find_tiktok_token

log = logging.getLogger(__name__)

PAGE_SIZE = 100
# TikTok's token endpoint: "rt has expired" and "can not find related auth record".
INVALID_REFRESH_TOKEN_CODES = frozenset({"36004001", "36004005"})


def refresh_was_rejected(error: PartnerError) -> bool:
    """The partner refused the grant itself; retrying cannot help, only a new authorization."""
    if isinstance(error, PartnerTokenRevoked):
        return True
    return isinstance(error, PartnerRejected) and error.code in INVALID_REFRESH_TOKEN_CODES


@dataclass(frozen=True)
class UpkeepReport:
    tiktok_refreshed: tuple[ShopId, ...] = ()
    shopline_refreshed: tuple[AppId, ...] = ()
    needs_reauthorization: tuple[ShopId, ...] = ()
    """Shops whose grant was refused or has run out."""
    shopline_revoked: tuple[AppId, ...] = ()
    deferred: int = 0
    """Refreshes that failed for a passing reason; the next round tries again."""


@dataclass
class _Tally:
    tiktok_refreshed: list[ShopId] = field(default_factory=list)
    shopline_refreshed: list[AppId] = field(default_factory=list)
    needs_reauthorization: list[ShopId] = field(default_factory=list)
    shopline_revoked: list[AppId] = field(default_factory=list)
    deferred: int = 0

    def report(self) -> UpkeepReport:
        return UpkeepReport(
            tuple(self.tiktok_refreshed),
            tuple(self.shopline_refreshed),
            tuple(self.needs_reauthorization),
            tuple(self.shopline_revoked),
            self.deferred,
        )


class TokenUpkeep:
    """``run`` is the periodic job; ``refresh_for`` makes it the TikTok adapter's ``AccessTokenRefresher``."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        tiktok: TikTokTokenRefresh,
        shopline: ShoplineApi,
        clock: Clock,
        *,
        refresh_window: timedelta = DEFAULT_REFRESH_WINDOW,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._tiktok = tiktok
        self._shopline = shopline
        self._clock = clock
        self._refresh_window = refresh_window

    async def run(self) -> UpkeepReport:
        """Refreshes TikTok tokens inside the refresh window and SHOPLINE tokens 90 % into their life.

        A refused refresh marks the shop NEEDS_REAUTHORIZATION (syncs stop until the seller
        re-authorizes); a passing failure is left for the next round.
        """
        tally = _Tally()
        await self._upkeep_tiktok(tally)
        await self._upkeep_shopline(tally)
        report = tally.report()
        log.info(
            "token upkeep: %d tiktok and %d shopline refreshed, %d shops need re-authorization, %d deferred",
            len(report.tiktok_refreshed),
            len(report.shopline_refreshed),
            len(report.needs_reauthorization),
            report.deferred,
        )
        return report

    async def refresh_for(self, credentials: ShopCredentials) -> Secret | None:
        """A new access token for the shop of ``credentials``, or None when it cannot be refreshed.

        Called by the TikTok adapter when TikTok reports the access token expired (105002). The
        rotated pair is stored before the new token is handed out. Passing partner failures
        propagate to the adapter's caller.
        """
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            shop = await uow.shops.find_by_cipher(credentials.shop_cipher)
            if shop is None or shop.status is not ShopStatus.ACTIVE:
                return None
            token = await find_tiktok_token(uow, shop.id)
        if token is None or token.revoked:
            return None
        if token.access_token != credentials.access_token and token.access_valid(now):
            return token.access_token  # another caller already rotated it
        if not token.refresh_valid(now):
            await self._mark_lapsed([token.shop_id], now)
            return None
        outcome = await self._refresh_grant(token, now)
        return outcome.access_token

    # --- TikTok -----------------------------------------------------------------------------

    async def _upkeep_tiktok(self, tally: _Tally) -> None:
        now = self._clock.now()
        due: dict[Secret, TikTokToken] = {}  # one refresh per grant, whatever its number of shops
        lapsed: list[ShopId] = []
        async with self._unit_of_work() as uow:
            after: str | None = None
            while True:
                page = await uow.tokens.list_tiktok(page_size=PAGE_SIZE, after=after)
                for token in page.items:
                    if token.refresh_due(now, self._refresh_window):
                        due.setdefault(token.refresh_token, token)
                    elif token.needs_reauthorization(now) and not token.revoked:
                        lapsed.append(token.shop_id)
                if page.next_cursor is None:
                    break
                after = page.next_cursor
        tally.needs_reauthorization.extend(await self._mark_lapsed(lapsed, now))
        for token in due.values():
            try:
                outcome = await self._refresh_grant(token, now)
            except PartnerError as error:
                log.warning("tiktok token refresh deferred: %s code=%s", error.reason, error.code)
                tally.deferred += 1
                continue
            except ConcurrencyConflict:
                log.warning("tiktok token refresh of shop %s deferred: concurrent change", token.shop_id)
                tally.deferred += 1
                continue
            if outcome.access_token is None:
                tally.needs_reauthorization.extend(outcome.shop_ids)
            else:
                tally.tiktok_refreshed.extend(outcome.shop_ids)

    async def _refresh_grant(self, token: TikTokToken, now: datetime) -> _GrantRefresh:
        """Refreshes ``token``'s grant and applies the result to every token row that shares it."""
        try:
            grant = await self._tiktok.refresh(token.refresh_token)
        except PartnerError as error:
            if not refresh_was_rejected(error):
                raise
            return _GrantRefresh(await self._reject(token.refresh_token, now), None)
        async with self._unit_of_work() as uow:
            sharing = await self._tokens_sharing(uow, token.refresh_token)
            if not sharing:
                # Someone rotated the pair since we read it; TikTok issued ours last, so it wins.
                current = await find_tiktok_token(uow, token.shop_id)
                if current is not None and not current.revoked:
                    sharing = await self._tokens_sharing(uow, current.refresh_token)
            for token in sharing:
                token.refreshed(grant, now)
                await uow.tokens.save_tiktok(token)
            await uow.commit()
        return _GrantRefresh(tuple(token.shop_id for token in sharing), grant.access_token)

    async def _reject(self, refresh_token: Secret, now: datetime) -> tuple[ShopId, ...]:
        async with self._unit_of_work() as uow:
            sharing = await self._tokens_sharing(uow, refresh_token)
            for token in sharing:
                shop = await uow.shops.get(token.shop_id)
                refresh_rejected(token, shop, now)
                await uow.tokens.save_tiktok(token)
                await uow.shops.update(shop)
            await uow.commit()
        shop_ids = tuple(token.shop_id for token in sharing)
        log.warning("tiktok refused a refresh token; shops %s need re-authorization", ", ".join(shop_ids))
        return shop_ids

    async def _mark_lapsed(self, shop_ids: list[ShopId], now: datetime) -> list[ShopId]:
        """Grants past their end cannot be refreshed; the seller has to authorize again."""
        marked: list[ShopId] = []
        if not shop_ids:
            return marked
        async with self._unit_of_work() as uow:
            for shop_id in shop_ids:
                shop = await uow.shops.get(shop_id)
                if shop.status is ShopStatus.ACTIVE:
                    shop.mark_needs_reauthorization(now)
                    await uow.shops.update(shop)
                    marked.append(shop_id)
            await uow.commit()
        return marked

    @staticmethod
    async def _tokens_sharing(uow: UnitOfWork, refresh_token: Secret) -> list[TikTokToken]:
        found: list[TikTokToken] = []
        after: str | None = None
        while True:
            page = await uow.tokens.list_tiktok(page_size=PAGE_SIZE, after=after)
            found.extend(token for token in page.items if token.refresh_token == refresh_token)
            if page.next_cursor is None:
                return found
            after = page.next_cursor

    # --- SHOPLINE ---------------------------------------------------------------------------

    async def _upkeep_shopline(self, tally: _Tally) -> None:
        now = self._clock.now()
        due: list[tuple[AppId, str]] = []
        async with self._unit_of_work() as uow:
            after: str | None = None
            while True:
                page = await uow.tokens.list_shopline(page_size=PAGE_SIZE, after=after)
                for token in page.items:
                    if token.refresh_due(now):
                        try:
                            app = await uow.apps.get(token.app_id)
                        except AppNotFound:
                            continue  # a token left behind by a removed app has nothing to serve
                        due.append((app.id, app.store_handle))
                if page.next_cursor is None:
                    break
                after = page.next_cursor
        for app_id, store_handle in due:
            try:
                grant = await self._shopline.refresh_token(store_handle)
            except PartnerTokenRevoked:
                await self._update_shopline(app_id, lambda token: token.revoke(now))
                tally.shopline_revoked.append(app_id)
                continue
            except PartnerError as error:
                log.warning("shopline token refresh deferred: %s code=%s", error.reason, error.code)
                tally.deferred += 1
                continue
            await self._update_shopline(app_id, _refreshed_with(grant, now))
            tally.shopline_refreshed.append(app_id)

    async def _update_shopline(self, app_id: AppId, change: Callable[[ShoplineToken], None]) -> None:
        async with self._unit_of_work() as uow:
            token = await uow.tokens.get_shopline(app_id)
            change(token)
            await uow.tokens.save_shopline(token)
            await uow.commit()


def _refreshed_with(grant: ShoplineGrant, now: datetime) -> Callable[[ShoplineToken], None]:
    return lambda token: token.refreshed(grant, now)


@dataclass(frozen=True)
class _GrantRefresh:
    shop_ids: tuple[ShopId, ...]
    access_token: Secret | None
    """None when the partner refused the grant."""
