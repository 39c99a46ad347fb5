"""Cancellation endpoints (reference §3.9-§3.12), API version 202309.

Approve and reject carry an `idempotency_key` that stays the same across retries of one call, which
makes them safe to repeat; a seller cancellation has none, so it is never repeated after an
ambiguous failure.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from typing import Any

from adapters.tiktok.transport import (
    AccessTokenSource,
    ApiCall,
    TikTokTransport,
    update_time_search,
)

SEARCH_PATH = "/return_refund/202309/cancellations/search"
CANCEL_PATH = "/return_refund/202309/cancellations"
REJECT_REASONS_PATH = "/return_refund/202309/reject_reasons"
MAX_PAGE_SIZE = 100


def search_cancellations(
    transport: TikTokTransport,
    tokens: AccessTokenSource,
    shop_cipher: str,
    update_time_ge: int,
    update_time_lt: int,
    *,
    page_size: int = MAX_PAGE_SIZE,
) -> AsyncGenerator[dict[str, Any], None]:
    return update_time_search(
        transport,
        tokens,
        SEARCH_PATH,
        shop_cipher,
        update_time_ge,
        update_time_lt,
        page_size=page_size,
        max_page_size=MAX_PAGE_SIZE,
    )


async def find(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, cancel_id: str
) -> dict[str, Any] | None:
    """The raw cancellation with this id, or None."""
    call = ApiCall(
        "POST",
        SEARCH_PATH,
        params={"page_size": 1},
        body={"cancel_ids": [cancel_id]},
        shop_cipher=shop_cipher,
    )
    data = (await transport.call(call, tokens)).data or {}
    for raw in data.get("cancellations") or []:
        if isinstance(raw, dict) and str(raw.get("cancel_id")) == cancel_id:
            return raw
    return None


async def of_order(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, order_id: str
) -> list[dict[str, Any]]:
    """The raw cancellations of one order (an order has a handful at most: one page)."""
    call = ApiCall(
        "POST",
        SEARCH_PATH,
        params={"page_size": MAX_PAGE_SIZE},
        body={"order_ids": [order_id]},
        shop_cipher=shop_cipher,
    )
    data = (await transport.call(call, tokens)).data or {}
    return [
        raw
        for raw in data.get("cancellations") or []
        if isinstance(raw, dict) and str(raw.get("order_id")) == order_id
    ]


async def approve(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, cancel_id: str
) -> None:
    call = ApiCall(
        "POST",
        f"{CANCEL_PATH}/{cancel_id}/approve",
        params={"idempotency_key": str(uuid.uuid4())},
        shop_cipher=shop_cipher,
    )
    await transport.call(call, tokens)


async def reject(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, cancel_id: str, reason: str
) -> None:
    call = ApiCall(
        "POST",
        f"{CANCEL_PATH}/{cancel_id}/reject",
        params={"idempotency_key": str(uuid.uuid4())},
        body={"reject_reason": reason},
        shop_cipher=shop_cipher,
    )
    await transport.call(call, tokens)


async def reject_reasons(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, cancel_id: str
) -> Any:
    call = ApiCall(
        "GET", REJECT_REASONS_PATH, params={"return_or_cancel_id": cancel_id}, shop_cipher=shop_cipher
    )
    return (await transport.call(call, tokens)).data


async def aftersale_eligibility(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, order_id: str
) -> Any:
    call = ApiCall(
        "GET", f"/return_refund/202309/orders/{order_id}/aftersale_eligibility", shop_cipher=shop_cipher
    )
    return (await transport.call(call, tokens)).data


async def seller_cancel(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, order_id: str, reason: str
) -> Any:
    call = ApiCall(
        "POST",
        CANCEL_PATH,
        body={"order_id": order_id, "cancel_reason": reason},
        shop_cipher=shop_cipher,
        idempotent=False,
    )
    return (await transport.call(call, tokens)).data
