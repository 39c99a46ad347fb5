"""An order's import into SHOPLINE: the ledger key, the import's state, the lines to create."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.ids import OrderId, ShoplineOrderId, ShoplineVariantId, TikTokShopId
from domain.order.lines import OrderLine

PLATFORM = "TIKTOK_SHOP"


@dataclass(frozen=True)
class ImportKey:
    """The identity of an import; the ledger keyed by it outlives the shop's deletion."""

    platform: str
    tiktok_shop_id: TikTokShopId
    order_id: OrderId

    @property
    def channel_marker(self) -> str:
        return f"{self.platform}:{self.tiktok_shop_id}:{self.order_id}"

    @classmethod
    def from_marker(cls, marker: str) -> ImportKey | None:
        """The key a channel marker names, or None when the text is not one of ours."""
        parts = marker.strip().split(":")
        if len(parts) != 3 or parts[0] != PLATFORM or not parts[1] or not parts[2].isdigit():
            return None
        return cls(PLATFORM, TikTokShopId(parts[1]), OrderId(parts[2]))


class ImportState(Enum):
    NOT_IMPORTED = "NOT_IMPORTED"
    IMPORTED = "IMPORTED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class ImportStatus:
    state: ImportState = ImportState.NOT_IMPORTED
    shopline_order_id: ShoplineOrderId | None = None
    failure_reason: str | None = None
    attempted_at: datetime | None = None
    attempt_count: int = 0
    claimed_until: datetime | None = None
    """While an import is creating the SHOPLINE order, no other may start (until this time)."""


@dataclass(frozen=True)
class ImportLine:
    """A line to create in SHOPLINE: a linked variant, or a custom item when ``variant_id`` is None."""

    line: OrderLine
    variant_id: ShoplineVariantId | None
