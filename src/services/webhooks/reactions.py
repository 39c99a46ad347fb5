"""What each webhook does: one table from (source, topic) to a reaction.

The inbox drain calls ``handle`` for every stored delivery. A reaction returns normally when the
delivery is done: acted on, stale, redelivered, for an unknown or uninstalled account (dropped
with a log line), or malformed (dropped with a log line naming the field, never the body). It
raises a ``DomainError`` when trying again later may help (a partner unavailable, a conflict), so
the delivery stays pending. A partner refusing the read (the order or product is gone) drops it:
the periodic sync reconciles whatever a webhook missed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from domain.errors import PartnerRejected
from domain.webhooks import WebhookDelivery, WebhookSource
from services.returns.events import ReturnEventReactions
from services.webhooks.payloads import MalformedPayload
from services.webhooks.shopline_events import ShoplineEventReactions
from services.webhooks.shopline_order_events import ShoplineOrderEventReactions
from services.webhooks.tiktok_events import TikTokEventReactions

log = logging.getLogger("mcc.webhooks")

Reaction = Callable[[WebhookDelivery], Awaitable[None]]

SHOPLINE_ORDER_TOPICS = (
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/cancelled",
    "orders/fulfilled",
    "orders/partially_fulfilled",
    "orders/edited",
    "orders/delete",
    "refunds/create",
    "refunds/update",
    "fulfillments/create",
    "fulfillments/update",
)
"""Stored and acknowledged; the fulfillment work gives them a reaction."""


class WebhookReactions:
    """The ``WebhookHandler`` the inbox drain calls."""

    def __init__(
        self,
        tiktok: TikTokEventReactions,
        shopline: ShoplineEventReactions,
        shopline_orders: ShoplineOrderEventReactions,
        returns: ReturnEventReactions | None = None,
    ) -> None:
        tiktok_topics: dict[str, Reaction] = {
            "ORDER_STATUS_CHANGE": tiktok.order_changed,  # 1
            "RECIPIENT_ADDRESS_UPDATE": tiktok.recipient_changed,  # 3
            "PRODUCT_STATUS_CHANGE": tiktok.product_changed,  # 5
            "SELLER_DEAUTHORIZATION": tiktok.seller_deauthorized,  # 6
            "UPCOMING_AUTHORIZATION_EXPIRATION": tiktok.authorization_expiring,  # 7
            "CANCELLATION_STATUS_CHANGE": tiktok.cancellation_changed,  # 11
            "PRODUCT_INFORMATION_CHANGE": tiktok.product_changed,  # 15
            "PRODUCT_CREATION": tiktok.product_changed,  # 16
        }
        if returns is not None:
            tiktok_topics["RETURN_STATUS_CHANGE"] = returns.return_changed  # 12
        shopline_topics: dict[str, Reaction] = {
            "inventory_levels/update": shopline.inventory_changed,
            "products/update": shopline.products_changed,
            "products/delete": shopline.products_changed,
            "apps/installed_uninstalled": shopline.app_uninstalled,
            "customers/redact": shopline.customers_redacted,
            "merchants/redact": shopline.merchant_redacted,
            **{topic: shopline.acknowledged for topic in SHOPLINE_ORDER_TOPICS},
            "orders/cancelled": shopline_orders.order_cancelled,
            "fulfillments/create": shopline.fulfillment_created,
            "fulfillments/update": shopline.fulfillment_updated,
        }
        self._reactions: dict[tuple[WebhookSource, str], Reaction] = {
            **{(WebhookSource.TIKTOK, topic): r for topic, r in tiktok_topics.items()},
            **{(WebhookSource.SHOPLINE, topic): r for topic, r in shopline_topics.items()},
        }

    def reacts_to(self, source: WebhookSource, topic: str) -> bool:
        return (source, topic) in self._reactions

    async def handle(self, delivery: WebhookDelivery) -> None:
        reaction = self._reactions.get((delivery.source, delivery.topic))
        if reaction is None:
            log.debug("webhook without a reaction source=%s topic=%s", delivery.source.value, delivery.topic)
            return
        try:
            await reaction(delivery)
        except MalformedPayload as error:
            log.warning(
                "webhook dropped: malformed payload source=%s topic=%s key=%s field=%s",
                delivery.source.value,
                delivery.topic,
                delivery.delivery_key,
                error.field,
            )
        except PartnerRejected as error:
            log.warning(
                "webhook dropped: partner refused the read source=%s topic=%s key=%s code=%s",
                delivery.source.value,
                delivery.topic,
                delivery.delivery_key,
                error.code,
            )
