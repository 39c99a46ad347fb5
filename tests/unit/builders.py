"""Small builders for domain objects used across the unit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.channel import BuyerInfo, TikTokLineItem, TikTokOrderData
from domain.ids import AppId, ChannelProductId, ChannelSkuId, OrderId, ShopId, TikTokShopId
from domain.money import Money
from domain.shop import Region, SellerType, ShopIdentity

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
APP_A = AppId("app-a")
APP_B = AppId("app-b")
SHOP = ShopId("shop-1")
TIKTOK_SHOP = TikTokShopId("7000714532876273420")


def at(hours: float = 0, days: float = 0) -> datetime:
    return T0 + timedelta(hours=hours, days=days)


def identity(
    tiktok_shop_id: str = TIKTOK_SHOP, cipher: str = "GCP_cipher", name: str = "Maomao"
) -> ShopIdentity:
    return ShopIdentity(TikTokShopId(tiktok_shop_id), cipher, Region.GB, SellerType.LOCAL, name)


def unit(sku: str, price: str = "10.00", currency: str = "USD", n: int = 0) -> TikTokLineItem:
    return TikTokLineItem(
        line_item_id=f"li-{sku}-{n}",
        sku_id=ChannelSkuId(sku),
        product_id=ChannelProductId(f"p-{sku}"),
        seller_sku=f"SELLER-{sku}",
        product_name=f"Product {sku}",
        sku_name="Red",
        sale_price=Money(Decimal(price), currency),
    )


def order_data(
    status: str = "AWAITING_SHIPMENT",
    update: datetime = T0,
    skus: tuple[tuple[str, int], ...] = (("sku-1", 2), ("sku-2", 1)),
    price: str = "10.00",
    currency: str = "USD",
    order_id: str = "576461413038785752",
) -> TikTokOrderData:
    items = tuple(unit(sku, price, currency, n) for sku, count in skus for n in range(count))
    total = Money(sum((i.sale_price.amount for i in items), Decimal(0)), currency)
    return TikTokOrderData(
        order_id=OrderId(order_id),
        status=status,
        create_time=T0,
        update_time=update,
        currency=currency,
        total=total,
        line_items=items,
        buyer=BuyerInfo(user_id="buyer-1", email="v2b2V5@chat.seller.tiktok.com"),
    )
