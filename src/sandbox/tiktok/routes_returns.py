"""Cancellation endpoints (reference §3.9-§3.12)."""

from __future__ import annotations

from typing import Any

from sandbox.datagen import REJECT_REASONS, SELLER_CANCEL_REASONS
from sandbox.tiktok import errors, operations
from sandbox.tiktok.gateway import Call, Route
from sandbox.tiktok.models import Cancellation
from sandbox.tiktok.render import cancellation_json
from sandbox.tiktok.search import page_size, search_page

CANCEL_STATUSES = frozenset(
    {
        "CANCELLATION_REQUEST_PENDING",
        "CANCELLATION_REQUEST_SUCCESS",
        "CANCELLATION_REQUEST_CANCEL",
        "CANCELLATION_REQUEST_CANCELLED",
        "CANCELLATION_REQUEST_COMPLETE",
    }
)


def _list(body: dict[str, Any], name: str) -> set[str]:
    value = body.get(name) or []
    if not isinstance(value, list):
        raise errors.invalid_param(f"'{name}' must be an array.")
    return set(value)


async def search_cancellations(call: Call) -> dict[str, Any]:
    size = page_size(call, required=False)
    body = call.json()
    cancel_ids, order_ids = _list(body, "cancel_ids"), _list(body, "order_ids")
    statuses, types = _list(body, "cancel_status"), _list(body, "cancel_types")
    if "CANCELLATION_REQUEST_CANCELLED" in statuses:
        statuses.add("CANCELLATION_REQUEST_CANCEL")
    if statuses - CANCEL_STATUSES:
        raise errors.invalid_param("Unknown cancel_status value.")
    bounds = {
        n: body.get(n) for n in ("create_time_ge", "create_time_lt", "update_time_ge", "update_time_lt")
    }
    sort_field = call.query.get("sort_field", "create_time")
    sort_order = call.query.get("sort_order", "DESC")
    query = {
        "c": sorted(cancel_ids),
        "o": sorted(order_ids),
        "s": sorted(statuses),
        "t": sorted(types),
        "sf": sort_field,
        "so": sort_order,
        **bounds,
    }
    data = call.shop_data

    def candidates() -> list[Cancellation]:
        found = []
        for c in data.cancellations.values():
            if (cancel_ids and c.id not in cancel_ids) or (order_ids and c.order_id not in order_ids):
                continue
            if (statuses and c.status not in statuses) or (types and c.cancel_type not in types):
                continue
            if bounds["create_time_ge"] is not None and c.create_time < bounds["create_time_ge"]:
                continue
            if bounds["create_time_lt"] is not None and c.create_time >= bounds["create_time_lt"]:
                continue
            if bounds["update_time_ge"] is not None and c.update_time < bounds["update_time_ge"]:
                continue
            if bounds["update_time_lt"] is not None and c.update_time >= bounds["update_time_lt"]:
                continue
            found.append(c)
        return found

    sign = 1 if sort_order == "ASC" else -1
    field = "update_time" if sort_field == "update_time" else "create_time"
    items, token, total = search_page(
        call, "cancellations", query, candidates, lambda c: (sign * getattr(c, field), sign * int(c.id)), size
    )
    assert call.shop is not None
    return {
        "cancellations": [cancellation_json(call.shop, data, c) for c in items],
        "next_page_token": token,
        "total_count": total,
    }


async def approve(call: Call) -> dict[str, Any]:
    assert call.shop is not None
    operations.approve_cancellation(
        call.state, call.state.dispatcher, call.shop.id, call.path_params["cancel_id"]
    )
    return {}


async def reject(call: Call) -> dict[str, Any]:
    assert call.shop is not None
    reason = call.json().get("reject_reason")
    if reason not in dict(REJECT_REASONS):
        raise errors.invalid_param("The 'reject_reason' must be a reason name from reject_reasons.")
    operations.reject_cancellation(
        call.state, call.state.dispatcher, call.shop.id, call.path_params["cancel_id"]
    )
    return {}


async def reject_reasons(call: Call) -> dict[str, Any]:
    if not call.query.get("return_or_cancel_id"):
        raise errors.invalid_param("The 'return_or_cancel_id' query parameter is required.")
    return {"reasons": [{"name": name, "text": text} for name, text in REJECT_REASONS]}


async def cancel_order(call: Call) -> dict[str, Any]:
    assert call.shop is not None
    body = call.json()
    order_id = body.get("order_id")
    if not isinstance(order_id, str):
        raise errors.invalid_param("The 'order_id' field is required.")
    cancellation = operations.seller_cancel(
        call.state, call.state.dispatcher, call.shop.id, order_id, str(body.get("cancel_reason", ""))
    )
    return {"cancel_id": cancellation.id, "cancel_status": cancellation.status}


async def aftersale_eligibility(call: Call) -> dict[str, Any]:
    order = call.shop_data.orders.get(call.path_params["order_id"])
    if order is None:
        raise errors.error(errors.ORDER_NOT_OWNED)
    assert call.shop is not None
    eligible = operations.seller_may_cancel(order.status, call.shop.region)
    reasons = [name for name, _ in SELLER_CANCEL_REASONS] if eligible else []
    by_sku: dict[str, list[dict[str, Any]]] = {}
    for i, sku_id in enumerate(order.unit_sku_ids):
        by_sku.setdefault(sku_id, []).append(
            {
                "line_item_id": str(int(order.id) + 1 + i),
                "eligible": eligible,
                "available_reason_names": reasons,
            }
        )
    return {"sku_eligibility": [{"sku_id": s, "line_item_eligibility": lines} for s, lines in by_sku.items()]}


ROUTES = [
    Route(
        "POST",
        "return_refund",
        ("202309", "202602"),
        "cancellations/search",
        search_cancellations,
        shop_scoped=True,
    ),
    Route(
        "POST",
        "return_refund",
        ("202309",),
        "cancellations/{cancel_id}/approve",
        approve,
        shop_scoped=True,
        writes=True,
    ),
    Route(
        "POST",
        "return_refund",
        ("202309",),
        "cancellations/{cancel_id}/reject",
        reject,
        shop_scoped=True,
        writes=True,
    ),
    Route(
        "POST",
        "return_refund",
        ("202309", "202602"),
        "cancellations",
        cancel_order,
        shop_scoped=True,
        writes=True,
    ),
    Route("GET", "return_refund", ("202309",), "reject_reasons", reject_reasons, shop_scoped=True),
    Route(
        "GET",
        "return_refund",
        ("202309", "202602"),
        "orders/{order_id}/aftersale_eligibility",
        aftersale_eligibility,
        shop_scoped=True,
    ),
]
