"""A seeded analytics data set and an independent computation of every figure over it.

Two TikTok shops in two currencies, the store's own orders (one of them an imported channel
order that must not count), cancellations, unpaid orders, repeat and returning buyers, and
orders either side of local midnight. The expected figures are computed here in plain Python
from the facts, never through the code under test.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from domain.analytics import StoreOrder, StoreOrderLine
from domain.catalog import ChannelProduct, ChannelSku, LinkKind, SkuLink
from domain.channel import BuyerInfo, ShoplineVariant
from domain.ids import (
    AppId,
    ChannelProductId,
    ChannelSkuId,
    OrderId,
    ShopId,
    ShoplineOrderId,
    ShoplineVariantId,
    TikTokShopId,
)
from domain.money import Money, minor_unit_digits
from domain.order import Order, OrderAmounts, OrderLine, OrderStatus
from domain.shop import DisplayName, Region, SellerType, Shop, ShopIdentity, ShopStatus

STORE = "store"  # the store's scope in expected rows


@dataclass(frozen=True)
class TikTokLine:
    sku_id: str
    product_id: str
    seller_sku: str
    title: str
    quantity: int
    subtotal: str


@dataclass(frozen=True)
class TikTokFact:
    shop: str
    order_id: str
    created: datetime
    status: str
    paid: bool
    buyer: str
    gross: str
    discount: str
    lines: tuple[TikTokLine, ...]


@dataclass(frozen=True)
class StoreLine:
    variant_id: str
    quantity: int
    price: str
    discount: str = "0"


@dataclass(frozen=True)
class StoreFact:
    order_id: str
    created: datetime
    currency: str
    buyer: str
    lines: tuple[StoreLine, ...]
    cancelled: bool = False
    paid: bool = True
    imported: bool = False  # carries the channel marker: never a store sale


@dataclass
class Dataset:
    app_id: str
    shops: dict[str, tuple[str, str]]  # shop id -> (display name, currency)
    variants: dict[str, tuple[str, str]]  # variant id -> (title, sku)
    links: dict[tuple[str, str, str], str]  # (shop, product, sku) -> variant id
    tiktok: list[TikTokFact] = field(default_factory=list)
    store: list[StoreFact] = field(default_factory=list)


def build(base: datetime, app_id: str, shop_ids: tuple[str, str], variant_ids: tuple[str, str]) -> Dataset:
    """``base`` is a UTC midnight; the report range used by the tests is [base, base + 4 days)."""
    us, gb = shop_ids
    v1, v2 = variant_ids
    data = Dataset(
        app_id=app_id,
        shops={us: ("Alpha US", "USD"), gb: ("Beta GB", "GBP")},
        variants={v1: ("Classic Mug - Red", "SL-MUG-R"), v2: ("Tote Bag - Navy", "SL-TOTE-N")},
        links={(us, "pu1", "u1"): v1, (gb, "pg1", "g1"): v1},
    )

    def t(days: float, hours: float = 0, minutes: float = 0) -> datetime:
        return base + timedelta(days=days, hours=hours, minutes=minutes)

    mug_us = TikTokLine("u1", "pu1", "TT-MUG", "Mug (US)", 1, "12.50")
    bag_us = TikTokLine("u2", "pu2", "TT-BAG", "Bag (US)", 1, "30.00")
    mug_gb = TikTokLine("g1", "pg1", "TT-MUG-GB", "Mug (GB)", 1, "9.99")
    cap_gb = TikTokLine("g2", "pg2", "TT-CAP", "Cap (GB)", 1, "7.25")

    def times(line: TikTokLine, n: int) -> TikTokLine:
        subtotal = Decimal(line.subtotal) * n
        return TikTokLine(line.sku_id, line.product_id, line.seller_sku, line.title, n, str(subtotal))

    def tiktok(shop: str, n: int, created: datetime, lines: tuple[TikTokLine, ...], **kw: object) -> None:
        sold = sum((Decimal(line.subtotal) for line in lines), Decimal(0))
        discount = Decimal(str(kw.pop("discount", "0")))
        data.tiktok.append(
            TikTokFact(
                shop=shop,
                order_id=f"{shop}-o{n}",
                created=created,
                status=str(kw.pop("status", "AWAITING_SHIPMENT")),
                paid=bool(kw.pop("paid", True)),
                buyer=str(kw.pop("buyer", "")),
                gross=str(sold + discount),
                discount=str(discount),
                lines=lines,
            )
        )

    # Before the range: makes b1 (US) and s1 (store) returning buyers.
    tiktok(us, 1, t(-3), (mug_us,), buyer="b1")
    # In the range. Singapore midnight is 16:00 UTC: these two fall on different local days.
    tiktok(us, 2, t(0, 15, 59), (times(mug_us, 2), bag_us), buyer="b1", discount="2.50")
    tiktok(us, 3, t(0, 16, 1), (bag_us,), buyer="b2")
    tiktok(us, 4, t(1, 3), (mug_us,), buyer="b2", status="CANCELLED")
    tiktok(us, 5, t(1, 5), (bag_us,), buyer="b3", status="UNPAID", paid=False)
    tiktok(us, 6, t(2, 23, 30), (times(mug_us, 3),), buyer="", status="COMPLETED")
    tiktok(gb, 1, t(0, 1), (mug_gb, cap_gb), buyer="b1", discount="1.00")
    tiktok(gb, 2, t(1, 12), (times(cap_gb, 4),), buyer="g7")
    tiktok(gb, 3, t(2, 8), (mug_gb,), buyer="g7", status="DELIVERED")
    tiktok(gb, 4, t(3, 20), (mug_gb,), buyer="g8", status="CANCELLED")
    # After the range.
    tiktok(gb, 5, t(4, 0, 1), (mug_gb,), buyer="g9")

    def store(n: int, created: datetime, lines: tuple[StoreLine, ...], **kw: object) -> None:
        data.store.append(
            StoreFact(
                order_id=f"s-o{n}",
                created=created,
                currency=str(kw.pop("currency", "USD")),
                buyer=str(kw.pop("buyer", "")),
                lines=lines,
                cancelled=bool(kw.pop("cancelled", False)),
                paid=bool(kw.pop("paid", True)),
                imported=bool(kw.pop("imported", False)),
            )
        )

    store(1, t(-10), (StoreLine(v1, 1, "14.00"),), buyer="s1")
    store(2, t(0, 10), (StoreLine(v1, 2, "14.00", "2.80"), StoreLine(v2, 1, "25.00")), buyer="s1")
    store(3, t(1, 16, 30), (StoreLine(v2, 2, "25.00"),), buyer="s2")
    store(4, t(2, 2), (StoreLine(v1, 1, "14.00"),), buyer="s2", cancelled=True)
    store(5, t(2, 6), (StoreLine(v2, 1, "25.00"),), buyer="s3", paid=False)
    store(6, t(3, 1), (StoreLine(v1, 5, "14.00"),), buyer="s4", imported=True)
    store(7, t(3, 9), (StoreLine(v2, 1, "21.00"),), buyer="s1", currency="SGD")
    return data


# --- Domain values for seeding ---------------------------------------------------------------


def tiktok_orders(data: Dataset) -> list[Order]:
    found = []
    for fact in data.tiktok:
        currency = data.shops[fact.shop][1]
        lines = tuple(
            OrderLine(
                sku_id=ChannelSkuId(line.sku_id),
                product_id=ChannelProductId(line.product_id),
                seller_sku=line.seller_sku,
                title=line.title,
                quantity=line.quantity,
                subtotal=Money(Decimal(line.subtotal), currency),
                line_item_ids=tuple(f"{fact.order_id}-{line.sku_id}-{k}" for k in range(line.quantity)),
            )
            for line in fact.lines
        )
        zero = Money.zero(currency)
        found.append(
            Order(
                order_id=OrderId(fact.order_id),
                app_id=AppId(data.app_id),
                shop_id=ShopId(fact.shop),
                tiktok_shop_id=TikTokShopId(f"tt-{fact.shop}"),
                status=OrderStatus(fact.status),
                currency=currency,
                total=Money(Decimal(fact.gross) - Decimal(fact.discount), currency),
                lines=lines,
                buyer=BuyerInfo(user_id=fact.buyer),
                create_time=fact.created,
                update_time=fact.created + timedelta(minutes=5),
                first_seen_at=fact.created + timedelta(minutes=6),
                amounts=OrderAmounts(
                    Money(Decimal(fact.gross), currency), Money(Decimal(fact.discount), currency), zero, zero
                ),
                paid_time=fact.created + timedelta(minutes=1) if fact.paid else None,
            )
        )
    return found


def store_orders(data: Dataset) -> list[StoreOrder]:
    """Every store fact as the SHOPLINE adapter maps it (imported and unpaid ones included)."""
    found = []
    for fact in data.store:
        lines = tuple(
            StoreOrderLine(
                variant_id=ShoplineVariantId(line.variant_id),
                title=data.variants[line.variant_id][0],
                sku=data.variants[line.variant_id][1],
                quantity=line.quantity,
                net_e4=_e4(Decimal(line.price) * line.quantity - Decimal(line.discount)),
            )
            for line in fact.lines
        )
        found.append(
            StoreOrder(
                order_id=ShoplineOrderId(fact.order_id),
                created_at=fact.created,
                updated_at=fact.created + timedelta(minutes=5),
                currency=fact.currency,
                paid=fact.paid,
                cancelled=fact.cancelled,
                gross_e4=_e4(sum((Decimal(x.price) * x.quantity for x in fact.lines), Decimal(0))),
                discount_e4=_e4(sum((Decimal(x.discount) for x in fact.lines), Decimal(0))),
                buyer_key=f"id:{fact.buyer}" if fact.buyer else "",
                lines=lines,
                channel_marker="TIKTOK:x:y" if fact.imported else None,
            )
        )
    return found


def channel_products(data: Dataset, at: datetime) -> list[ChannelProduct]:
    found = []
    for fact_shop, (_name, currency) in data.shops.items():
        products: dict[str, list[ChannelSku]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        for fact in data.tiktok:
            if fact.shop != fact_shop:
                continue
            for line in fact.lines:
                if (line.product_id, line.sku_id) in seen:
                    continue
                seen.add((line.product_id, line.sku_id))
                variant = data.links.get((fact_shop, line.product_id, line.sku_id))
                link = SkuLink(ShoplineVariantId(variant), LinkKind.MANUAL, at) if variant else None
                products[line.product_id].append(
                    ChannelSku(ChannelSkuId(line.sku_id), line.seller_sku, Money.zero(currency), (), link)
                )
        for product_id, skus in sorted(products.items()):
            found.append(
                ChannelProduct(
                    product_id=ChannelProductId(product_id),
                    app_id=AppId(data.app_id),
                    shop_id=ShopId(fact_shop),
                    title=f"Product {product_id}",
                    status="ACTIVATE",
                    update_time=at,
                    skus=skus,
                )
            )
    return found


def shopline_variants(data: Dataset, at: datetime) -> list[ShoplineVariant]:
    return [
        ShoplineVariant(
            ShoplineVariantId(variant_id),
            "prod",
            sku,
            title,
            Money(Decimal("1.00"), "USD"),
            f"inv-{variant_id}",
            at,
        )
        for variant_id, (title, sku) in data.variants.items()
    ]


# --- The independent computation --------------------------------------------------------------


@dataclass(frozen=True)
class _Counted:
    scope: str  # shop id, or STORE
    order_ref: str
    created: datetime
    currency: str
    cancelled: bool
    units: int
    gross: Decimal
    discount: Decimal
    buyer: str  # '' when unknown
    lines: tuple[tuple[str | None, tuple[str, str, str] | None, str, str, int, Decimal], ...]
    # (variant, tiktok sku (shop, product, sku), title, sku code, quantity, net)


def _counted(data: Dataset) -> list[_Counted]:
    found = []
    for f in data.tiktok:
        if not f.paid or f.status == "UNPAID":
            continue
        lines = []
        for line in f.lines:
            key = (f.shop, line.product_id, line.sku_id)
            variant = data.links.get(key)
            lines.append((variant, key, line.title, line.seller_sku, line.quantity, Decimal(line.subtotal)))
        found.append(
            _Counted(
                f.shop,
                f"t:{f.order_id}",
                f.created,
                data.shops[f.shop][1],
                f.status == "CANCELLED",
                sum(line.quantity for line in f.lines),
                Decimal(f.gross),
                Decimal(f.discount),
                f.buyer,
                tuple(lines),
            )
        )
    for s in data.store:
        if not s.paid or s.imported:
            continue
        found.append(
            _Counted(
                STORE,
                f"s:{s.order_id}",
                s.created,
                s.currency,
                s.cancelled,
                sum(line.quantity for line in s.lines),
                sum((Decimal(line.price) * line.quantity for line in s.lines), Decimal(0)),
                sum((Decimal(line.discount) for line in s.lines), Decimal(0)),
                s.buyer,
                tuple(
                    (
                        line.variant_id,
                        None,
                        data.variants[line.variant_id][0],
                        data.variants[line.variant_id][1],
                        line.quantity,
                        Decimal(line.price) * line.quantity - Decimal(line.discount),
                    )
                    for line in s.lines
                ),
            )
        )
    return found


def _minor(amount: Decimal, currency: str) -> str:
    exponent = Decimal(1).scaleb(-minor_unit_digits(currency))
    return str(amount.quantize(exponent, rounding=ROUND_HALF_UP))


def expected_summary(
    data: Dataset, start: datetime, end: datetime, grouping: str, zone: str = "UTC"
) -> list[tuple[object, ...]]:
    """Rows as (group, currency, orders, units, gross, discounts, net, cancelled, rate, aov, buyers);
    the group is the local date, the shop id (STORE for the store) or 'tiktok' / 'store'."""
    tz = ZoneInfo(zone)
    groups: dict[tuple[str, str], list[_Counted]] = defaultdict(list)
    for c in _counted(data):
        if not start <= c.created < end:
            continue
        if grouping == "day":
            group = c.created.astimezone(tz).date().isoformat()
        elif grouping == "shop":
            group = c.scope
        else:
            group = "store" if c.scope == STORE else "tiktok"
        groups[(group, c.currency)].append(c)
    rows = []
    for (group, currency), members in groups.items():
        kept = [c for c in members if not c.cancelled]
        gross = sum((c.gross for c in kept), Decimal(0))
        discount = sum((c.discount for c in kept), Decimal(0))
        cancelled = len(members) - len(kept)
        rate = (Decimal(cancelled) / len(members)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        aov = (gross - discount) / len(kept) if kept else Decimal(0)
        buyers = {(c.scope == STORE, c.buyer) for c in members if c.buyer}
        rows.append(
            (
                group,
                currency,
                len(members),
                sum(c.units for c in kept),
                _minor(gross, currency),
                _minor(discount, currency),
                _minor(gross - discount, currency),
                cancelled,
                str(rate),
                _minor(aov, currency),
                len(buyers),
            )
        )

    def order(row: tuple[object, ...]) -> tuple[object, ...]:
        group = str(row[0])
        if grouping == "shop":
            return (group == STORE, data.shops.get(group, ("", ""))[0], row[1])
        if grouping == "channel":
            return (group == "store", row[1])
        return (group, row[1])

    return sorted(rows, key=order)


def expected_top_products(
    data: Dataset, start: datetime, end: datetime, by_sales_in: str | None = None
) -> list[tuple[object, ...]]:
    """(variant id or '', sorted SKU keys, title, sku code, units, orders, {currency: net})."""
    products: dict[tuple[str, ...], dict[str, object]] = {}
    for c in _counted(data):
        if c.cancelled or not start <= c.created < end:
            continue
        for variant, tiktok_sku, title, code, quantity, net in c.lines:
            key = ("v", variant) if variant else ("s", *(tiktok_sku or ()))
            entry = products.setdefault(
                key,
                {
                    "skus": set(),
                    "units": 0,
                    "orders": set(),
                    "nets": defaultdict(Decimal),
                    "title": "",
                    "code": "",
                },
            )
            if tiktok_sku is not None:
                entry["skus"].add(tiktok_sku)  # type: ignore[attr-defined]
            entry["units"] += quantity  # type: ignore[operator]
            entry["orders"].add(c.order_ref)  # type: ignore[attr-defined]
            entry["nets"][c.currency] += net  # type: ignore[index]
            if variant:
                entry["title"], entry["code"] = data.variants[variant]
            else:
                entry["title"], entry["code"] = title, code
    rows = []
    for key, entry in products.items():
        nets: dict[str, Decimal] = entry["nets"]  # type: ignore[assignment]
        skus = sorted(entry["skus"])  # type: ignore[call-overload]
        rows.append(
            (
                key[1] if key[0] == "v" else "",
                skus,
                entry["title"],
                entry["code"],
                entry["units"],
                len(entry["orders"]),  # type: ignore[arg-type]
                {currency: _minor(amount, currency) for currency, amount in sorted(nets.items())},
            )
        )

    def first_sku(row: tuple[object, ...]) -> str:
        skus: list[tuple[str, str, str]] = row[1]  # type: ignore[assignment]
        return min((f"apps/{data.app_id}/shops/{s}/products/{p}/skus/{k}" for s, p, k in skus), default="")

    if by_sales_in is None:
        return sorted(rows, key=lambda r: (-r[4], r[2], r[0], first_sku(r)))  # type: ignore[operator]

    def sales_key(row: tuple[object, ...]) -> tuple[object, ...]:
        nets: dict[str, str] = row[6]  # type: ignore[assignment]
        amount = nets.get(by_sales_in)
        return (amount is None, -Decimal(amount or 0), row[2], row[0], first_sku(row))

    return sorted(rows, key=sales_key)


def expected_customers(data: Dataset, start: datetime, end: datetime) -> list[tuple[object, ...]]:
    """(scope, unique, repeat, new, returning): shops by display name, then the store."""
    counted = _counted(data)
    rows = []
    scopes = [*sorted(data.shops, key=lambda s: data.shops[s][0]), STORE]
    for scope in scopes:
        in_range: dict[str, int] = defaultdict(int)
        before: set[str] = set()
        for c in counted:
            if c.scope != scope or not c.buyer:
                continue
            if start <= c.created < end:
                in_range[c.buyer] += 1
            elif c.created < start:
                before.add(c.buyer)
        returning = sum(1 for buyer in in_range if buyer in before)
        rows.append(
            (
                scope,
                len(in_range),
                sum(1 for n in in_range.values() if n >= 2),
                len(in_range) - returning,
                returning,
            )
        )
    return rows


def _e4(amount: Decimal) -> int:
    return int((amount * 10_000).to_integral_value(rounding=ROUND_HALF_UP))


def utc_midnight(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def shops(data: Dataset, at: datetime) -> list[Shop]:
    return [
        Shop(
            shop_id=ShopId(shop_id),
            app_id=AppId(data.app_id),
            identity=ShopIdentity(
                TikTokShopId(f"tt-{shop_id}"), f"cipher-{shop_id}", Region.US, SellerType.LOCAL, name
            ),
            display_name=DisplayName.parse(name),
            status=ShopStatus.ACTIVE,
            authorized_at=at,
        )
        for shop_id, (name, _currency) in data.shops.items()
    ]
