"""Order: a TikTok order as we hold it, its cancellation and its import into SHOPLINE."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.app import ImportScope
from domain.channel import BuyerInfo, TikTokLineItem, TikTokOrderData
from domain.errors import (
    CancellationNotPending,
    CancellationResponseOverdue,
    InvalidOrderData,
    MixedCurrencyOrder,
    OrderAlreadyImported,
    OrderNotCancellable,
    OrderNotImportable,
)
from domain.events import (
    ImportedOrderCancelled,
    LineQuantity,
    OrderImported,
    OrderImportFailed,
    OrderLinesReserved,
    OrderReleased,
    RecordsEvents,
)
from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    ShopId,
    ShoplineOrderId,
    ShoplineVariantId,
    TikTokShopId,
)
from domain.money import Money

PLATFORM = "TIKTOK_SHOP"


class OrderStatus(Enum):
    UNPAID = "UNPAID"
    ON_HOLD = "ON_HOLD"
    AWAITING_SHIPMENT = "AWAITING_SHIPMENT"
    PARTIALLY_SHIPPING = "PARTIALLY_SHIPPING"
    AWAITING_COLLECTION = "AWAITING_COLLECTION"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"

    @classmethod
    def parse(cls, text: str) -> OrderStatus:
        if text == "CANCEL":  # the webhook spelling
            return cls.CANCELLED
        try:
            return cls(text)
        except ValueError:
            raise InvalidOrderData("status", f"{text!r} is not a TikTok order status") from None

    @property
    def terminal(self) -> bool:
        return self in _TERMINAL


_TERMINAL = frozenset({OrderStatus.CANCELLED, OrderStatus.COMPLETED})
# Statuses in which the goods are still in the warehouse: a first sighting reserves stock.
STOCK_HOLDING = frozenset(
    {
        OrderStatus.UNPAID,
        OrderStatus.ON_HOLD,
        OrderStatus.AWAITING_SHIPMENT,
        OrderStatus.PARTIALLY_SHIPPING,
        OrderStatus.AWAITING_COLLECTION,
    }
)
# From AWAITING_SHIPMENT on the order is paid, past the buyer's free-cancel window, and has an address.
IMPORTABLE = frozenset(
    {
        OrderStatus.AWAITING_SHIPMENT,
        OrderStatus.PARTIALLY_SHIPPING,
        OrderStatus.AWAITING_COLLECTION,
        OrderStatus.IN_TRANSIT,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
    }
)
SELLER_CANCELLABLE = frozenset(
    {OrderStatus.UNPAID, OrderStatus.ON_HOLD, OrderStatus.AWAITING_SHIPMENT, OrderStatus.AWAITING_COLLECTION}
)


@dataclass(frozen=True)
class ImportKey:
    """The identity of an import; the ledger keyed by it outlives the shop's deletion."""

    platform: str
    tiktok_shop_id: TikTokShopId
    order_id: OrderId

    @property
    def channel_marker(self) -> str:
        return f"{self.platform}:{self.tiktok_shop_id}:{self.order_id}"


@dataclass(frozen=True)
class OrderLine:
    """All units of one SKU in the order."""

    sku_id: ChannelSkuId
    product_id: ChannelProductId
    seller_sku: str
    title: str
    quantity: int
    subtotal: Money
    line_item_ids: tuple[str, ...]


def aggregate_lines(
    order_id: OrderId, currency: str, items: Iterable[TikTokLineItem]
) -> tuple[OrderLine, ...]:
    """Groups TikTok's one-item-per-unit lines by SKU, summing prices exactly."""
    grouped: dict[ChannelSkuId, list[TikTokLineItem]] = {}
    for item in items:
        if item.sale_price.currency != currency:
            raise MixedCurrencyOrder(order_id, f"{currency}, {item.sale_price.currency}")
        grouped.setdefault(item.sku_id, []).append(item)
    lines = []
    for sku_id, units in grouped.items():
        subtotal = Money.zero(currency)
        for unit in units:
            subtotal = subtotal + unit.sale_price
        first = units[0]
        title = f"{first.product_name} - {first.sku_name}" if first.sku_name else first.product_name
        lines.append(
            OrderLine(
                sku_id=sku_id,
                product_id=first.product_id,
                seller_sku=first.seller_sku.strip(),
                title=title,
                quantity=len(units),
                subtotal=subtotal,
                line_item_ids=tuple(u.line_item_id for u in units),
            )
        )
    return tuple(sorted(lines, key=lambda line: line.sku_id))


class CancellationState(Enum):
    NONE = "NONE"
    REQUESTED = "REQUESTED"
    """The buyer asked; the seller must answer before the deadline."""
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    SELLER_CANCELLED = "SELLER_CANCELLED"


@dataclass(frozen=True)
class Cancellation:
    state: CancellationState = CancellationState.NONE
    cancel_id: str | None = None
    response_deadline: datetime | None = None


class ImportState(Enum):
    NOT_IMPORTED = "NOT_IMPORTED"
    IMPORTED = "IMPORTED"
    FAILED = "FAILED"


class StockState(Enum):
    """Which stock effect the order last asked for."""

    NONE = "NONE"
    RESERVED = "RESERVED"
    RELEASED = "RELEASED"
    COMMITTED = "COMMITTED"


@dataclass(frozen=True)
class ImportStatus:
    state: ImportState = ImportState.NOT_IMPORTED
    shopline_order_id: ShoplineOrderId | None = None
    failure_reason: str | None = None
    attempted_at: datetime | None = None


class UpdateOutcome(Enum):
    APPLIED = "APPLIED"
    DUPLICATE = "DUPLICATE"
    """Same ``update_time`` as held: nothing to do."""
    STALE = "STALE"
    """Older than what we hold: ignored."""


@dataclass(frozen=True)
class ImportLine:
    """A line to create in SHOPLINE: a linked variant, or a custom item when ``variant_id`` is None."""

    line: OrderLine
    variant_id: ShoplineVariantId | None


class Order(RecordsEvents):
    def __init__(
        self,
        *,
        order_id: OrderId,
        app_id: AppId,
        shop_id: ShopId,
        tiktok_shop_id: TikTokShopId,
        status: OrderStatus,
        currency: str,
        total: Money,
        lines: tuple[OrderLine, ...],
        buyer: BuyerInfo,
        create_time: datetime,
        update_time: datetime,
        first_seen_at: datetime,
        cancellation: Cancellation = Cancellation(),
        import_status: ImportStatus = ImportStatus(),
        stock_state: StockState = StockState.NONE,
    ) -> None:
        """Rebuilds an order from stored state; ``first_seen`` creates one from TikTok data."""
        self._id = order_id
        self._app_id = app_id
        self._shop_id = shop_id
        self._tiktok_shop_id = tiktok_shop_id
        self._status = status
        self._currency = currency
        self._total = total
        self._lines = lines
        self._buyer = buyer
        self._create_time = create_time
        self._update_time = update_time
        self._first_seen_at = first_seen_at
        self._cancellation = cancellation
        self._import = import_status
        self._stock_state = stock_state
        self._events = []

    @classmethod
    def first_seen(
        cls,
        app_id: AppId,
        shop_id: ShopId,
        tiktok_shop_id: TikTokShopId,
        data: TikTokOrderData,
        now: datetime,
    ) -> Order:
        if data.total.currency != data.currency:
            raise MixedCurrencyOrder(data.order_id, f"{data.currency}, {data.total.currency}")
        if not data.line_items:
            raise InvalidOrderData("line_items", f"order {data.order_id} has no line items")
        order = cls(
            order_id=data.order_id,
            app_id=app_id,
            shop_id=shop_id,
            tiktok_shop_id=tiktok_shop_id,
            status=OrderStatus.parse(data.status),
            currency=data.currency,
            total=data.total,
            lines=aggregate_lines(data.order_id, data.currency, data.line_items),
            buyer=data.buyer,
            create_time=data.create_time,
            update_time=data.update_time,
            first_seen_at=now,
        )
        if order._status in STOCK_HOLDING:
            order._stock_state = StockState.RESERVED
            order._record(OrderLinesReserved(app_id, shop_id, order._id, order._line_quantities()))
        return order

    # --- read-only state --------------------------------------------------------------------

    @property
    def id(self) -> OrderId:
        return self._id

    @property
    def app_id(self) -> AppId:
        return self._app_id

    @property
    def shop_id(self) -> ShopId:
        return self._shop_id

    @property
    def tiktok_shop_id(self) -> TikTokShopId:
        return self._tiktok_shop_id

    @property
    def status(self) -> OrderStatus:
        return self._status

    @property
    def currency(self) -> str:
        return self._currency

    @property
    def total(self) -> Money:
        return self._total

    @property
    def lines(self) -> tuple[OrderLine, ...]:
        return self._lines

    @property
    def buyer(self) -> BuyerInfo:
        return self._buyer

    @property
    def create_time(self) -> datetime:
        return self._create_time

    @property
    def update_time(self) -> datetime:
        return self._update_time

    @property
    def first_seen_at(self) -> datetime:
        return self._first_seen_at

    @property
    def cancellation(self) -> Cancellation:
        return self._cancellation

    @property
    def import_status(self) -> ImportStatus:
        return self._import

    @property
    def stock_state(self) -> StockState:
        return self._stock_state

    @property
    def import_key(self) -> ImportKey:
        return ImportKey(PLATFORM, self._tiktok_shop_id, self._id)

    @property
    def cancelled(self) -> bool:
        return self._status is OrderStatus.CANCELLED or self._cancellation.state in (
            CancellationState.APPROVED,
            CancellationState.SELLER_CANCELLED,
        )

    # --- updates from TikTok ----------------------------------------------------------------

    def apply_update(self, data: TikTokOrderData) -> UpdateOutcome:
        """Sync windows overlap, so the same or an older snapshot arrives often."""
        if data.order_id != self._id:
            raise InvalidOrderData("order_id", "update is for another order")
        if data.update_time < self._update_time:
            return UpdateOutcome.STALE
        if data.update_time == self._update_time:
            return UpdateOutcome.DUPLICATE
        self._update_time = data.update_time
        new_status = OrderStatus.parse(data.status)
        if self._status.terminal or new_status is self._status:
            return UpdateOutcome.APPLIED
        self._status = new_status
        if new_status is OrderStatus.CANCELLED:
            self._on_cancelled()
        return UpdateOutcome.APPLIED

    def _on_cancelled(self) -> None:
        imported_as = self._import.shopline_order_id
        if self._import.state is ImportState.IMPORTED and imported_as is not None:
            self._record(ImportedOrderCancelled(self._app_id, self._shop_id, self._id, imported_as))
        elif self._stock_state is StockState.RESERVED:
            self._stock_state = StockState.RELEASED
            self._record(OrderReleased(self._app_id, self._shop_id, self._id, self._line_quantities()))

    # --- cancellation -----------------------------------------------------------------------

    def buyer_requested_cancellation(self, cancel_id: str, response_deadline: datetime | None) -> None:
        if self._status.terminal:
            raise OrderNotCancellable(self._subject, f"the order is {self._status.value}")
        if self._cancellation.state in (CancellationState.APPROVED, CancellationState.SELLER_CANCELLED):
            raise OrderNotCancellable(self._subject, "the order is already being cancelled")
        self._cancellation = Cancellation(CancellationState.REQUESTED, cancel_id, response_deadline)

    def approve_cancellation(self, now: datetime) -> str:
        """Returns the TikTok cancel id to approve."""
        cancel_id = self._pending_cancel_id(now)
        self._cancellation = Cancellation(
            CancellationState.APPROVED, cancel_id, self._cancellation.response_deadline
        )
        return cancel_id

    def reject_cancellation(self, now: datetime) -> str:
        cancel_id = self._pending_cancel_id(now)
        self._cancellation = Cancellation(
            CancellationState.REJECTED, cancel_id, self._cancellation.response_deadline
        )
        return cancel_id

    def _pending_cancel_id(self, now: datetime) -> str:
        cancellation = self._cancellation
        if cancellation.state is not CancellationState.REQUESTED or cancellation.cancel_id is None:
            raise CancellationNotPending(self._subject, "there is no buyer cancellation request to answer")
        if cancellation.response_deadline is not None and now > cancellation.response_deadline:
            raise CancellationResponseOverdue(self._subject, "the deadline to answer the buyer has passed")
        return cancellation.cancel_id

    def cancel_as_seller(self) -> None:
        if self._status not in SELLER_CANCELLABLE:
            raise OrderNotCancellable(
                self._subject, f"a seller cannot cancel an order that is {self._status.value}"
            )
        if self._cancellation.state is CancellationState.REQUESTED:
            raise OrderNotCancellable(self._subject, "answer the buyer's cancellation request instead")
        if self._cancellation.state is CancellationState.APPROVED:
            raise OrderNotCancellable(self._subject, "the order is already being cancelled")
        self._cancellation = Cancellation(CancellationState.SELLER_CANCELLED)

    # --- import into SHOPLINE ---------------------------------------------------------------

    def import_lines(
        self, scope: ImportScope, linked: Mapping[ChannelSkuId, ShoplineVariantId]
    ) -> tuple[ImportLine, ...]:
        """Checks the order may be imported now and returns what to create in SHOPLINE."""
        if self._import.state is ImportState.IMPORTED:
            raise OrderNotImportable(self._id, "ALREADY_IMPORTED", "the order is already in SHOPLINE")
        if self.cancelled:
            raise OrderNotImportable(self._id, "CANCELLED", "a cancelled order is never imported")
        if self._status not in IMPORTABLE:
            raise OrderNotImportable(
                self._id,
                "NOT_READY",
                f"orders are imported from AWAITING_SHIPMENT on, not {self._status.value}",
            )
        unlinked = [line.sku_id for line in self._lines if line.sku_id not in linked]
        if unlinked and scope is ImportScope.ONLY_LINKED:
            raise OrderNotImportable(
                self._id, "UNLINKED_SKUS", f"{len(unlinked)} SKU(s) are not linked to SHOPLINE variants"
            )
        return tuple(ImportLine(line, linked.get(line.sku_id)) for line in self._lines)

    def mark_imported(self, shopline_order_id: ShoplineOrderId, now: datetime) -> None:
        """Exactly once: a repeat with the same SHOPLINE order is a no-op, another one is refused."""
        if self._import.state is ImportState.IMPORTED:
            if self._import.shopline_order_id != shopline_order_id:
                raise OrderAlreadyImported(self.import_key.channel_marker)
            return
        had_reservations = self._stock_state is StockState.RESERVED
        self._import = ImportStatus(ImportState.IMPORTED, shopline_order_id, None, now)
        if had_reservations:
            self._stock_state = StockState.COMMITTED
        self._record(
            OrderImported(
                self._app_id,
                self._shop_id,
                self._id,
                shopline_order_id,
                self._line_quantities(),
                had_reservations,
            )
        )

    def mark_import_failed(self, reason: str, now: datetime) -> None:
        """A failed import may be retried; an imported order cannot fail afterwards."""
        if self._import.state is ImportState.IMPORTED:
            raise OrderAlreadyImported(self.import_key.channel_marker)
        self._import = ImportStatus(ImportState.FAILED, None, reason, now)
        self._record(OrderImportFailed(self._app_id, self._shop_id, self._id, reason))

    # --- helpers ----------------------------------------------------------------------------

    @property
    def _subject(self) -> str:
        return f"orders/{self._id}"

    def _line_quantities(self) -> tuple[LineQuantity, ...]:
        return tuple(LineQuantity(line.sku_id, line.quantity) for line in self._lines)

    def __repr__(self) -> str:
        return (
            f"Order(id={self._id!r}, shop_id={self._shop_id!r}, status={self._status.value}, "
            f"import={self._import.state.value})"
        )
