"""What SHOPLINE's order webhooks do (reference B3, S6). ``orders/cancelled`` of an order this
service imported carries the merchant's cancel to TikTok; the webhook is a hint naming the order,
which is looked up through our own records (the channel marker and the import state)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from domain.ids import ShoplineOrderId
from domain.ports import UnitOfWork
from domain.webhooks import WebhookDelivery
from services.orders.shopline_cancellation import ShoplineCancellations, StoreOrderCancelled
from services.webhooks.payloads import json_object, text

log = logging.getLogger("mcc.webhooks")


class ShoplineOrderEventReactions:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], cancellations: ShoplineCancellations) -> None:
        self._unit_of_work = unit_of_work
        self._cancellations = cancellations

    async def order_cancelled(self, delivery: WebhookDelivery) -> None:
        data = json_object(delivery.body)
        order_id = ShoplineOrderId(text(data, "id"))
        async with self._unit_of_work() as uow:
            app = await uow.apps.find_by_handle(delivery.account) if delivery.account else None
        if app is None or app.uninstalled:
            log.info("webhook dropped: unknown or uninstalled store topic=%s", delivery.topic)
            return
        event = StoreOrderCancelled(app.id, order_id, _marker_candidates(data))
        order = await self._cancellations.store_order_cancelled(event)
        if order is None:
            log.debug("store order cancelled that is not an imported one key=%s", delivery.delivery_key)


def _marker_candidates(data: dict[str, Any]) -> tuple[str, ...]:
    """The order's note attribute values and its name: where the import put the channel marker."""
    found = []
    attributes = data.get("note_attributes")
    for attribute in attributes if isinstance(attributes, list) else []:
        if isinstance(attribute, dict) and isinstance(attribute.get("value"), str):
            found.append(attribute["value"])
    if isinstance(data.get("name"), str):
        found.append(data["name"])
    return tuple(found)
