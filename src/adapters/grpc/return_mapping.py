"""Returns at the gRPC edge: their resource names and their messages."""

from __future__ import annotations

import re
from collections.abc import Sequence

from adapters.grpc.mappers import timestamp
from adapters.grpc.names import _match, _visible, order_name
from adapters.grpc.order_mapping import money_to_proto
from domain.errors import InvalidArgument, OrderNotFound, ReturnNotFound, ShopNotFound
from domain.ids import AppId, OrderId, ShopId
from domain.returns import OrderReturn, RefundState, ReturnRole, ReturnStatus, ReturnType
from multichannel.v1 import order_pb2
from services.returns.handling import ReturnRef

_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
_RETURN = re.compile(rf"apps/({_SEGMENT})/shops/({_SEGMENT})/returns/([0-9]{{1,64}})")
_RETURN_PARENT = re.compile(rf"apps/({_SEGMENT})/shops/({_SEGMENT})(?:/orders/([0-9]{{1,64}}))?")

_TYPE_TO_PROTO = {kind: order_pb2.ReturnType.Value(f"RETURN_TYPE_{kind.value}") for kind in ReturnType}
_ROLE_TO_PROTO = {role: order_pb2.ReturnRole.Value(f"RETURN_ROLE_{role.value}") for role in ReturnRole}
_STATUS_TO_PROTO = {
    status: order_pb2.ReturnStatus.Value(f"RETURN_STATUS_{status.value}") for status in ReturnStatus
}
_STATUS_FROM_PROTO = {value: status for status, value in _STATUS_TO_PROTO.items()}
_REFUND_TO_PROTO = {
    RefundState.NONE: order_pb2.SHOPLINE_REFUND_STATE_NOT_DUE,
    RefundState.DUE: order_pb2.SHOPLINE_REFUND_STATE_DUE,
    RefundState.REFUNDED: order_pb2.SHOPLINE_REFUND_STATE_REFUNDED,
    RefundState.NOT_IMPORTED: order_pb2.SHOPLINE_REFUND_STATE_ORDER_NOT_IMPORTED,
}


def return_name(app_id: str, shop_id: str, return_id: str) -> str:
    return f"apps/{app_id}/shops/{shop_id}/returns/{return_id}"


def parse_return_name(name: str, field: str = "name") -> ReturnRef:
    match = _match(_RETURN, name, field, "apps/{app}/shops/{shop}/returns/{return}")
    return ReturnRef(_visible(match.group(1), name, ReturnNotFound), ShopId(match.group(2)), match.group(3))


def parse_return_parent(name: str, field: str = "parent") -> tuple[AppId, ShopId, OrderId | None]:
    """A shop, or one order of it; an app the caller may not see is not found."""
    shape = "apps/{app}/shops/{shop} or apps/{app}/shops/{shop}/orders/{order}"
    match = _match(_RETURN_PARENT, name, field, shape)
    order = match.group(3)
    missing = ShopNotFound if order is None else OrderNotFound
    app_id = _visible(match.group(1), name, missing)
    return app_id, ShopId(match.group(2)), None if order is None else OrderId(order)


def return_statuses_from_proto(values: Sequence[int], field: str = "statuses") -> frozenset[ReturnStatus]:
    found = set()
    for value in values:
        status = _STATUS_FROM_PROTO.get(value)
        if status is None:
            raise InvalidArgument(field, f"{value} is not a return status to filter by")
        found.add(status)
    return frozenset(found)


def return_to_proto(found: OrderReturn) -> order_pb2.OrderReturn:
    message = order_pb2.OrderReturn(
        name=return_name(found.app_id, found.shop_id, found.return_id),
        tiktok_return_id=found.return_id,
        order=order_name(found.app_id, found.shop_id, found.order_id),
        type=_TYPE_TO_PROTO[found.return_type],
        status=_STATUS_TO_PROTO[found.status],
        role=_ROLE_TO_PROTO[found.role],
        reason=found.reason,
        create_time=timestamp(found.create_time),
        update_time=timestamp(found.update_time),
        awaiting_seller_decision=found.awaits_seller,
        shopline_refund=order_pb2.ShoplineRefund(
            state=_REFUND_TO_PROTO[found.refund_state],
            shopline_refund_id=found.shopline_refund_id or "",
            restocked=found.restocked,
            refund_time=timestamp(found.refunded_at),
        ),
    )
    for line in found.lines:
        entry = order_pb2.ReturnLine(
            tiktok_sku_id=line.sku_id, seller_sku=line.seller_sku, quantity=line.quantity
        )
        if line.refund_total is not None:
            entry.refund_total.CopyFrom(money_to_proto(line.refund_total))
        message.lines.append(entry)
    if found.refund is not None:
        message.refund_amount.CopyFrom(
            order_pb2.ReturnRefundAmount(
                total=money_to_proto(found.refund.total),
                subtotal=money_to_proto(found.refund.subtotal),
                shipping_fee=money_to_proto(found.refund.shipping_fee),
                tax=money_to_proto(found.refund.tax),
            )
        )
    return message
