"""Return endpoints of the Return & Refund API 202309: Search, Approve and Reject Return; the
reject reasons of a return come from ``reject_reasons`` (``routes_returns``), shared with
cancellations."""

from __future__ import annotations

from typing import Any

from sandbox.datagen import REJECT_REASONS
from sandbox.tiktok import errors
from sandbox.tiktok.gateway import Call, Route
from sandbox.tiktok.models import ReturnRequest
from sandbox.tiktok.return_requests import decide, return_json
from sandbox.tiktok.search import page_size, search_page

RETURN_STATUSES = frozenset(
    {
        "RETURN_OR_REFUND_REQUEST_PENDING",
        "REFUND_OR_RETURN_REQUEST_REJECT",
        "AWAITING_BUYER_SHIP",
        "BUYER_SHIPPED_ITEM",
        "REJECT_RECEIVE_PACKAGE",
        "RETURN_OR_REFUND_REQUEST_SUCCESS",
        "RETURN_OR_REFUND_REQUEST_CANCEL",
        "RETURN_OR_REFUND_REQUEST_COMPLETE",
        "REPLACEMENT_REQUEST_PENDING",
        "REPLACEMENT_REQUEST_REJECT",
        "REPLACEMENT_REQUEST_REFUND_SUCCESS",
        "REPLACEMENT_REQUEST_CANCEL",
        "REPLACEMENT_REQUEST_COMPLETE",
        "AWAITING_BUYER_RESPONSE",
        "EXCHANGE_REQUEST_PENDING",
        "EXCHANGE_REQUEST_REFUND_SUCCESS",
        "EXCHANGE_REQUEST_CANCEL",
        "EXCHANGE_REQUEST_COMPLETE",
    }
)
RETURN_TYPES = frozenset({"REFUND", "RETURN_AND_REFUND", "REPLACEMENT", "EXCHANGE"})
TIME_BOUNDS = ("create_time_ge", "create_time_lt", "update_time_ge", "update_time_lt")


def _list(body: dict[str, Any], name: str) -> set[str]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.invalid_param(f"'{name}' must be an array of strings.")
    return set(value)


def _bounds(body: dict[str, Any]) -> dict[str, int | None]:
    bounds: dict[str, int | None] = {}
    for name in TIME_BOUNDS:
        value = body.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise errors.invalid_param(f"'{name}' must be a Unix time in seconds.")
        bounds[name] = value
    return bounds


async def search_returns(call: Call) -> dict[str, Any]:
    size = page_size(call)
    body = call.json()
    return_ids, order_ids = _list(body, "return_ids"), _list(body, "order_ids")
    statuses, types = _list(body, "return_status"), _list(body, "return_types")
    if statuses - RETURN_STATUSES:
        raise errors.invalid_param("Unknown return_status value.")
    if types - RETURN_TYPES:
        raise errors.invalid_param("Unknown return_types value.")
    bounds = _bounds(body)
    sort_field = call.query.get("sort_field", "create_time")
    sort_order = call.query.get("sort_order", "DESC")
    if sort_field not in ("create_time", "update_time") or sort_order not in ("ASC", "DESC"):
        raise errors.invalid_param("sort_field must be create_time or update_time; sort_order ASC or DESC.")
    query = {
        "r": sorted(return_ids),
        "o": sorted(order_ids),
        "s": sorted(statuses),
        "t": sorted(types),
        "sf": sort_field,
        "so": sort_order,
        **bounds,
    }
    data = call.shop_data

    def within(request: ReturnRequest) -> bool:
        for name, value in bounds.items():
            if value is None:
                continue
            held = request.create_time if name.startswith("create") else request.update_time
            if (name.endswith("_ge") and held < value) or (name.endswith("_lt") and held >= value):
                return False
        return True

    def candidates() -> list[ReturnRequest]:
        return [
            r
            for r in data.returns.values()
            if (not return_ids or r.id in return_ids)
            and (not order_ids or r.order_id in order_ids)
            and (not statuses or r.status in statuses)
            and (not types or r.return_type in types)
            and within(r)
        ]

    sign = 1 if sort_order == "ASC" else -1
    items, token, total = search_page(
        call, "returns", query, candidates, lambda r: (sign * getattr(r, sort_field), sign * int(r.id)), size
    )
    assert call.shop is not None
    return {
        "return_orders": [return_json(call.shop, data, r) for r in items],
        "next_page_token": token,
        "total_count": total,
    }


async def approve(call: Call) -> dict[str, Any]:
    assert call.shop is not None
    body = call.json()
    decide(
        call.state,
        call.state.dispatcher,
        call.shop.id,
        call.path_params["return_id"],
        body.get("decision"),
        approve=True,
        idempotency_key=call.query.get("idempotency_key"),
    )
    return {}


async def reject(call: Call) -> dict[str, Any]:
    assert call.shop is not None
    body = call.json()
    request = call.shop_data.returns.get(call.path_params["return_id"])
    key = call.query.get("idempotency_key")
    repeated = request is not None and key is not None and key in request.idempotency_keys
    if not repeated and body.get("reject_reason") not in dict(REJECT_REASONS):
        raise errors.invalid_param("The 'reject_reason' must be a reason name from reject_reasons.")
    comment = body.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > 500):
        raise errors.invalid_param("The 'comment' must be a string of at most 500 characters.")
    decide(
        call.state,
        call.state.dispatcher,
        call.shop.id,
        call.path_params["return_id"],
        body.get("decision"),
        approve=False,
        idempotency_key=key,
    )
    return {}


ROUTES = [
    Route("POST", "return_refund", ("202309",), "returns/search", search_returns, shop_scoped=True),
    Route(
        "POST",
        "return_refund",
        ("202309",),
        "returns/{return_id}/approve",
        approve,
        shop_scoped=True,
        writes=True,
    ),
    Route(
        "POST",
        "return_refund",
        ("202309",),
        "returns/{return_id}/reject",
        reject,
        shop_scoped=True,
        writes=True,
    ),
]
