"""Order: a TikTok order as we hold it, its cancellation and its import into SHOPLINE."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache

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
_LIFECYCLE = list(OrderStatus)
"""Statuses in the order an order passes them; CANCELLED may follow any of them."""
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
    """Exact sum of the units' sale prices."""
    line_item_ids: tuple[str, ...]
    original_subtotal: Money | None = None
    """Exact sum of the units' original prices; None when TikTok did not send them."""
    product_name: str = ""
    """TikTok's product name at order time; empty for lines stored before it was kept apart."""
    sku_name: str = ""
    """TikTok's SKU name at order time (e.g. ``Red, M``); empty when TikTok sent none."""


@dataclass(frozen=True)
class OpenOrderLine:
    """A line of an order that still holds stock: reserved, neither released nor committed.

    Whichever pool the line's SKU is linked to holds exactly these units for the order."""

    shop_id: ShopId
    order_id: OrderId
    sku_id: ChannelSkuId
    quantity: int


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
        # Summed as Decimals (the currencies are checked): this runs for every order of an import.
        subtotal = sum((unit.sale_price.amount for unit in units), Decimal(0))
        original_sum = Decimal(0)
        original: Decimal | None = None
        for unit in units:
            price = unit.original_price
            if price is None:
                break
            if price.currency != currency:
                raise MixedCurrencyOrder(order_id, f"{currency}, {price.currency}")
            original_sum += price.amount
        else:
            original = original_sum
        first = units[0]
        title = f"{first.product_name} - {first.sku_name}" if first.sku_name else first.product_name
        lines.append(
            OrderLine(
                sku_id=sku_id,
                product_id=first.product_id,
                seller_sku=first.seller_sku.strip(),
                title=title,
                quantity=len(units),
                subtotal=Money(subtotal, currency),
                line_item_ids=tuple(u.line_item_id for u in units),
                original_subtotal=None if original is None else Money(original, currency),
                product_name=first.product_name,
                sku_name=first.sku_name,
            )
        )
    return tuple(sorted(lines, key=lambda line: line.sku_id))


@lru_cache(maxsize=64)
def _zero(currency: str) -> Money:
    return Money.zero(currency)


@dataclass(frozen=True)
class OrderAmounts:
    """The money of an order in its currency: products before discounts, discounts, fees."""

    subtotal: Money
    """Products at original prices (gross sales)."""
    discount: Money
    """Seller plus platform discounts on products, as a positive amount."""
    shipping_fee: Money
    tax: Money

    @property
    def net(self) -> Money:
        """Products after discounts; shipping and tax excluded."""
        return self.subtotal - self.discount

    @classmethod
    def zero(cls, currency: str) -> OrderAmounts:
        nothing = _zero(currency)
        return cls(nothing, nothing, nothing, nothing)

    @classmethod
    def of(cls, data: TikTokOrderData, lines: tuple[OrderLine, ...]) -> OrderAmounts:
        """TikTok's payment breakdown, completed from the lines where TikTok left fields out."""
        currency = data.currency
        subtotal = data.subtotal
        if subtotal is None:
            gross = sum(((line.original_subtotal or line.subtotal).amount for line in lines), Decimal(0))
            subtotal = Money(gross, currency)
        zero = _zero(currency)
        if data.seller_discount is None and data.platform_discount is None:
            sold = sum((line.subtotal.amount for line in lines), Decimal(0))
            discount = Money(max(subtotal.amount - sold, Decimal(0)), currency)
        elif data.platform_discount is None or data.seller_discount is None:
            discount = data.seller_discount or data.platform_discount or zero
        else:
            discount = data.seller_discount + data.platform_discount
        amounts = cls(
            subtotal=subtotal,
            discount=discount,
            shipping_fee=data.shipping_fee or zero,
            tax=data.tax or zero,
        )
        for part in (amounts.subtotal, amounts.discount, amounts.shipping_fee, amounts.tax):
            if part.currency != currency:
                raise MixedCurrencyOrder(data.order_id, f"{currency}, {part.currency}")
        return amounts


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
    reason: str = ""
    request_time: datetime | None = None
    resolve_time: datetime | None = None


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
    attempt_count: int = 0
    claimed_until: datetime | None = None
    """While an import is creating the SHOPLINE order, no other may start (until this time)."""


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
        amounts: OrderAmounts | None = None,
        paid_time: datetime | None = None,
        synced_at: datetime | None = None,
        shopline_cancel_pending: bool = False,
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
        self._amounts = amounts or OrderAmounts.zero(currency)
        self._paid_time = paid_time
        self._synced_at = synced_at or first_seen_at
        self._shopline_cancel_pending = shopline_cancel_pending
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
        lines = aggregate_lines(data.order_id, data.currency, data.line_items)
        order = cls(
            order_id=data.order_id,
            app_id=app_id,
            shop_id=shop_id,
            tiktok_shop_id=tiktok_shop_id,
            status=OrderStatus.parse(data.status),
            currency=data.currency,
            total=data.total,
            lines=lines,
            buyer=data.buyer,
            create_time=data.create_time,
            update_time=data.update_time,
            first_seen_at=now,
            amounts=OrderAmounts.of(data, lines),
            paid_time=data.paid_time,
            synced_at=now,
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
    def amounts(self) -> OrderAmounts:
        return self._amounts

    @property
    def unit_count(self) -> int:
        return sum(line.quantity for line in self._lines)

    @property
    def paid_time(self) -> datetime | None:
        return self._paid_time

    @property
    def synced_at(self) -> datetime:
        """When this service last took a change of the order from TikTok."""
        return self._synced_at

    @property
    def shopline_cancel_pending(self) -> bool:
        """The order was cancelled after its import and its SHOPLINE order is not cancelled yet."""
        return self._shopline_cancel_pending

    @property
    def holds_stock(self) -> bool:
        """Seen in a stock-holding status and neither cancelled nor imported since."""
        return self._stock_state is StockState.RESERVED

    def open_lines(self) -> tuple[OpenOrderLine, ...]:
        """The lines whose units the shared pools hold for this order (none once it stops holding)."""
        if not self.holds_stock:
            return ()
        return tuple(
            OpenOrderLine(self._shop_id, self._id, line.sku_id, line.quantity) for line in self._lines
        )

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

    def apply_update(self, data: TikTokOrderData, now: datetime | None = None) -> UpdateOutcome:
        """Sync windows overlap, so the same or an older snapshot arrives often."""
        if data.order_id != self._id:
            raise InvalidOrderData("order_id", "update is for another order")
        if data.update_time < self._update_time:
            return UpdateOutcome.STALE
        if data.update_time == self._update_time and not self._later_in_same_second(data):
            return UpdateOutcome.DUPLICATE
        amounts = self._amounts
        if data.line_items and data.currency == self._currency:
            # Amounts can change before shipping (a partial cancellation); lines stay as first seen
            # because the stock reserved for them is keyed by them.
            amounts = OrderAmounts.of(data, aggregate_lines(data.order_id, data.currency, data.line_items))
        self._update_time = data.update_time
        self._amounts = amounts
        if data.line_items and data.total.currency == self._currency:
            self._total = data.total
        if now is not None:
            self._synced_at = now
        if data.paid_time is not None:
            self._paid_time = data.paid_time
        # TikTok withholds the buyer's data while UNPAID or ON_HOLD and sends it later.
        self._buyer = self._buyer.updated_by(data.buyer)
        new_status = OrderStatus.parse(data.status)
        if self._status.terminal or new_status is self._status:
            return UpdateOutcome.APPLIED
        self._status = new_status
        if new_status is OrderStatus.CANCELLED:
            self._on_cancelled(data.cancel_time or data.update_time, data.cancel_reason)
        return UpdateOutcome.APPLIED

    def _later_in_same_second(self, data: TikTokOrderData) -> bool:
        """TikTok's times are whole seconds: a snapshot with the held time but a status further
        along the lifecycle is a second change within that second, not a repeat."""
        if self._status.terminal:
            return False
        return _LIFECYCLE.index(OrderStatus.parse(data.status)) > _LIFECYCLE.index(self._status)

    def _on_cancelled(self, when: datetime, reason: str) -> None:
        if self._cancellation.state is CancellationState.REQUESTED:
            # TikTok granted the buyer's request (on its own after the deadline, or answered elsewhere).
            self._cancellation = replace(
                self._cancellation,
                state=CancellationState.APPROVED,
                resolve_time=when,
                reason=self._cancellation.reason or reason,
            )
        elif self._cancellation.state is CancellationState.NONE and reason:
            self._cancellation = replace(self._cancellation, reason=reason, resolve_time=when)
        imported_as = self._import.shopline_order_id
        if self._import.state is ImportState.IMPORTED and imported_as is not None:
            self._shopline_cancel_pending = True
            self._record(ImportedOrderCancelled(self._app_id, self._shop_id, self._id, imported_as))
        elif self._stock_state is StockState.RESERVED:
            self._stock_state = StockState.RELEASED
            self._record(OrderReleased(self._app_id, self._shop_id, self._id, self._line_quantities()))

    # --- cancellation -----------------------------------------------------------------------

    def buyer_requested_cancellation(
        self,
        cancel_id: str,
        response_deadline: datetime | None,
        *,
        reason: str = "",
        requested_at: datetime | None = None,
    ) -> None:
        if self._status.terminal:
            raise OrderNotCancellable(self._subject, f"the order is {self._status.value}")
        if self._cancellation.state in (CancellationState.APPROVED, CancellationState.SELLER_CANCELLED):
            raise OrderNotCancellable(self._subject, "the order is already being cancelled")
        self._cancellation = Cancellation(
            CancellationState.REQUESTED, cancel_id, response_deadline, reason, requested_at
        )

    def approve_cancellation(self, now: datetime) -> str:
        """Returns the TikTok cancel id to approve."""
        cancel_id = self._pending_cancel_id(now)
        self._cancellation = replace(self._cancellation, state=CancellationState.APPROVED, resolve_time=now)
        return cancel_id

    def reject_cancellation(self, now: datetime) -> str:
        cancel_id = self._pending_cancel_id(now)
        self._cancellation = replace(self._cancellation, state=CancellationState.REJECTED, resolve_time=now)
        return cancel_id

    def _pending_cancel_id(self, now: datetime) -> str:
        cancellation = self._cancellation
        if cancellation.state is not CancellationState.REQUESTED or cancellation.cancel_id is None:
            raise CancellationNotPending(self._subject, "there is no buyer cancellation request to answer")
        if cancellation.response_deadline is not None and now > cancellation.response_deadline:
            raise CancellationResponseOverdue(self._subject, "the deadline to answer the buyer has passed")
        return cancellation.cancel_id

    def cancel_as_seller(self, reason: str = "", now: datetime | None = None) -> None:
        if self._status not in SELLER_CANCELLABLE:
            raise OrderNotCancellable(
                self._subject, f"a seller cannot cancel an order that is {self._status.value}"
            )
        if self._cancellation.state is CancellationState.REQUESTED:
            raise OrderNotCancellable(self._subject, "answer the buyer's cancellation request instead")
        if self._cancellation.state is CancellationState.APPROVED:
            raise OrderNotCancellable(self._subject, "the order is already being cancelled")
        self._cancellation = Cancellation(
            CancellationState.SELLER_CANCELLED, reason=reason, request_time=now, resolve_time=now
        )

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

    def claim_import(self, now: datetime, until: datetime) -> None:
        """Reserves the creation of the SHOPLINE order for one importer until ``until``; a claim
        left by an importer that died runs out, and the next one looks the order up first."""
        if self._import.state is ImportState.IMPORTED:
            raise OrderNotImportable(self._id, "ALREADY_IMPORTED", "the order is already in SHOPLINE")
        claimed = self._import.claimed_until
        if claimed is not None and claimed > now:
            raise OrderNotImportable(
                self._id, "IMPORT_IN_PROGRESS", "another import of this order is creating it in SHOPLINE"
            )
        self._import = replace(self._import, claimed_until=until)

    def mark_imported(self, shopline_order_id: ShoplineOrderId, now: datetime) -> None:
        """Exactly once: a repeat with the same SHOPLINE order is a no-op, another one is refused."""
        if self._import.state is ImportState.IMPORTED:
            if self._import.shopline_order_id != shopline_order_id:
                raise OrderAlreadyImported(self.import_key.channel_marker)
            return
        had_reservations = self._stock_state is StockState.RESERVED
        self._import = ImportStatus(
            ImportState.IMPORTED, shopline_order_id, None, now, self._import.attempt_count + 1
        )
        if had_reservations:
            self._stock_state = StockState.COMMITTED
        if self._status is OrderStatus.CANCELLED:
            # Cancelled on TikTok while the SHOPLINE order was being created: it goes again.
            self._shopline_cancel_pending = True
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

    def mark_cancelled_in_shopline(self) -> None:
        """SHOPLINE cancelled the imported order (with restock); nothing is left to undo there."""
        self._shopline_cancel_pending = False

    def mark_import_failed(self, reason: str, now: datetime) -> None:
        """A failed import may be retried; an imported order cannot fail afterwards."""
        if self._import.state is ImportState.IMPORTED:
            raise OrderAlreadyImported(self.import_key.channel_marker)
        self._import = ImportStatus(ImportState.FAILED, None, reason, now, self._import.attempt_count + 1)
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


@dataclass(frozen=True)
class OrderFilter:
    """Which orders a listing shows; an empty or None criterion matches anything."""

    app_id: AppId
    shop_id: ShopId | None = None
    statuses: frozenset[OrderStatus] = frozenset()
    import_state: ImportState | None = None
    cancellation_state: CancellationState | None = None
    created_from: datetime | None = None
    """Inclusive."""
    created_before: datetime | None = None
    """Exclusive."""
    shopline_cancel_pending: bool | None = None

    def matches(self, order: Order) -> bool:
        return (
            order.app_id == self.app_id
            and (self.shop_id is None or order.shop_id == self.shop_id)
            and (not self.statuses or order.status in self.statuses)
            and (self.import_state is None or order.import_status.state is self.import_state)
            and (self.cancellation_state is None or order.cancellation.state is self.cancellation_state)
            and (self.created_from is None or order.create_time >= self.created_from)
            and (self.created_before is None or order.create_time < self.created_before)
            and (
                self.shopline_cancel_pending is None
                or order.shopline_cancel_pending == self.shopline_cancel_pending
            )
        )


def newest_first_position(order: Order) -> str:
    """The listing cursor of ``order``: create time, TikTok order id, shop (all descending)."""
    return f"{order.create_time.isoformat()}|{order.id}|{order.shop_id}"


def parse_newest_first_position(text: str) -> tuple[datetime, OrderId, ShopId]:
    try:
        created, order_id, shop_id = text.split("|")
        return datetime.fromisoformat(created), OrderId(order_id), ShopId(shop_id)
    except ValueError:
        raise InvalidOrderData("page_token", "not an order listing position") from None
