"""The SHOPLINE customer an imported order is created with, when the app syncs customers.

As SHOPLINE's Multichannel Connect (shopline-api.md C4): the buyer is matched by email, then phone,
then the customer this service linked the TikTok buyer to before; with no match a customer is
created from what TikTok gives (email and phone only when they can identify someone; names). The
link (app, TikTok buyer user id) -> SHOPLINE customer id is written once the customer is known, so
the buyer's later orders and the analytics find it. Buyer data never reaches a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from domain.app import App
from domain.channel import ShoplineCredentials
from domain.customers import (
    CustomerLink,
    MatchedBy,
    ShoplineCustomer,
    new_customer_for,
    usable_email,
    usable_phone,
)
from domain.ids import ShoplineCustomerId
from domain.order import Order
from domain.ports import Clock, ShoplineCustomers, UnitOfWork
from services.shared.stale_writes import retry_stale

log = logging.getLogger("mcc.customers")


class CustomerMatching:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], shopline: ShoplineCustomers, clock: Clock
    ) -> None:
        self._unit_of_work = unit_of_work
        self._shopline = shopline
        self._clock = clock

    async def customer_for(
        self, app: App, credentials: ShoplineCredentials, order: Order
    ) -> ShoplineCustomerId | None:
        """The order's SHOPLINE customer, found or created; None when the app does not sync
        customers or nothing about the buyer can identify one. ``PartnerError``s propagate."""
        if not app.settings.sync_customers:
            return None
        buyer = order.buyer
        link = None
        if buyer.user_id:
            async with self._unit_of_work() as uow:
                link = await uow.customer_links.find(app.id, buyer.user_id)
        matched = await self._match(credentials, order, link)
        if matched is None:
            new = new_customer_for(buyer, order.import_key.channel_marker)
            if not new.email and not new.phone:
                log.info("order %s: the buyer gives nothing to create a SHOPLINE customer from", order.id)
                return None
            matched = (await self._shopline.create_customer(credentials, new), MatchedBy.CREATED)
        customer, how = matched
        if buyer.user_id and (link is None or link.shopline_customer_id != customer.customer_id):
            await self._link(
                CustomerLink(app.id, buyer.user_id, customer.customer_id, how, self._clock.now())
            )
        log.info("order %s: SHOPLINE customer matched by %s", order.id, how.value)
        return customer.customer_id

    async def _match(
        self, credentials: ShoplineCredentials, order: Order, link: CustomerLink | None
    ) -> tuple[ShoplineCustomer, MatchedBy] | None:
        email, phone = usable_email(order.buyer.email), usable_phone(order.buyer.phone)
        if email is not None:
            found = await self._shopline.find_customer_by_email(credentials, email)
            if found is not None:
                return found, MatchedBy.EMAIL
        if phone is not None:
            found = await self._shopline.find_customer_by_phone(credentials, phone)
            if found is not None:
                return found, MatchedBy.PHONE
        if link is not None:
            found = await self._shopline.get_customer(credentials, link.shopline_customer_id)
            if found is not None:
                return found, MatchedBy.CHANNEL_CUSTOMER_ID
        return None

    async def _link(self, link: CustomerLink) -> None:
        async def write() -> None:
            async with self._unit_of_work() as uow:
                await uow.customer_links.save(link)
                await uow.commit()

        await retry_stale(write)
