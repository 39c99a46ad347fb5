"""Authorizing TikTok shops into an app: the consent redirect and its callback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from domain.authorization import ShopLinking
from domain.authorization_state import (
    STATE_BYTES,
    TIKTOK_STATE_LIFETIME,
    AuthorizationStateInvalid,
    PendingAuthorization,
    SecureRandom,
    state_hash,
)
from domain.channel import AuthorizedShop
from domain.errors import InvalidArgument, ShopLinkedToAnotherApp, UnsupportedRegion
from domain.ids import AppId, ShopId, TaskId, TikTokShopId
from domain.ports import Clock, IdGenerator, JobQueue, TikTokChannelApi, UnitOfWork
from domain.shop import DisplayName, Region, Shop, ShopIdentity
from domain.task import Task, TaskKind
from domain.tokens import TikTokGrant, TikTokToken
from services.shared.requests import ClientRequest
from services.shops.management import ShopView, find_tiktok_token, owned_shop, shop_view
from services.tasks.starter import TaskStarter


class SkipReason(Enum):
    UNSUPPORTED_REGION = "UNSUPPORTED_REGION"
    LINKED_TO_ANOTHER_APP = "LINKED_TO_ANOTHER_APP"
    NOT_THE_REAUTHORIZED_SHOP = "NOT_THE_REAUTHORIZED_SHOP"


_SKIP_MESSAGES = {
    SkipReason.UNSUPPORTED_REGION: "the shop's region is not one of SG, MY, JP, GB, US",
    SkipReason.LINKED_TO_ANOTHER_APP: "this shop is linked to another app; remove it there first",
    SkipReason.NOT_THE_REAUTHORIZED_SHOP: "this re-authorization was for a different shop",
}


@dataclass(frozen=True)
class AuthorizationStart:
    """Where to send the seller; ``state`` must come back with the callback."""

    authorization_url: str = field(repr=False)
    state: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True)
class LinkedShop:
    view: ShopView
    reauthorized: bool


@dataclass(frozen=True)
class SkippedShop:
    """A shop of the grant that was not linked; never says which other app holds it."""

    tiktok_shop_id: TikTokShopId
    name: str
    region_code: str
    reason: SkipReason

    @property
    def message(self) -> str:
        return _SKIP_MESSAGES[self.reason]


@dataclass(frozen=True)
class AuthorizationOutcome:
    linked: tuple[LinkedShop, ...]
    skipped: tuple[SkippedShop, ...]
    history_import_tasks: tuple[TaskId, ...]


class ShopAuthorization:
    """``StartAuthorization`` and ``CompleteAuthorization``."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        tiktok: TikTokChannelApi,
        jobs: JobQueue,
        clock: Clock,
        ids: IdGenerator,
        random: SecureRandom,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._tiktok = tiktok
        self._tasks = TaskStarter(unit_of_work, clock, ids, jobs)
        self._clock = clock
        self._ids = ids
        self._random = random

    async def start(
        self,
        app_id: AppId,
        region: str,
        display_name: str | None = None,
        shop_to_reauthorize: ShopId | None = None,
    ) -> AuthorizationStart:
        """Issues a one-time state (kept only as its hash) and the consent URL that carries it.

        ``display_name`` names the new shops; it is ignored when re-authorizing a shop.
        """
        chosen_region = Region.parse(region)
        name = DisplayName.parse(display_name) if display_name and not shop_to_reauthorize else None
        now = self._clock.now()
        state = self._random.token_urlsafe(STATE_BYTES)
        pending = PendingAuthorization(
            app_id=app_id,
            region=chosen_region,
            display_name=name,
            shop_to_reauthorize=shop_to_reauthorize,
            created_at=now,
            expires_at=now + TIKTOK_STATE_LIFETIME,
        )
        async with self._unit_of_work() as uow:
            await uow.apps.get(app_id)
            if shop_to_reauthorize is not None:
                await owned_shop(uow, app_id, shop_to_reauthorize)
            await uow.authorization_states.put(state_hash(state), pending)
            await uow.commit()
        url = self._tiktok.authorization_url(chosen_region.value, state)
        return AuthorizationStart(url, state, pending.expires_at)

    async def complete(self, state: str, code: str, app_id: AppId | None = None) -> AuthorizationOutcome:
        """Exchanges the code and links (or re-authorizes) every eligible shop of the grant.

        Shops, tokens and history-import tasks are written in one transaction; the import jobs
        are queued after it commits, and a lost enqueue leaves a PENDING task the runner picks up.
        """
        pending = await self._take_state(state)
        if app_id is not None and app_id != pending.app_id:
            raise InvalidArgument("parent", "does not match the app the authorization was started for")
        # The state is spent before TikTok is called: a code works once, so a retry needs a new start.
        grant = await self._tiktok.exchange_code(code)
        granted_shops = await self._tiktok.authorized_shops(grant.access_token)

        now = self._clock.now()
        linked: list[LinkedShop] = []
        skipped: list[SkippedShop] = []
        tasks: list[Task] = []
        async with self._unit_of_work() as uow:
            await uow.apps.get(pending.app_id)
            target = None
            if pending.shop_to_reauthorize is not None:
                target = await owned_shop(uow, pending.app_id, pending.shop_to_reauthorize)
            linking = ShopLinking(uow.shop_registry)
            for granted in granted_shops:
                if target is not None and granted.tiktok_shop_id != target.tiktok_shop_id:
                    skipped.append(_skipped(granted, SkipReason.NOT_THE_REAUTHORIZED_SHOP))
                    continue
                try:
                    identity = ShopIdentity.from_authorized_shop(granted)
                except UnsupportedRegion:
                    skipped.append(_skipped(granted, SkipReason.UNSUPPORTED_REGION))
                    continue
                existing = await uow.shops.find_by_tiktok_shop_id(identity.tiktok_shop_id)
                try:
                    shop = await linking.link(
                        pending.app_id,
                        identity,
                        existing,
                        ShopId(self._ids.new_id()),
                        now,
                        pending.display_name if existing is None else None,
                    )
                except ShopLinkedToAnotherApp:
                    skipped.append(_skipped(granted, SkipReason.LINKED_TO_ANOTHER_APP))
                    continue
                await self._save(uow, shop, existing is not None, grant, now)
                if existing is None:
                    request = ClientRequest(shop.app_id, None, "ImportHistory", f"shops/{shop.id}")
                    task, _ = await self._tasks.add(uow, request, TaskKind.HISTORY_IMPORT, shop_id=shop.id)
                    tasks.append(task)
                linked.append(LinkedShop(await shop_view(uow, shop, now), existing is not None))
            await uow.commit()

        await self._tasks.queue(tasks)
        return AuthorizationOutcome(tuple(linked), tuple(skipped), tuple(task.id for task in tasks))

    async def _take_state(self, state: str) -> PendingAuthorization:
        now = self._clock.now()
        async with self._unit_of_work() as uow:
            pending = await uow.authorization_states.take(state_hash(state), now)
            await uow.commit()
        if not isinstance(pending, PendingAuthorization) or pending.expired(now):
            raise AuthorizationStateInvalid()
        return pending

    @staticmethod
    async def _save(
        uow: UnitOfWork, shop: Shop, reauthorized: bool, grant: TikTokGrant, now: datetime
    ) -> None:
        if reauthorized:
            await uow.shops.update(shop)
        else:
            await uow.shops.add(shop)
        token = await find_tiktok_token(uow, shop.id)
        if token is None:
            token = TikTokToken.issue(shop.id, grant, now)
        else:
            token.reissue(grant, now)
        await uow.tokens.save_tiktok(token)


def _skipped(granted: AuthorizedShop, reason: SkipReason) -> SkippedShop:
    return SkippedShop(granted.tiktok_shop_id, granted.name, granted.region, reason)
