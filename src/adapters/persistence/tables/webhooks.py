"""Verified webhook deliveries, kept until they have been acted on (``domain.webhooks``)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, text

from adapters.persistence.column_types import UtcDateTime, ordered_key
from adapters.persistence.tables.schema import metadata

DELIVERY_KEY_LENGTH = 128

# 0012_webhook_inbox: the primary key is the de-duplication key, so a redelivery inserts nothing.
webhook_inbox = Table(
    "webhook_inbox",
    metadata,
    Column("source", String(16), primary_key=True),
    Column("delivery_key", ordered_key(DELIVERY_KEY_LENGTH), primary_key=True),
    Column("topic", String(128), nullable=False),
    Column("account", String(255), nullable=False),
    Column("body", Text, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("processed_at", UtcDateTime, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    # The drain reads pending deliveries oldest first; processed ones stay out of the index.
    Index(
        "ix_webhook_inbox_pending",
        "received_at",
        "delivery_key",
        postgresql_where=text("processed_at IS NULL"),
        sqlite_where=text("processed_at IS NULL"),
    ),
    # 0013_webhook_health: an account's newest deliveries, for its webhook health.
    Index("ix_webhook_inbox_account", "source", "account", "received_at"),
)

# 0013_webhook_health: when each account's subscriptions were last found complete.
webhook_subscription_checks = Table(
    "webhook_subscription_checks",
    metadata,
    Column("source", String(16), primary_key=True),
    Column("account", String(255), primary_key=True),
    Column("subscribed_at", UtcDateTime, nullable=False),
)
