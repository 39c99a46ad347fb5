"""Orders between the domain and protobuf: the Order message and the ListOrders filters."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from adapters.grpc.mappers import timestamp
from adapters.grpc.names import channel_sku_name, order_name, shop_name
from adapters.grpc.shipping_mapping import FULFILLMENT_TYPE_TO_PROTO, fulfillment_to_proto
from domain.app import ImportScope
from domain.catalog import LinkKind
from domain.errors import InvalidArgument
from domain.ids import AppId
from domain.money import Money, minor_unit_digits
from domain.order import (
    CancellationState,
    ImportState,
    OrderLine,
    OrderStatus,
    ShoplineCancellation,
    ShoplineCancellationState,
)
from multichannel.v1 import app_pb2, catalog_pb2, common_pb2, order_pb2
from services.orders.handling import OrderView

_STATUS_TO_PROTO = {
    status: order_pb2.OrderStatus.Value(f"ORDER_STATUS_{status.value}") for status in OrderStatus
}
_STATUS_FROM_PROTO = {value: status for status, value in _STATUS_TO_PROTO.items()}
_CANCELLATION_TO_PROTO = {
    CancellationState.NONE: order_pb2.CANCELLATION_STATE_NONE,
    CancellationState.REQUESTED: order_pb2.CANCELLATION_STATE_REQUESTED_BY_BUYER,
    CancellationState.APPROVED: order_pb2.CANCELLATION_STATE_APPROVED,
    CancellationState.REJECTED: order_pb2.CANCELLATION_STATE_REJECTED,
    CancellationState.SELLER_CANCELLED: order_pb2.CANCELLATION_STATE_CANCELLED_BY_SELLER,
}
_CANCELLATION_FROM_PROTO = {value: state for state, value in _CANCELLATION_TO_PROTO.items()}
_SHOPLINE_CANCELLATION_TO_PROTO = {
    state: order_pb2.ShoplineCancellationState.Value(f"SHOPLINE_CANCELLATION_STATE_{state.value}")
    for state in ShoplineCancellationState
}
_IMPORT_TO_PROTO = {
    ImportState.NOT_IMPORTED: order_pb2.IMPORT_STATE_NOT_IMPORTED,
    ImportState.IMPORTED: order_pb2.IMPORT_STATE_IMPORTED,
    ImportState.FAILED: order_pb2.IMPORT_STATE_FAILED,
}
_IMPORT_FROM_PROTO = {value: state for state, value in _IMPORT_TO_PROTO.items()}
_LINK_TO_PROTO = {
    LinkKind.MANUAL: catalog_pb2.LINK_STATE_LINKED_MANUAL,
    LinkKind.AUTO: catalog_pb2.LINK_STATE_LINKED_AUTO,
}
_SCOPE_FROM_PROTO = {
    app_pb2.ORDER_IMPORT_SCOPE_ONLY_FULLY_LINKED: ImportScope.ONLY_LINKED,
    app_pb2.ORDER_IMPORT_SCOPE_ALL_WITH_CUSTOM_ITEMS: ImportScope.ALL_ORDERS,
}


def money_to_proto(money: Money) -> common_pb2.Money:
    return common_pb2.Money(currency_code=money.currency, amount=format(money.amount, "f"))


def _per_unit(total: Money, quantity: int) -> Money:
    step = Decimal(1).scaleb(-minor_unit_digits(total.currency))
    return Money((total.amount / quantity).quantize(step, rounding=ROUND_HALF_UP), total.currency)


def buyer_key(app_id: AppId, user_id: str) -> str:
    """A stable pseudonym of the TikTok buyer within the app; never the TikTok id itself."""
    if not user_id:
        return ""
    return hmac.new(app_id.encode(), user_id.encode(), hashlib.sha256).hexdigest()[:32]


def order_to_proto(view: OrderView) -> order_pb2.Order:
    order = view.order
    amounts = order.amounts
    cancellation = order.cancellation
    imported = order.import_status
    message = order_pb2.Order(
        name=order_name(order.app_id, order.shop_id, order.id),
        tiktok_order_id=order.id,
        shop=shop_name(order.app_id, order.shop_id),
        status=_STATUS_TO_PROTO[order.status],
        lines=[_line_to_proto(view, line) for line in order.lines],
        subtotal=money_to_proto(amounts.subtotal),
        discount=money_to_proto(amounts.discount),
        shipping_fee=money_to_proto(amounts.shipping_fee),
        tax=money_to_proto(amounts.tax),
        total=money_to_proto(order.total),
        buyer=order_pb2.Buyer(
            buyer_key=buyer_key(order.app_id, order.buyer.user_id),
            masked_name=order.buyer.name,
            masked_email=order.buyer.email,
            masked_phone=order.buyer.phone,
        ),
        create_time=timestamp(order.create_time),
        update_time=timestamp(order.update_time),
        paid_time=timestamp(order.paid_time),
        cancellation=order_pb2.OrderCancellation(
            state=_CANCELLATION_TO_PROTO[cancellation.state],
            reason=cancellation.reason,
            response_deadline_time=(
                timestamp(cancellation.response_deadline)
                if cancellation.state is CancellationState.REQUESTED
                else None
            ),
            request_time=timestamp(cancellation.request_time),
            resolve_time=timestamp(cancellation.resolve_time),
        ),
        shopline_import=order_pb2.OrderImport(
            state=_IMPORT_TO_PROTO[imported.state],
            shopline_order_id=imported.shopline_order_id or "",
            import_time=timestamp(imported.attempted_at) if imported.state is ImportState.IMPORTED else None,
            reason=(imported.failure_reason or "")
            if imported.state is ImportState.FAILED
            else view.waiting_reason,
            attempt_count=imported.attempt_count,
            last_attempt_time=timestamp(imported.attempted_at),
        ),
        sync_time=timestamp(order.synced_at),
        fulfillment_type=FULFILLMENT_TYPE_TO_PROTO[order.logistics.fulfillment_type],
        shopline_cancellation=shopline_cancellation_to_proto(order.shopline_cancellation),
        fulfillment=fulfillment_to_proto(order, view.fulfillment),
    )
    return message


def shopline_cancellation_to_proto(cancellation: ShoplineCancellation) -> order_pb2.ShoplineCancellation:
    return order_pb2.ShoplineCancellation(
        state=_SHOPLINE_CANCELLATION_TO_PROTO[cancellation.state],
        cancel_time=timestamp(cancellation.cancelled_at),
        reason=cancellation.reason,
        tiktok_code=cancellation.partner_code,
        tiktok_message=cancellation.partner_message,
        tiktok_cancel_id=cancellation.cancel_id,
        resolve_time=timestamp(cancellation.resolved_at),
    )


def _line_to_proto(view: OrderView, line: OrderLine) -> order_pb2.OrderLine:
    order = view.order
    link = view.links.get(line.sku_id)
    original = line.original_subtotal or line.subtotal
    return order_pb2.OrderLine(
        sku=channel_sku_name(order.app_id, order.shop_id, line.product_id, line.sku_id),
        tiktok_product_id=line.product_id,
        tiktok_sku_id=line.sku_id,
        seller_sku=line.seller_sku,
        product_title=line.product_name or line.title,
        sku_title=line.sku_name,
        quantity=line.quantity,
        cancelled_quantity=line.quantity if order.status is OrderStatus.CANCELLED else 0,
        unit_price=money_to_proto(_per_unit(original, line.quantity)),
        sale_price=money_to_proto(_per_unit(line.subtotal, line.quantity)),
        line_total=money_to_proto(line.subtotal),
        link_state=catalog_pb2.LINK_STATE_UNLINKED if link is None else _LINK_TO_PROTO[link.kind],
        shopline_variant_id="" if link is None else link.variant_id,
    )


def order_statuses_from_proto(values: Sequence[int], field: str = "statuses") -> frozenset[OrderStatus]:
    found = set()
    for value in values:
        status = _STATUS_FROM_PROTO.get(value)
        if status is None:
            raise InvalidArgument(field, f"{value} is not an order status to filter by")
        found.add(status)
    return frozenset(found)


def import_state_from_proto(value: int, field: str = "import_state") -> ImportState | None:
    if value == order_pb2.IMPORT_STATE_UNSPECIFIED:
        return None
    try:
        return _IMPORT_FROM_PROTO[value]
    except KeyError:
        raise InvalidArgument(field, f"{value} is not an import state") from None


def cancellation_state_from_proto(value: int, field: str = "cancellation_state") -> CancellationState | None:
    if value == order_pb2.CANCELLATION_STATE_UNSPECIFIED:
        return None
    try:
        return _CANCELLATION_FROM_PROTO[value]
    except KeyError:
        raise InvalidArgument(field, f"{value} is not a cancellation state") from None


def import_scope_from_proto(value: int, field: str = "import_scope") -> ImportScope | None:
    if value == app_pb2.ORDER_IMPORT_SCOPE_UNSPECIFIED:
        return None
    try:
        return _SCOPE_FROM_PROTO[value]
    except KeyError:
        raise InvalidArgument(field, f"{value} is not an order import scope") from None
