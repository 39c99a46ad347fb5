"""The shared ``MetaData`` of every table and the column helpers the table families use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, MetaData

from adapters.persistence.column_types import ordered_key

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


def shop_reference(**options: Any) -> Column[str]:
    """Every shop-owned row names its shop; deleting the shop deletes the row."""
    return Column(
        "shop_id", ordered_key(), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False, **options
    )
