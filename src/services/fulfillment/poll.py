"""The safety net for missed ``fulfillments/create`` webhooks: the SHOPLINE order poll hands over
the imported orders it saw updated, and their fulfillments are read and shipped like webhooks."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from domain.errors import PartnerError
from domain.fulfillment import ShipmentState
from domain.ids import AppId, ShoplineOrderId
from domain.order import OrderStatus
from domain.ports import ShoplineFulfillmentApi, UnitOfWork
from services.fulfillment.access import store_credentials
from services.fulfillment.sender import seller_shipped
from services.fulfillment.shipping import SellerShipping

log = logging.getLogger("mcc.fulfillment")

# TikTok statuses in which the seller may still ship lines.
SHIPPABLE = frozenset({OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPING})


class FulfillmentPoll:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], store: ShoplineFulfillmentApi, shipping: SellerShipping
    ) -> None:
        self._unit_of_work = unit_of_work
        self._store = store
        self._shipping = shipping

    async def imported_orders_updated(self, app_id: AppId, order_ids: Sequence[ShoplineOrderId]) -> int:
        """Reads the fulfillments of those still waiting for seller shipping; returns how many
        shipments were newly recorded. Partner trouble with one order does not stop the rest."""
        async with self._unit_of_work() as uow:
            app = await uow.apps.get(app_id)
            wanted = []
            for shopline_order_id in order_ids:
                found = await uow.shipments.imported_order(app_id, shopline_order_id)
                order = None if found is None else await uow.orders.find(*found)
                if order is not None and seller_shipped(order) and order.status in SHIPPABLE:
                    wanted.append(shopline_order_id)
            if not wanted:
                return 0
            credentials = await store_credentials(uow, app)
        recorded = 0
        for shopline_order_id in wanted:
            try:
                fulfillments = await self._store.fulfillments(credentials, shopline_order_id)
                for fulfillment in fulfillments:
                    before = await self._known(app_id, fulfillment.fulfillment_id)
                    shipments = await self._shipping.fulfillment_seen(app, fulfillment)
                    if not before:
                        recorded += sum(1 for s in shipments if s.state is not ShipmentState.FAILED)
            except PartnerError as error:
                log.warning(
                    "fulfillments not read store_order_id=%s reason=%s", shopline_order_id, error.reason
                )
        return recorded

    async def _known(self, app_id: AppId, fulfillment_id: str) -> bool:
        async with self._unit_of_work() as uow:
            return bool(await uow.shipments.for_fulfillment(app_id, fulfillment_id))
