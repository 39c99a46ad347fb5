"""Orders and links against the shared pools: ``held`` is always the units of the open orders of a
pool's linked SKUs, whatever order orders arrive, get cancelled or imported and SKUs get linked,
unlinked or moved in. Orders fulfilled by TikTok (FBT) are never open: whatever happens to them,
the pools hold nothing for them.

Orders go through the order intake and links through ``PoolLinks``, over the stateful fakes; the
model is a plain dictionary of orders and links.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.app import App
from domain.events import OrderImported
from domain.ids import AppId, ChannelProductId, ChannelSkuId, OrderId, ShoplineOrderId, ShoplineVariantId
from domain.logistics import FulfillmentType, OrderLogistics
from domain.order import STOCK_HOLDING, OrderStatus
from services.catalog.links import LinkChange, PoolLinks
from services.inventory.on_hand import OnHandReader
from services.inventory.stock_effects import StockEffects
from services.orders.intake import IntakeShop, OrderIntake
from services.orders.shopline_import import OrderImporter
from tests.fakes import FakeClock, FakeDatabase, FakeIdGenerator, FakeShoplineApi, FakeUnitOfWork
from tests.unit.builders import SHOP, TIKTOK_SHOP, at, order_data

APP = AppId("app-1")
SKUS = [ChannelSkuId(f"sku-{n}") for n in range(3)]
VARIANTS = [ShoplineVariantId(f"v-{n}") for n in range(2)]
STATUSES = [status.value for status in OrderStatus if status is not OrderStatus.CANCELLED]
SELLER = OrderLogistics()
TIKTOK_FULFILLED = [
    OrderLogistics(fulfillment_type=FulfillmentType.BY_TIKTOK),
    OrderLogistics(fulfillment_type=FulfillmentType.BY_DILAYANI_TOKOPEDIA),
]


class OpenOrderHolds(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock(at())
        self.database = FakeDatabase()
        ids = FakeIdGenerator("pool")
        self.effects = StockEffects(self.clock, ids)
        shopline = FakeShoplineApi(self.clock)
        importer = OrderImporter(
            self.uow, shopline, self.clock, self.effects, OnHandReader(self.uow, shopline, self.clock)
        )
        self.intake = OrderIntake(self.uow, self.clock, self.effects, importer)
        self.links = PoolLinks(ids, self.clock)
        self.shop = IntakeShop(APP, SHOP, TIKTOK_SHOP)
        self.app = App.install(APP, "store", at())
        self.run(self._add_app())
        # The model: each order's lines and whether it holds stock; each SKU's variant.
        self.orders: dict[OrderId, tuple[dict[ChannelSkuId, int], bool]] = {}
        self.logistics: dict[OrderId, OrderLogistics] = {}
        self.linked: dict[ChannelSkuId, ShoplineVariantId] = {}
        self.updates = 0

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.database)

    def run(self, coroutine: object) -> None:
        self.loop.run_until_complete(coroutine)  # type: ignore[arg-type]

    def teardown(self) -> None:
        self.loop.close()

    async def _add_app(self) -> None:
        async with self.uow() as uow:
            await uow.apps.add(self.app)
            await uow.commit()

    def _next_update(self) -> int:
        self.updates += 1
        return self.updates

    # --- orders -----------------------------------------------------------------------------

    @rule(
        status=st.sampled_from(STATUSES),
        lines=st.dictionaries(st.sampled_from(SKUS), st.integers(1, 3), min_size=1, max_size=3),
        logistics=st.sampled_from([SELLER, SELLER, *TIKTOK_FULFILLED]),
    )
    def order_arrives(self, status: str, lines: dict[ChannelSkuId, int], logistics: OrderLogistics) -> None:
        order_id = OrderId(f"o-{len(self.orders)}")
        data = order_data(
            status=status,
            update=at(hours=self._next_update()),
            skus=tuple(lines.items()),
            order_id=order_id,
        )
        self.run(self.intake.take(self.shop, [replace(data, logistics=logistics)]))
        holding = OrderStatus(status) in STOCK_HOLDING and not logistics.fulfilled_by_tiktok
        self.orders[order_id] = (dict(lines), holding)
        self.logistics[order_id] = logistics

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def order_is_cancelled(self, data: st.DataObject) -> None:
        order_id = data.draw(st.sampled_from(sorted(self.orders)))
        lines, _ = self.orders[order_id]
        update = order_data(
            status="CANCELLED",
            update=at(hours=self._next_update()),
            skus=tuple(lines.items()),
            order_id=order_id,
        )
        self.run(self.intake.take(self.shop, [replace(update, logistics=self.logistics[order_id])]))
        self.orders[order_id] = (lines, False)

    @precondition(lambda self: any(holding for _, holding in self.orders.values()))
    @rule(data=st.data())
    def order_is_imported(self, data: st.DataObject) -> None:
        order_id = data.draw(st.sampled_from(sorted(o for o, (_, holding) in self.orders.items() if holding)))
        self.run(self._import(order_id))
        self.orders[order_id] = (self.orders[order_id][0], False)

    @precondition(lambda self: any(logistics.fulfilled_by_tiktok for logistics in self.logistics.values()))
    @rule(data=st.data())
    def fbt_order_is_imported(self, data: st.DataObject) -> None:
        """Recorded as imported (whatever its status): it held nothing, so nothing is committed."""
        order_id = data.draw(
            st.sampled_from(sorted(o for o, x in self.logistics.items() if x.fulfilled_by_tiktok))
        )
        self.run(self._import(order_id))

    async def _import(self, order_id: OrderId) -> None:
        """What the importer records once SHOPLINE created the order."""
        async with self.uow() as uow:
            order = await uow.orders.get(SHOP, order_id)
            if order.import_status.shopline_order_id is not None:
                return
            order.mark_imported(ShoplineOrderId(f"sl-{order_id}"), self.clock.now())
            for event in order.pending_events:
                if isinstance(event, OrderImported):
                    await self.effects.commit_imported(uow, event, {})
            await uow.orders.update(order)
            await uow.commit()

    # --- links ------------------------------------------------------------------------------

    @rule(sku=st.sampled_from(SKUS), variant=st.sampled_from([*VARIANTS, None]))
    def sku_is_linked_or_unlinked(self, sku: ChannelSkuId, variant: ShoplineVariantId | None) -> None:
        change = LinkChange(SHOP, ChannelProductId(f"p-{sku}"), sku, variant)
        self.run(self._link([change]))
        if variant is None:
            self.linked.pop(sku, None)
        else:
            self.linked[sku] = variant

    async def _link(self, changes: list[LinkChange]) -> None:
        async with self.uow() as uow:
            await self.links.apply(uow, self.app, changes)
            await uow.commit()

    # --- the invariant ----------------------------------------------------------------------

    @invariant()
    def held_is_the_units_of_open_orders_of_linked_skus(self) -> None:
        expected = dict.fromkeys(VARIANTS, 0)
        for lines, holding in self.orders.values():
            for sku, quantity in lines.items():
                if holding and sku in self.linked:
                    expected[self.linked[sku]] += quantity
        actual = dict.fromkeys(VARIANTS, 0)
        for pool in self.database.state.pools.values():
            actual[pool.variant_id] = pool.held
            assert all(self.linked.get(sku) == pool.variant_id for sku in pool.linked_skus), (
                "a SKU sits in a pool other than its variant's"
            )
        assert actual == expected


OpenOrderHolds.TestCase.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=timedelta(seconds=5)
)
test_open_order_holds = OpenOrderHolds.TestCase
