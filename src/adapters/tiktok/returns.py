"""Returns (Return & Refund API 202309): Search Returns, Approve Return, Reject Return, behind
``domain.ports.TikTokReturnsApi``.

Approve and reject carry an ``idempotency_key`` that stays the same across the retries of one
call, so a retry after a lost reply is harmless; a refusal is read back, and a return that already
shows the outcome asked for counts as done. Search Returns answers ``data.return_orders[]`` with
one ``return_line_items[]`` entry per returned unit (public SDK captures; the reference names the
endpoint and the statuses only).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import aclosing
from typing import Any

from adapters.tiktok import mapping
from adapters.tiktok.client import TikTokChannelClient
from adapters.tiktok.mapping import MalformedResponse, money, text_id, unix_time
from adapters.tiktok.replies import mapped
from adapters.tiktok.transport import ApiCall, iterate_pages
from domain.channel import ResultPage, ShopCredentials, TimeWindow
from domain.errors import PartnerRejected
from domain.ids import ChannelSkuId, OrderId
from domain.returns import RefundAmount, TikTokReturnData, TikTokReturnLineItem

SEARCH_PATH = "/return_refund/202309/returns/search"
RETURN_PATH = "/return_refund/202309/returns"
REJECT_REASONS_PATH = "/return_refund/202309/reject_reasons"
MAX_PAGE_SIZE = 100

# What TikTok shows once each decision took effect (reference §4.3): a refused call meeting one
# of these was a repeat of a call that went through.
OUTCOMES: dict[str, frozenset[str]] = {
    "APPROVE_REFUND": frozenset({"RETURN_OR_REFUND_REQUEST_SUCCESS", "RETURN_OR_REFUND_REQUEST_COMPLETE"}),
    "APPROVE_RETURN": frozenset(
        {
            "AWAITING_BUYER_SHIP",
            "BUYER_SHIPPED_ITEM",
            "RETURN_OR_REFUND_REQUEST_SUCCESS",
            "RETURN_OR_REFUND_REQUEST_COMPLETE",
        }
    ),
    "APPROVE_RECEIVED_PACKAGE": frozenset(
        {"RETURN_OR_REFUND_REQUEST_SUCCESS", "RETURN_OR_REFUND_REQUEST_COMPLETE"}
    ),
    "APPROVE_REPLACEMENT": frozenset({"REPLACEMENT_REQUEST_COMPLETE"}),
    "REJECT_REFUND": frozenset({"REFUND_OR_RETURN_REQUEST_REJECT"}),
    "REJECT_RETURN": frozenset({"REFUND_OR_RETURN_REQUEST_REJECT"}),
    "REJECT_RECEIVED_PACKAGE": frozenset({"REJECT_RECEIVE_PACKAGE"}),
    "REJECT_REPLACEMENT": frozenset({"REPLACEMENT_REQUEST_REJECT"}),
}


def _refund_amount(raw: Any, what: str) -> RefundAmount | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise MalformedResponse(f"{what} is not an object")
    currency = raw.get("currency")

    def part(name: str) -> Any:
        value = raw.get(name)
        return "0" if value in (None, "") else value

    return RefundAmount(
        total=money(part("refund_total"), currency, f"{what}.refund_total"),
        subtotal=money(part("refund_subtotal"), currency, f"{what}.refund_subtotal"),
        shipping_fee=money(part("refund_shipping_fee"), currency, f"{what}.refund_shipping_fee"),
        tax=money(part("refund_tax"), currency, f"{what}.refund_tax"),
    )


def return_data(raw: Any) -> TikTokReturnData:
    if not isinstance(raw, Mapping):
        raise MalformedResponse("return is not an object")
    items = raw.get("return_line_items") or []
    if not isinstance(items, list):
        raise MalformedResponse("return_line_items is not an array")
    lines = []
    for item in items:
        if not isinstance(item, Mapping):
            raise MalformedResponse("return_line_items[] is not an object")
        refund = _refund_amount(item.get("refund_amount"), "return_line_items.refund_amount")
        lines.append(
            TikTokReturnLineItem(
                return_line_item_id=text_id(item.get("return_line_item_id"), "return_line_item_id"),
                order_line_item_id=str(item.get("order_line_item_id") or ""),
                sku_id=ChannelSkuId(text_id(item.get("sku_id"), "return_line_items.sku_id")),
                seller_sku=str(item.get("seller_sku") or ""),
                refund_total=None if refund is None else refund.total,
            )
        )
    created = unix_time(raw.get("create_time"), "return.create_time")
    updated = raw.get("update_time")
    return TikTokReturnData(
        return_id=text_id(raw.get("return_id"), "return_id"),
        order_id=OrderId(text_id(raw.get("order_id"), "order_id")),
        return_type=str(raw.get("return_type") or ""),
        status=str(raw.get("return_status") or ""),
        role=str(raw.get("role") or ""),
        line_items=tuple(lines),
        refund=_refund_amount(raw.get("refund_amount"), "refund_amount"),
        create_time=created,
        update_time=created if updated is None else unix_time(updated, "return.update_time"),
        reason=str(raw.get("return_reason_text") or raw.get("return_reason") or ""),
    )


def _returns(data: Any) -> list[TikTokReturnData]:
    if not isinstance(data, Mapping):
        return []
    found = data.get("return_orders") or []
    if not isinstance(found, list):
        raise MalformedResponse("return_orders is not an array")
    return [return_data(raw) for raw in found]


class TikTokReturnsClient:
    """Implements ``TikTokReturnsApi`` over the channel client's transport and token refresh."""

    def __init__(self, channel: TikTokChannelClient) -> None:
        self._channel = channel
        self._transport = channel.transport

    async def search_returns(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokReturnData]]:
        call = ApiCall(
            "POST",
            SEARCH_PATH,
            params={
                "page_size": max(1, min(page_size, MAX_PAGE_SIZE)),
                "sort_field": "update_time",
                "sort_order": "ASC",
            },
            body={
                "update_time_ge": mapping.unix_seconds(window.start),
                "update_time_lt": mapping.unix_seconds_ceil(window.end),
            },
            shop_cipher=credentials.shop_cipher,
        )
        pages = iterate_pages(self._transport, self._channel.shop_tokens(credentials), call)
        async with aclosing(pages):
            async for data in pages:
                yield ResultPage(tuple(mapped(_returns, data)), int(data.get("total_count") or 0))

    async def _search(self, credentials: ShopCredentials, body: dict[str, Any]) -> list[TikTokReturnData]:
        call = ApiCall(
            "POST",
            SEARCH_PATH,
            params={"page_size": MAX_PAGE_SIZE},
            body=body,
            shop_cipher=credentials.shop_cipher,
        )
        found: list[TikTokReturnData] = []
        pages = iterate_pages(self._transport, self._channel.shop_tokens(credentials), call)
        async with aclosing(pages):
            async for data in pages:
                found += mapped(_returns, data)
        return found

    async def order_returns(self, credentials: ShopCredentials, order_id: OrderId) -> list[TikTokReturnData]:
        found = await self._search(credentials, {"order_ids": [order_id]})
        return [item for item in found if item.order_id == order_id]

    async def get_return(self, credentials: ShopCredentials, return_id: str) -> TikTokReturnData | None:
        found = await self._search(credentials, {"return_ids": [return_id]})
        return next((item for item in found if item.return_id == return_id), None)

    async def approve_return(self, credentials: ShopCredentials, return_id: str, decision: str) -> None:
        await self._decide(credentials, return_id, "approve", {"decision": decision}, decision)

    async def reject_return(
        self, credentials: ShopCredentials, return_id: str, decision: str, reason: str, comment: str = ""
    ) -> None:
        body: dict[str, Any] = {"decision": decision, "reject_reason": reason}
        if comment:
            body["comment"] = comment
        await self._decide(credentials, return_id, "reject", body, decision)

    async def return_reject_reasons(self, credentials: ShopCredentials, return_id: str) -> list[str]:
        call = ApiCall(
            "GET",
            REJECT_REASONS_PATH,
            params={"return_or_cancel_id": return_id},
            shop_cipher=credentials.shop_cipher,
        )
        data = (await self._transport.call(call, self._channel.shop_tokens(credentials))).data
        return mapped(mapping.reject_reasons, data)

    async def _decide(
        self, credentials: ShopCredentials, return_id: str, verb: str, body: dict[str, Any], decision: str
    ) -> None:
        call = ApiCall(
            "POST",
            f"{RETURN_PATH}/{return_id}/{verb}",
            params={"idempotency_key": str(uuid.uuid4())},
            body=body,
            shop_cipher=credentials.shop_cipher,
        )
        try:
            await self._transport.call(call, self._channel.shop_tokens(credentials))
        except PartnerRejected:
            current = await self.get_return(credentials, return_id)
            if current is None or current.status not in OUTCOMES.get(decision, frozenset()):
                raise
