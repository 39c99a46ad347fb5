# ruff: noqa: S311  (seeded generators are the point here: data must be reproducible)
"""Deterministic, seeded data sets of any size.

Everything derives from (seed, spec, generation time): the same inputs give byte-identical data.
TikTok shops are generated lazily, on first access, so a 100,000-order shop costs nothing until
it is read. SKU codes are shared with the SHOPLINE store for `match_fraction` of the TikTok SKUs,
and a few SHOPLINE variants deliberately share one SKU code (ambiguous matches).
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, replace
from decimal import Decimal

from sandbox.money import REGION_CURRENCY, convert_from_usd, format_amount
from sandbox.shopline import models as sl
from sandbox.tiktok import models as tt

DAY = 86_400

COLORS = ("Red", "Blue", "Black", "White", "Green", "Grey", "Pink", "Navy")
NOUNS = ("Socks", "T-Shirt", "Mug", "Tote Bag", "Cap", "Phone Case", "Notebook", "Candle", "Scarf")
ADJECTIVES = ("Classic", "Organic", "Vintage", "Everyday", "Premium", "Cozy", "Minimal", "Bold")

BUYER_MESSAGES = (
    "Please leave the parcel at the door",
    "Gift wrap please, it is a birthday present",
    "Call before delivery",
    "No invoice in the box please",
)
BUYER_CANCEL_REASONS = (
    ("ecom_order_to_ship_canceled_reason_created_by_mistakes", "Order created by mistake"),
    ("ecom_order_to_ship_canceled_reason_change_of_mind", "No longer needed"),
)
SELLER_CANCEL_REASONS = (
    ("seller_cancel_reason_out_of_stock", "Out of stock"),
    ("seller_cancel_paid_reason_address_not_deliver", "Unable to deliver to customer address"),
)
REJECT_REASONS = (
    ("seller_reject_apply_product_has_been_packed", "Product has been packed"),
    ("seller_reject_apply_product_has_been_shipped", "Product has been shipped"),
)

# Order status mix by order age, so old orders are settled and recent ones still in motion.
_STATUS_MIX_BY_AGE: tuple[tuple[float, tuple[tuple[str, int], ...]], ...] = (
    (
        1.0,
        (
            ("UNPAID", 12),
            ("ON_HOLD", 8),
            ("AWAITING_SHIPMENT", 50),
            ("AWAITING_COLLECTION", 15),
            ("CANCELLED", 15),
        ),
    ),
    (
        4.0,
        (
            ("AWAITING_SHIPMENT", 15),
            ("AWAITING_COLLECTION", 15),
            ("IN_TRANSIT", 50),
            ("DELIVERED", 10),
            ("CANCELLED", 10),
        ),
    ),
    (10.0, (("IN_TRANSIT", 10), ("DELIVERED", 65), ("COMPLETED", 15), ("CANCELLED", 10))),
    (float("inf"), (("COMPLETED", 80), ("DELIVERED", 8), ("CANCELLED", 12))),
)

_PRODUCT_STATUS_MIX = (
    ("ACTIVATE", 86),
    ("SELLER_DEACTIVATED", 4),
    ("DRAFT", 3),
    ("PENDING", 3),
    ("FREEZE", 2),
    ("PLATFORM_DEACTIVATED", 1),
    ("DELETED", 1),
)


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    shops: int = 2
    products_per_shop: int = 40
    skus_per_product: int = 3
    orders_per_shop: int = 300
    shopline_products: int | None = None  # defaults to products_per_shop
    match_fraction: float = 0.8
    ambiguous_fraction: float = 0.02
    pending_cancellation_fraction: float = 0.15
    days: int = 30
    regions: tuple[str, ...] = ("US", "GB", "SG", "MY", "JP")
    multi_warehouse_shops: int = 1  # the first N shops have two sales warehouses
    store_handle: str = "sandbox-store"
    store_currency: str = "USD"
    store_orders: int = 0  # the store's own (web) orders over `days`, besides imported ones
    fbt_fraction: float = 0.1  # orders TikTok fulfills from its warehouses (FBT), per shop
    buyer_message_fraction: float = 0.2

    @property
    def store_product_count(self) -> int:
        return self.products_per_shop if self.shopline_products is None else self.shopline_products


PRESETS: dict[str, DatasetSpec] = {
    "empty": DatasetSpec(shops=0, products_per_shop=0, orders_per_shop=0, shopline_products=0),
    "tiny": DatasetSpec(shops=1, products_per_shop=5, skus_per_product=2, orders_per_shop=20),
    "small": DatasetSpec(),
    "medium": DatasetSpec(shops=2, products_per_shop=1_000, orders_per_shop=10_000),
    "large": DatasetSpec(shops=1, products_per_shop=10_000, orders_per_shop=100_000),
}


def resolve_spec(size: str | DatasetSpec | None) -> DatasetSpec:
    if size is None:
        return PRESETS["small"]
    if isinstance(size, DatasetSpec):
        return size
    if size in PRESETS:
        return PRESETS[size]
    raise ValueError(f"unknown dataset size {size!r}; presets: {sorted(PRESETS)}")


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    total = sum(weight for _, weight in table)
    pick = rng.random() * total
    for value, weight in table:
        pick -= weight
        if pick < 0:
            return value
    return table[-1][0]


def _alnum(rng: random.Random, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(alphabet) for _ in range(length))


def _base_price_usd(product_index: int, sku_index: int, seed: int) -> Decimal:
    rng = random.Random(f"price:{seed}:{product_index}:{sku_index}")
    return Decimal(rng.randrange(299, 19_999)) / 100


def store_sku_code(product_index: int, sku_index: int) -> str:
    return f"SL-{product_index:05d}-{sku_index}"


def _title(rng: random.Random) -> str:
    return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"


# --------------------------------------------------------------------------- TikTok shops


def make_shop(
    seed: int, index: int, region: str | None = None, name: str | None = None, warehouses: int = 1
) -> tt.Shop:
    rng = random.Random(f"shop:{seed}:{index}")
    spec_region = region or ("US", "GB", "SG", "MY", "JP")[index % 5]
    shop_id = str(7_494_000_000_000_000_000 + seed % 1000 * 1_000_000_000 + index * 7919)
    warehouse_ids = tuple(str(7_068_517_275_539_000_000 + index * 1000 + w) for w in range(warehouses))
    return tt.Shop(
        id=shop_id,
        cipher=f"ROW_{_alnum(rng, 28)}",
        code=f"{spec_region}LC{_alnum(rng, 6).upper()}",
        name=name or f"Sandbox {spec_region} Shop {index + 1}",
        region=spec_region,
        currency=REGION_CURRENCY[spec_region],
        seller_type="LOCAL",
        warehouse_ids=warehouse_ids,
    )


def default_shops(spec: DatasetSpec, seed: int) -> list[tt.Shop]:
    return [
        make_shop(
            seed,
            i,
            spec.regions[i % len(spec.regions)],
            warehouses=2 if i < spec.multi_warehouse_shops else 1,
        )
        for i in range(spec.shops)
    ]


def generate_shop_data(spec: DatasetSpec, seed: int, shop: tt.Shop, shop_index: int, now: int) -> tt.ShopData:
    """Products, SKUs, orders and cancellations of one shop."""
    rng = random.Random(f"shopdata:{seed}:{shop.id}")
    data = tt.ShopData()
    id_base = 1_729_592_000_000_000_000 + shop_index * 10_000_000_000
    start = now - spec.days * DAY
    store_products = max(spec.store_product_count, 1)
    sellable: list[str] = []
    for p in range(spec.products_per_shop):
        product_id = str(id_base + p * 64)
        status = _weighted(rng, _PRODUCT_STATUS_MIX)
        created = start - rng.randrange(DAY, 180 * DAY)
        product = tt.Product(product_id, "", status, created, created + rng.randrange(0, 20 * DAY), [])
        base_index = p % store_products
        product.title = f"{_title(random.Random(f'title:{seed}:{base_index}'))} #{base_index}"
        for k in range(spec.skus_per_product):
            sku_id = str(id_base + p * 64 + 1 + k)
            if spec.store_product_count and rng.random() < spec.match_fraction:
                seller_sku = store_sku_code(base_index, k)
            else:
                seller_sku = f"TT-{shop.region}-{p:05d}-{k}"
            price = convert_from_usd(_base_price_usd(base_index, k, seed), shop.currency)
            inventory = {w: rng.randrange(0, 200) for w in shop.warehouse_ids}
            data.skus[sku_id] = tt.Sku(
                sku_id, product_id, seller_sku, price, COLORS[k % len(COLORS)], inventory
            )
            product.sku_ids.append(sku_id)
            if status == "ACTIVATE":
                sellable.append(sku_id)
        data.products[product_id] = product
    if sellable:
        _generate_orders(spec, rng, data, shop, shop_index, sellable, now)
    return data


def _status_for_age(rng: random.Random, age_days: float) -> str:
    for limit, mix in _STATUS_MIX_BY_AGE:
        if age_days < limit:
            return _weighted(rng, mix)
    return "COMPLETED"


def _generate_orders(
    spec: DatasetSpec,
    rng: random.Random,
    data: tt.ShopData,
    shop: tt.Shop,
    shop_index: int,
    sellable: list[str],
    now: int,
) -> None:
    start = now - spec.days * DAY
    create_times = sorted(rng.randrange(start, now) for _ in range(spec.orders_per_shop))
    order_base = 576_461_413_038_000_000 + shop_index * 10_000_000_000_000
    cancel_base = 4_035_318_504_086_000_000 + shop_index * 10_000_000_000_000
    shipping = format_amount(Decimal("4.99"), shop.currency) if shop.currency != "USD" else "4.99"
    free_shipping = format_amount(Decimal("0"), shop.currency)
    for n, created in enumerate(create_times):
        order_id = str(order_base + n * 1000)
        age_days = (now - created) / DAY
        status = _status_for_age(rng, age_days)
        distinct = rng.choice((1, 1, 1, 2, 2, 3))
        units: list[str] = []
        for _ in range(distinct):
            units.extend([rng.choice(sellable)] * rng.choice((1, 1, 1, 2, 3)))
        updated = min(now, created + int(rng.random() * min(age_days, 5.0) * DAY))
        order = tt.Order(
            id=order_id,
            create_time=created,
            update_time=updated,
            status=status,
            unit_sku_ids=tuple(units),
            unit_prices=tuple(data.skus[sku_id].sale_price for sku_id in units),
            buyer_user_id=str(7_494_845_267_308_000_000 + rng.randrange(0, 50_000)),
            shipping_fee=free_shipping if len(units) > 2 else shipping,
            warehouse_id=shop.warehouse_ids[0],
            paid_time=None if status == "UNPAID" else created + rng.randrange(5, 600),
        )
        _fulfillment_and_message(spec, shop.id, order)
        if status in ("IN_TRANSIT", "DELIVERED", "COMPLETED"):
            order.tracking_number = f"TT{order_base % 97:02d}{n:010d}"
        if status == "CANCELLED":
            initiator = rng.choice(("BUYER", "BUYER", "SELLER", "SYSTEM"))
            reasons = BUYER_CANCEL_REASONS if initiator == "BUYER" else SELLER_CANCEL_REASONS
            reason, text = rng.choice(reasons)
            order.cancellation_initiator, order.cancel_reason, order.cancel_time = initiator, text, updated
            cancel_id = str(cancel_base + n)
            data.cancellations[cancel_id] = tt.Cancellation(
                cancel_id,
                order_id,
                "BUYER_CANCEL" if initiator == "BUYER" else "CANCEL",
                "CANCELLATION_REQUEST_COMPLETE",
                initiator,
                reason,
                text,
                max(created, updated - 600),
                updated,
            )
        elif status in ("AWAITING_SHIPMENT", "AWAITING_COLLECTION") and (
            rng.random() < spec.pending_cancellation_fraction
        ):
            reason, text = rng.choice(BUYER_CANCEL_REASONS)
            requested = max(updated, now - rng.randrange(60, DAY))
            order.is_buyer_request_cancel, order.request_cancel_time = True, requested
            order.update_time = requested
            cancel_id = str(cancel_base + n)
            data.cancellations[cancel_id] = tt.Cancellation(
                cancel_id,
                order_id,
                "BUYER_CANCEL",
                "CANCELLATION_REQUEST_PENDING",
                "BUYER",
                reason,
                text,
                requested,
                requested,
                requested + 2 * DAY,
            )
        data.orders[order_id] = order


def _share(shop_id: str, order_id: str, what: str) -> float:
    """A stable number in [0, 1) per order: FBT orders and buyer messages are drawn without
    touching the main generator, so every other generated value stays what it was."""
    return zlib.crc32(f"{shop_id}:{what}:{order_id}".encode()) / 2**32


def _fulfillment_and_message(spec: DatasetSpec, shop_id: str, order: tt.Order) -> None:
    if _share(shop_id, order.id, "fbt") < spec.fbt_fraction:
        order.fulfillment_type = "FULFILLMENT_BY_TIKTOK"
    if _share(shop_id, order.id, "message") < spec.buyer_message_fraction:
        order.buyer_message = BUYER_MESSAGES[int(_share(shop_id, order.id, "which") * len(BUYER_MESSAGES))]


# --------------------------------------------------------------------------- SHOPLINE store


def generate_store(spec: DatasetSpec, seed: int, now: int, handle: str | None = None) -> sl.Store:
    handle = handle or spec.store_handle
    rng = random.Random(f"store:{seed}:{handle}")
    store = sl.Store(handle=handle, id=f"17{rng.randrange(10**14, 10**15)}", currency=spec.store_currency)
    prefix = rng.randrange(1000, 9999)
    main = sl.Location(f"64{prefix}{1:012d}", "Main warehouse", True)
    overflow = sl.Location(f"64{prefix}{2:012d}", "Overflow storage", False)
    store.locations = {main.id: main, overflow.id: overflow}
    codes = [
        store_sku_code(p, k) for p in range(spec.store_product_count) for k in range(spec.skus_per_product)
    ]
    ambiguous = int(len(codes) * spec.ambiguous_fraction)
    duplicate_of = {codes[-1 - i]: codes[i] for i in range(ambiguous) if len(codes) > 2 * i + 1}
    for p in range(spec.store_product_count):
        product_id = f"16{prefix}{p:018d}"
        created = now - rng.randrange(30 * DAY, 365 * DAY)
        title = f"{_title(random.Random(f'title:{seed}:{p}'))} #{p}"
        product = sl.Product(product_id, title, f"product-{p}", "active", created, created, [])
        for k in range(spec.skus_per_product):
            variant_id = f"18{prefix}{p:014d}{k:04d}"
            item_id = f"19{prefix}{p:014d}{k:04d}"
            code = store_sku_code(p, k)
            variant = sl.Variant(
                id=variant_id,
                product_id=product_id,
                inventory_item_id=item_id,
                sku=duplicate_of.get(code, code),
                price=format_amount(_base_price_usd(p, k, seed), store.currency),
                option1=COLORS[k % len(COLORS)],
                inventory_policy="continue" if rng.random() < 0.05 else "deny",
                created_at=created,
                updated_at=created,
            )
            store.variants[variant_id] = variant
            store.variant_by_item[item_id] = variant_id
            store.levels[(item_id, main.id)] = rng.randrange(0, 300)
            store.level_updated[(item_id, main.id)] = created
            if rng.random() < 0.2:
                store.levels[(item_id, overflow.id)] = rng.randrange(0, 50)
                store.level_updated[(item_id, overflow.id)] = created
            product.variant_ids.append(variant_id)
        store.products[product_id] = product
    if spec.store_orders:
        _generate_store_orders(spec, seed, store, now)
    return store


def _generate_store_orders(spec: DatasetSpec, seed: int, store: sl.Store, now: int) -> None:
    """Web orders of the store: mostly paid, some cancelled or unpaid, some discounted, buyers
    drawn from a small pool so that some order again."""
    rng = random.Random(f"storeorders:{seed}:{store.handle}")
    variant_ids = sorted(store.variants)
    if not variant_ids:
        return
    start = now - spec.days * DAY
    buyers = max(spec.store_orders // 3, 1)
    for n, created in enumerate(sorted(rng.randrange(start, now) for _ in range(spec.store_orders))):
        lines = []
        for k in range(rng.choice((1, 1, 2))):
            variant = store.variants[rng.choice(variant_ids)]
            quantity = rng.choice((1, 1, 2, 3))
            discount = Decimal(variant.price) * quantity * Decimal(rng.choice((0, 0, 0, 10))) / 100
            lines.append(
                sl.OrderLine(
                    f"{store.id[-6:]}{n:08d}{k:03d}",
                    variant.id,
                    variant.product_id,
                    variant.sku,
                    store.products[variant.product_id].title,
                    variant.price,
                    quantity,
                    None,
                    False,
                    format_amount(discount, store.currency),
                )
            )
        financial = _weighted(rng, (("paid", 85), ("unpaid", 10), ("partially_refunded", 5)))
        order = sl.Order(
            id=f"21{store.id[-6:]}{n:012d}",
            name=f"#{store.next_order_number}",
            created_at=created,
            updated_at=min(now, created + rng.randrange(0, 3 * DAY)),
            currency=store.currency,
            financial_status=financial,
            fulfillment_status="unshipped",
            lines=lines,
            payload={"customer": {"id": f"41{rng.randrange(buyers):010d}"}},
        )
        if rng.random() < 0.08:
            order.status, order.cancelled_at, order.cancel_reason = "cancelled", order.updated_at, "customer"
        store.next_order_number += 1
        store.orders[order.id] = order


def with_overrides(spec: DatasetSpec, **overrides: object) -> DatasetSpec:
    return replace(spec, **overrides)  # type: ignore[arg-type]
