"""Analytics: the SHOPLINE store's own orders and the figures reported across channels.

Amounts are exact integers in units of 10^-4 of the currency (``*_e4``), so databases sum them
without rounding; they become ``Money`` only at the edge of a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import InvalidArgument, quoted
from domain.ids import ShopId, ShoplineOrderId, ShoplineVariantId
from domain.money import Money, check_currency_code

E4 = 10_000
MAX_REPORT_SPAN = timedelta(days=366)
EARLIEST_REPORT_TIME = datetime(1, 1, 2, tzinfo=UTC)
LATEST_REPORT_TIME = datetime(9999, 12, 30, tzinfo=UTC)
RATE_DIGITS = Decimal("0.0001")


def to_e4(amount: Decimal) -> int:
    """An exact amount in units of 10^-4; finer fractions are rounded half up."""
    return int((amount * E4).to_integral_value(rounding=ROUND_HALF_UP))


def from_e4(amount_e4: int, currency: str) -> Money:
    """Rounded half up to the currency's minor units, as reports show it."""
    return Money(Decimal(amount_e4).scaleb(-4), currency).rounded()


class SalesChannel(Enum):
    TIKTOK_SHOP = "TIKTOK_SHOP"
    SHOPLINE_STORE = "SHOPLINE_STORE"


class SalesGrouping(Enum):
    DAY = "DAY"
    SHOP = "SHOP"
    CHANNEL = "CHANNEL"


class TopProductsRanking(Enum):
    UNITS = "UNITS"
    SALES = "SALES"


# --- SHOPLINE store orders ------------------------------------------------------------------


@dataclass(frozen=True)
class StoreOrderLine:
    """A line of a store order; ``variant_id`` is None for a custom item."""

    variant_id: ShoplineVariantId | None
    title: str
    sku: str
    quantity: int
    net_e4: int


@dataclass(frozen=True)
class StoreOrder:
    """An order of the SHOPLINE store as analytics needs it.

    ``channel_marker`` is set when the order is one this service imported from a channel: such an
    order is a channel sale already counted there, never a store sale.
    """

    order_id: ShoplineOrderId
    created_at: datetime
    updated_at: datetime
    currency: str
    paid: bool
    cancelled: bool
    gross_e4: int
    discount_e4: int
    buyer_key: str
    lines: tuple[StoreOrderLine, ...]
    channel_marker: str | None = None

    @property
    def unit_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def net_e4(self) -> int:
        return self.gross_e4 - self.discount_e4

    @property
    def is_store_sale(self) -> bool:
        """Counted as a store sale: paid, and not an order imported from a channel."""
        return self.paid and self.channel_marker is None


# --- Report requests ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRange:
    """``[start, end)``; at most 366 days long."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise InvalidArgument("start_time", "must be an absolute time")
        # A day to spare at both ends of datetime's range, for day boundaries in any time zone.
        if self.start < EARLIEST_REPORT_TIME:
            raise InvalidArgument("start_time", "must be on or after 0001-01-02T00:00:00Z")
        if self.end > LATEST_REPORT_TIME:
            raise InvalidArgument("end_time", "must be on or before 9999-12-30T00:00:00Z")
        if self.end <= self.start:
            raise InvalidArgument("end_time", "must be after start_time")
        if self.end - self.start > MAX_REPORT_SPAN:
            raise InvalidArgument("end_time", "must be at most 366 days after start_time")


def report_time_zone(name: str) -> str:
    """The IANA zone for day boundaries; empty means UTC."""
    if not name:
        return "UTC"
    if name.startswith("/") or ".." in name or name != name.strip():
        raise InvalidArgument("time_zone", f"{quoted(name)} is not an IANA time zone")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidArgument("time_zone", f"{quoted(name)} is not an IANA time zone") from None
    return name


def report_currency(code: str) -> str:
    try:
        return check_currency_code(code)
    except Exception:
        raise InvalidArgument("currency_code", f"{quoted(code)} is not an ISO 4217 currency code") from None


# --- Report rows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SalesFigures:
    """Sums of one group in one currency, as the database computes them."""

    currency: str
    order_count: int
    unit_count: int
    gross_e4: int
    discount_e4: int
    net_e4: int
    cancelled_order_count: int
    unique_buyer_count: int

    @property
    def cancellation_rate(self) -> Decimal:
        if self.order_count == 0:
            return Decimal("0.0000")
        rate = Decimal(self.cancelled_order_count) / Decimal(self.order_count)
        return rate.quantize(RATE_DIGITS, rounding=ROUND_HALF_UP)

    @property
    def average_order_value(self) -> Money:
        kept = self.order_count - self.cancelled_order_count
        if kept <= 0:
            return Money.zero(self.currency).rounded()
        return Money(Decimal(self.net_e4).scaleb(-4) / kept, self.currency).rounded()


@dataclass(frozen=True)
class SalesSummaryRow:
    """One group: ``day`` (YYYY-MM-DD) for DAY, ``shop_id`` (None for the store) for SHOP,
    ``channel`` for SHOP and CHANNEL."""

    figures: SalesFigures
    day: str | None = None
    shop_id: ShopId | None = None
    channel: SalesChannel | None = None


@dataclass(frozen=True)
class SkuRef:
    shop_id: ShopId
    product_id: str
    sku_id: str


@dataclass(frozen=True)
class TopProduct:
    """A SHOPLINE variant (its linked TikTok SKUs and its store sales) or an unlinked TikTok SKU."""

    variant_id: ShoplineVariantId | None
    pool_id: str | None
    skus: tuple[SkuRef, ...]
    title: str
    sku_code: str
    unit_count: int
    order_count: int
    net_sales_e4: tuple[tuple[str, int], ...]
    """(currency, net x 10^4) ordered by currency."""


@dataclass(frozen=True)
class TopProductsPage:
    items: tuple[TopProduct, ...]
    next_offset: int | None


@dataclass(frozen=True)
class CustomerSummaryRow:
    channel: SalesChannel
    shop_id: ShopId | None
    unique_buyer_count: int
    repeat_buyer_count: int
    new_buyer_count: int
    returning_buyer_count: int
    cross_channel_buyer_count: int = 0
    """Of the buyers, those who also bought on the other channel in the range, matched through
    the customer links (a TikTok buyer imported as a SHOPLINE customer)."""
