"""A partner's record that it sends one kind of event to one address."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WebhookSubscription:
    topic: str
    """TikTok: the Event API's `event_type` (e.g. `ORDER_STATUS_CHANGE`); SHOPLINE: the topic
    (e.g. `inventory_levels/update`)."""
    address: str
    subscription_id: str = ""
    """SHOPLINE's id of the subscription; TikTok has none (one address per shop and event type)."""
    api_version: str = ""
    """SHOPLINE's event version; empty for TikTok."""
