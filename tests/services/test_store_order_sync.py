"""Reading the store's own orders incrementally: store sales kept, channel imports and unpaid left out."""

from __future__ import annotations

from datetime import timedelta

from domain.analytics import StoreOrder, StoreOrderLine
from domain.errors import PartnerUnavailable
from domain.ids import AppId, ShoplineOrderId, ShoplineVariantId
from services.analytics.store_order_sync import FIRST_READ, OVERLAP, StoreOrderSync
from tests.services.support_auth import Harness


def _order(n: int, harness: Harness, *, minutes: int = 0, **changes: object) -> StoreOrder:
    moment = harness.clock.now() + timedelta(minutes=minutes)
    values: dict[str, object] = {
        "order_id": ShoplineOrderId(f"sl-{n}"),
        "created_at": moment,
        "updated_at": moment,
        "currency": "USD",
        "paid": True,
        "cancelled": False,
        "gross_e4": 250_000,
        "discount_e4": 10_000,
        "buyer_key": f"id:{n}",
        "lines": (StoreOrderLine(ShoplineVariantId("v-1"), "Mug", "SL-1", 2, 240_000),),
        "channel_marker": None,
    }
    values.update(changes)
    return StoreOrder(**values)  # type: ignore[arg-type]


def _put(harness: Harness, handle: str, *orders: StoreOrder) -> None:
    store = harness.shopline.store(handle)
    for order in orders:
        store.store_orders[order.order_id] = order


def _stored(harness: Harness, app_id: AppId) -> dict[str, StoreOrder]:
    return {o: order for (a, o), order in harness.database.state.store_orders.items() if a == app_id}


async def test_the_first_read_keeps_paid_store_sales_of_the_last_30_days_only() -> None:
    harness = Harness()
    app_id = await harness.installed_app("web-store")
    _put(
        harness,
        "web-store",
        _order(1, harness, minutes=-10),
        _order(2, harness, minutes=-20, paid=False),
        _order(3, harness, minutes=-30, channel_marker="TIKTOK:shop:order"),
        _order(4, harness, minutes=-(FIRST_READ.days + 1) * 24 * 60),
    )
    sync = StoreOrderSync(harness.uow, harness.shopline, harness.clock)
    report = await sync.sync_app(app_id)
    assert (report.stored, report.removed) == (1, 0)
    assert sorted(_stored(harness, app_id)) == ["sl-1"]
    assert harness.database.state.store_orders_synced_until[app_id] == harness.clock.now()


async def test_later_reads_overlap_the_watermark_and_apply_updates_and_removals() -> None:
    harness = Harness()
    app_id = await harness.installed_app("web-store")
    sync = StoreOrderSync(harness.uow, harness.shopline, harness.clock)
    _put(harness, "web-store", _order(1, harness, minutes=-30), _order(2, harness, minutes=-4))
    await sync.sync_app(app_id)
    first_mark = harness.clock.now()

    harness.clock.advance(timedelta(hours=1))
    # Updated just before the watermark (clock skew): the overlap still reads it.
    late = first_mark - OVERLAP + timedelta(minutes=1)
    _put(
        harness,
        "web-store",
        _order(1, harness, cancelled=True, updated_at=late),
        _order(2, harness, paid=False, updated_at=harness.clock.now() - timedelta(minutes=1)),
    )
    report = await sync.sync_app(app_id)
    assert report.removed == 1
    stored = _stored(harness, app_id)
    assert sorted(stored) == ["sl-1"] and stored["sl-1"].cancelled
    assert harness.database.state.store_orders_synced_until[app_id] == harness.clock.now()


async def test_a_stale_copy_never_replaces_a_newer_stored_order() -> None:
    harness = Harness()
    app_id = await harness.installed_app("web-store")
    newer = _order(1, harness, cancelled=True, updated_at=harness.clock.now() + timedelta(minutes=3))
    async with harness.uow() as uow:
        await uow.store_orders.upsert_many(app_id, [newer])
        await uow.store_orders.upsert_many(app_id, [_order(1, harness)])
        await uow.commit()
    assert _stored(harness, app_id)["sl-1"].cancelled


async def test_a_partner_failure_keeps_the_watermark_and_run_goes_on_with_other_apps() -> None:
    harness = Harness()
    failing = await harness.installed_app("store-a")
    working = await harness.installed_app("store-b")
    _put(harness, "store-b", _order(1, harness, minutes=-1))
    harness.shopline.fail_next(PartnerUnavailable("shopline", "503", "down"))
    reports = await StoreOrderSync(harness.uow, harness.shopline, harness.clock).run()
    by_app = {report.app_id: report for report in reports}
    assert by_app[failing].skipped_reason == "PartnerUnavailable"
    assert failing not in harness.database.state.store_orders_synced_until
    assert by_app[working].stored == 1


async def test_an_app_without_a_usable_token_is_skipped() -> None:
    harness = Harness()
    app_id = await harness.installed_app("web-store")
    async with harness.uow() as uow:
        token = await uow.tokens.get_shopline(app_id)
        token.revoke(harness.clock.now())
        await uow.tokens.save_shopline(token)
        await uow.commit()
    report = await StoreOrderSync(harness.uow, harness.shopline, harness.clock).sync_app(app_id)
    assert report.skipped_reason and report.stored == 0
    assert "store_orders_updated" not in harness.shopline.calls
