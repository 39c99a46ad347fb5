"""API keys: SHA-256 of each key, never the key (``domain.api_key``)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, LargeBinary, String, Table

from adapters.persistence.column_types import UtcDateTime, ordered_key
from adapters.persistence.tables.schema import metadata

# 0015_api_keys
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", ordered_key(64), primary_key=True),
    # The public part of the key; every call finds its key by it.
    Column("prefix", String(16), nullable=False, unique=True),
    Column("secret_hash", LargeBinary, nullable=True),
    Column("certificate_subject", String(255), nullable=True, unique=True),
    Column("role", String(16), nullable=False),
    # App ids the key may see; NULL: every app (admin keys only).
    Column("apps", JSON, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("last_used_at", UtcDateTime, nullable=True),
)
