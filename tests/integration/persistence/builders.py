"""Aggregates with every field set (so a round trip proves each one is stored), and seeding."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.app import App
from domain.catalog import ChannelProduct, ChannelSku, LinkKind, SkuLink
from domain.channel import BuyerInfo, SalesAttribute, WarehouseQuantity
from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    PoolId,
    ShopId,
    ShoplineOrderId,
    ShoplineVariantId,
    TaskId,
    TikTokShopId,
)
from domain.inventory_pool import InventoryPool, LinkedSku, Reservation, ReservationKey, ReservationState
from domain.logistics import (
    AddressPart,
    LineShipment,
    OrderLogistics,
    RecipientAddress,
    ShippingType,
)
from domain.money import Money
from domain.order import (
    Cancellation,
    CancellationState,
    ImportState,
    ImportStatus,
    Order,
    OrderLine,
    OrderStatus,
    StockState,
)
from domain.order.tiktok_shipments import ShoplineMirror
from domain.secret import Secret
from domain.shop import DisplayName, Region, SellerType, Shop, ShopIdentity, ShopStatus
from domain.task import Lease, Task, TaskCounts, TaskError, TaskKind, TaskState
from domain.tokens import ShoplineToken, TikTokToken

NOW = datetime(2026, 11, 1, 12, 30, 15, 123456, tzinfo=UTC)
APP = AppId("app-a")
OTHER_APP = AppId("app-b")
SHOP = ShopId("shop-1")
OTHER_SHOP = ShopId("shop-2")


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def state_of(aggregate: object) -> dict[str, Any]:
    """Every public read-only property, for comparing an aggregate with its round trip."""
    return {
        name: getattr(aggregate, name)
        for name, member in inspect.getmembers(type(aggregate))
        if isinstance(member, property) and not name.startswith("_")
    }


def app(app_id: str = APP, handle: str | None = None) -> App:
    installed = App.install(AppId(app_id), handle or f"store-{app_id}", NOW)
    installed.reinstall(at(3))  # so the install time differs from the creation time
    return installed


def shop(shop_id: str = SHOP, app_id: str = APP, tiktok_shop_id: str | None = None) -> Shop:
    return Shop(
        shop_id=ShopId(shop_id),
        app_id=AppId(app_id),
        identity=ShopIdentity(
            TikTokShopId(tiktok_shop_id or f"tt-{shop_id}"),
            "GCP_cipher_é",
            Region.GB,
            SellerType.CROSS_BORDER,
            "Maomao 猫",
        ),
        display_name=DisplayName.parse("Maomao UK ✓"),
        status=ShopStatus.NEEDS_REAUTHORIZATION,
        authorized_at=at(0),
        reauthorized_at=at(5),
        orders_synced_until=at(10),
        products_synced_until=at(11),
    )


def tiktok_token(shop_id: str = SHOP, serial: int = 1) -> TikTokToken:
    return TikTokToken(
        shop_id=ShopId(shop_id),
        access_token=Secret(f"TTP_access_{shop_id}_{serial}"),
        access_expires_at=at(60),
        refresh_token=Secret(f"TTP_refresh_{shop_id}_{serial}"),
        refresh_expires_at=at(60 * 24 * 30),
        issued_at=at(1),
        revoked_at=at(2),
    )


def shopline_token(app_id: str = APP, serial: int = 1) -> ShoplineToken:
    return ShoplineToken(
        app_id=AppId(app_id),
        access_token=Secret(f"sl_token_{app_id}_{serial}"),
        issued_at=at(1),
        expires_at=at(600),
        revoked_at=None,
    )


def pool(
    pool_id: str = "pool-1", app_id: str = APP, variant_id: str = "var-1", shop_id: str = SHOP
) -> InventoryPool:
    shop = ShopId(shop_id)
    sku_a, sku_b = ChannelSkuId(f"{pool_id}-sku-a"), ChannelSkuId(f"{pool_id}-sku-b")
    return InventoryPool(
        pool_id=PoolId(pool_id),
        app_id=AppId(app_id),
        variant_id=ShoplineVariantId(variant_id),
        on_hand=40,
        on_hand_version=at(3),
        safety_stock=2,
        reservations=[
            Reservation(ReservationKey(shop, OrderId("o-1"), sku_a), 3, ReservationState.HELD, at(3)),
            Reservation(
                ReservationKey(shop, OrderId("o-2"), sku_a), 1, ReservationState.COMMITTED, at(4), at(6)
            ),
            Reservation(
                ReservationKey(shop, OrderId("o-3"), sku_b), 2, ReservationState.RELEASED, at(5), at(7)
            ),
        ],
        linked_skus=[
            LinkedSku(sku_a, shop, cap=5, product_id=ChannelProductId(f"{pool_id}-product")),
            LinkedSku(sku_b, shop, cap=None),
        ],
        committed=1,
    )


def order(order_id: str = "576461413038785752", shop_id: str = SHOP, app_id: str = APP) -> Order:
    lines = (
        OrderLine(
            sku_id=ChannelSkuId("sku-1"),
            product_id=ChannelProductId("p-1"),
            seller_sku="SELLER-1",
            title="Mug - Red",
            quantity=2,
            subtotal=Money(Decimal("20.10"), "GBP"),
            line_item_ids=("li-1", "li-2"),
            product_name="Mug",
            sku_name="Red",
        ),
        OrderLine(
            sku_id=ChannelSkuId("sku-2"),
            product_id=ChannelProductId("p-2"),
            seller_sku="",
            title="Plate",
            quantity=1,
            subtotal=Money(Decimal("0.30"), "GBP"),
            line_item_ids=("li-3",),
            product_name="Plate",
        ),
    )
    return Order(
        order_id=OrderId(order_id),
        app_id=AppId(app_id),
        shop_id=ShopId(shop_id),
        tiktok_shop_id=TikTokShopId(f"tt-{shop_id}"),
        status=OrderStatus.AWAITING_SHIPMENT,
        currency="GBP",
        total=Money(Decimal("20.40"), "GBP"),
        lines=lines,
        buyer=BuyerInfo(
            user_id="buyer-1", email="v2b2V5@chat.seller.tiktok.com", name="J*** D**", phone="(+44)771*****34"
        ),
        create_time=at(-60),
        update_time=at(-30),
        first_seen_at=at(0),
        cancellation=Cancellation(CancellationState.REQUESTED, "cancel-9", at(90)),
        import_status=ImportStatus(ImportState.FAILED, None, "variant missing", at(7)),
        stock_state=StockState.RESERVED,
    )


def imported_order(order_id: str = "576461413038785999", shop_id: str = SHOP) -> Order:
    base = order(order_id, shop_id)
    return Order(
        order_id=base.id,
        app_id=base.app_id,
        shop_id=base.shop_id,
        tiktok_shop_id=base.tiktok_shop_id,
        status=OrderStatus.COMPLETED,
        currency=base.currency,
        total=base.total,
        lines=base.lines,
        buyer=BuyerInfo(),
        create_time=base.create_time,
        update_time=base.update_time,
        first_seen_at=base.first_seen_at,
        import_status=ImportStatus(ImportState.IMPORTED, ShoplineOrderId("sl-1"), None, at(8)),
        stock_state=StockState.COMMITTED,
        logistics=OrderLogistics(
            shipping_type=ShippingType.TIKTOK,
            delivery_option_id="7091146663229572865",
            delivery_option_name="Standard shipping",
            delivery_type="HOME_DELIVERY",
            warehouse_id="7068517275539719942",
            buyer_message="Leave at the door, merci ✓",
            rts_sla_time=at(20),
            shipping_due_time=at(30),
            has_updated_recipient_address=True,
        ),
        recipient=RecipientAddress(
            name="Jean D***",
            first_name="Jean",
            last_name="D***",
            phone="(+44)20*****12",
            full_address="GB, London, 1** Baker Street",
            address_lines=("1** Baker Street", "Flat 2"),
            postal_code="NW1 6XE",
            region_code="GB",
            districts=(AddressPart("Country", "United Kingdom"), AddressPart("City", "London")),
            post_town="LONDON",
        ),
        line_shipments=(
            LineShipment("li-1", "pkg-1", "FULFILLING", "TT123", "prov-1", "Royal Mail"),
            LineShipment("li-2", "pkg-1", "FULFILLING", "TT123", "prov-1", "Royal Mail"),
            LineShipment("li-3", "pkg-2", "PROCESSING", "TT456", "prov-1", "Royal Mail"),
        ),
        shopline_mirror=ShoplineMirror(fulfillments=(("pkg-1", "ful-1"),), claimed_until=at(9)),
    )


def product(
    product_id: str = "1729592969712207008", shop_id: str = SHOP, app_id: str = APP
) -> ChannelProduct:
    return ChannelProduct(
        product_id=ChannelProductId(product_id),
        app_id=AppId(app_id),
        shop_id=ShopId(shop_id),
        title="Ceramic mug 350 ml",
        status="ACTIVATE",
        update_time=at(-5),
        skus=[
            ChannelSku(
                ChannelSkuId(f"{product_id}-a"),
                "SELLER-A",
                Money(Decimal("12.50"), "GBP"),
                (WarehouseQuantity("wh-1", 4), WarehouseQuantity("wh-2", 0)),
                SkuLink(ShoplineVariantId("var-a"), LinkKind.MANUAL, at(1)),
                (SalesAttribute("Colour", "Crème"), SalesAttribute("Size", "350 ml")),
            ),
            ChannelSku(ChannelSkuId(f"{product_id}-b"), "SELLER-B", None, (), None, ()),
            ChannelSku(
                ChannelSkuId(f"{product_id}-c"),
                " SELLER-C ",
                Money(Decimal("1000"), "GBP"),
                (WarehouseQuantity("wh-1", 7),),
                SkuLink(ShoplineVariantId("var-c"), LinkKind.AUTO, at(2)),
            ),
        ],
    )


def task(task_id: str = "task-1", app_id: str = APP, shop_id: str | None = SHOP, created: int = 0) -> Task:
    return Task(
        task_id=TaskId(task_id),
        app_id=AppId(app_id),
        kind=TaskKind.HISTORY_IMPORT,
        state=TaskState.RUNNING,
        created_at=at(created),
        shop_id=None if shop_id is None else ShopId(shop_id),
        counts=TaskCounts(created=5, updated=4, skipped=3, failed=2),
        done=14,
        total=100,
        last_errors=(TaskError("orders/1", "SKU not linked", at(3)), TaskError("orders/2", "timeout", at(4))),
        checkpoint='{"window_start": "2026-10-01T00:00:00Z", "cursor": "abc"}',
        lease=Lease("worker-7", at(10)),
        started_at=at(1),
        finished_at=None,
        failure_reason=None,
        attempts=2,
    )


async def seed(
    backend: Any, apps: tuple[str, ...] = (APP,), shops: tuple[tuple[str, str], ...] = ((SHOP, APP),)
) -> None:
    """Apps and shops, which the other aggregates reference (foreign keys in the database)."""
    async with backend.new_uow() as uow:
        for app_id in apps:
            await uow.apps.add(app(app_id))
        for shop_id, app_id in shops:
            await uow.shops.add(shop(shop_id, app_id))
        await uow.commit()
    backend.publisher.published.clear()
