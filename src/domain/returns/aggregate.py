"""OrderReturn: one TikTok return (refund, return and refund, replacement, exchange) of an order,
and the refund it leads to in SHOPLINE.

TikTok owns the return's status: it changes only through TikTok's reports, newer ones winning.
What is ours is the SHOPLINE side: once TikTok has paid the buyer back on a refund or
return-and-refund request, the refund is due in SHOPLINE, and it is made exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.app import ReturnRestock
from domain.errors import InvalidReturnData, ReturnAlreadyRefunded, ReturnNotAwaitingSeller
from domain.events import RecordsEvents
from domain.ids import AppId, ChannelSkuId, OrderId, ShopId
from domain.money import Money
from domain.returns.data import RefundAmount, TikTokReturnData, TikTokReturnLineItem
from domain.returns.status import (
    REFUNDED_ON_TIKTOK,
    REFUNDING_TYPES,
    ReturnRole,
    ReturnStatus,
    ReturnType,
    seller_action,
)


class RefundState(Enum):
    NONE = "NONE"
    """Nothing to refund in SHOPLINE (yet, or ever for replacements and exchanges)."""
    DUE = "DUE"
    """TikTok refunded the buyer; the SHOPLINE refund is still to be made."""
    REFUNDED = "REFUNDED"
    """The SHOPLINE order carries the refund."""
    NOT_IMPORTED = "NOT_IMPORTED"
    """TikTok refunded the buyer, but the order is not in SHOPLINE: recorded only."""


@dataclass(frozen=True)
class ReturnLine:
    """All returned units of one SKU."""

    sku_id: ChannelSkuId
    seller_sku: str
    quantity: int
    refund_total: Money | None
    """Sum of the units' refunds; None when TikTok sent no per-line amount."""
    order_line_item_ids: tuple[str, ...]


@dataclass(frozen=True)
class RefundLine:
    """What the SHOPLINE refund takes back for one SKU."""

    sku_id: ChannelSkuId
    quantity: int
    restock: bool


def aggregate_return_lines(items: tuple[TikTokReturnLineItem, ...]) -> tuple[ReturnLine, ...]:
    grouped: dict[ChannelSkuId, list[TikTokReturnLineItem]] = {}
    for item in items:
        if not item.sku_id:
            raise InvalidReturnData("return_line_items.sku_id", "is required")
        grouped.setdefault(item.sku_id, []).append(item)
    lines = []
    for sku_id, units in grouped.items():
        totals = [unit.refund_total for unit in units if unit.refund_total is not None]
        refund_total: Money | None = None
        if totals and len(totals) == len(units):
            refund_total = sum(totals[1:], totals[0])
        lines.append(
            ReturnLine(
                sku_id=sku_id,
                seller_sku=units[0].seller_sku.strip(),
                quantity=len(units),
                refund_total=refund_total,
                order_line_item_ids=tuple(unit.order_line_item_id for unit in units),
            )
        )
    return tuple(sorted(lines, key=lambda line: line.sku_id))


class OrderReturn(RecordsEvents):
    def __init__(
        self,
        *,
        return_id: str,
        app_id: AppId,
        shop_id: ShopId,
        order_id: OrderId,
        return_type: ReturnType,
        status: ReturnStatus,
        role: ReturnRole,
        lines: tuple[ReturnLine, ...],
        refund: RefundAmount | None,
        reason: str,
        create_time: datetime,
        update_time: datetime,
        first_seen_at: datetime,
        refund_state: RefundState = RefundState.NONE,
        shopline_refund_id: str | None = None,
        restocked: bool = False,
        refunded_at: datetime | None = None,
        refund_claimed_until: datetime | None = None,
    ) -> None:
        """Rebuilds a return from stored state; ``first_seen`` creates one from TikTok's data."""
        self._return_id = return_id
        self._app_id = app_id
        self._shop_id = shop_id
        self._order_id = order_id
        self._type = return_type
        self._status = status
        self._role = role
        self._lines = lines
        self._refund = refund
        self._reason = reason
        self._create_time = create_time
        self._update_time = update_time
        self._first_seen_at = first_seen_at
        self._refund_state = refund_state
        self._shopline_refund_id = shopline_refund_id
        self._restocked = restocked
        self._refunded_at = refunded_at
        self._refund_claimed_until = refund_claimed_until
        self._events = []

    @classmethod
    def first_seen(cls, app_id: AppId, shop_id: ShopId, data: TikTokReturnData, now: datetime) -> OrderReturn:
        if not data.return_id:
            raise InvalidReturnData("return_id", "is required")
        if not data.order_id:
            raise InvalidReturnData("order_id", "is required")
        found = cls(
            return_id=data.return_id,
            app_id=app_id,
            shop_id=shop_id,
            order_id=data.order_id,
            return_type=ReturnType.parse(data.return_type),
            status=ReturnStatus.parse(data.status),
            role=ReturnRole.parse(data.role),
            lines=aggregate_return_lines(data.line_items),
            refund=data.refund,
            reason=data.reason,
            create_time=data.create_time,
            update_time=data.update_time,
            first_seen_at=now,
        )
        found._note_refund()
        return found

    def apply_update(self, data: TikTokReturnData) -> bool:
        """TikTok's newer report of the return; False when it is not newer than what is held.

        Reports in the same second are taken unless the held status is terminal: TikTok's times
        are whole seconds and a return moves on quickly (approved, then refunded)."""
        if data.return_id != self._return_id:
            raise InvalidReturnData("return_id", "update is for another return")
        status = ReturnStatus.parse(data.status)
        if data.update_time < self._update_time or self._status.terminal:
            return False
        if data.update_time == self._update_time and status is self._status:
            return False
        self._status = status
        self._update_time = data.update_time
        self._role = ReturnRole.parse(data.role)
        if data.line_items:
            self._lines = aggregate_return_lines(data.line_items)
        if data.refund is not None:
            self._refund = data.refund
        self._reason = data.reason or self._reason
        self._note_refund()
        return True

    def _note_refund(self) -> None:
        refunded = self._type in REFUNDING_TYPES and self._status in REFUNDED_ON_TIKTOK
        if refunded and self._refund_state is RefundState.NONE:
            self._refund_state = RefundState.DUE

    # --- the seller's decisions -------------------------------------------------------------

    def decision(self, approve: bool) -> str:
        """The decision name for TikTok's Approve / Reject Return, when TikTok waits for the seller."""
        action = seller_action(self._type, self._status)
        if action is None:
            raise ReturnNotAwaitingSeller(
                self.subject, f"a {self._type.value} return in {self._status.value} awaits no seller decision"
            )
        return action.approve_decision if approve else action.reject_decision

    # --- the SHOPLINE refund ----------------------------------------------------------------

    def refund_lines(self, rule: ReturnRestock) -> tuple[RefundLine, ...]:
        """Restocking follows the app's rule: only goods that came back can go back on the shelf,
        so a refund-only request never restocks. A return-and-refund is refunded by TikTok only
        after the seller (or TikTok) confirmed the package was received."""
        restock = (
            rule is ReturnRestock.RESTOCK_ON_RETURN_RECEIVED and self._type is ReturnType.RETURN_AND_REFUND
        )
        return tuple(RefundLine(line.sku_id, line.quantity, restock) for line in self._lines)

    def claim_refund(self, now: datetime, until: datetime) -> bool:
        """Reserves making the SHOPLINE refund for one refunder until ``until``; False while
        another one holds it. A claim left by a refunder that died runs out, and the next one
        looks for the refund in SHOPLINE before making it."""
        if self._refund_state is not RefundState.DUE:
            return False
        claimed = self._refund_claimed_until
        if claimed is not None and claimed > now:
            return False
        self._refund_claimed_until = until
        return True

    def release_refund_claim(self) -> None:
        """The refunder gave up (a partner failure): the next one may start at once."""
        self._refund_claimed_until = None

    def mark_refunded(self, shopline_refund_id: str, restocked: bool, now: datetime) -> None:
        """Exactly once: the same refund again is a no-op, another one is refused."""
        if self._refund_state is RefundState.REFUNDED:
            if self._shopline_refund_id != shopline_refund_id:
                raise ReturnAlreadyRefunded(self.subject, "the return was refunded in SHOPLINE already")
            return
        if self._refund_state is not RefundState.DUE:
            raise ReturnNotAwaitingSeller(self.subject, "no SHOPLINE refund is due for this return")
        self._refund_state = RefundState.REFUNDED
        self._shopline_refund_id = shopline_refund_id
        self._restocked = restocked
        self._refunded_at = now
        self._refund_claimed_until = None

    def mark_order_not_imported(self, now: datetime) -> None:
        """The order never went to SHOPLINE: the refund is recorded and nothing is refunded there."""
        if self._refund_state is RefundState.DUE:
            self._refund_state = RefundState.NOT_IMPORTED
            self._refunded_at = now

    # --- state ------------------------------------------------------------------------------

    @property
    def subject(self) -> str:
        return f"shops/{self._shop_id}/orders/{self._order_id}/returns/{self._return_id}"

    @property
    def return_id(self) -> str:
        return self._return_id

    @property
    def app_id(self) -> AppId:
        return self._app_id

    @property
    def shop_id(self) -> ShopId:
        return self._shop_id

    @property
    def order_id(self) -> OrderId:
        return self._order_id

    @property
    def return_type(self) -> ReturnType:
        return self._type

    @property
    def status(self) -> ReturnStatus:
        return self._status

    @property
    def role(self) -> ReturnRole:
        return self._role

    @property
    def lines(self) -> tuple[ReturnLine, ...]:
        return self._lines

    @property
    def refund(self) -> RefundAmount | None:
        return self._refund

    @property
    def reason(self) -> str:
        return self._reason

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
    def refund_state(self) -> RefundState:
        return self._refund_state

    @property
    def shopline_refund_id(self) -> str | None:
        return self._shopline_refund_id

    @property
    def restocked(self) -> bool:
        return self._restocked

    @property
    def refunded_at(self) -> datetime | None:
        return self._refunded_at

    @property
    def refund_claimed_until(self) -> datetime | None:
        return self._refund_claimed_until

    @property
    def awaits_seller(self) -> bool:
        return seller_action(self._type, self._status) is not None

    def __repr__(self) -> str:
        return (
            f"OrderReturn(id={self._return_id!r}, order_id={self._order_id!r}, "
            f"status={self._status.value}, refund={self._refund_state.value})"
        )
