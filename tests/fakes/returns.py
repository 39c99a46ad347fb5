"""Stateful fakes of the return ports: the return repository, TikTok's returns API and SHOPLINE's
refunds API (over ``FakeShoplineApi``'s stores and stock)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from domain.channel import (
    SHOPLINE,
    TIKTOK,
    NewShoplineOrder,
    ResultPage,
    ShopCredentials,
    ShoplineCredentials,
    ShoplineOrderRef,
    TimeWindow,
)
from domain.errors import PartnerRejected, PartnerUnavailable, ReturnNotFound, StaleWrite
from domain.ids import OrderId, ShopId, ShoplineOrderId
from domain.paging import Page
from domain.returns import (
    OrderReturn,
    RefundState,
    ReturnFilter,
    TikTokReturnData,
    newest_first_position,
    parse_newest_first_position,
)
from domain.returns.shopline import NewShoplineRefund, ShoplineOrderItem, ShoplineRefund
from tests.fakes.faults import FaultInjection
from tests.fakes.runtime import FakeClock
from tests.fakes.shopline import FakeShoplineApi
from tests.fakes.tables import FakeState, _ignore, _standalone, _Table


class FakeReturnRepository:
    def __init__(
        self,
        state: Callable[[], FakeState] | FakeState | None = None,
        seen: Callable[[object], None] = _ignore,
    ) -> None:
        current = _standalone(state)
        self._table: _Table[tuple[ShopId, str], OrderReturn] = _Table(
            lambda: current().returns,
            ReturnNotFound,
            lambda name: StaleWrite(name, "was added concurrently"),
            seen,
        )

    async def get(self, shop_id: ShopId, return_id: str) -> OrderReturn:
        return self._table.get((shop_id, return_id))

    async def find(self, shop_id: ShopId, return_id: str) -> OrderReturn | None:
        return self._table.find((shop_id, return_id))

    async def add(self, found: OrderReturn) -> None:
        self._table.add((found.shop_id, found.return_id), found)

    async def update(self, found: OrderReturn) -> None:
        self._table.update((found.shop_id, found.return_id), found)

    async def delete_for_shop(self, shop_id: ShopId) -> int:
        return self._table.delete_where(lambda found: found.shop_id == shop_id)

    async def of_order(self, shop_id: ShopId, order_id: OrderId) -> list[OrderReturn]:
        found = self._table.rows_where(lambda r: r.shop_id == shop_id and r.order_id == order_id)
        return sorted(found, key=lambda r: (r.create_time, r.return_id))

    async def due_refunds(self, shop_id: ShopId) -> list[OrderReturn]:
        return self._table.rows_where(lambda r: r.shop_id == shop_id and r.refund_state is RefundState.DUE)

    async def search(self, criteria: ReturnFilter, *, page_size: int, after: str | None) -> Page[OrderReturn]:
        def position(found: OrderReturn) -> tuple[datetime, str]:
            return (found.create_time, found.return_id)

        matching = sorted(self._table.rows_where(criteria.matches), key=position, reverse=True)
        if after is not None:
            bound = parse_newest_first_position(after)
            matching = [found for found in matching if position(found) < bound]
        chosen = matching[: max(page_size, 1)]
        more = len(matching) > len(chosen)
        items = [self._table.get((found.shop_id, found.return_id)) for found in chosen]
        return Page(items, newest_first_position(chosen[-1]) if more and chosen else None)


# (type, status) -> (approve decision, reject decision, status after approve, status after reject)
_DECISIONS = {
    ("REFUND", "RETURN_OR_REFUND_REQUEST_PENDING"): (
        "APPROVE_REFUND",
        "REJECT_REFUND",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
        "REFUND_OR_RETURN_REQUEST_REJECT",
    ),
    ("RETURN_AND_REFUND", "RETURN_OR_REFUND_REQUEST_PENDING"): (
        "APPROVE_RETURN",
        "REJECT_RETURN",
        "AWAITING_BUYER_SHIP",
        "REFUND_OR_RETURN_REQUEST_REJECT",
    ),
    ("RETURN_AND_REFUND", "BUYER_SHIPPED_ITEM"): (
        "APPROVE_RECEIVED_PACKAGE",
        "REJECT_RECEIVED_PACKAGE",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
        "REJECT_RECEIVE_PACKAGE",
    ),
}
REJECT_REASONS = [
    "seller_reject_apply_product_has_been_packed",
    "seller_reject_apply_product_has_been_shipped",
]


class FakeTikTokReturnsApi(FaultInjection):
    """TikTok's returns of every shop (by cipher), with the seller decisions TikTok accepts."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self._clock = clock
        self.returns: dict[str, dict[str, TikTokReturnData]] = {}
        self.decisions: list[tuple[str, str]] = []

    def put(self, cipher: str, data: TikTokReturnData) -> None:
        """TikTok's current state of a return (test control)."""
        self.returns.setdefault(cipher, {})[data.return_id] = data

    def move(self, cipher: str, return_id: str, status: str) -> TikTokReturnData:
        held = self.returns[cipher][return_id]
        moved = replace(held, status=status, update_time=max(self._clock.now(), held.update_time))
        self.put(cipher, moved)
        return moved

    def _shop(self, credentials: ShopCredentials) -> dict[str, TikTokReturnData]:
        return self.returns.setdefault(credentials.shop_cipher, {})

    async def search_returns(
        self, credentials: ShopCredentials, window: TimeWindow, *, page_size: int = 100
    ) -> AsyncIterator[ResultPage[TikTokReturnData]]:
        self._call("search_returns")
        found = [r for r in self._shop(credentials).values() if window.start <= r.update_time < window.end]
        found.sort(key=lambda r: (r.update_time, r.return_id))
        for start in range(0, len(found), page_size):
            yield ResultPage(tuple(found[start : start + page_size]), len(found))

    async def order_returns(self, credentials: ShopCredentials, order_id: OrderId) -> list[TikTokReturnData]:
        self._call("order_returns")
        return [r for r in self._shop(credentials).values() if r.order_id == order_id]

    async def get_return(self, credentials: ShopCredentials, return_id: str) -> TikTokReturnData | None:
        self._call("get_return")
        return self._shop(credentials).get(return_id)

    async def approve_return(self, credentials: ShopCredentials, return_id: str, decision: str) -> None:
        self._call("approve_return")
        self._decide(credentials, return_id, decision, approve=True)

    async def reject_return(
        self, credentials: ShopCredentials, return_id: str, decision: str, reason: str, comment: str = ""
    ) -> None:
        self._call("reject_return")
        if reason not in REJECT_REASONS:
            raise PartnerRejected(TIKTOK, "36009004", "The 'reject_reason' must be a reason name.")
        self._decide(credentials, return_id, decision, approve=False)

    async def return_reject_reasons(self, credentials: ShopCredentials, return_id: str) -> list[str]:
        self._call("return_reject_reasons")
        return list(REJECT_REASONS)

    def _decide(self, credentials: ShopCredentials, return_id: str, decision: str, *, approve: bool) -> None:
        held = self._shop(credentials).get(return_id)
        if held is None:
            raise PartnerRejected(TIKTOK, "36009004", "The return does not exist.")
        choices = _DECISIONS.get((held.return_type, held.status))
        if choices is None:
            raise PartnerRejected(
                TIKTOK, "12052903", "The return request does not await this seller decision."
            )
        expected = choices[0] if approve else choices[1]
        if decision != expected:
            raise PartnerRejected(TIKTOK, "36009004", f"The 'decision' must be {expected} for this return.")
        self.decisions.append((return_id, decision))
        self.move(credentials.shop_cipher, return_id, choices[2] if approve else choices[3])


@dataclass
class _Refunds:
    by_order: dict[ShoplineOrderId, list[ShoplineRefund]] = field(default_factory=dict)


class FakeShoplineRefundsApi(FaultInjection):
    """Refunds of the orders ``FakeShoplineApi`` created: line items are numbered
    ``{order id}-{n}`` in the order's line order; restock puts the units back into the store's
    stock. ``lose_next_replies`` makes refunds go through while their reply is lost."""

    def __init__(self, shopline: FakeShoplineApi) -> None:
        super().__init__()
        self._shopline = shopline
        self._ids = itertools.count(1)
        self._refunds: dict[str, _Refunds] = {}
        self.lost_replies = 0

    def lose_next_replies(self, count: int = 1) -> None:
        self.lost_replies += count

    def refunds(self, store_handle: str, order_id: ShoplineOrderId) -> list[ShoplineRefund]:
        return list(self._refunds.get(store_handle, _Refunds()).by_order.get(order_id, []))

    async def order_items(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> list[ShoplineOrderItem]:
        self._call("order_items")
        order, _ = self._order(credentials, order_id)
        return [
            ShoplineOrderItem(f"{order_id}-{n}", line.variant_id, line.title, line.quantity, line.location_id)
            for n, line in enumerate(order.lines)
        ]

    async def find_refund(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId, marker: str
    ) -> ShoplineRefund | None:
        self._call("find_refund")
        self._order(credentials, order_id)
        return next((r for r in self.refunds(credentials.store_handle, order_id) if r.note == marker), None)

    async def create_refund(
        self, credentials: ShoplineCredentials, refund: NewShoplineRefund
    ) -> ShoplineRefund:
        self._call("create_refund")
        order, _ = self._order(credentials, refund.order_id)
        store = self._shopline._store_for(credentials)
        items = {f"{refund.order_id}-{n}": line for n, line in enumerate(order.lines)}
        done = self.refunds(credentials.store_handle, refund.order_id)
        for line in refund.lines:
            ordered = items.get(line.line_item_id)
            if ordered is None:
                raise PartnerRejected(SHOPLINE, "422", "line_item_id does not belong to the order")
            before = sum(x.quantity for r in done for x in r.lines if x.line_item_id == line.line_item_id)
            if line.quantity < 1 or before + line.quantity > ordered.quantity:
                raise PartnerRejected(SHOPLINE, "422", "quantity is more than the line has left to refund")
        for line in refund.lines:
            ordered = items[line.line_item_id]
            if line.restock and ordered.variant_id is not None:
                variant = self._shopline._variant(store, ordered.variant_id)
                self._shopline._adjust(store, variant, line.location_id or ordered.location_id, line.quantity)
        made = ShoplineRefund(f"sl-refund-{next(self._ids)}", refund.order_id, refund.marker, refund.lines)
        self._refunds.setdefault(credentials.store_handle, _Refunds()).by_order.setdefault(
            refund.order_id, []
        ).append(made)
        if self.lost_replies:
            self.lost_replies -= 1
            raise PartnerUnavailable(SHOPLINE, "timeout", "the reply was lost")
        return made

    def _order(
        self, credentials: ShoplineCredentials, order_id: ShoplineOrderId
    ) -> tuple[NewShoplineOrder, ShoplineOrderRef]:
        store = self._shopline._store_for(credentials)
        if order_id not in store.orders:
            raise PartnerRejected(SHOPLINE, "404", "The order does not exist.")
        return store.orders[order_id]
