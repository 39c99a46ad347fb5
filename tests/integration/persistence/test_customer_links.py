"""Customer links contract: the fake, SQLite and PostgreSQL behave alike; an app's deletion takes
its links with it (SQL)."""

from __future__ import annotations

from domain.customers import CustomerLink, MatchedBy
from domain.ids import AppId, ShoplineCustomerId
from tests.integration.persistence import builders
from tests.integration.persistence.builders import at

APP = AppId(builders.APP)


def link(user_id: str, customer: str, how: MatchedBy = MatchedBy.EMAIL, minutes: int = 0) -> CustomerLink:
    return CustomerLink(APP, user_id, ShoplineCustomerId(customer), how, at(minutes))


async def test_a_saved_link_is_found_and_replaced_per_buyer(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        await uow.apps.add(builders.app())
        assert await uow.customer_links.find(APP, "buyer-1") is None
        await uow.customer_links.save(link("buyer-1", "c-1", MatchedBy.CREATED))
        await uow.customer_links.save(link("buyer-2", "c-2"))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.customer_links.find(APP, "buyer-1") == link("buyer-1", "c-1", MatchedBy.CREATED)
        assert await uow.customer_links.find(AppId("other-app"), "buyer-1") is None
        await uow.customer_links.save(link("buyer-1", "c-3", MatchedBy.PHONE, minutes=5))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.customer_links.find(APP, "buyer-1") == link("buyer-1", "c-3", MatchedBy.PHONE, 5)


async def test_forgetting_customers_drops_only_their_links(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        await uow.apps.add(builders.app())
        for user_id, customer in [("b1", "c-1"), ("b2", "c-1"), ("b3", "c-2")]:
            await uow.customer_links.save(link(user_id, customer))
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.customer_links.forget_customers(APP, [ShoplineCustomerId("c-1")]) == 2
        assert await uow.customer_links.forget_customers(APP, []) == 0
        await uow.commit()
    async with backend.new_uow() as uow:
        assert await uow.customer_links.find(APP, "b1") is None
        assert await uow.customer_links.find(APP, "b3") == link("b3", "c-2")


async def test_an_uncommitted_link_is_rolled_back(backend) -> None:  # type: ignore[no-untyped-def]
    async with backend.new_uow() as uow:
        await uow.apps.add(builders.app())
        await uow.commit()
    async with backend.new_uow() as uow:
        await uow.customer_links.save(link("buyer-1", "c-1"))
    async with backend.new_uow() as uow:
        assert await uow.customer_links.find(APP, "buyer-1") is None
