"""An order as one ``orders`` row, its lines as JSON (amounts as decimal strings, never floats)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from adapters.persistence.repositories.order_logistics_json import (
    line_shipments_from_json,
    line_shipments_to_json,
    logistics_from_json,
    logistics_to_json,
    recipient_from_json,
    recipient_to_json,
)
from domain.channel import BuyerInfo
from domain.ids import AppId, ChannelProductId, ChannelSkuId, OrderId, ShopId, ShoplineOrderId, TikTokShopId
from domain.money import Money
from domain.order import (
    Cancellation,
    CancellationState,
    ImportState,
    ImportStatus,
    Order,
    OrderAmounts,
    OrderLine,
    OrderStatus,
    ShoplineCancellation,
    ShoplineCancellationState,
    StockState,
)

_E4 = Decimal(10_000)


def e4(amount: Decimal) -> int:
    """An exact amount times 10^4 as an integer (currencies have at most 4 decimals in practice)."""
    return int((amount * _E4).to_integral_value(ROUND_HALF_EVEN))


def order_to_row(order: Order) -> dict[str, Any]:
    cancellation = order.cancellation
    imported = order.import_status
    amounts = order.amounts
    gross_e4, discount_e4 = e4(amounts.subtotal.amount), e4(amounts.discount.amount)
    return {
        "shop_id": order.shop_id,
        "id": order.id,
        "app_id": order.app_id,
        "tiktok_shop_id": order.tiktok_shop_id,
        "status": order.status.value,
        "currency": order.currency,
        "total_amount": order.total.amount,
        "total_currency": order.total.currency,
        "lines": [_line_to_json(line) for line in order.lines],
        "buyer_user_id": order.buyer.user_id,
        "buyer_email": order.buyer.email,
        "buyer_name": order.buyer.name,
        "buyer_phone": order.buyer.phone,
        "create_time": order.create_time,
        "update_time": order.update_time,
        "first_seen_at": order.first_seen_at,
        "cancellation_state": cancellation.state.value,
        "cancel_id": cancellation.cancel_id,
        "cancel_response_deadline": cancellation.response_deadline,
        "import_state": imported.state.value,
        "shopline_order_id": imported.shopline_order_id,
        "import_failure_reason": imported.failure_reason,
        "import_attempted_at": imported.attempted_at,
        "stock_state": order.stock_state.value,
        "unit_count": order.unit_count,
        "subtotal_amount": amounts.subtotal.amount,
        "discount_amount": amounts.discount.amount,
        "shipping_fee_amount": amounts.shipping_fee.amount,
        "tax_amount": amounts.tax.amount,
        "gross_e4": gross_e4,
        "discount_e4": discount_e4,
        "net_e4": gross_e4 - discount_e4,
        "buyer_key": order.buyer.user_id,
        "paid_time": order.paid_time,
        "cancel_reason": cancellation.reason or None,
        "cancel_request_time": cancellation.request_time,
        "cancel_resolve_time": cancellation.resolve_time,
        "import_attempt_count": imported.attempt_count,
        "import_claimed_until": imported.claimed_until,
        "synced_at": order.synced_at,
        "shopline_cancel_pending": order.shopline_cancel_pending,
        "logistics": logistics_to_json(order.logistics),
        "recipient": recipient_to_json(order.recipient),
        "line_shipments": line_shipments_to_json(order.line_shipments),
        "shopline_cancellation": _shopline_cancellation_to_json(order.shopline_cancellation),
        "tiktok_cancel_owed": order.shopline_cancellation.owed,
    }


def order_from_row(row: Any) -> Order:
    shopline_order_id = row["shopline_order_id"]
    currency = row["currency"]
    return Order(
        order_id=OrderId(row["id"]),
        app_id=AppId(row["app_id"]),
        shop_id=ShopId(row["shop_id"]),
        tiktok_shop_id=TikTokShopId(row["tiktok_shop_id"]),
        status=OrderStatus(row["status"]),
        currency=row["currency"],
        total=Money(row["total_amount"], row["total_currency"]),
        lines=tuple(_line_from_json(line) for line in row["lines"]),
        buyer=BuyerInfo(
            user_id=row["buyer_user_id"],
            email=row["buyer_email"],
            name=row["buyer_name"],
            phone=row["buyer_phone"],
        ),
        create_time=row["create_time"],
        update_time=row["update_time"],
        first_seen_at=row["first_seen_at"],
        cancellation=Cancellation(
            state=CancellationState(row["cancellation_state"]),
            cancel_id=row["cancel_id"],
            response_deadline=row["cancel_response_deadline"],
            reason=row["cancel_reason"] or "",
            request_time=row["cancel_request_time"],
            resolve_time=row["cancel_resolve_time"],
        ),
        import_status=ImportStatus(
            state=ImportState(row["import_state"]),
            shopline_order_id=None if shopline_order_id is None else ShoplineOrderId(shopline_order_id),
            failure_reason=row["import_failure_reason"],
            attempted_at=row["import_attempted_at"],
            attempt_count=row["import_attempt_count"],
            claimed_until=row["import_claimed_until"],
        ),
        stock_state=StockState(row["stock_state"]),
        amounts=OrderAmounts(
            subtotal=Money(row["subtotal_amount"], currency),
            discount=Money(row["discount_amount"], currency),
            shipping_fee=Money(row["shipping_fee_amount"], currency),
            tax=Money(row["tax_amount"], currency),
        ),
        paid_time=row["paid_time"],
        synced_at=row["synced_at"],
        shopline_cancel_pending=bool(row["shopline_cancel_pending"]),
        logistics=logistics_from_json(row["logistics"]),
        recipient=recipient_from_json(row["recipient"]),
        line_shipments=line_shipments_from_json(row["line_shipments"]),
        shopline_cancellation=_shopline_cancellation_from_json(row["shopline_cancellation"]),
    )


def _shopline_cancellation_to_json(cancellation: ShoplineCancellation) -> dict[str, Any] | None:
    if not cancellation.requested:
        return None
    return {
        "state": cancellation.state.value,
        "cancelled_at": _iso(cancellation.cancelled_at),
        "reason": cancellation.reason,
        "partner_code": cancellation.partner_code,
        "partner_message": cancellation.partner_message,
        "cancel_id": cancellation.cancel_id,
        "resolved_at": _iso(cancellation.resolved_at),
    }


def _shopline_cancellation_from_json(data: dict[str, Any] | None) -> ShoplineCancellation:
    if not data:
        return ShoplineCancellation()
    return ShoplineCancellation(
        state=ShoplineCancellationState(data["state"]),
        cancelled_at=_moment(data.get("cancelled_at")),
        reason=data.get("reason", ""),
        partner_code=data.get("partner_code", ""),
        partner_message=data.get("partner_message", ""),
        cancel_id=data.get("cancel_id", ""),
        resolved_at=_moment(data.get("resolved_at")),
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _line_to_json(line: OrderLine) -> dict[str, Any]:
    return {
        "sku_id": line.sku_id,
        "product_id": line.product_id,
        "seller_sku": line.seller_sku,
        "title": line.title,
        "quantity": line.quantity,
        "subtotal": str(line.subtotal.amount),
        "currency": line.subtotal.currency,
        "line_item_ids": list(line.line_item_ids),
        "original_subtotal": None if line.original_subtotal is None else str(line.original_subtotal.amount),
        "product_name": line.product_name,
        "sku_name": line.sku_name,
    }


def _line_from_json(data: dict[str, Any]) -> OrderLine:
    return OrderLine(
        sku_id=ChannelSkuId(data["sku_id"]),
        product_id=ChannelProductId(data["product_id"]),
        seller_sku=data["seller_sku"],
        title=data["title"],
        quantity=data["quantity"],
        subtotal=Money(Decimal(data["subtotal"]), data["currency"]),
        line_item_ids=tuple(data["line_item_ids"]),
        original_subtotal=(
            None
            if data.get("original_subtotal") is None
            else Money(Decimal(data["original_subtotal"]), data["currency"])
        ),
        # Lines stored before 0008_output_fields have only the combined title.
        product_name=data.get("product_name", ""),
        sku_name=data.get("sku_name", ""),
    )
