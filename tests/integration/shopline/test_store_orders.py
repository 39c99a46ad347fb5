"""Reading the store's own orders through the SHOPLINE client against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.shopline.mapping import MalformedResponse
from adapters.shopline.store_orders import store_order
from domain.channel import BuyerInfo, NewShoplineOrder, ShoplineOrderLine, TimeWindow
from domain.ids import ShoplineVariantId
from domain.money import Money


async def test_store_orders_come_with_exact_figures_and_imports_marked(
    sandbox, client, credentials, clock
) -> None:
    handle = sandbox.shopline_handle
    control = sandbox.control
    first, second = control.shopline_variants(handle, 2)
    start = datetime.fromtimestamp(clock.now_s(), UTC)
    created_at = clock.now_s() - 3600
    web = control.create_store_order(
        handle,
        [[first["id"], 2, "10.25", "1.50"], [second["id"], 1, "3.10"]],
        customer_id="4100000001",
        created_at=created_at,
    )
    unpaid = control.create_store_order(handle, [[first["id"], 1]], financial_status="unpaid")
    cancelled = control.create_store_order(handle, [[second["id"], 1, "5.00"]], cancelled=True)
    imported = await client.create_order(
        credentials,
        NewShoplineOrder(
            channel_marker="TIKTOK:7494:5764",
            name="TIKTOK:7494:5764",
            currency="USD",
            lines=(ShoplineOrderLine(ShoplineVariantId(first["id"]), "Mug", 1, Money.of("9.00", "USD")),),
            total=Money.of("9.00", "USD"),
            buyer=BuyerInfo(),
            paid=True,
        ),
    )
    end = datetime.fromtimestamp(clock.now_s() + 1, UTC)
    found = {
        o.order_id: o
        async for page in client.store_orders_updated(credentials, TimeWindow(start, end))
        for o in page
    }
    assert set(found) == {web["id"], unpaid["id"], cancelled["id"], imported.order_id}
    sale = found[web["id"]]
    assert (sale.gross_e4, sale.discount_e4, sale.net_e4) == (236_000, 15_000, 221_000)
    assert sale.unit_count == 3 and sale.paid and not sale.cancelled and sale.is_store_sale
    assert sale.buyer_key == "id:4100000001"
    assert sale.created_at == datetime.fromtimestamp(created_at, UTC)
    assert [(line.variant_id, line.quantity, line.net_e4) for line in sale.lines] == [
        (first["id"], 2, 190_000),
        (second["id"], 1, 31_000),
    ]
    assert not found[unpaid["id"]].paid and not found[unpaid["id"]].is_store_sale
    assert found[cancelled["id"]].cancelled and found[cancelled["id"]].is_store_sale
    assert found[imported.order_id].channel_marker == "TIKTOK:7494:5764"
    assert not found[imported.order_id].is_store_sale
    later = TimeWindow(end + timedelta(seconds=1), end + timedelta(hours=1))
    assert [o async for page in client.store_orders_updated(credentials, later) for o in page] == []


def test_an_order_tagged_by_this_service_is_an_import_even_without_the_attribute() -> None:
    order = store_order(
        {
            "id": "21001",
            "created_at": "2026-05-01T10:00:00+08:00",
            "updated_at": "2026-05-01T10:05:00+08:00",
            "currency": "SGD",
            "financial_status": "paid",
            "tags": "vip, Multichannel Connect",
            "email": "Buyer@Example.com",
            "line_items": [{"variant_id": None, "title": "Gift wrap", "price": "2", "quantity": 1}],
        }
    )
    assert order.channel_marker is not None and not order.is_store_sale
    assert order.buyer_key == "email:buyer@example.com"
    assert order.created_at == datetime(2026, 5, 1, 2, tzinfo=UTC)
    assert (order.gross_e4, order.discount_e4) == (20_000, 0)


@pytest.mark.parametrize(
    "broken",
    [
        {"currency": "USD", "line_items": []},
        {"id": "1", "currency": "US", "created_at": "2026-05-01T10:00:00Z", "line_items": []},
        {
            "id": "1",
            "currency": "USD",
            "created_at": "2026-05-01T10:00:00Z",
            "line_items": [{"quantity": 1.5}],
        },
        {
            "id": "1",
            "currency": "USD",
            "created_at": "2026-05-01T10:00:00Z",
            "line_items": [{"quantity": 1, "price": "abc"}],
        },
    ],
)
def test_malformed_orders_are_refused(broken: dict[str, object]) -> None:
    with pytest.raises(MalformedResponse):
        store_order(broken)
