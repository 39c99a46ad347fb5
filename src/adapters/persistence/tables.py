"""Table definitions (SQLAlchemy Core). Aggregates are mapped explicitly, never instrumented."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, String, Table

from adapters.persistence.column_types import UtcDateTime

# Stable constraint names, so migrations can refer to them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

apps = Table(
    "apps",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("store_handle", String(63), nullable=False, unique=True),
    Column("auto_import_orders", Boolean, nullable=False),
    Column("import_scope", String(32), nullable=False),
    Column("default_safety_stock", Integer, nullable=False),
    Column("location_ids", JSON, nullable=False),
    Column("default_price_rule", JSON, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)
