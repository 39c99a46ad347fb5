"""Webhook deliveries: what a partner told us, verified and kept until it has been acted on.

A delivery is a hint: the reaction reads current state through the partner API where the payload
is thin, and ignores what is older than what the service holds. Each delivery is stored once,
keyed by the partner's own delivery id (TikTok ``tts_notification_id``, SHOPLINE
``X-Shopline-Webhook-Id``) or a digest of the payload where there is none, so a redelivery is a
no-op; it is processed at least once after the answer, idempotently.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum


class WebhookSource(Enum):
    TIKTOK = "TIKTOK"
    SHOPLINE = "SHOPLINE"


@dataclass(frozen=True)
class WebhookActivity:
    """How one account's (TikTok shop's, SHOPLINE store's) webhooks are doing."""

    subscribed_at: datetime | None
    """When a subscribe or repair last found (or left) every event subscribed; None if never."""
    last_received_at: datetime | None
    """The newest delivery received for the account."""
    received_since: int
    """Deliveries received since the time asked for."""


@dataclass(frozen=True)
class WebhookDelivery:
    source: WebhookSource
    delivery_key: str
    """Unique per source: the partner's delivery id, or ``sha256:<hex>`` of the body without one."""
    topic: str
    """TikTok: the event type's subscription name (``ORDER_STATUS_CHANGE``, or ``TYPE_<n>`` when it
    has none); SHOPLINE: the ``X-Shopline-Topic`` header (``inventory_levels/update``)."""
    account: str
    """Whom it concerns: TikTok's ``shop_id`` (or seller open id), SHOPLINE's store handle."""
    body: str
    """The verified raw JSON body, as received."""
    received_at: datetime
    processed_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None

    @property
    def processed(self) -> bool:
        return self.processed_at is not None

    def done(self, now: datetime) -> WebhookDelivery:
        return replace(self, processed_at=now, attempts=self.attempts + 1, last_error=None)

    def failed(self, reason: str) -> WebhookDelivery:
        """Left pending for the next attempt, with why this one failed."""
        return replace(self, attempts=self.attempts + 1, last_error=reason[:500])
