"""An order's SHOPLINE-side cancellation round-trips on the fake, SQLite and PostgreSQL, and the
orders whose cancel on TikTok is still owed are found by the filter the order sync uses."""

from __future__ import annotations

from dataclasses import replace

from domain.ids import AppId, ShopId
from domain.order import Order, OrderFilter, ShoplineCancellation, ShoplineCancellationState
from tests.integration.persistence import builders
from tests.integration.persistence.builders import at, seed


def with_cancellation(order: Order, cancellation: ShoplineCancellation) -> Order:
    order._shopline_cancellation = cancellation  # stored state, as a row read back carries it
    return order


async def test_shopline_cancellations_round_trip_and_owed_ones_are_found(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    refused = ShoplineCancellation(
        ShoplineCancellationState.REFUSED,
        cancelled_at=at(1),
        reason="TikTok refused the seller cancellation",
        partner_code="12052902",
        partner_message="The order cannot be cancelled by the seller in status IN_TRANSIT.",
        resolved_at=at(2),
    )
    pending = ShoplineCancellation(ShoplineCancellationState.PENDING, cancelled_at=at(3))
    async with backend.new_uow() as uow:
        await uow.orders.add(with_cancellation(builders.imported_order("576461413038785901"), refused))
        await uow.orders.add(with_cancellation(builders.imported_order("576461413038785902"), pending))
        await uow.orders.add(builders.imported_order("576461413038785903"))
        await uow.commit()
    async with backend.new_uow() as uow:
        found = await uow.orders.find(ShopId(builders.SHOP), "576461413038785901")  # type: ignore[arg-type]
        assert found is not None and found.shopline_cancellation == refused
        plain = await uow.orders.find(ShopId(builders.SHOP), "576461413038785903")  # type: ignore[arg-type]
        assert plain is not None and plain.shopline_cancellation == ShoplineCancellation()
        owed = OrderFilter(AppId(builders.APP), ShopId(builders.SHOP), tiktok_cancel_owed=True)
        page = await uow.orders.search(owed, page_size=10, after=None)
        assert [order.id for order in page.items] == ["576461413038785902"]
        assert page.items[0].shopline_cancellation == pending
        done = replace(
            pending, state=ShoplineCancellationState.CANCELLED_ON_TIKTOK, cancel_id="c-1", resolved_at=at(4)
        )
        await uow.orders.update(with_cancellation(page.items[0], done))
        await uow.commit()
    async with backend.new_uow() as uow:
        page = await uow.orders.search(owed, page_size=10, after=None)
        assert page.items == []
