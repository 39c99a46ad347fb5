"""Orders as the API sees them: listing and reading, manual import, and cancellation handling.

Answers to TikTok are given first and recorded after TikTok accepted them, re-reading the order
then, so a refusal changes nothing here and a sync meanwhile is not overwritten. The order's rules
are checked before TikTok is asked, on a copy that is not saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from domain.app import AppSettings, ImportScope
from domain.catalog import SkuLink
from domain.channel import ShopCredentials
from domain.errors import (
    InvalidArgument,
    OrderNotFound,
    OrderNotImportable,
    ShopNotActive,
    ShopNotFound,
    TokenNotFound,
    quoted,
)
from domain.ids import AppId, ChannelSkuId, OrderId, ShopId
from domain.order import ImportState, Order, OrderFilter
from domain.paging import Page
from domain.ports import Clock, TikTokChannelApi, UnitOfWork
from domain.shop import Shop, ShopStatus
from domain.task import Task
from services.fulfillment.views import FulfillmentView, fulfillment_view
from services.orders.shopline_import import OrderImporter
from services.orders.sync import OrderSyncs
from services.shared.requests import ClientRequest

IMPORT_ORDER = "ImportOrder"
CANCEL_ORDER = "CancelOrder"
APPROVE_CANCELLATION = "ApproveCancellation"
REJECT_CANCELLATION = "RejectCancellation"


@dataclass(frozen=True)
class OrderRef:
    app_id: AppId
    shop_id: ShopId
    order_id: OrderId

    @property
    def name(self) -> str:
        return f"apps/{self.app_id}/shops/{self.shop_id}/orders/{self.order_id}"


@dataclass(frozen=True)
class OrderView:
    """An order with the current links of its SKUs (a line without an entry is unlinked)."""

    order: Order
    links: Mapping[ChannelSkuId, SkuLink]
    waiting_reason: str = ""
    """For an order not imported yet: why the automatic import has not taken it (yet)."""
    fulfillment: FulfillmentView | None = None
    """Its fulfillment state and packages (TikTok's, completed by our shipments)."""


class OrderQueries:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork]) -> None:
        self._unit_of_work = unit_of_work

    async def list(self, criteria: OrderFilter, *, page_size: int, after: str | None) -> Page[OrderView]:
        async with self._unit_of_work() as uow:
            if criteria.shop_id is not None:
                await _shop_of_app(uow, criteria.app_id, criteria.shop_id)
            else:
                await uow.apps.get(criteria.app_id)
            page = await uow.orders.search(criteria, page_size=page_size, after=after)
            views = await _views(uow, page.items)
        return Page(views, page.next_cursor)

    async def get(self, ref: OrderRef) -> OrderView:
        async with self._unit_of_work() as uow:
            return (await _views(uow, [await _order(uow, ref)]))[0]

    async def view(self, order: Order) -> OrderView:
        async with self._unit_of_work() as uow:
            return (await _views(uow, [order]))[0]


class OrderCommands:
    """Manual import, seller cancellation, answers to buyer cancellation requests, sync on request."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        tiktok: TikTokChannelApi,
        importer: OrderImporter,
        syncs: OrderSyncs,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._tiktok = tiktok
        self._importer = importer
        self._syncs = syncs

    async def import_order(
        self, ref: OrderRef, scope: ImportScope | None, *, request_id: str | None = None
    ) -> Order:
        """Importing is idempotent by itself (the import ledger); the ``request_id`` is kept so that
        reusing it for another call is refused, and a repeat returns the order as it is now."""
        request = _request(ref, IMPORT_ORDER, request_id)
        async with self._unit_of_work() as uow:
            order = await _order(uow, ref)
            if await request.replayed(uow):
                return order
        order = await self._importer.import_order(ref.app_id, ref.shop_id, ref.order_id, scope)
        async with self._unit_of_work() as uow:
            await request.record(uow, self._clock.now())
            await uow.commit()
        return order

    async def cancel(self, ref: OrderRef, reason: str, *, request_id: str | None = None) -> Order:
        """Cancels the whole order on TikTok as the seller with one of the reasons TikTok offers.

        A call repeating the ``request_id`` of a cancellation already done returns the order as is.
        """
        replayed = await self._replayed(ref, CANCEL_ORDER, request_id)
        if replayed is not None:
            return replayed
        order, credentials = await self._prepare(ref)
        order.cancel_as_seller(reason, self._clock.now())  # the rules, on a copy
        offered = await self._tiktok.cancel_reasons(credentials, ref.order_id)
        if reason not in offered:
            choices = ", ".join(offered) if offered else "none: TikTok does not let the seller cancel it now"
            raise InvalidArgument(
                "reason", f"{quoted(reason)} is not a reason TikTok accepts for this order ({choices})"
            )
        await self._tiktok.cancel_order(credentials, ref.order_id, reason)
        return await self._record(
            ref, lambda current: current.cancel_as_seller(reason, self._clock.now()), CANCEL_ORDER, request_id
        )

    async def approve_cancellation(self, ref: OrderRef, *, request_id: str | None = None) -> Order:
        replayed = await self._replayed(ref, APPROVE_CANCELLATION, request_id)
        if replayed is not None:
            return replayed
        order, credentials = await self._prepare(ref)
        cancel_id = order.approve_cancellation(self._clock.now())
        await self._tiktok.approve_cancellation(credentials, cancel_id)
        return await self._record(
            ref,
            lambda current: current.approve_cancellation(self._clock.now()),
            APPROVE_CANCELLATION,
            request_id,
        )

    async def reject_cancellation(
        self, ref: OrderRef, reason: str, *, request_id: str | None = None
    ) -> Order:
        replayed = await self._replayed(ref, REJECT_CANCELLATION, request_id)
        if replayed is not None:
            return replayed
        order, credentials = await self._prepare(ref)
        cancel_id = order.reject_cancellation(self._clock.now())
        await self._tiktok.reject_cancellation(credentials, cancel_id, reason)
        return await self._record(
            ref,
            lambda current: current.reject_cancellation(self._clock.now()),
            REJECT_CANCELLATION,
            request_id,
        )

    async def sync(self, app_id: AppId, shop_id: ShopId, request_id: str | None = None) -> Task:
        """Starts the shop's order sync, or returns the one pending or running (or the one a
        repeated ``request_id`` started)."""
        async with self._unit_of_work() as uow:
            shop = await _shop_of_app(uow, app_id, shop_id)
            if shop.status is not ShopStatus.ACTIVE:
                raise ShopNotActive(
                    f"apps/{app_id}/shops/{shop_id}", "the shop needs to be re-authorized before it can sync"
                )
        return await self._syncs.start(app_id, shop_id, request_id)

    async def _prepare(self, ref: OrderRef) -> tuple[Order, ShopCredentials]:
        async with self._unit_of_work() as uow:
            shop = await _shop_of_app(uow, ref.app_id, ref.shop_id)
            order = await _order(uow, ref)
            try:
                token = await uow.tokens.get_tiktok(ref.shop_id)
            except TokenNotFound:
                raise ShopNotActive(shop.id, "the shop has no TikTok authorization") from None
        if shop.status is not ShopStatus.ACTIVE or token.needs_reauthorization(self._clock.now()):
            raise ShopNotActive(
                f"apps/{ref.app_id}/shops/{ref.shop_id}", "the shop needs to be re-authorized first"
            )
        return order, ShopCredentials(shop.cipher, token.access_token)

    async def _replayed(self, ref: OrderRef, operation: str, request_id: str | None) -> Order | None:
        """The order as it is now when ``request_id`` names this very call done before."""
        async with self._unit_of_work() as uow:
            if await _request(ref, operation, request_id).replayed(uow):
                return await _order(uow, ref)
        return None

    async def _record(
        self, ref: OrderRef, change: Callable[[Order], object], operation: str, request_id: str | None
    ) -> Order:
        async with self._unit_of_work() as uow:
            order = await _order(uow, ref)
            change(order)
            await uow.orders.update(order)
            await _request(ref, operation, request_id).record(uow, self._clock.now())
            await uow.commit()
        return order


def _request(ref: OrderRef, operation: str, request_id: str | None) -> ClientRequest:
    return ClientRequest(ref.app_id, request_id, operation, f"shops/{ref.shop_id}/orders/{ref.order_id}")


async def _shop_of_app(uow: UnitOfWork, app_id: AppId, shop_id: ShopId) -> Shop:
    """Another app's shop is not there as far as this app knows."""
    try:
        shop = await uow.shops.get(shop_id)
    except ShopNotFound:
        raise ShopNotFound(f"apps/{app_id}/shops/{shop_id}") from None
    if shop.app_id != app_id:
        raise ShopNotFound(f"apps/{app_id}/shops/{shop_id}")
    return shop


async def _views(uow: UnitOfWork, orders: Sequence[Order]) -> list[OrderView]:
    """The orders with their SKUs' links, reading the links once per shop and each app once."""
    links: dict[ShopId, dict[ChannelSkuId, SkuLink]] = {}
    for shop_id in {order.shop_id for order in orders}:
        wanted = {line.sku_id for order in orders if order.shop_id == shop_id for line in order.lines}
        links[shop_id] = await uow.channel_products.sku_links(shop_id, wanted)
    settings: dict[AppId, AppSettings] = {}
    for app_id in {order.app_id for order in orders if order.import_status.state is ImportState.NOT_IMPORTED}:
        settings[app_id] = (await uow.apps.get(app_id)).settings
    shipments = {
        shop_id: await uow.shipments.for_orders(shop_id, [o.id for o in orders if o.shop_id == shop_id])
        for shop_id in links
    }
    views = []
    for order in orders:
        shop_links = links[order.shop_id]
        mine = {line.sku_id: shop_links[line.sku_id] for line in order.lines if line.sku_id in shop_links}
        fulfillment = fulfillment_view(order, shipments[order.shop_id].get(order.id, []))
        views.append(
            OrderView(order, mine, _waiting_reason(order, mine, settings.get(order.app_id)), fulfillment)
        )
    return views


def _waiting_reason(order: Order, links: Mapping[ChannelSkuId, SkuLink], settings: AppSettings | None) -> str:
    if order.import_status.state is not ImportState.NOT_IMPORTED or settings is None:
        return ""
    try:
        order.import_lines(settings.import_scope, {sku: link.variant_id for sku, link in links.items()})
        order.shopline_email(settings.default_email)
    except OrderNotImportable as error:
        if error.why == "UNLINKED_SKUS":
            return f"{error.description} and the import scope is only fully linked orders"
        return error.description
    if not settings.auto_import_orders:
        return "automatic import is off for this app; use ImportOrder"
    return "waiting for the next order sync"


async def _order(uow: UnitOfWork, ref: OrderRef) -> Order:
    await _shop_of_app(uow, ref.app_id, ref.shop_id)
    order = await uow.orders.find(ref.shop_id, ref.order_id)
    if order is None:
        raise OrderNotFound(ref.name)
    return order
