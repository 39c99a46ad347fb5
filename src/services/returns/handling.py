"""Returns as the API sees them: listing per shop or per order, and the seller's approve / reject.

A decision is checked on the held return first (TikTok waits for the seller in that state), sent
to TikTok, then the return is read back from TikTok and recorded as TikTok shows it, so a refusal
changes nothing here and the record is TikTok's truth. A refund TikTok made meanwhile goes on to
SHOPLINE at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from domain.channel import ShopCredentials
from domain.errors import (
    InvalidArgument,
    OrderNotFound,
    PartnerError,
    ReturnNotFound,
    ShopNotActive,
    ShopNotFound,
    TokenNotFound,
)
from domain.ids import AppId, ShopId
from domain.paging import Page
from domain.ports import Clock, TikTokReturnsApi, UnitOfWork
from domain.returns import OrderReturn, RefundState, ReturnFilter
from domain.shop import Shop, ShopStatus
from services.returns.intake import ReturnIntake
from services.returns.refunds import ReturnRefunder
from services.shared.requests import ClientRequest

log = logging.getLogger("mcc.returns")

APPROVE_RETURN = "ApproveReturn"
REJECT_RETURN = "RejectReturn"


@dataclass(frozen=True)
class ReturnRef:
    app_id: AppId
    shop_id: ShopId
    return_id: str

    @property
    def name(self) -> str:
        return f"apps/{self.app_id}/shops/{self.shop_id}/returns/{self.return_id}"


class ReturnQueries:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork]) -> None:
        self._unit_of_work = unit_of_work

    async def list(self, criteria: ReturnFilter, *, page_size: int, after: str | None) -> Page[OrderReturn]:
        async with self._unit_of_work() as uow:
            await shop_of_app(uow, criteria.app_id, criteria.shop_id)
            if (
                criteria.order_id is not None
                and await uow.orders.find(criteria.shop_id, criteria.order_id) is None
            ):
                raise OrderNotFound(
                    f"apps/{criteria.app_id}/shops/{criteria.shop_id}/orders/{criteria.order_id}"
                )
            return await uow.order_returns.search(criteria, page_size=page_size, after=after)

    async def get(self, ref: ReturnRef) -> OrderReturn:
        async with self._unit_of_work() as uow:
            return await _return(uow, ref)


class ReturnCommands:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokReturnsApi,
        intake: ReturnIntake,
        refunder: ReturnRefunder,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._tiktok = tiktok
        self._intake = intake
        self._refunder = refunder

    async def approve(self, ref: ReturnRef, *, request_id: str | None = None) -> OrderReturn:
        replayed = await self._replayed(ref, APPROVE_RETURN, request_id)
        if replayed is not None:
            return replayed
        held, credentials = await self._prepare(ref)
        await self._tiktok.approve_return(credentials, ref.return_id, held.decision(approve=True))
        return await self._read_back(ref, credentials, held, APPROVE_RETURN, request_id)

    async def reject(
        self, ref: ReturnRef, reason: str, comment: str = "", *, request_id: str | None = None
    ) -> OrderReturn:
        replayed = await self._replayed(ref, REJECT_RETURN, request_id)
        if replayed is not None:
            return replayed
        held, credentials = await self._prepare(ref)
        decision = held.decision(approve=False)
        offered = await self._tiktok.return_reject_reasons(credentials, ref.return_id)
        if reason not in offered:
            choices = ", ".join(offered) if offered else "none"
            raise InvalidArgument(
                "reason", f"{reason!r} is not a reason TikTok accepts for this return ({choices})"
            )
        await self._tiktok.reject_return(credentials, ref.return_id, decision, reason, comment)
        return await self._read_back(ref, credentials, held, REJECT_RETURN, request_id)

    async def _prepare(self, ref: ReturnRef) -> tuple[OrderReturn, ShopCredentials]:
        async with self._unit_of_work() as uow:
            shop = await shop_of_app(uow, ref.app_id, ref.shop_id)
            held = await _return(uow, ref)
            try:
                token = await uow.tokens.get_tiktok(ref.shop_id)
            except TokenNotFound:
                raise ShopNotActive(shop.id, "the shop has no TikTok authorization") from None
        if shop.status is not ShopStatus.ACTIVE or token.needs_reauthorization(self._clock.now()):
            raise ShopNotActive(
                f"apps/{ref.app_id}/shops/{ref.shop_id}", "the shop needs to be re-authorized first"
            )
        return held, ShopCredentials(shop.cipher, token.access_token)

    async def _read_back(
        self,
        ref: ReturnRef,
        credentials: ShopCredentials,
        held: OrderReturn,
        operation: str,
        request_id: str | None,
    ) -> OrderReturn:
        report = await self._tiktok.get_return(credentials, ref.return_id)
        if report is not None:
            taken = await self._intake.take(ref.app_id, ref.shop_id, [report])
            if taken and taken[0].refund_state is RefundState.DUE:
                try:
                    await self._refunder.refund(ref.shop_id, ref.return_id)
                except PartnerError as error:  # TikTok took the decision; the order sync refunds later
                    log.warning("return refund deferred return_id=%s: %s", ref.return_id, error.code)
        async with self._unit_of_work() as uow:
            current = await _return(uow, ref)
            await _request(ref, operation, request_id).record(uow, self._clock.now())
            await uow.commit()
        return current

    async def _replayed(self, ref: ReturnRef, operation: str, request_id: str | None) -> OrderReturn | None:
        async with self._unit_of_work() as uow:
            if await _request(ref, operation, request_id).replayed(uow):
                return await _return(uow, ref)
        return None


def _request(ref: ReturnRef, operation: str, request_id: str | None) -> ClientRequest:
    return ClientRequest(ref.app_id, request_id, operation, f"shops/{ref.shop_id}/returns/{ref.return_id}")


async def shop_of_app(uow: UnitOfWork, app_id: AppId, shop_id: ShopId) -> Shop:
    """Another app's shop is not there as far as this app knows."""
    try:
        shop = await uow.shops.get(shop_id)
    except ShopNotFound:
        raise ShopNotFound(f"apps/{app_id}/shops/{shop_id}") from None
    if shop.app_id != app_id:
        raise ShopNotFound(f"apps/{app_id}/shops/{shop_id}")
    return shop


async def _return(uow: UnitOfWork, ref: ReturnRef) -> OrderReturn:
    await shop_of_app(uow, ref.app_id, ref.shop_id)
    found = await uow.order_returns.find(ref.shop_id, ref.return_id)
    if found is None:
        raise ReturnNotFound(ref.name)
    return found
