"""Webhook health of one shop or app, as GetShop and GetApp show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.ports import UnitOfWork
from domain.webhooks import WebhookSource

RECENT = timedelta(hours=1)


class SignatureFailures(Protocol):
    """What the webhook edge of this process saw fail signature verification, per partner."""

    def last_signature_failure(self, source: WebhookSource) -> datetime | None: ...


@dataclass(frozen=True)
class WebhookHealth:
    subscribed: bool
    """The last subscription check found or left every event subscribed to this service."""
    last_event_at: datetime | None
    events_last_hour: int
    last_signature_failure_at: datetime | None
    """Per partner: an unverified body cannot be trusted to name a shop or store."""


async def webhook_health(
    uow: UnitOfWork,
    source: WebhookSource,
    account: str,
    now: datetime,
    failures: SignatureFailures | None,
) -> WebhookHealth:
    """``account``: the TikTok shop id, or the SHOPLINE store handle."""
    activity = await uow.webhook_inbox.activity(source, account, now - RECENT)
    return WebhookHealth(
        subscribed=activity.subscribed_at is not None,
        last_event_at=activity.last_received_at,
        events_last_hour=activity.received_since,
        last_signature_failure_at=failures.last_signature_failure(source) if failures else None,
    )
