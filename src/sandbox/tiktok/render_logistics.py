"""JSON of the shipping parts of orders and of packages (T2, T3.1, T3.2)."""

from __future__ import annotations

from typing import Any

from sandbox.tiktok import logistics
from sandbox.tiktok.models import Order, Package, Shop, ShopData
from sandbox.tiktok.packages import TO_FULFILL, package_of_line, packages_of


def order_shipping_fields(
    shop: Shop, data: ShopData, order: Order
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The order's own shipping fields, and each line item's (in line order).

    US and UK orders show no package id or status on a line before it ships (T1)."""
    packages = packages_of(shop, data, order)
    option = logistics.delivery_option(shop, order)
    fields: dict[str, Any] = {
        "fulfillment_type": order.fulfillment_type,
        "delivery_option_id": option.id,
        "delivery_option_name": option.name,
        "delivery_type": "HOME_DELIVERY",
        "packages": [{"id": p.id} for p in packages],
        **logistics.sla_times(shop, order),
    }
    if order.fulfillment_type == logistics.BY_SELLER:
        fields["shipping_type"] = logistics.shipping_type(shop, order)
    shipped = [p for p in packages if p.tracking_number]
    if shipped:
        fields["tracking_number"] = shipped[0].tracking_number
        fields["shipping_provider"] = shipped[0].shipping_provider_name
        fields["shipping_provider_id"] = shipped[0].shipping_provider_id
    hide_unshipped = shop.region in ("US", "GB")
    lines: list[dict[str, Any]] = []
    for n in range(len(order.unit_sku_ids)):
        package = package_of_line(packages, str(int(order.id) + 1 + n))
        line: dict[str, Any] = {}
        if package is not None and not (hide_unshipped and package.status == TO_FULFILL):
            line["package_id"] = package.id
            line["package_status"] = package.status
            if package.tracking_number:
                line["tracking_number"] = package.tracking_number
                line["shipping_provider_id"] = package.shipping_provider_id
                line["shipping_provider_name"] = package.shipping_provider_name
            if package.shipped_time is not None:
                line["rts_time"] = package.shipped_time
        elif not hide_unshipped and order.status not in ("UNPAID", "CANCELLED"):
            line["package_status"] = TO_FULFILL
        lines.append(line)
    return fields, lines


def package_json(shop: Shop, data: ShopData, package: Package) -> dict[str, Any]:
    """Get Package Detail (T3.1)."""
    order = data.orders[package.order_id]
    option = logistics.find_option(shop, package.delivery_option_id)
    body: dict[str, Any] = {
        "package_id": package.id,
        "orders": [{"id": package.order_id}],
        "order_line_item_ids": list(package.line_item_ids),
        "package_status": package.status,
        "split_and_combine_tag": "SPLIT"
        if len(data.package_ids_by_order.get(order.id, ())) > 1
        else "DEFAULT",
        "has_multi_skus": len({order.unit_sku_ids[int(x) - int(order.id) - 1] for x in package.line_item_ids})
        > 1,
        "note_tag": "BUYER_UNNOTED",
        "delivery_option_id": package.delivery_option_id,
        "delivery_option_name": option.name if option else "",
        "tracking_number": package.tracking_number,
        "shipping_provider_id": package.shipping_provider_id,
        "shipping_provider_name": package.shipping_provider_name,
        "create_time": package.create_time,
        "update_time": package.update_time,
    }
    if order.fulfillment_type == logistics.BY_SELLER:
        body["shipping_type"] = package.shipping_type
    if package.handover_method:
        body["handover_method"] = package.handover_method
    if package.pickup_slot is not None:
        body["pickup_slot"] = {"start_time": package.pickup_slot[0], "end_time": package.pickup_slot[1]}
    return body


def package_summary(package: Package) -> dict[str, Any]:
    """One entry of Search Package (T3.2)."""
    return {
        "id": package.id,
        "orders": [{"id": package.order_id}],
        "order_line_item_ids": list(package.line_item_ids),
        "create_time": package.create_time,
        "update_time": package.update_time,
        "status": package.status,
        "tracking_number": package.tracking_number,
        "shipping_provider_id": package.shipping_provider_id,
        "shipping_provider_name": package.shipping_provider_name,
    }
