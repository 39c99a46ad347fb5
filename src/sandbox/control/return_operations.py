"""Control of returns: the buyer opens a return on a TikTok order and moves it on (ships the item
back, withdraws), TikTok completes it; the SHOPLINE refunds of a store's order can be read."""

from __future__ import annotations

from typing import Any

from sandbox.control.base import ControlBase
from sandbox.tiktok import return_requests
from sandbox.tiktok.return_requests import return_json


class ReturnControl(ControlBase):
    def open_return(
        self,
        shop_id: str,
        order_id: str,
        return_type: str = "RETURN_AND_REFUND",
        sku_ids: list[str] | None = None,
        quantity: int | None = None,
    ) -> dict[str, Any]:
        """The buyer asks for a return (``REFUND``, ``RETURN_AND_REFUND`` or ``REPLACEMENT``) of
        every unit not in a return yet, or of ``quantity`` units of each SKU in ``sku_ids``."""
        request = return_requests.open_return(
            self.tiktok, self.dispatcher, shop_id, order_id, return_type, sku_ids, quantity
        )
        return self._summary(shop_id, request.id)

    def move_return(self, shop_id: str, return_id: str, status: str) -> dict[str, Any]:
        """What the buyer or TikTok does next: ``BUYER_SHIPPED_ITEM``, a ``…_CANCEL`` status, or
        ``RETURN_OR_REFUND_REQUEST_COMPLETE`` after a refund."""
        return_requests.move_return(self.tiktok, self.dispatcher, shop_id, return_id, status)
        return self._summary(shop_id, return_id)

    def tiktok_return(self, shop_id: str, return_id: str) -> dict[str, Any]:
        return self._summary(shop_id, return_id)

    def shopline_refunds(self, handle: str, order_id: str) -> list[dict[str, Any]]:
        store = self.shopline.store(handle)
        order = store.orders.get(order_id)
        if order is None:
            raise KeyError(f"unknown SHOPLINE order {order_id} in store {handle}")
        return list(order.refunds)

    def _summary(self, shop_id: str, return_id: str) -> dict[str, Any]:
        data = self.tiktok.data(shop_id)
        request = data.returns.get(return_id)
        if request is None:
            raise KeyError(f"unknown return {return_id} in shop {shop_id}")
        return return_json(self.tiktok.shop(shop_id), data, request)
