"""Return repository contract: the fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.errors import ReturnNotFound, StaleWrite
from domain.ids import OrderId
from domain.returns import OrderReturn, RefundState, ReturnFilter, ReturnStatus
from tests.integration.persistence.builders import APP, OTHER_SHOP, SHOP, at, seed, state_of
from tests.unit.return_builders import return_data


def a_return(
    return_id: str = "4035000000000000001",
    minutes: int = 0,
    order_id: str = "576000000000000001",
    status: str = "RETURN_OR_REFUND_REQUEST_PENDING",
    shop=SHOP,
) -> OrderReturn:  # type: ignore[no-untyped-def]
    report = replace(
        return_data(return_id=return_id, order_id=OrderId(order_id), status=status),
        create_time=at(minutes),
        update_time=at(minutes),
    )
    return OrderReturn.first_seen(APP, shop, report, at(minutes))


async def test_a_return_reads_back_with_every_field(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend)
    refunded = a_return("4035000000000000002", status="RETURN_OR_REFUND_REQUEST_COMPLETE")
    refunded.mark_refunded("sl-refund-1", True, at(5))
    async with backend.new_uow() as uow:
        await uow.order_returns.add(a_return())
        await uow.order_returns.add(refunded)
        await uow.commit()
    async with backend.new_uow() as uow:
        assert state_of(await uow.order_returns.get(SHOP, "4035000000000000001")) == state_of(a_return())
        assert state_of(await uow.order_returns.get(SHOP, "4035000000000000002")) == state_of(refunded)
        with pytest.raises(ReturnNotFound):
            await uow.order_returns.get(OTHER_SHOP, "4035000000000000001")


async def test_updates_keep_the_latest_and_a_concurrent_writer_loses(sql_backend) -> None:  # type: ignore[no-untyped-def]
    backend = sql_backend
    await seed(backend)
    async with backend.new_uow() as uow:
        await uow.order_returns.add(a_return())
        await uow.commit()
    async with backend.new_uow() as first, backend.new_uow() as second:
        mine = await first.order_returns.get(SHOP, "4035000000000000001")
        theirs = await second.order_returns.get(SHOP, "4035000000000000001")
        mine.apply_update(replace(return_data(status="RETURN_OR_REFUND_REQUEST_COMPLETE"), update_time=at(3)))
        await first.order_returns.update(mine)
        await first.commit()
        theirs.apply_update(replace(return_data(status="AWAITING_BUYER_SHIP"), update_time=at(2)))
        with pytest.raises(StaleWrite):
            await second.order_returns.update(theirs)
    async with backend.new_uow() as uow:
        held = await uow.order_returns.get(SHOP, "4035000000000000001")
        assert held.status is ReturnStatus.RETURN_OR_REFUND_REQUEST_COMPLETE
        assert held.refund_state is RefundState.DUE
        assert [r.return_id for r in await uow.order_returns.due_refunds(SHOP)] == ["4035000000000000001"]


async def test_listing_is_newest_first_per_shop_or_order_and_by_status(backend) -> None:  # type: ignore[no-untyped-def]
    await seed(backend, shops=((SHOP, APP), (OTHER_SHOP, APP)))
    async with backend.new_uow() as uow:
        for n in range(5):
            await uow.order_returns.add(
                a_return(f"403500000000000001{n}", minutes=n, order_id=f"57600000000000000{n % 2}")
            )
        await uow.order_returns.add(a_return("4035000000000000099", shop=OTHER_SHOP))
        await uow.commit()
    async with backend.new_uow() as uow:
        seen, after = [], None
        while True:
            page = await uow.order_returns.search(ReturnFilter(APP, SHOP), page_size=2, after=after)
            seen += [r.return_id for r in page.items]
            if page.next_cursor is None:
                break
            after = page.next_cursor
        assert seen == [f"403500000000000001{n}" for n in reversed(range(5))]
        of_order = await uow.order_returns.search(
            ReturnFilter(APP, SHOP, OrderId("576000000000000001")), page_size=10, after=None
        )
        assert [r.return_id for r in of_order.items] == ["4035000000000000013", "4035000000000000011"]
        done = frozenset({ReturnStatus.RETURN_OR_REFUND_REQUEST_COMPLETE})
        assert (
            await uow.order_returns.search(ReturnFilter(APP, SHOP, statuses=done), page_size=10, after=None)
        ).items == []
        assert len(await uow.order_returns.of_order(SHOP, OrderId("576000000000000000"))) == 3
        assert await uow.order_returns.delete_for_shop(SHOP) == 5
        await uow.commit()
