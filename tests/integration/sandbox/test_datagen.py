"""The data generator is deterministic for a seed, realistic, and cheap enough at scale."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict

from sandbox.datagen import PRESETS, DatasetSpec, default_shops, generate_shop_data, generate_store
from sandbox.money import ZERO_DECIMAL_CURRENCIES

NOW = 1_795_000_000
SPEC = DatasetSpec(shops=2, products_per_shop=30, skus_per_product=3, orders_per_shop=400)


def snapshot(seed: int):
    shops = default_shops(SPEC, seed)
    data = [generate_shop_data(SPEC, seed, shop, i, NOW) for i, shop in enumerate(shops)]
    store = generate_store(SPEC, seed, NOW)
    return (
        [asdict(shop) for shop in shops],
        [[asdict(o) for o in d.orders.values()] for d in data],
        [[asdict(s) for s in d.skus.values()] for d in data],
        [(v.id, v.sku, v.price) for v in store.variants.values()],
        sorted(store.levels.items()),
    )


def test_same_seed_gives_identical_data():
    assert snapshot(3) == snapshot(3)


def test_different_seed_gives_different_data():
    assert snapshot(3) != snapshot(4)


def test_orders_span_30_days_with_a_realistic_status_mix():
    shop = default_shops(SPEC, 1)[0]
    data = generate_shop_data(SPEC, 1, shop, 0, NOW)
    times = [o.create_time for o in data.orders.values()]
    assert min(times) >= NOW - 30 * 86400 and max(times) < NOW
    statuses = Counter(o.status for o in data.orders.values())
    assert {"UNPAID", "AWAITING_SHIPMENT", "IN_TRANSIT", "DELIVERED", "COMPLETED", "CANCELLED"} <= set(
        statuses
    )
    assert statuses["COMPLETED"] > statuses["UNPAID"]
    pending = [c for c in data.cancellations.values() if c.status == "CANCELLATION_REQUEST_PENDING"]
    assert pending and all(data.orders[c.order_id].is_buyer_request_cancel for c in pending)


def test_prices_are_exact_decimal_strings_in_the_region_currency():
    for index, shop in enumerate(
        default_shops(DatasetSpec(shops=5, products_per_shop=5, orders_per_shop=5), 2)
    ):
        data = generate_shop_data(SPEC, 2, shop, index, NOW)
        for sku in data.skus.values():
            if shop.currency in ZERO_DECIMAL_CURRENCIES:
                assert sku.sale_price.isdigit()
            else:
                whole, _, cents = sku.sale_price.partition(".")
                assert whole.isdigit() and len(cents) == 2


def test_large_preset_is_cheap_enough():
    spec = PRESETS["large"]
    assert spec.orders_per_shop == 100_000 and spec.products_per_shop * spec.skus_per_product == 30_000
    shop = default_shops(spec, 0)[0]
    started = time.perf_counter()
    data = generate_shop_data(spec, 0, shop, 0, NOW)
    elapsed = time.perf_counter() - started
    assert len(data.orders) == 100_000 and len(data.skus) == 30_000
    assert elapsed < 15, elapsed
