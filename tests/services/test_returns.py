"""Returns over the stateful fakes: TikTok's reports recorded on the order, the SHOPLINE refund made
exactly once (also after lost replies) with or without restock, the seller's decisions, listing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from domain.app import ImportScope, ReturnRestock
from domain.errors import (
    InvalidArgument,
    OrderNotFound,
    PartnerUnavailable,
    ReturnNotAwaitingSeller,
    ReturnNotFound,
    ShopNotFound,
)
from domain.ids import ChannelSkuId, OrderId, ShopId
from domain.money import Money
from domain.returns import RefundState, ReturnFilter, ReturnStatus, TikTokReturnData, TikTokReturnLineItem
from domain.task import TaskKind, TaskState
from domain.webhooks import WebhookDelivery, WebhookSource
from services.orders.sync import OrderSyncHandler
from services.returns.events import ReturnEventReactions
from services.returns.handling import ReturnCommands, ReturnQueries, ReturnRef
from services.returns.intake import ReturnIntake
from services.returns.refunds import ReturnRefunder, refund_marker
from services.returns.sync import ReturnSync
from services.tasks.jobs import TaskWorker
from tests.fakes import FakeShoplineRefundsApi, FakeTikTokReturnsApi
from tests.services.test_orders import (
    APP,
    CIPHER,
    FAST,
    HANDLE,
    NOW,
    SHOP,
    TIKTOK_SHOP,
    World,
    linked_pool,
    tiktok_order,
)
from tests.unit.return_builders import refund_amount

ORDER = "576461413038785752"
RETURN = "4035000000000000001"


class ReturnWorld(World):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.returns_api = FakeTikTokReturnsApi(self.clock)
        self.refunds_api = FakeShoplineRefundsApi(self.shopline)

    @property
    def return_intake(self) -> ReturnIntake:
        return ReturnIntake(self.uow, self.clock)

    @property
    def refunder(self) -> ReturnRefunder:
        return ReturnRefunder(self.uow, self.refunds_api, self.clock)

    @property
    def return_commands(self) -> ReturnCommands:
        return ReturnCommands(self.uow, self.clock, self.returns_api, self.return_intake, self.refunder)

    @property
    def reactions(self) -> ReturnEventReactions:
        return ReturnEventReactions(
            self.uow,
            self.clock,
            self.tiktok,
            self.returns_api,
            self.intake,
            self.return_intake,
            self.refunder,
        )

    def tiktok_return(
        self, status: str, *, return_type: str = "RETURN_AND_REFUND", units: int = 2
    ) -> TikTokReturnData:
        data = TikTokReturnData(
            return_id=RETURN,
            order_id=OrderId(ORDER),
            return_type=return_type,
            status=status,
            role="BUYER",
            line_items=tuple(
                TikTokReturnLineItem(
                    f"rl-{n}", f"li-{ORDER}-{n}", ChannelSkuId("sku-1"), "SELLER-1", Money.of("9.00", "GBP")
                )
                for n in range(units)
            ),
            refund=replace(refund_amount("18.00", "GBP")),
            create_time=NOW,
            update_time=self.clock.now(),
        )
        self.returns_api.put(CIPHER, data)
        return data

    async def webhook(self) -> None:
        held = self.returns_api.returns[CIPHER][RETURN]
        body = {
            "type": 12,
            "tts_notification_id": f"n-{held.status}-{held.update_time.timestamp()}",
            "shop_id": TIKTOK_SHOP,
            "timestamp": int(self.clock.now().timestamp()),
            "data": {
                "order_id": ORDER,
                "return_role": "BUYER",
                "return_type": held.return_type,
                "return_status": held.status,
                "return_id": RETURN,
                "create_time": int(NOW.timestamp()),
                "update_time": int(held.update_time.timestamp()),
            },
        }
        await self.reactions.return_changed(
            WebhookDelivery(
                WebhookSource.TIKTOK,
                body["tts_notification_id"],
                "RETURN_STATUS_CHANGE",
                TIKTOK_SHOP,
                json.dumps(body),
                self.clock.now(),
            )
        )

    async def sync_with_returns(self) -> TaskState:
        task = await self.syncs.start(APP, SHOP)
        returns = ReturnSync(self.uow, self.returns_api, self.return_intake, self.refunder)
        handler = OrderSyncHandler(
            self.uow, self.clock, self.tiktok, self.intake, self.importer, retry=FAST, returns=returns
        )
        worker = TaskWorker(self.uow, self.clock, {TaskKind.ORDER_SYNC: handler}, owner="worker-1")
        run = await worker.claim(task.id)
        assert run is not None
        await worker.execute(run)
        async with self.uow() as uow:
            finished = await uow.tasks.get(task.id)
        self.last_task = finished
        return finished.state

    async def held(self):  # type: ignore[no-untyped-def]
        async with self.uow() as uow:
            return await uow.order_returns.get(SHOP, RETURN)

    async def set_restock(self, rule: ReturnRestock) -> None:
        async with self.uow() as uow:
            app = await uow.apps.get(APP)
            app.change_settings(replace(app.settings, return_restock=rule), self.clock.now())
            await uow.apps.update(app)
            await uow.commit()

    def on_hand(self) -> int:
        return sum(level.available for level in self.shopline.store(HANDLE).levels.values())


async def imported_world() -> ReturnWorld:
    """An imported, delivered order of 2 units of sku-1, linked to SHOPLINE variant v-1 (10 on hand,
    8 after the import)."""
    w = ReturnWorld()
    await w.install(scope=ImportScope.ONLY_LINKED)
    await w.authorize()
    await linked_pool(w)
    w.publish(tiktok_order(status="AWAITING_SHIPMENT"))
    await w.sync()
    w.clock.advance(timedelta(minutes=5))
    w.publish(tiktok_order(status="DELIVERED", update=w.clock.now()))
    await w.sync()
    assert w.on_hand() == 8
    return w


async def test_a_completed_return_is_refunded_in_shopline_once_with_restock() -> None:
    w = await imported_world()
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_PENDING")
    await w.webhook()
    assert (await w.held()).refund_state is RefundState.NONE
    assert w.refunds_api.calls == []

    w.clock.advance(timedelta(minutes=1))
    w.returns_api.move(CIPHER, RETURN, "RETURN_OR_REFUND_REQUEST_COMPLETE")
    await w.webhook()
    await w.webhook()  # a redelivery
    held = await w.held()
    [(_, ref)] = w.shopline_orders()
    [refund] = w.refunds_api.refunds(HANDLE, ref.order_id)
    assert held.refund_state is RefundState.REFUNDED and held.shopline_refund_id == refund.refund_id
    assert held.restocked and all(line.restock for line in refund.lines)
    assert sum(line.quantity for line in refund.lines) == 2
    assert refund.note == refund_marker(TIKTOK_SHOP, RETURN)
    assert w.on_hand() == 10


async def test_without_restock_the_refund_leaves_shopline_stock_alone() -> None:
    w = await imported_world()
    await w.set_restock(ReturnRestock.NEVER)
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_COMPLETE")
    await w.webhook()
    held = await w.held()
    assert held.refund_state is RefundState.REFUNDED and not held.restocked
    assert w.on_hand() == 8


async def test_a_refund_only_request_never_restocks() -> None:
    w = await imported_world()
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_SUCCESS", return_type="REFUND", units=1)
    await w.webhook()
    held = await w.held()
    assert held.refund_state is RefundState.REFUNDED and not held.restocked
    assert w.on_hand() == 8


async def test_lost_refund_replies_still_make_exactly_one_refund() -> None:
    w = await imported_world()
    w.refunds_api.lose_next_replies(1)
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_COMPLETE")
    with pytest.raises(PartnerUnavailable):
        await w.webhook()  # the delivery stays pending and is processed again
    assert (await w.held()).refund_state is RefundState.DUE
    await w.webhook()
    [(_, ref)] = w.shopline_orders()
    assert len(w.refunds_api.refunds(HANDLE, ref.order_id)) == 1
    assert (await w.held()).refund_state is RefundState.REFUNDED
    assert w.refunds_api.calls.count("create_refund") == 1
    assert w.on_hand() == 10


async def test_a_return_of_an_order_not_in_shopline_is_recorded_only() -> None:
    w = ReturnWorld()
    await w.install(auto_import=False)
    await w.authorize()
    w.publish(tiktok_order(status="DELIVERED"))
    await w.sync()
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_COMPLETE")
    await w.webhook()
    assert (await w.held()).refund_state is RefundState.NOT_IMPORTED
    assert w.refunds_api.calls == []


async def test_a_return_of_an_order_not_seen_yet_reads_the_order_first() -> None:
    w = ReturnWorld()
    await w.install(auto_import=False)
    await w.authorize()
    w.publish(tiktok_order(status="DELIVERED"))
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_PENDING")
    await w.webhook()
    assert (await w.order()).id == ORDER
    assert (await w.held()).status is ReturnStatus.RETURN_OR_REFUND_REQUEST_PENDING


async def test_approving_a_pending_return_records_what_tiktok_shows_then() -> None:
    w = await imported_world()
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_PENDING")
    await w.webhook()
    approved = await w.return_commands.approve(
        ReturnRef(APP, SHOP, RETURN), request_id="11111111-1111-4111-8111-111111111111"
    )
    assert w.returns_api.decisions == [(RETURN, "APPROVE_RETURN")]
    assert approved.status is ReturnStatus.AWAITING_BUYER_SHIP
    again = await w.return_commands.approve(
        ReturnRef(APP, SHOP, RETURN), request_id="11111111-1111-4111-8111-111111111111"
    )
    assert again.status is ReturnStatus.AWAITING_BUYER_SHIP and len(w.returns_api.decisions) == 1


async def test_approving_the_received_package_refunds_in_shopline_at_once() -> None:
    w = await imported_world()
    w.tiktok_return("BUYER_SHIPPED_ITEM")
    await w.webhook()
    approved = await w.return_commands.approve(ReturnRef(APP, SHOP, RETURN))
    assert w.returns_api.decisions == [(RETURN, "APPROVE_RECEIVED_PACKAGE")]
    assert approved.refund_state is RefundState.REFUNDED and approved.restocked
    assert w.on_hand() == 10


async def test_a_return_tiktok_waits_for_nobody_on_is_not_sent() -> None:
    w = await imported_world()
    w.tiktok_return("AWAITING_BUYER_SHIP")
    await w.webhook()
    with pytest.raises(ReturnNotAwaitingSeller):
        await w.return_commands.approve(ReturnRef(APP, SHOP, RETURN))
    assert "approve_return" not in w.returns_api.calls


async def test_rejecting_takes_only_a_reason_tiktok_offers() -> None:
    w = await imported_world()
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_PENDING")
    await w.webhook()
    with pytest.raises(InvalidArgument) as error:
        await w.return_commands.reject(ReturnRef(APP, SHOP, RETURN), "made_up_reason")
    assert error.value.field == "reason" and "reject_return" not in w.returns_api.calls
    rejected = await w.return_commands.reject(
        ReturnRef(APP, SHOP, RETURN), "seller_reject_apply_product_has_been_packed", "sorry"
    )
    assert rejected.status is ReturnStatus.REFUND_OR_RETURN_REQUEST_REJECT
    assert w.returns_api.decisions == [(RETURN, "REJECT_RETURN")]


async def test_another_apps_shop_or_an_unknown_return_is_not_found() -> None:
    w = await imported_world()
    with pytest.raises(ReturnNotFound):
        await w.return_commands.approve(ReturnRef(APP, SHOP, "4035000000000000999"))


async def test_listing_per_order_and_by_status() -> None:
    w = await imported_world()
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_PENDING")
    await w.webhook()
    queries = ReturnQueries(w.uow)
    page = await queries.list(ReturnFilter(APP, SHOP, OrderId(ORDER)), page_size=10, after=None)
    assert [r.return_id for r in page.items] == [RETURN]
    done = frozenset({ReturnStatus.RETURN_OR_REFUND_REQUEST_COMPLETE})
    assert (await queries.list(ReturnFilter(APP, SHOP, statuses=done), page_size=10, after=None)).items == []
    with pytest.raises(OrderNotFound):
        await queries.list(ReturnFilter(APP, SHOP, OrderId("1")), page_size=10, after=None)
    with pytest.raises(ShopNotFound):
        await queries.list(ReturnFilter(APP, ShopId("other")), page_size=10, after=None)


async def test_the_order_sync_records_returns_whose_webhook_was_missed_and_retries_due_refunds() -> None:
    w = await imported_world()
    w.clock.advance(timedelta(minutes=1))
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_COMPLETE")
    w.clock.advance(timedelta(seconds=30))
    w.refunds_api.fail_next(PartnerUnavailable("shopline", "503", "down"))
    assert await w.sync_with_returns() is TaskState.SUCCEEDED
    assert (await w.held()).refund_state is RefundState.DUE
    assert w.last_task.counts.failed == 1

    w.clock.advance(timedelta(minutes=5))
    assert await w.sync_with_returns() is TaskState.SUCCEEDED
    held = await w.held()
    assert held.refund_state is RefundState.REFUNDED and held.restocked
    [(_, ref)] = w.shopline_orders()
    assert len(w.refunds_api.refunds(HANDLE, ref.order_id)) == 1
    assert w.on_hand() == 10


async def test_a_refund_claimed_by_another_refunder_is_left_to_it_until_the_claim_runs_out() -> None:
    w = await imported_world()
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_COMPLETE")
    await w.return_intake.take(APP, SHOP, [w.returns_api.returns[CIPHER][RETURN]])
    async with w.uow() as uow:  # a refunder on another worker holds the refund and then dies
        held = await uow.order_returns.get(SHOP, RETURN)
        assert held.claim_refund(w.clock.now(), w.clock.now() + timedelta(minutes=10))
        await uow.order_returns.update(held)
        await uow.commit()
    assert (await w.refunder.refund(SHOP, RETURN)).refund_state is RefundState.DUE
    assert w.refunds_api.calls == []
    w.clock.advance(timedelta(minutes=11))
    refunded = await w.refunder.refund(SHOP, RETURN)
    assert refunded is not None and refunded.refund_state is RefundState.REFUNDED
    assert w.refunds_api.calls.count("create_refund") == 1


async def test_a_failed_refund_releases_its_claim_so_a_retry_goes_at_once() -> None:
    w = await imported_world()
    w.tiktok_return("RETURN_OR_REFUND_REQUEST_COMPLETE")
    await w.return_intake.take(APP, SHOP, [w.returns_api.returns[CIPHER][RETURN]])
    w.refunds_api.fail_next(PartnerUnavailable("shopline", "503", "down"))
    with pytest.raises(PartnerUnavailable):
        await w.refunder.refund(SHOP, RETURN)
    assert (await w.held()).refund_claimed_until is None
    assert (await w.refunder.refund(SHOP, RETURN)).refund_state is RefundState.REFUNDED
