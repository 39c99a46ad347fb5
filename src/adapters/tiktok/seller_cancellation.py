"""A seller's cancellation of a whole order (reference §3.12) that is safe to ask for again.

TikTok's Cancel Order carries no idempotency key and is never repeated blindly. When its answer is
lost, or TikTok refuses because the order is no longer cancellable, the order is read back: a
cancellation that took effect (one of its cancellations succeeded, or the order is CANCELLED)
counts as done, so a retry after a lost reply never cancels twice nor reports a false failure.
"""

from __future__ import annotations

import logging

from adapters.tiktok import cancellations, mapping, orders
from adapters.tiktok.replies import mapped
from adapters.tiktok.transport import PARTNER, AccessTokenSource, TikTokTransport
from domain.channel import CancellationStatus
from domain.errors import PartnerRejected, PartnerUnavailable
from domain.ids import OrderId

log = logging.getLogger("adapters.tiktok")

_TOOK_EFFECT = {CancellationStatus.SUCCESS, CancellationStatus.COMPLETE}


async def cancel_whole_order(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, order_id: OrderId, reason: str
) -> str:
    """Cancels the order as the seller with ``reason`` (empty: the first reason TikTok offers) and
    returns the cancel id (empty when the order is cancelled without a cancellation record)."""
    data = await cancellations.aftersale_eligibility(transport, tokens, shop_cipher, order_id)
    offered = mapped(mapping.available_cancel_reasons, data)
    if not offered:
        done = await cancelled_already(transport, tokens, shop_cipher, order_id)
        if done is not None:
            return done
        raise PartnerRejected(
            PARTNER, "not_cancellable", f"Order {order_id} offers no seller cancellation reason."
        )
    if not reason:
        reason = offered[0]
    elif reason not in offered:
        raise PartnerRejected(
            PARTNER, "invalid_cancel_reason", f"{reason!r} is not a valid reason for this order."
        )
    try:
        answer = await cancellations.seller_cancel(transport, tokens, shop_cipher, order_id, reason)
    except (PartnerUnavailable, PartnerRejected) as error:
        done = await cancelled_already(transport, tokens, shop_cipher, order_id)
        if done is None:
            raise
        log.info("seller cancel of order %s found done after %s", order_id, error.code)
        return done
    return mapped(lambda d: mapping.text_id(d.get("cancel_id"), "cancel_id"), answer)


async def cancelled_already(
    transport: TikTokTransport, tokens: AccessTokenSource, shop_cipher: str, order_id: OrderId
) -> str | None:
    """The id of a cancellation of the order that took effect, "" when the order is CANCELLED
    without one, None when it is not cancelled."""
    raw = await cancellations.of_order(transport, tokens, shop_cipher, order_id)
    found = mapped(lambda items: [mapping.cancellation(item) for item in items], raw)
    effective = sorted((c for c in found if c.status in _TOOK_EFFECT), key=lambda c: c.create_time)
    if effective:
        return effective[-1].cancel_id
    details = await orders.get_order_details(transport, tokens, shop_cipher, [order_id])
    current = mapped(lambda items: [mapping.order(item) for item in items], details)
    if any(order.order_id == order_id and order.status in ("CANCELLED", "CANCEL") for order in current):
        return ""
    return None
