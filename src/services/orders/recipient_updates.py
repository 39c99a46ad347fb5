"""A buyer changed the shipping address on TikTok (webhook 3): the SHOPLINE order follows while
nothing of it has shipped. Once TikTok or SHOPLINE shows a shipment, the address that counted is
the one the parcel went to, and the SHOPLINE order keeps it. Log lines name orders by id only."""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum

from domain.channel import ShoplineCredentials
from domain.errors import OrderNotImportable
from domain.order import Order
from domain.order.recipient import shopline_address
from domain.ports import ShoplineApi, UnitOfWork

log = logging.getLogger("mcc.orders")


class AddressOutcome(Enum):
    UPDATED = "UPDATED"
    NOT_IMPORTED = "NOT_IMPORTED"
    SHIPPED = "SHIPPED"
    """A unit left already: the SHOPLINE order keeps the address it shipped to."""
    NO_ADDRESS = "NO_ADDRESS"
    """TikTok withholds the address (UNPAID, ON_HOLD)."""


async def follow_recipient_address(
    unit_of_work: Callable[[], UnitOfWork], shopline: ShoplineApi, order: Order
) -> AddressOutcome:
    shopline_order_id = order.import_status.shopline_order_id
    if shopline_order_id is None:
        return AddressOutcome.NOT_IMPORTED
    if not order.unshipped:
        log.info("recipient address update left alone: order_id=%s is %s", order.id, order.status.value)
        return AddressOutcome.SHIPPED
    async with unit_of_work() as uow:
        app = await uow.apps.get(order.app_id)
        token = await uow.tokens.get_shopline(order.app_id)
    credentials = ShoplineCredentials(app.store_handle, token.access_token)
    if await shopline.order_has_fulfillment(credentials, shopline_order_id):
        log.info("recipient address update left alone: order_id=%s is fulfilled in SHOPLINE", order.id)
        return AddressOutcome.SHIPPED
    # The email stays what the import gave (a default one where TikTok hides the buyer's).
    try:
        email = order.shopline_email(app.settings.default_email)
    except OrderNotImportable:
        email = ""  # the default was removed since the import; the address still counts
    address = shopline_address(order.recipient, email)
    if address is None:
        return AddressOutcome.NO_ADDRESS
    await shopline.update_order_shipping_address(credentials, shopline_order_id, address)
    log.info("SHOPLINE order address updated order_id=%s shopline_order_id=%s", order.id, shopline_order_id)
    return AddressOutcome.UPDATED
