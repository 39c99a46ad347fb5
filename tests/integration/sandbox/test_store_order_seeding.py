"""The store's own (web) orders the generator seeds: deterministic, over the spec's days, varied."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from decimal import Decimal

from sandbox.datagen import DAY, DatasetSpec, generate_store
from sandbox.shopline.render import order_json

NOW = 1_795_000_000
SPEC = DatasetSpec(shops=0, products_per_shop=20, skus_per_product=2, store_orders=300)


def test_store_orders_are_seeded_only_when_asked_and_deterministically() -> None:
    assert generate_store(DatasetSpec(products_per_shop=5), 1, NOW).orders == {}
    first = [asdict(o) for o in generate_store(SPEC, 7, NOW).orders.values()]
    assert first == [asdict(o) for o in generate_store(SPEC, 7, NOW).orders.values()]
    assert first != [asdict(o) for o in generate_store(SPEC, 8, NOW).orders.values()]
    # The catalog is the one an unseeded store of the same spec has.
    plain = generate_store(DatasetSpec(shops=0, products_per_shop=20, skus_per_product=2), 7, NOW)
    assert plain.variants == generate_store(SPEC, 7, NOW).variants


def test_store_orders_mix_statuses_buyers_and_discounts() -> None:
    store = generate_store(SPEC, 7, NOW)
    orders = list(store.orders.values())
    assert len(orders) == 300
    assert all(NOW - SPEC.days * DAY <= o.created_at <= o.updated_at <= NOW for o in orders)
    financial = Counter(o.financial_status for o in orders)
    assert financial["paid"] > 200 and financial["unpaid"] > 10
    assert 5 < sum(o.status == "cancelled" for o in orders) < 60
    buyers = Counter(o.payload["customer"]["id"] for o in orders)
    assert any(n >= 2 for n in buyers.values())
    rendered = [order_json(store, o) for o in orders]
    discounted = [r for r in rendered if Decimal(r["total_discounts"]) > 0]
    assert discounted and all(r["line_items"] and r["note_attributes"] == [] for r in rendered)
    for body in discounted:
        allocated = sum(
            Decimal(a["amount"]) for line in body["line_items"] for a in line["discount_allocations"]
        )
        assert allocated == Decimal(body["total_discounts"])
