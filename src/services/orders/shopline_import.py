"""Import of TikTok orders into SHOPLINE, exactly once per channel order.

The ledger (keyed by platform, TikTok shop id and order id; it survives shop deletion) is read
first, so an order seen again after its shop was deleted and re-authorized is never imported
twice. SHOPLINE is never asked to create an order before it was searched for the order's channel
marker: a crash or a lost reply of an earlier attempt leaves an order there that must be reused.
The ledger row, the order's import state and the commit of its stock reservations (with the
on-hand read after SHOPLINE's decrement) are written in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from domain.app import App, ImportScope
from domain.channel import BuyerInfo, NewShoplineOrder, ShoplineCredentials, ShoplineOrderLine
from domain.errors import (
    OrderAlreadyImported,
    OrderNotFound,
    OrderNotImportable,
    PartnerError,
    PartnerRejected,
    PartnerUnavailable,
    ShopNotFound,
)
from domain.events import OrderImported
from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    ShopId,
    ShoplineCustomerId,
    ShoplineOrderId,
    ShoplineVariantId,
)
from domain.inventory_pool import OnHandObservation
from domain.money import Money, minor_unit_digits
from domain.order import ImportLine, Order
from domain.order.recipient import note_attributes, shopline_address
from domain.ports import Clock, ShoplineApi, UnitOfWork
from domain.resource_names import order_name
from services.customers.matching import CustomerMatching
from services.inventory.on_hand import OnHandReader
from services.inventory.stock_effects import StockEffects
from services.orders.recipient_updates import AddressOutcome, follow_recipient_address
from services.shared.stale_writes import retry_stale

log = logging.getLogger("mcc.orders")

RESTOCK_REASON = "The order was cancelled on TikTok Shop"
CLAIM_FOR = timedelta(minutes=10)
"""Longer than SHOPLINE's create call can take with every retry of the client."""


@dataclass(frozen=True)
class _Prepared:
    app: App
    order: Order
    credentials: ShoplineCredentials
    recorded: ShoplineOrderId | None
    """What the ledger already holds for the order."""
    email: str = ""
    """The buyer's email for SHOPLINE (the app's default where TikTok hides it)."""


async def linked_variants(
    uow: UnitOfWork, shop_id: ShopId, product_ids: Iterable[ChannelProductId]
) -> dict[ChannelSkuId, ShoplineVariantId]:
    """The SHOPLINE variant of every linked SKU of these products."""
    linked: dict[ChannelSkuId, ShoplineVariantId] = {}
    for product in (await uow.channel_products.find_many(shop_id, product_ids)).values():
        linked.update(product.linked_variants())
    return linked


class OrderImporter:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        shopline: ShoplineApi,
        clock: Clock,
        stock_effects: StockEffects,
        on_hand: OnHandReader,
        customers: CustomerMatching | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._shopline = shopline
        self._clock = clock
        self._stock_effects = stock_effects
        self._on_hand = on_hand
        self._customers = customers

    async def import_order(
        self, app_id: AppId, shop_id: ShopId, order_id: OrderId, scope: ImportScope | None = None
    ) -> Order:
        """Imports the order (``scope`` None means the app's setting); an imported order is returned as is.

        Raises ``OrderNotImportable`` when the order may not be imported now, and a
        ``PartnerError`` when SHOPLINE refused or stayed unavailable (the order is then FAILED).
        """
        prepared = await self._prepare(app_id, shop_id, order_id, scope)
        if isinstance(prepared, Order):
            return prepared
        order = prepared.order
        shopline_order_id = prepared.recorded or await self._create(prepared, scope)
        # Orders TikTok fulfills left SHOPLINE's stock untouched: nothing to observe or commit.
        observations = {} if order.fulfilled_by_tiktok else await self._observe(prepared, order)
        return await retry_stale(lambda: self._record(shop_id, order_id, shopline_order_id, observations))

    async def _observe(self, prepared: _Prepared, order: Order) -> dict[ShoplineVariantId, OnHandObservation]:
        """On-hand after SHOPLINE's decrement; without it the reservations commit unobserved and
        the next on-hand read catches up, so the import is recorded anyway."""
        variants = sorted({variant for variant in await self._variants(order) if variant is not None})
        try:
            return await self._on_hand.read(prepared.app, prepared.credentials, variants)
        except PartnerError as error:
            log.warning("on-hand read after importing order %s failed: %s", order.id, error.code)
            return {}

    async def _record(
        self,
        shop_id: ShopId,
        order_id: OrderId,
        shopline_order_id: ShoplineOrderId,
        observations: Mapping[ShoplineVariantId, OnHandObservation],
    ) -> Order:
        """One transaction: the order's import state, the ledger row and the stock commit."""
        async with self._unit_of_work() as uow:
            order = await uow.orders.get(shop_id, order_id)
            if order.import_status.shopline_order_id is not None:
                return order  # recorded already (a retry after a lost commit reply)
            now = self._clock.now()
            order.mark_imported(shopline_order_id, now)
            await uow.import_ledger.record(order.import_key, shopline_order_id, now)
            for event in order.pending_events:
                if isinstance(event, OrderImported) and not order.fulfilled_by_tiktok:
                    await self._stock_effects.commit_imported(uow, event, observations)
            await uow.orders.update(order)
            await uow.commit()
        return order

    async def cancel_in_shopline(self, order: Order) -> None:
        """Cancels the SHOPLINE order of an order cancelled after its import, with restock, then
        records it; cancelling again is harmless, so a failure in between is simply retried."""
        shopline_order_id = order.import_status.shopline_order_id
        if not order.shopline_cancel_pending or shopline_order_id is None:
            return
        async with self._unit_of_work() as uow:
            app = await uow.apps.get(order.app_id)
            token = await uow.tokens.get_shopline(order.app_id)
        credentials = ShoplineCredentials(app.store_handle, token.access_token)
        # An order TikTok fulfilled never took SHOPLINE stock, so its cancellation gives none back.
        await self._shopline.cancel_order(
            credentials, shopline_order_id, restock=not order.fulfilled_by_tiktok, reason=RESTOCK_REASON
        )

        async def write() -> None:
            async with self._unit_of_work() as uow:
                current = await uow.orders.get(order.shop_id, order.id)
                current.mark_cancelled_in_shopline()
                await uow.orders.update(current)
                await uow.commit()

        await retry_stale(write)

    async def follow_recipient_address(self, order: Order) -> AddressOutcome:
        """The SHOPLINE order takes the order's current recipient while nothing has shipped."""
        return await follow_recipient_address(self._unit_of_work, self._shopline, order)

    # --- steps ------------------------------------------------------------------------------

    async def _prepare(
        self, app_id: AppId, shop_id: ShopId, order_id: OrderId, scope: ImportScope | None
    ) -> _Prepared | Order:
        """What the import needs, or the order itself when it is already imported."""
        async with self._unit_of_work() as uow:
            order = await _owned_order(uow, app_id, shop_id, order_id)
            app = await uow.apps.get(app_id)
            if order.import_status.shopline_order_id is not None:
                return order
            recorded = await uow.import_ledger.find(order.import_key)
            token = await uow.tokens.get_shopline(app_id)  # TokenNotFound: the store's grant is gone
            email = ""
            missing: OrderNotImportable | None = None
            if recorded is None:
                # Only a fresh import needs the rules and the claim; a ledger hit is history
                # being caught up with (the shop was deleted and authorized again).
                order.import_lines(scope or app.settings.import_scope, await self._linked(uow, order))
                try:
                    email = order.shopline_email(app.settings.default_email)
                except OrderNotImportable as refused:
                    missing = refused
                else:
                    now = self._clock.now()
                    order.claim_import(now, now + CLAIM_FOR)
                    await uow.orders.update(order)
                    await uow.commit()
        if missing is not None:
            # A setting the merchant must make: the order shows why it is not in SHOPLINE.
            await self._failed(order, missing.description)
            raise missing
        return _Prepared(
            app, order, ShoplineCredentials(app.store_handle, token.access_token), recorded, email
        )

    async def _create(self, prepared: _Prepared, scope: ImportScope | None) -> ShoplineOrderId:
        order = prepared.order
        marker = order.import_key.channel_marker
        try:
            found = await self._shopline.find_order_by_channel_marker(prepared.credentials, marker)
            if found is not None:
                log.info("order %s is already in SHOPLINE; recording it instead of creating it", order.id)
                return found.order_id
            async with self._unit_of_work() as uow:
                lines = order.import_lines(
                    scope or prepared.app.settings.import_scope, await self._linked(uow, order)
                )
            customer_id = await self._customer(prepared)
            try:
                created = await self._shopline.create_order(
                    prepared.credentials,
                    replace(_new_order(order, lines, prepared.email), customer_id=customer_id),
                )
            except PartnerUnavailable:
                # The order may exist although no reply came back: look before anything else.
                found = await self._shopline.find_order_by_channel_marker(prepared.credentials, marker)
                if found is None:
                    raise
                return found.order_id
            return created.order_id
        except PartnerError as error:
            await self._failed(order, error.message)
            raise

    async def _customer(self, prepared: _Prepared) -> ShoplineCustomerId | None:
        """The buyer as a SHOPLINE customer when the app syncs customers; a customer SHOPLINE
        refuses leaves the order without one rather than unimported."""
        if self._customers is None:
            return None
        try:
            return await self._customers.customer_for(prepared.app, prepared.credentials, prepared.order)
        except PartnerRejected as error:
            log.warning(
                "order %s imported without a customer: SHOPLINE refused it (%s)",
                prepared.order.id,
                error.code,
            )
            return None

    async def _failed(self, order: Order, reason: str) -> None:
        async with self._unit_of_work() as uow:
            current = await uow.orders.get(order.shop_id, order.id)
            try:
                current.mark_import_failed(reason, self._clock.now())
            except OrderAlreadyImported:
                return
            await uow.orders.update(current)
            await uow.commit()

    async def _linked(self, uow: UnitOfWork, order: Order) -> dict[ChannelSkuId, ShoplineVariantId]:
        return await linked_variants(uow, order.shop_id, {line.product_id for line in order.lines})

    async def _variants(self, order: Order) -> list[ShoplineVariantId | None]:
        async with self._unit_of_work() as uow:
            linked = await self._linked(uow, order)
        return [linked.get(line.sku_id) for line in order.lines]


def _new_order(order: Order, lines: tuple[ImportLine, ...], email: str) -> NewShoplineOrder:
    marker = order.import_key.channel_marker
    buyer = order.buyer
    return NewShoplineOrder(
        channel_marker=marker,
        # SHOPLINE's order search matches the order name, so the marker is the name too.
        name=marker,
        currency=order.currency,
        lines=tuple(shopline_line for line in lines for shopline_line in _shopline_lines(line)),
        total=order.total,
        buyer=BuyerInfo(user_id=buyer.user_id, email=email, name=buyer.name, phone=buyer.phone),
        paid=True,
        shipping_address=shopline_address(order.recipient, email),
        note_attributes=note_attributes(order.logistics),
        buyer_note=order.logistics.buyer_message,
        decrement_stock=not order.fulfilled_by_tiktok,
    )


def _shopline_lines(line: ImportLine) -> list[ShoplineOrderLine]:
    """One line at the unit price, plus one unit carrying the remainder when the units differ."""
    order_line = line.line
    quantity = order_line.quantity
    step = Decimal(1).scaleb(-minor_unit_digits(order_line.subtotal.currency))
    unit = (order_line.subtotal.amount / quantity).quantize(step, rounding=ROUND_DOWN)
    rest = order_line.subtotal.amount - unit * quantity
    currency = order_line.subtotal.currency
    if rest == 0:
        return [ShoplineOrderLine(line.variant_id, order_line.title, quantity, Money(unit, currency))]
    found = [ShoplineOrderLine(line.variant_id, order_line.title, 1, Money(unit + rest, currency))]
    if quantity > 1:
        found.append(
            ShoplineOrderLine(line.variant_id, order_line.title, quantity - 1, Money(unit, currency))
        )
    return found


async def _owned_order(uow: UnitOfWork, app_id: AppId, shop_id: ShopId, order_id: OrderId) -> Order:
    """The order if its shop belongs to ``app_id``; otherwise not found, by its full name."""
    try:
        shop = await uow.shops.get(shop_id)
        order = await uow.orders.get(shop_id, order_id) if shop.app_id == app_id else None
    except (ShopNotFound, OrderNotFound):
        order = None
    if order is None:
        raise OrderNotFound(order_name(app_id, shop_id, order_id))
    return order
