"""Which TikTok line items a SHOPLINE fulfillment ships (M2 point 5).

TikTok has one line item per unit; SHOPLINE has lines with quantities. A fulfilled SHOPLINE line
is matched to the order's TikTok lines through its variant and our SKU links, else its SKU code;
a custom item (an unlinked line, imported without variant or code) matches by its position, as
the import wrote one SHOPLINE line per TikTok SKU in order, when the lines and quantities agree.
Each unit takes one TikTok line item of that SKU neither shipped on TikTok nor in another live
shipment.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from domain.catalog import SkuLink
from domain.errors import ShipmentLinesUnavailable
from domain.fulfillment import SellerShipment, ShipmentState
from domain.fulfillment.state import line_shipped_on_tiktok
from domain.ids import ChannelSkuId
from domain.logistics import FulfillmentLine, ShoplineLineItem
from domain.order import Order, OrderLine

# Shipments whose lines nobody else may take: waiting, in flight, shipped or waiting for a mapping.
LIVE_STATES = frozenset(
    {ShipmentState.PENDING, ShipmentState.SENT, ShipmentState.CONFIRMED, ShipmentState.BLOCKED}
)


def taken_line_items(order: Order, shipments: Sequence[SellerShipment]) -> set[str]:
    taken = {line.line_item_id for line in order.line_shipments if line_shipped_on_tiktok(line)}
    taken.update(line for s in shipments if s.state in LIVE_STATES for line in s.line_item_ids)
    return taken


def tiktok_line_items(
    order: Order,
    fulfilled: Sequence[FulfillmentLine],
    store_lines: Sequence[ShoplineLineItem],
    links: Mapping[ChannelSkuId, SkuLink],
    taken: Collection[str],
) -> tuple[str, ...]:
    """The TikTok line item ids for ``fulfilled`` SHOPLINE lines; ``ShipmentLinesUnavailable``
    when a line is not the order's or fewer units are left unshipped than fulfilled."""
    chosen: list[str] = []
    subject = f"orders/{order.id}"
    by_id = {line.line_item_id: line for line in store_lines}
    positional = len(store_lines) == len(order.lines) and all(
        store.quantity == line.quantity for store, line in zip(store_lines, order.lines, strict=True)
    )
    for wanted in fulfilled:
        store_line = by_id.get(wanted.line_item_id)
        if store_line is None:
            raise ShipmentLinesUnavailable(
                subject, f"SHOPLINE line item {wanted.line_item_id} is not a line of the imported order"
            )
        candidates = [line for line in order.lines if _same_item(line, store_line, links)]
        if not candidates and positional and not store_line.variant_id and not store_line.sku:
            candidates = [order.lines[store_lines.index(store_line)]]
        free = [
            unit
            for line in candidates
            for unit in line.line_item_ids
            if unit not in taken and unit not in chosen
        ]
        if not candidates:
            raise ShipmentLinesUnavailable(
                subject, f"SHOPLINE line item {wanted.line_item_id} matches no TikTok SKU of the order"
            )
        if len(free) < wanted.quantity:
            raise ShipmentLinesUnavailable(
                subject,
                f"SHOPLINE line item {wanted.line_item_id} ships {wanted.quantity} unit(s) "
                f"but {len(free)} of its TikTok line items are left unshipped",
            )
        chosen.extend(free[: wanted.quantity])
    return tuple(chosen)


def _same_item(line: OrderLine, store_line: ShoplineLineItem, links: Mapping[ChannelSkuId, SkuLink]) -> bool:
    link = links.get(line.sku_id)
    if link is not None and store_line.variant_id:
        return link.variant_id == store_line.variant_id
    return bool(store_line.sku.strip()) and store_line.sku.strip() == line.seller_sku
