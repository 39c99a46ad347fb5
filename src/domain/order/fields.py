"""What an order holds and the read-only views of it; ``Order`` adds the changes made to it."""

from __future__ import annotations

from datetime import datetime

from domain.channel import BuyerInfo
from domain.events import RecordsEvents
from domain.ids import AppId, OrderId, ShopId, TikTokShopId
from domain.logistics import LineShipment, OrderLogistics, RecipientAddress
from domain.money import Money
from domain.order.amounts import OrderAmounts
from domain.order.cancellation import Cancellation, CancellationState
from domain.order.imports import PLATFORM, ImportKey, ImportStatus
from domain.order.lines import OpenOrderLine, OrderLine
from domain.order.shopline_cancellation import ShoplineCancellation
from domain.order.status import OrderStatus, StockState

# The defaults of a newly seen order; frozen, so one instance serves every order.
_NO_CANCELLATION = Cancellation()
_NOT_IMPORTED = ImportStatus()
_NO_LOGISTICS = OrderLogistics()
_NO_RECIPIENT = RecipientAddress()
_UNSHIPPED = frozenset(
    {OrderStatus.UNPAID, OrderStatus.ON_HOLD, OrderStatus.AWAITING_SHIPMENT, OrderStatus.AWAITING_COLLECTION}
)
_NOT_CANCELLED_IN_SHOPLINE = ShoplineCancellation()


class OrderFields(RecordsEvents):
    """The state of an order as stored, read-only; ``Order`` is the aggregate that changes it."""

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
        cancellation: Cancellation = _NO_CANCELLATION,
        import_status: ImportStatus = _NOT_IMPORTED,
        stock_state: StockState = StockState.NONE,
        amounts: OrderAmounts | None = None,
        paid_time: datetime | None = None,
        synced_at: datetime | None = None,
        shopline_cancel_pending: bool = False,
        logistics: OrderLogistics = _NO_LOGISTICS,
        recipient: RecipientAddress = _NO_RECIPIENT,
        line_shipments: tuple[LineShipment, ...] = (),
        shopline_cancellation: ShoplineCancellation = _NOT_CANCELLED_IN_SHOPLINE,
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
        self._logistics = logistics
        self._recipient = recipient
        self._line_shipments = line_shipments
        self._shopline_cancellation = shopline_cancellation
        self._events = []

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
    def logistics(self) -> OrderLogistics:
        """Who fulfills the order, how it ships and by when, as TikTok last told."""
        return self._logistics

    @property
    def recipient(self) -> RecipientAddress:
        """The shipping address as TikTok gives it (masked under TikTok's logistics); empty while
        TikTok withholds it."""
        return self._recipient

    @property
    def line_shipments(self) -> tuple[LineShipment, ...]:
        """Per TikTok line item (one unit): its package and tracking, as TikTok last told."""
        return self._line_shipments

    @property
    def unshipped(self) -> bool:
        """Not a unit of the order has left on TikTok, and it is not cancelled."""
        return self._status in _UNSHIPPED and not self.cancelled

    @property
    def fulfilled_by_tiktok(self) -> bool:
        """TikTok fulfills the order from its own warehouses (FBT): no unit of the shared pools
        is ever reserved, deducted or released for it."""
        return self._logistics.fulfilled_by_tiktok

    @property
    def shopline_cancellation(self) -> ShoplineCancellation:
        """The merchant's cancel of the imported order in SHOPLINE and its outcome on TikTok."""
        return self._shopline_cancellation

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
