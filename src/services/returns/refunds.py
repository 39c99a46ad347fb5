"""The SHOPLINE refund of a return TikTok refunded: exactly once per return.

The refund carries a key of its own (``TIKTOK_RETURN:{TikTok shop}:{return}``) in its note. Before
anything is sent, SHOPLINE is asked for a refund with that key, so a refund whose reply was lost,
or one made by a run that died before recording it, is recorded instead of made again; the
client does the same between its own retries. Orders that were never imported into SHOPLINE get
their return recorded and nothing refunded there.

Restocking follows the app's ``return_restock`` rule and is the SHOPLINE refund's own restock of
the returned lines: SHOPLINE's on-hand goes up, and the shared pools follow it as they follow
every on-hand change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from domain.channel import ShoplineCredentials
from domain.errors import AppNotFound, DomainError, TokenNotFound
from domain.ids import ChannelSkuId, ShopId, ShoplineOrderId, ShoplineVariantId
from domain.order import Order
from domain.ports import Clock, ShoplineRefundsApi, UnitOfWork
from domain.returns import OrderReturn, RefundLine, RefundState
from domain.returns.shopline import NewShoplineRefund, ShoplineOrderItem, ShoplineRefund, ShoplineRefundLine
from services.orders.shopline_import import linked_variants
from services.shared.stale_writes import retry_stale

log = logging.getLogger("mcc.returns")

MARKER_PREFIX = "TIKTOK_RETURN"


def refund_marker(tiktok_shop_id: str, return_id: str) -> str:
    return f"{MARKER_PREFIX}:{tiktok_shop_id}:{return_id}"


CLAIM_FOR = timedelta(minutes=10)
"""Longer than SHOPLINE's refund call can take with every retry of the client."""


@dataclass(frozen=True)
class _Claimed:
    found: OrderReturn
    order: Order
    shopline_order_id: ShoplineOrderId
    credentials: ShoplineCredentials
    marker: str
    wanted: tuple[RefundLine, ...]
    linked: dict[ChannelSkuId, ShoplineVariantId]


class ReturnRefunder:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], shopline: ShoplineRefundsApi, clock: Clock
    ) -> None:
        self._unit_of_work = unit_of_work
        self._shopline = shopline
        self._clock = clock

    async def refund(self, shop_id: ShopId, return_id: str) -> OrderReturn | None:
        """Makes the return's due SHOPLINE refund (or finds the one made before) and records it.

        One refunder at a time: the refund is claimed first, so a webhook and an approval
        refunding the same return at once make one refund. Partner failures propagate with
        nothing recorded and the claim released; calling again is safe."""
        prepared = await retry_stale(partial(self._claim, shop_id, return_id))
        if not isinstance(prepared, _Claimed):
            return prepared
        try:
            made = await self._make(prepared, return_id)
        except DomainError:
            await self._record(prepared.found, lambda current: current.release_refund_claim())
            raise
        if made is None:
            return await self._record(prepared.found, lambda current: current.release_refund_claim())
        refund_id = made.refund_id
        restocked = any(line.restock for line in made.lines)
        log.info(
            "return refunded in SHOPLINE shop_id=%s return_id=%s restocked=%s", shop_id, return_id, restocked
        )
        return await self._record(
            prepared.found, lambda current: current.mark_refunded(refund_id, restocked, self._clock.now())
        )

    async def _claim(self, shop_id: ShopId, return_id: str) -> _Claimed | OrderReturn | None:
        """What the refund needs, with the claim committed; or the return as it is when there is
        nothing to do now (not due, claimed by another refunder, no SHOPLINE grant)."""
        async with self._unit_of_work() as uow:
            found = await uow.order_returns.find(shop_id, return_id)
            if found is None or found.refund_state is not RefundState.DUE:
                return found
            shop = await uow.shops.get(shop_id)
            order = await uow.orders.find(shop_id, found.order_id)
            shopline_order_id = None if order is None else order.import_status.shopline_order_id
            if order is None or shopline_order_id is None:
                found.mark_order_not_imported(self._clock.now())
                await uow.order_returns.update(found)
                await uow.commit()
                return found
            try:
                app = await uow.apps.get(found.app_id)
                token = await uow.tokens.get_shopline(found.app_id)
            except (AppNotFound, TokenNotFound):
                log.warning(
                    "return refund waits for the SHOPLINE grant shop_id=%s return_id=%s", shop_id, return_id
                )
                return found
            now = self._clock.now()
            if not found.claim_refund(now, now + CLAIM_FOR):
                return found
            linked = await linked_variants(uow, shop_id, {line.product_id for line in order.lines})
            await uow.order_returns.update(found)
            await uow.commit()
        return _Claimed(
            found,
            order,
            shopline_order_id,
            ShoplineCredentials(app.store_handle, token.access_token),
            refund_marker(shop.tiktok_shop_id, return_id),
            found.refund_lines(app.settings.return_restock),
            linked,
        )

    async def _make(self, claimed: _Claimed, return_id: str) -> ShoplineRefund | None:
        made = await self._shopline.find_refund(
            claimed.credentials, claimed.shopline_order_id, claimed.marker
        )
        if made is not None:
            return made
        items = await self._shopline.order_items(claimed.credentials, claimed.shopline_order_id)
        lines = refund_lines(claimed.order, claimed.wanted, items, claimed.linked)
        if not lines:
            log.warning(
                "return has no line to refund in SHOPLINE shop_id=%s return_id=%s",
                claimed.order.shop_id,
                return_id,
            )
            return None
        refund = NewShoplineRefund(claimed.shopline_order_id, claimed.marker, claimed.order.currency, lines)
        return await self._shopline.create_refund(claimed.credentials, refund)

    async def _record(self, found: OrderReturn, change: Callable[[OrderReturn], None]) -> OrderReturn:
        async def write() -> OrderReturn:
            async with self._unit_of_work() as uow:
                current = await uow.order_returns.get(found.shop_id, found.return_id)
                change(current)
                await uow.order_returns.update(current)
                await uow.commit()
                return current

        return await retry_stale(write)

    async def refund_due(self, shop_id: ShopId) -> int:
        """Retries every due refund of the shop (a repair pass); returns how many were made."""
        async with self._unit_of_work() as uow:
            due = await uow.order_returns.due_refunds(shop_id)
        done = 0
        for found in due:
            refunded = await self.refund(shop_id, found.return_id)
            done += refunded is not None and refunded.refund_state is RefundState.REFUNDED
        return done


def refund_lines(
    order: Order,
    wanted: Sequence[RefundLine],
    items: Sequence[ShoplineOrderItem],
    linked: dict[ChannelSkuId, ShoplineVariantId],
) -> tuple[ShoplineRefundLine, ...]:
    """The SHOPLINE line items of the returned SKUs. An imported line is the SKU's linked variant
    (or a custom item titled like the order line), possibly split in two lines by the import (the
    unit carrying a price remainder), so the quantity is spread over the matching items."""
    by_sku = {line.sku_id: line for line in order.lines}
    lines: list[ShoplineRefundLine] = []
    for want in wanted:
        order_line = by_sku.get(want.sku_id)
        if order_line is None:
            continue
        variant = linked.get(want.sku_id)
        matching = [item for item in items if variant is not None and item.variant_id == variant]
        if not matching:
            matching = [item for item in items if item.title == order_line.title]
        left = want.quantity
        for item in matching:
            take = min(left, item.quantity)
            if take > 0:
                lines.append(ShoplineRefundLine(item.line_item_id, take, want.restock, item.location_id))
                left -= take
    return tuple(lines)
