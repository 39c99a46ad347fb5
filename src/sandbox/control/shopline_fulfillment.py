"""Control of SHOPLINE fulfillments: the merchant ships, edits tracking or cancels a shipment in
the SHOPLINE admin, with the webhooks SHOPLINE sends for it."""

from __future__ import annotations

from typing import Any

from sandbox.control.base import ControlBase
from sandbox.shopline import fulfillments
from sandbox.shopline.models import Order, Store
from sandbox.shopline.render_fulfillments import fulfillable_quantity, fulfillment_json


class ShoplineFulfillmentControl(ControlBase):
    def _store_order(self, handle: str, order_id: str) -> tuple[Store, Order]:
        store = self.shopline.store(handle)
        order = store.orders.get(order_id)
        if order is None:
            raise KeyError(f"unknown order {order_id} in store {handle}")
        return store, order

    def fulfill_shopline_order(
        self,
        handle: str,
        order_id: str,
        lines: list[list[Any]] | None = None,
        tracking_company: str = "Other",
        tracking_number: str | None = None,
        tracking_url: str = "",
        tracking: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        """The merchant marks items shipped in the admin: ``lines`` are ``[line_item_id, quantity]``
        (default: every unit still fulfillable); the tracking is one company and number, or a
        ``tracking`` list of ``{tracking_company, tracking_number, tracking_url}``."""
        store, order = self._store_order(handle, order_id)
        if lines is None:
            chosen = [(line.id, fulfillable_quantity(order, line)) for line in order.lines]
            chosen = [(line_id, quantity) for line_id, quantity in chosen if quantity > 0]
        else:
            chosen = [(str(line_id), int(quantity)) for line_id, quantity in lines]
        if tracking is None:
            tracking = (
                [
                    {
                        "tracking_company": tracking_company,
                        "tracking_number": tracking_number,
                        "tracking_url": tracking_url,
                    }
                ]
                if tracking_number
                else []
            )
        checked = fulfillments.check_tracking(tracking, "tracking")
        created = fulfillments.create(self.shopline, store, order, chosen, checked)
        return fulfillment_json(order, created)

    def update_shopline_fulfillment_tracking(
        self, handle: str, order_id: str, fulfillment_id: str, tracking: list[dict[str, str]]
    ) -> dict[str, Any]:
        """The merchant edits the tracking of a shipment (the list replaces the old one)."""
        store, order = self._store_order(handle, order_id)
        found = fulfillments.find(order, fulfillment_id)
        checked = fulfillments.check_tracking(tracking, "tracking")
        return fulfillment_json(
            order, fulfillments.update_tracking(self.shopline, store, order, found, checked)
        )

    def cancel_shopline_fulfillment(self, handle: str, order_id: str, fulfillment_id: str) -> dict[str, Any]:
        store, order = self._store_order(handle, order_id)
        found = fulfillments.find(order, fulfillment_id)
        return fulfillment_json(order, fulfillments.cancel(self.shopline, store, order, found))

    def set_shopline_shipment_status(
        self, handle: str, order_id: str, fulfillment_id: str, shipment_status: str
    ) -> dict[str, Any]:
        """The carrier's progress on a shipment (``in_transit``, ``delivered``, ...)."""
        store, order = self._store_order(handle, order_id)
        found = fulfillments.find(order, fulfillment_id)
        changed = fulfillments.set_shipment_status(self.shopline, store, order, found, shipment_status)
        return fulfillment_json(order, changed)
