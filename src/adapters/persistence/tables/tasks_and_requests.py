"""Background tasks, and client request ids with what their first call did."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from adapters.persistence.column_types import UtcDateTime, ordered_key
from adapters.persistence.tables.schema import metadata

tasks = Table(
    "tasks",
    metadata,
    Column("id", ordered_key(), primary_key=True),
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("shop_id", ordered_key(), ForeignKey("shops.id", ondelete="CASCADE"), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_count", Integer, nullable=False),
    Column("updated_count", Integer, nullable=False),
    Column("skipped_count", Integer, nullable=False),
    Column("failed_count", Integer, nullable=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=True),
    # [{item_ref, reason, at (ISO 8601)}], newest last, at most MAX_LAST_ERRORS
    Column("last_errors", JSON, nullable=False),
    Column("checkpoint", Text, nullable=True),
    Column("lease_owner", String(255), nullable=True),
    Column("lease_expires_at", UtcDateTime, nullable=True),
    Column("started_at", UtcDateTime, nullable=True),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("failure_reason", Text, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_tasks_app_id_id", "app_id", "id"),
    Index("ix_tasks_app_id_created_at_id", "app_id", "created_at", "id"),
    Index("ix_tasks_shop_id", "shop_id"),
    Index("ix_tasks_state_created_at", "state", "created_at"),
    Index("ix_tasks_state_lease_expires_at", "state", "lease_expires_at"),
)

# 0007_completed_requests: a client's retry key and what its first call did; app-owned, so a
# DeleteShop retry still finds it.
completed_requests = Table(
    "completed_requests",
    metadata,
    Column("app_id", ordered_key(), ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True),
    Column("request_id", String(64), primary_key=True),
    Column("operation", String(64), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("completed_at", UtcDateTime, nullable=False),
    # Migration 0009_completed_request_results: what the call produced, e.g. the task it started.
    Column("result", String(255), nullable=True),
)
